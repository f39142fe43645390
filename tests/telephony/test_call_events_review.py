"""The shift review and the case view say where a case's clocks come from (issue 15): the phone, or typed."""

# ruff: noqa: F811  (fixtures imported from tests/server/conftest.py)
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.models import Case
from app.services.records.documents import case_to_doc
from app.services.regulation import case_view
from app.services.supervision import shift_review
from tests.server.conftest import (  # noqa: F401  (fixtures)
    app, auth, case_body, client, db_url, password_hash, sessions, token_for, users,
)

T0 = datetime(2024, 1, 18, 9, 14, tzinfo=timezone.utc)


def report(call_id: str, event: str, seconds: float, **extra) -> dict:
    return {"call_id": call_id, "event": event, "at": (T0 + timedelta(seconds=seconds)).isoformat(),
            "number": "0612345678", **extra}


def test_review_shows_the_call_times_per_case_and_typed_cases(client, auth, case_body, sessions):
    arm, mru = auth("ARM"), auth("MRU")
    phone, typed = case_body(uuid="11111111-1111-4111-8111-111111111111"), case_body()
    typed["answered_at"] = "2024-01-18T10:15:10+01:00"  # reception 10:14:30 typed: 40 s
    for body in (phone, typed):
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=arm).status_code == 201
    client.post("/api/v1/calls/events", headers=arm, json=report("c-1", "presented", 0))
    client.post("/api/v1/calls/events", headers=arm, json=report("c-1", "answered", 12, case_id=phone["uuid"]))
    client.post("/api/v1/calls/events", headers=arm, json=report("c-1", "transferred", 90, target="mru"))
    client.post("/api/v1/calls/events", headers=mru, json=report("c-1", "handed_over", 100))
    with sessions() as s:
        rows = {r.uuid: r for r in shift_review.load_review(s, T0 - timedelta(hours=1), T0 + timedelta(hours=1))}
    by_phone, by_hand = rows[phone["uuid"]], rows[typed["uuid"]]
    assert by_phone.call is not None
    assert (by_phone.call.presented, by_phone.call.answered) == (T0, T0 + timedelta(seconds=12))
    assert by_phone.call.wait_s == 12.0 and not by_phone.call.abandoned
    assert [(e, at - T0) for e, at, _target in by_phone.call.transfers] == [
        ("transferred", timedelta(seconds=90)), ("handed_over", timedelta(seconds=100))]
    assert by_phone.answer_text == "0:12 (téléphone, transféré)"
    assert "décroché" in by_phone.call.text() and "attente 0:12" in by_phone.call.text()
    assert by_hand.call is None and by_hand.answer_text == "0:40 (saisi)"


def test_case_view_says_typed_clocks(sessions, client, auth, case_body):
    body = case_body()
    client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    with sessions() as s:
        doc = case_to_doc(s.get(Case, body["uuid"]))
    view = case_view.build(doc, events=[], orientations=[], holder=None, earlier=[], role="ARM", username="arm",
                           now=T0)
    assert (view.clock_source, view.clock_note) == ("typed", "heures saisies à la main")
    phone = case_view.build(doc, events=[], orientations=[], holder=None, earlier=[], role="ARM", username="arm",
                            now=T0, clock_source="phone")
    assert (phone.clock_source, phone.clock_note) == ("phone", "")
