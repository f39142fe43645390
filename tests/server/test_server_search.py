"""Ranked search through the API: groups, phone rows, filters, default radius, reasons, freshness."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from app.models import ConsultationSite, Effecteur, Slot

SEARCH = "/api/v1/slots/search"
LAT, LON = 48.5834, 7.7455
TRAITANT_RPPS = "10000000001"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def room(sessions):
    """Four effecteurs north of the patient: a non-SAS doctor (near), a SAS one (farther),
    one with no slot who accepts patients en sus, one with no slot who does not."""
    soon = _now() + timedelta(hours=1)
    people = [  # id, dlat, rpps, sas, extra, slots (hours from soon, mode)
        ("near", 0.01, TRAITANT_RPPS, False, False, [(0, "AMB"), (6, "HH")]),
        ("sas", 0.03, None, True, False, [(2, "AMB"), (30, "VR")]),
        ("extra", 0.02, None, False, True, []),
        ("silent", 0.015, None, False, False, []),
    ]
    ids: dict[str, list[int]] = {}
    with sessions() as s:
        for name, dlat, rpps, sas, extra, slots in people:
            s.add(Effecteur(id=f"e-{name}", kind="MG", name=f"Dr {name}", rpps_id=rpps, phone="+33388000000",
                            sas_participant=sas, accepts_extra=extra, specialty_code="SM54"))
            s.add(ConsultationSite(id=f"s-{name}", effecteur_id=f"e-{name}", name=name, address="1 rue",
                                   city_name="Strasbourg", city_insee_code="67482", lat=LAT + dlat, lon=LON))
            s.flush()
            rows = [Slot(site_id=f"s-{name}", effecteur_id=f"e-{name}", start=soon + timedelta(hours=h),
                         end=soon + timedelta(hours=h, minutes=20), mode=mode, source="demo", fetched_at=_now())
                    for h, mode in slots]
            s.add_all(rows)
            s.flush()
            ids[name] = [r.id for r in rows]
        s.commit()
    return ids


def _search(client, auth, **params):
    return client.get(SEARCH, params={"lat": LAT, "lon": LON, "radius_km": 10, **params}, headers=auth("OSNP"))


def test_sas_participants_first_then_others_then_phone_rows(client, auth, room):
    body = _search(client, auth).json()
    assert [r["slot_id"] for r in body["results"]] == room["sas"] + room["near"]
    assert [r["group"] for r in body["results"]] == ["sas", "sas", "autres", "autres"]
    assert [c["effecteur"]["id"] for c in body["to_call"]] == ["e-extra"]
    assert body["to_call"][0]["group"] == "a_appeler" and body["to_call"][0]["effecteur"]["phone"]
    assert body["empty_reason"] is None and body["stale_count"] == 0


def test_the_medecin_traitant_comes_first(client, auth, room):
    body = _search(client, auth, practitioner=TRAITANT_RPPS).json()
    assert [r["slot_id"] for r in body["results"]] == room["near"] + room["sas"]
    assert body["results"][0]["group"] == "medecin_traitant"


def test_filters_as_query_parameters(client, auth, room):
    assert [r["slot_id"] for r in _search(client, auth, mode=["HH"]).json()["results"]] == room["near"][1:]
    assert [r["slot_id"] for r in _search(client, auth, window=["0-4"]).json()["results"]] == \
        room["sas"][:1] + room["near"][:1]
    assert [r["slot_id"] for r in _search(client, auth, sas_only=True).json()["results"]] == room["sas"]
    assert _search(client, auth, en_sus=True).json()["results"] == []
    assert _search(client, auth, structure=["sos"]).json()["effecteurs_in_radius"] == 0
    assert _search(client, auth, specialty=["SM54"], profession=["medecin"]).json()["total"] == 4


@pytest.mark.parametrize("params, field", [
    ({"window": "5-6"}, "window.0"),
    ({"mode": "CAR"}, "mode.0"),
    ({"practitioner": "123"}, "practitioner"),
    ({"structure": "hopital"}, "structure.0"),
    ({"insee": "ABCDE"}, "insee"),
])
def test_bad_filters_are_named(client, auth, params, field):
    response = _search(client, auth, **params)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == [field]


def test_default_radius_comes_from_the_departement_table(client, auth, room):
    params = {"lat": LAT, "lon": LON}
    paris = client.get(SEARCH, params={**params, "insee": "75056"}, headers=auth("OSNP")).json()
    assert (paris["radius_km"], paris["next_radius_km"]) == (5, 8)
    lozere = client.get(SEARCH, params={**params, "departement": "48"}, headers=auth("OSNP")).json()
    assert (lozere["radius_km"], lozere["next_radius_km"]) == (50, 75)


def test_empty_answers_say_why_and_offer_the_wider_radius(client, auth, room):
    nobody = _search(client, auth, radius_km=0.5).json()
    assert nobody["empty_reason"] == "no_effecteur" and "élargissez" in nobody["message"]
    later = (_now() + timedelta(days=10)).isoformat()
    no_slot = _search(client, auth, start=later).json()
    assert no_slot["empty_reason"] == "no_free_slot"
    assert no_slot["effecteurs_in_radius"] == 4 and "4 effecteur(s)" in no_slot["message"]


def test_a_booked_slot_disappears_from_the_next_search(client, auth, room, sessions, slot_decision):
    first = room["sas"][0]
    case_uuid, decision = slot_decision()
    booked = client.post(f"/api/v1/slots/{first}/booking", headers=auth("OSNP"),
                         json={"orientation_id": decision, "case_id": case_uuid})
    assert booked.status_code == 201
    assert first not in [r["slot_id"] for r in _search(client, auth).json()["results"]]
    with sessions() as s:  # booked by another server process: the database decides
        s.execute(update(Slot).where(Slot.id == room["near"][0]).values(status="booked"))
        s.commit()
    assert [r["slot_id"] for r in _search(client, auth).json()["results"]] == room["sas"][1:] + room["near"][1:]


def test_old_editor_slots_are_marked_stale(client, auth, room, sessions):
    with sessions() as s:
        s.execute(update(Slot).where(Slot.id == room["near"][0]).values(
            source="doctolib", fetched_at=_now() - timedelta(minutes=20)))
        s.execute(update(Slot).where(Slot.id == room["near"][1]).values(source="doctolib", fetched_at=_now()))
        s.commit()
        # A changed row does not change the highest id: add a slot so the index reloads.
        s.add(Slot(site_id="s-silent", effecteur_id="e-silent", start=_now() + timedelta(days=5),
                   end=_now() + timedelta(days=5, minutes=20), source="demo"))
        s.commit()
    body = _search(client, auth).json()
    stale = {r["slot_id"]: r["stale"] for r in body["results"]}
    assert stale[room["near"][0]] is True and stale[room["near"][1]] is False
    assert body["stale_count"] == 1


def test_a_cancelled_booking_puts_the_slot_back_in_the_search(client, auth, room, slot_decision):
    first = room["sas"][0]
    case_uuid, decision = slot_decision()
    assert client.post(f"/api/v1/slots/{first}/booking", headers=auth("OSNP"),
                       json={"orientation_id": decision, "case_id": case_uuid}).status_code == 201
    assert first not in [r["slot_id"] for r in _search(client, auth).json()["results"]]
    assert client.delete(f"/api/v1/slots/bookings/{case_uuid}", headers=auth("OSNP")).status_code == 200
    assert first in [r["slot_id"] for r in _search(client, auth).json()["results"]]
