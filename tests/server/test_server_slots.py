"""Slot search (distance order, radius, window, validation) and booking (201/200/409/404)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.models import JournalEntry, Slot
from app.server.run import EmbeddedServer

SEARCH = "/api/v1/slots/search"
LAT, LON = 48.5834, 7.7455
# Sites due north of the centre: 1° of latitude is about 111.2 km.
NEAR, MID, FAR = LAT + 0.01, LAT + 0.05, LAT + 0.30  # ~1.1 km, ~5.6 km, ~33 km


def _now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def territory(add_slot):
    """Free slots at three distances, plus slots that must never show in a default search."""
    soon = _now() + timedelta(hours=2)
    ids = {
        "mid": add_slot(site="mid", lat=MID, lon=LON, start=soon),
        "near_late": add_slot(site="near", lat=NEAR, lon=LON, start=soon + timedelta(hours=5)),
        "near": add_slot(site="near", lat=NEAR, lon=LON, start=soon),
        "far": add_slot(site="far", lat=FAR, lon=LON, start=soon),
        "beyond_72h": add_slot(site="near", lat=NEAR, lon=LON, start=_now() + timedelta(hours=80)),
        "past": add_slot(site="near", lat=NEAR, lon=LON, start=_now() - timedelta(hours=3)),
        "booked": add_slot(site="near", lat=NEAR, lon=LON, start=soon, status="booked"),
    }
    return ids


def _search(client, auth, **params):
    params = {"lat": LAT, "lon": LON, "radius_km": 10, **params}
    return client.get(SEARCH, params=params, headers=auth("OSNP"))


def test_search_nearest_first_within_radius_and_72h(client, auth, territory):
    response = _search(client, auth)
    assert response.status_code == 200
    body = response.json()
    ids = [r["slot_id"] for r in body["results"]]
    assert ids == [territory["near"], territory["near_late"], territory["mid"]]
    assert body["total"] == 3
    first = body["results"][0]
    assert 1.0 < first["distance_km"] < 1.3
    assert first["effecteur"] == {
        "id": "eff-near", "name": "Dr near", "kind": "MG", "lat": NEAR, "lon": LON, "phone": "+33388000000",
        "address": "1 rue du Test", "city_name": "Strasbourg", "sas_participant": True, "accepts_extra": False,
        "rpps_id": None, "specialty_code": None,
    }
    assert {k for k in first} == {"slot_id", "start", "end", "mode", "slot_type", "source", "fetched_at",
                                  "distance_km", "effecteur", "group", "stale", "editor", "age_s", "booking"}
    assert (first["editor"], first["age_s"], first["booking"]) == (None, None, "local")  # no editors' registry
    assert first["group"] == "sas"
    assert first["stale"] is True  # an editor slot never fetched cannot be shown as live
    assert datetime.fromisoformat(first["start"]).tzinfo is not None


def test_search_by_kind(client, auth, territory):
    assert _search(client, auth, kind=["MG"]).json()["total"] == 3
    assert _search(client, auth, kind=["PHARM", "INF"]).json()["total"] == 0
    bad = _search(client, auth, kind=["PIZZA"])
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "kind.0"


def test_search_radius_and_limit(client, auth, territory):
    wide = _search(client, auth, radius_km=50).json()
    assert [r["slot_id"] for r in wide["results"]][-1] == territory["far"]
    assert wide["total"] == 4
    limited = _search(client, auth, radius_km=50, limit=2).json()
    assert len(limited["results"]) == 2
    assert limited["total"] == 4
    empty = _search(client, auth, radius_km=0.5).json()
    assert (empty["results"], empty["total"], empty["to_call"]) == ([], 0, [])
    assert empty["empty_reason"] == "no_effecteur"
    assert "0,5 km" in empty["message"]


def test_search_explicit_window(client, auth, territory):
    start = _now() + timedelta(hours=79)
    response = _search(client, auth, start=start.isoformat(), end=(start + timedelta(hours=2)).isoformat())
    assert [r["slot_id"] for r in response.json()["results"]] == [territory["beyond_72h"]]
    # Only a start: the window is start → start + 72 h.
    response = _search(client, auth, start=(_now() + timedelta(hours=6.5)).isoformat())
    assert [r["slot_id"] for r in response.json()["results"]] == [territory["near_late"]]
    response = _search(client, auth, start=(_now() + timedelta(hours=9)).isoformat())
    assert [r["slot_id"] for r in response.json()["results"]] == [territory["beyond_72h"]]


def test_search_accepts_an_unencoded_plus_in_the_offset(client, auth, territory):
    start = (_now() + timedelta(hours=79)).astimezone(timezone(timedelta(hours=1))).replace(microsecond=0)
    url = f"{SEARCH}?lat={LAT}&lon={LON}&radius_km=10&start={start.isoformat()}"
    assert "+01:00" in url
    response = client.get(url, headers=auth("MRL"))
    assert response.status_code == 200, response.json()
    assert [r["slot_id"] for r in response.json()["results"]] == [territory["beyond_72h"]]


@pytest.mark.parametrize("params, field", [
    ({"lat": 91}, "lat"),
    ({"lon": -181}, "lon"),
    ({"lat": "nord"}, "lat"),
    ({"radius_km": 0}, "radius_km"),
    ({"radius_km": 200.5}, "radius_km"),
    ({"limit": 0}, "limit"),
    ({"limit": 501}, "limit"),
    ({"start": "2024-01-18T10:00:00"}, "start"),
    ({"start": "demain"}, "start"),
    ({"end": "2024-01-18T10:00:00+01:00", "start": "2024-01-18T12:00:00+01:00"}, "end"),
])
def test_search_validation_names_the_parameter(client, auth, params, field):
    response = _search(client, auth, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation"
    assert [f["field"] for f in body["fields"]] == [field]
    assert body["fields"][0]["message"]


def test_search_requires_the_point(client, auth):
    response = client.get(SEARCH, params={"radius_km": 5}, headers=auth("ARM"))
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["fields"]} == {"lat", "lon"}


# --- booking ----------------------------------------------------------------------------------

def _book(client, auth, slot_id, decision: tuple[str, str], role="OSNP"):
    case_uuid, orientation_id = decision
    return client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth(role),
                       json={"orientation_id": orientation_id, "case_id": case_uuid})


def test_booking_201_then_replay_200_then_409(client, auth, add_slot, sessions, slot_decision):
    slot_id = add_slot()
    mine, other = slot_decision(), slot_decision()
    first = _book(client, auth, slot_id, mine)
    assert first.status_code == 201
    body = first.json()
    assert (body["slot_id"], body["orientation_id"], body["status"]) == (slot_id, mine[1], "booked")
    assert (body["orientation"]["slot_id"], body["orientation"]["effecteur_id"]) == (slot_id, "eff-site-1")
    replay = _book(client, auth, slot_id, mine, role="MRL")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    taken = _book(client, auth, slot_id, other)
    assert taken.status_code == 409
    assert taken.json() == {"error": "slot_taken", "message": "Créneau déjà pris"}

    with sessions() as s:
        slot = s.get(Slot, slot_id)
        assert (slot.status, slot.booked_orientation_uuid) == ("booked", mine[1])
        entries = s.scalars(select(JournalEntry).where(JournalEntry.kind == "booking")).all()
    assert [(e.kind, e.uuid, e.author, e.author_role) for e in entries] == [("booking", mine[1], "osnp", "OSNP")]
    assert entries[0].payload["slot_id"] == slot_id
    assert entries[0].payload["effecteur_id"] == "eff-site-1"


def test_booking_unknown_slot_is_404(client, auth, slot_decision):
    response = _book(client, auth, 424242, slot_decision())
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_one_case_cannot_hold_two_slots(client, auth, add_slot, slot_decision):
    first, second = add_slot(), add_slot(start=_now() + timedelta(hours=3))
    decision = slot_decision()
    assert _book(client, auth, first, decision).status_code == 201
    response = _book(client, auth, second, decision)
    assert response.status_code == 409
    assert response.json()["error"] == "already_booked"
    assert str(first) in response.json()["message"]


@pytest.mark.parametrize("url, body, field", [
    ("/api/v1/slots/1/booking", {"orientation_id": "pas-un-uuid", "case_id": str(uuid.uuid4())}, "orientation_id"),
    ("/api/v1/slots/1/booking", {"orientation_id": str(uuid.uuid4())}, "case_id"),
    ("/api/v1/slots/abc/booking", {"orientation_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())}, "slot_id"),
    ("/api/v1/slots/99999999999999999999/booking",
     {"orientation_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())}, "slot_id"),
])
def test_booking_validation(client, auth, url, body, field):
    response = client.post(url, json=body, headers=auth("MRU"))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == [field]


def test_concurrent_bookings_of_one_slot_give_exactly_one_201(db_url, auth, add_slot, slot_decision):
    """Twelve desks click the same slot at once for twelve cases, through a real server: one wins."""
    slot_id = add_slot()
    headers = auth("OSNP")
    n = 12
    decisions = [slot_decision() for _ in range(n)]
    barrier = threading.Barrier(n)
    results: list[tuple[str, int, dict]] = []
    lock = threading.Lock()

    def desk(base_url: str, decision: tuple[str, str]) -> None:
        case_uuid, orientation = decision
        with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as http:
            barrier.wait()
            response = http.post(f"/api/v1/slots/{slot_id}/booking", headers=headers,
                                 json={"orientation_id": orientation, "case_id": case_uuid})
        with lock:
            results.append((orientation, response.status_code, response.json()))

    with EmbeddedServer(db_url) as server:
        threads = [threading.Thread(target=desk, args=(server.url, d)) for d in decisions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    winners = [r for r in results if r[1] == 201]
    assert len(winners) == 1
    assert sorted(code for _, code, _ in results) == [201] + [409] * (n - 1)
    assert all(body["error"] == "slot_taken" for _, code, body in results if code == 409)
    with EmbeddedServer(db_url) as server, httpx.Client(base_url=server.url, trust_env=False) as http:
        entries = http.get("/api/v1/journal", headers=headers).json()["entries"]
    assert [(e["kind"], e["uuid"]) for e in entries if e["kind"] == "booking"] == [("booking", winners[0][0])]
