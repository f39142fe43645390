"""RS-SAS-RDV through ``POST /api/v1/hub/messages``: official samples, sequencing, refusals, roles."""

from __future__ import annotations

import pytest

from app.services.interop.hub import envelope
from tests.hub_appointments.conftest import PLATFORM, US, appointment, error_code, sample, samples, wrap


def _journal(client, auth) -> list[dict]:
    return client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]


def _unattached(client, auth) -> list[dict]:
    response = client.get("/api/v1/appointments", params={"worklist": "unattached"}, headers=auth("SUPERVISEUR"))
    assert response.status_code == 200, response.json()
    return response.json()["appointments"]


@pytest.mark.parametrize("path", samples("RS-SAS-RDV"), ids=lambda p: p.stem)
def test_every_official_sample_is_stored_and_acknowledged(client, auth, post, path):
    payload = sample(path.stem.rsplit("_", 1)[-1])
    sent = wrap(payload)
    response = client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB"))
    assert response.status_code == 200, response.json()
    answer = envelope.read_envelope(response.json())
    assert answer.kind == "Ack" and answer.payload["distributionID"] == sent["distributionID"]
    assert answer.sender_id == US and answer.recipient == PLATFORM
    [stored] = _unattached(client, auth)  # no case searched these effecteurs: nobody to attach to
    assert stored["appointment_id"] == payload["appointmentId"]
    assert stored["status"] == payload["status"] and stored["regulator_id"] == payload["regulator"]["regulatorId"]
    assert stored["practitioner_id"] == (payload.get("practitioner") or {}).get("rppsId")
    [entry] = [e for e in _journal(client, auth) if e["kind"] == "appointment"]
    assert entry["payload"]["appointment_id"] == payload["appointmentId"]


def test_a_repeated_creation_is_refused_with_701_and_changes_nothing(client, auth, post):
    payload = appointment("PS.01")
    assert post(payload).status_code == 200
    entries = _journal(client, auth)
    again = post({**payload, "status": "cancelled"})
    assert again.status_code == 400 and error_code(again) == 701
    error = envelope.read_envelope(again.json()).payload
    assert error["errorCode"]["statusString"] == "CASE_ALREADY_EXISTS"
    assert _journal(client, auth) == entries
    assert [a["status"] for a in _unattached(client, auth)] == ["booked"]


def test_an_update_of_an_unknown_appointment_is_a_creation(client, auth, post):
    update = appointment("PS.01-MAJ")
    assert post(update).status_code == 200
    [stored] = _unattached(client, auth)
    assert stored["appointment_id"] == update["appointmentId"] and stored["status"] == "cancelled"
    creation = {**update, "method": "CreateAppointment", "status": "booked"}
    assert error_code(post(creation)) == 701  # the creation arriving late is still a second creation


def test_updates_change_the_status_and_a_replay_changes_nothing_twice(client, auth, post):
    created = appointment("SOS.01")
    assert post(created).status_code == 200
    update = {**sample("SOS.01-MAJ"), "appointmentId": created["appointmentId"]}
    assert post(update).status_code == 200
    [stored] = _unattached(client, auth)
    assert stored["status"] == "fulfilled" and stored["organization_id"] == update["organization"]["organizationId"]
    assert "VIGNEAU" in stored["effecteur_name"]
    entries = len(_journal(client, auth))
    assert post(update).status_code == 200
    assert len(_journal(client, auth)) == entries


@pytest.mark.parametrize("breakage", ["no regulator", "bad status", "bad time"])
def test_an_invalid_appointment_is_refused_with_300_and_nothing_is_stored(client, auth, post, breakage):
    payload = appointment("PS.01")
    if breakage == "no regulator":
        del payload["regulator"]
    elif breakage == "bad status":
        payload["status"] = "lost"
    else:
        payload["start"] = "demain 14h"
    response = post(payload)
    assert response.status_code == 400 and error_code(response) == 300
    assert "appointment" in envelope.read_envelope(response.json()).payload["errorCause"]
    assert _journal(client, auth) == [] and _unattached(client, auth) == []


def test_an_impossible_date_is_refused_as_not_schema_valid(client, auth, post):
    response = post(appointment("PS.01", start="2025-02-30T14:00:00+01:00"))  # right pattern, no such day
    assert response.status_code == 400 and error_code(response) == 300
    assert _unattached(client, auth) == []


def test_roles_of_the_worklist_routes(client, auth, post):
    assert post(appointment("PS.01")).status_code == 200
    uuid = _unattached(client, auth)[0]["uuid"]
    for role, expected in (("ARM", 403), ("ADMIN", 403), ("OSNP", 200), ("MRL", 200), ("MRU", 200)):
        got = client.get("/api/v1/appointments", params={"worklist": "followup"}, headers=auth(role))
        assert got.status_code == expected, role
    assert client.post(f"/api/v1/appointments/{uuid}/attach", json={"case_uuid": "x"},
                       headers=auth("SUPERVISEUR")).status_code == 403
    assert client.post(f"/api/v1/appointments/{uuid}/followed-up", headers=auth("ARM")).status_code == 403
    assert client.get("/api/v1/appointments", params={"worklist": "all"}, headers=auth("MRL")).status_code == 422
    assert client.get("/api/v1/appointments", params={"worklist": "unattached"}).status_code == 401
