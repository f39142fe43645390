"""Matching appointments to the case that searched for them, the two worklists, and the stats they feed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.interop.hub import envelope
from tests.helpers.databases import BACKENDS
from tests.hub_appointments.conftest import REGULATOR, appointment, before, sample

PRACTITIONER = "810005681340"  # the practitioner of the PS samples (IDNPS = 8 + RPPS)


def _worklist(client, auth, name: str, role: str = "MRL") -> list[dict]:
    response = client.get("/api/v1/appointments", params={"worklist": name}, headers=auth(role))
    assert response.status_code == 200, response.json()
    return response.json()["appointments"]


def _journal_actions(client, auth) -> list[str]:
    entries = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
    return [e["payload"]["action"] for e in entries if e["kind"] == "appointment"]


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_single_matching_search_attaches_and_a_cancellation_asks_to_call_back(
        client, auth, post, new_case, search_event, link_regulator):
    link_regulator("OSNP")
    case = new_case(callback_phone="+33699887766")
    other = new_case()
    booked = appointment("PS.01")
    search_event(case, before(booked, 20), ["8100099", PRACTITIONER])
    search_event(other, before(booked, 25), ["8100099"])  # another case, other effecteurs shown
    assert post(booked).status_code == 200
    assert _worklist(client, auth, "unattached") == [] and _worklist(client, auth, "followup") == []

    cancelled = {**sample("PS.01-MAJ"), "appointmentId": booked["appointmentId"]}
    assert post(cancelled).status_code == 200
    [item] = _worklist(client, auth, "followup")
    assert item["status"] == "cancelled" and item["case"]["uuid"] == case
    assert item["case"]["phone"] == "+33699887766" and item["attach_method"] == "auto"
    done = client.post(f"/api/v1/appointments/{item['uuid']}/followed-up", headers=auth("OSNP"))
    assert done.status_code == 200 and done.json()["followed_up_by"] == "osnp"
    assert _worklist(client, auth, "followup") == []
    assert client.post(f"/api/v1/appointments/{item['uuid']}/followed-up", headers=auth("MRL")).status_code == 200
    assert _journal_actions(client, auth) == ["received", "attached", "updated", "followed_up"]


def test_two_matching_cases_leave_it_unattached_until_a_regulator_chooses(
        client, auth, post, new_case, search_event):
    first, second, third = new_case(), new_case(), new_case()
    booked = appointment("PS.01")
    search_event(first, before(booked, 90), [PRACTITIONER])
    search_event(second, before(booked, 10), [PRACTITIONER], role="MRL")
    search_event(third, before(booked, 180), [PRACTITIONER])  # too long before the booking
    assert post(booked).status_code == 200
    [item] = _worklist(client, auth, "unattached")
    assert [c["case"]["uuid"] for c in item["candidates"]] == [second, first]  # latest search first
    assert item["candidates"][0]["reason"] == "search" and item["case"] is None

    url = f"/api/v1/appointments/{item['uuid']}/attach"
    unknown = client.post(url, json={"case_uuid": "00000000-0000-4000-8000-000000000000"}, headers=auth("MRL"))
    assert unknown.status_code == 422 and unknown.json()["fields"][0]["field"] == "case_uuid"
    assert client.post("/api/v1/appointments/nope/attach", json={"case_uuid": first},
                       headers=auth("MRL")).status_code == 404
    attached = client.post(url, json={"case_uuid": first}, headers=auth("MRL"))
    assert attached.status_code == 200 and attached.json()["case"]["uuid"] == first
    assert attached.json()["attached_by"] == "mrl" and attached.json()["attach_method"] == "manual"
    assert client.post(url, json={"case_uuid": first}, headers=auth("OSNP")).status_code == 200  # replay
    assert client.post(url, json={"case_uuid": second}, headers=auth("OSNP")).status_code == 409
    assert _worklist(client, auth, "unattached") == []
    assert client.post(f"/api/v1/appointments/{item['uuid']}/followed-up",
                       headers=auth("MRL")).status_code == 409  # booked: nobody to call back


def test_only_the_searches_of_the_booking_regulator_count(client, auth, post, new_case, search_event, link_regulator):
    link_regulator("OSNP")
    link_regulator("MRL", "3620100099/99999SR")
    mine, theirs = new_case(), new_case()
    booked = appointment("PS.01")
    search_event(theirs, before(booked, 5), [PRACTITIONER], role="MRL")
    search_event(mine, before(booked, 30), [PRACTITIONER], role="OSNP")
    assert post(booked).status_code == 200
    assert _worklist(client, auth, "unattached") == []
    cancel = {**sample("PS.01-MAJ"), "appointmentId": booked["appointmentId"]}
    assert post(cancel).status_code == 200
    assert [i["case"]["uuid"] for i in _worklist(client, auth, "followup")] == [mine]
    assert REGULATOR == booked["regulator"]["regulatorId"]


def test_an_orientation_on_the_same_slot_attaches_and_a_noshow_feeds_the_stats(
        client, auth, post, new_case, orientation_body):
    case = new_case()
    booked = appointment("PS.01")
    start = envelope.parse_hub_time(booked["start"])
    body = orientation_body(case, decision_key="CONSULTATION_48H", decision_type="ORIENT",
                            effecteur_id=PRACTITIONER, effecteur_name="Dr Didier MOREL",
                            appointment_start=start.isoformat(),
                            appointment_end=(start + timedelta(minutes=20)).isoformat())
    assert client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("MRL")).status_code == 201
    assert post(booked).status_code == 200
    noshow = {**booked, "method": "UpdateAppointment", "status": "noshow"}
    assert post(noshow).status_code == 200
    [item] = _worklist(client, auth, "followup", role="SUPERVISEUR")
    assert item["case"]["uuid"] == case and item["status"] == "noshow"
    stats = client.get("/api/v1/stats", params={"start": "2024-01-18T00:00:00+01:00",
                                                "end": "2024-01-19T00:00:00+01:00"}, headers=auth("SUPERVISEUR"))
    assert stats.status_code == 200, stats.json()
    assert stats.json()["no_show_rate"] == 1.0 and stats.json()["cancellation_rate"] == 0.0


def test_a_pending_sos_appointment_is_attached_when_its_effecteur_becomes_known(
        client, auth, post, new_case, search_event):
    case = new_case()
    pending = appointment("SOS.01")
    update = {**sample("SOS.01-MAJ"), "appointmentId": pending["appointmentId"]}
    search_event(case, before(pending, 15), [update["organization"]["organizationId"]])
    assert post(pending).status_code == 200
    [item] = _worklist(client, auth, "unattached")
    assert item["candidates"] == []  # no practitioner nor organization yet: nothing to match on
    assert post(update).status_code == 200
    assert _worklist(client, auth, "unattached") == []
