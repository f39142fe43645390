"""The console's reading of the live agendas contract (issue 14), without Qt: refusals, tolerant parsing, late slots.

An older server sends none of the new fields, and a newer one may send more: the desk must read both.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from app.services.desk import live_agendas
from app.services.sync.api_client import (
    ApiClient, Conflict, EditorUnavailable, PhoneConfirmationRequired, ServerError, SlotTaken, SlotTakenAtEditor,
    error_from,
)


def test_the_editors_refusals_become_their_own_errors_with_the_servers_french_message():
    taken = error_from(409, {"error": "slot_taken_at_editor", "message": "Pris dans l'agenda Doctolib."})
    assert isinstance(taken, SlotTakenAtEditor) and isinstance(taken, SlotTaken)
    assert taken.message == "Pris dans l'agenda Doctolib."
    for status in (502, 503):
        down = error_from(status, {"error": "editor_unavailable", "message": "Doctolib ne répond pas."})
        assert isinstance(down, EditorUnavailable) and not isinstance(down, ServerError)
        assert down.message == "Doctolib ne répond pas." and down.status == status
    phone = error_from(409, {"error": "phone_confirmation_required", "message": "Appelez."})
    assert isinstance(phone, PhoneConfirmationRequired) and isinstance(phone, Conflict)
    assert type(error_from(409, {"error": "slot_taken"})) is SlotTaken
    crash = error_from(503, {"error": "internal", "message": "Traceback…"})
    assert isinstance(crash, ServerError) and "Traceback" not in crash.message


def test_missing_editors_and_slot_fields_are_read_leniently():
    assert live_agendas.missing_editors({}) == []  # an older server
    assert live_agendas.missing_editors({"missing_editors": "Maiia"}) == []
    assert live_agendas.missing_editors({"missing_editors": [
        {"editor": " Maiia ", "reason": "délai de réponse dépassé"}, {"editor": "Keldoc"}, {"reason": "x"}, 3,
        {"editor": "", "reason": "erreur"}]}) == [
        {"editor": "Maiia", "reason": "délai de réponse dépassé"}, {"editor": "Keldoc", "reason": ""}]
    assert live_agendas.booking_mode({}) == "local" and live_agendas.booking_mode({"booking": "fax"}) == "local"
    assert live_agendas.booking_mode({"booking": "phone"}) == "phone"
    assert live_agendas.age_of({"age_s": None}) is None and live_agendas.age_of({"age_s": True}) is None
    assert live_agendas.age_of({"age_s": 90}) == 90.0 and live_agendas.age_minutes(90) == 1


def test_a_slots_entry_concerns_a_search_by_its_effecteurs_or_a_missing_editor():
    results = [{"effecteur": {"id": "eff-1"}}]
    missing = [{"editor": "Maiia", "reason": ""}]

    def slots(editors, ids, kind="slots"):
        return [{"kind": kind, "payload": {"editors": editors, "effecteur_ids": ids}}]

    assert live_agendas.concerns_search(slots(["Doctolib"], ["eff-1"]), results, missing)
    assert live_agendas.concerns_search(slots(["Maiia"], []), results, missing)
    assert not live_agendas.concerns_search(slots(["Doctolib"], ["eff-9"]), results, missing)
    assert not live_agendas.concerns_search(slots(["Maiia"], ["eff-1"], kind="case"), results, missing)
    assert not live_agendas.concerns_search([{"kind": "slots", "payload": None}], results, missing)


def test_confirmed_by_phone_is_sent_only_when_true_so_older_servers_still_book():
    bodies: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201, json={"slot_id": 7, "orientation_id": "o", "status": "booked"})

    async def book() -> None:
        async with ApiClient("http://server", transport=httpx.MockTransport(answer)) as client:
            await client.book_slot(7, "o", "c")
            await client.book_slot(7, "o", "c", confirmed_by_phone=True)

    asyncio.run(book())
    assert bodies == [{"orientation_id": "o", "case_id": "c", "rebook": False},
                      {"orientation_id": "o", "case_id": "c", "rebook": False, "confirmed_by_phone": True}]
