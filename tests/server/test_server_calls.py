"""The room's telephone on the server (issue 15): call events from several desks, links, lookups, clocks.

Desks report through the HTTP API as their softphones would; a real embedded server takes two
desks' reports at the same instant.  Oracles are the times the tests chose, not the server's.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.models import AuthToken, Case, User
from app.models.journal import AuditEvent
from app.server.run import EmbeddedServer
from app.services.security.auth import new_token

T0 = datetime(2024, 1, 18, 9, 14, 0, tzinfo=timezone.utc)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


@pytest.fixture
def desk(sessions, users, password_hash):
    """``desk("arm2", "ARM")`` → the Authorization header of a (new) user of that role."""

    def make(username: str, role: str) -> dict[str, str]:
        token, digest = new_token()
        with sessions() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(username=username, display_name=username, role=role, password_hash=password_hash)
                s.add(user)
                s.flush()
            expires = datetime.now(timezone.utc) + timedelta(hours=1)
            s.add(AuthToken(token_hash=digest, user_id=user.id, expires_at=expires))
            s.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def event(call_id: str, kind: str, seconds: float, **extra) -> dict:
    return {"call_id": call_id, "event": kind, "at": at(seconds), "number": "0612345678", **extra}


def test_two_desks_at_once_earliest_presentation_kept_one_answer_wins(db_url, users, desk):
    arm1, arm2 = desk("arm1", "ARM"), desk("arm2", "ARM")
    call_id = "a84b4c76e66710@pbx.samu67"
    server = EmbeddedServer(db_url).start()
    try:
        with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as http:
            barrier, answers = threading.Barrier(2), {}

            def desk_reports(name: str, auth: dict, presented_s: float) -> None:
                barrier.wait()
                answers[name, "presented"] = http.post("/api/v1/calls/events", headers=auth,
                                                       json=event(call_id, "presented", presented_s))
                barrier.wait()
                answers[name, "answered"] = http.post("/api/v1/calls/events", headers=auth,
                                                      json=event(call_id, "answered", 14))

            threads = [threading.Thread(target=desk_reports, args=("arm1", arm1, 2.5)),
                       threading.Thread(target=desk_reports, args=("arm2", arm2, 2.0))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(answers[d, "presented"].status_code for d in ("arm1", "arm2")) == [201, 201]
            codes = sorted(answers[d, "answered"].status_code for d in ("arm1", "arm2"))
            assert codes == [201, 409]
            winner = next(d for d in ("arm1", "arm2") if answers[d, "answered"].status_code == 201)
            loser = "arm2" if winner == "arm1" else "arm1"
            refused = answers[loser, "answered"].json()
            assert refused["error"] == "call_taken" and refused["current"]["answered_by"] == winner
            call = answers[winner, "answered"].json()
            assert datetime.fromisoformat(call["presented_at"]) == T0 + timedelta(seconds=2)  # the earliest
            assert call["answered_by"] == winner and call["wait_s"] == pytest.approx(12.0)
            # The loser's desk sees it taken in the room's list, and its replay of « presented » changes nothing.
            again = http.post("/api/v1/calls/events", headers=arm1, json=event(call_id, "presented", 2.5))
            assert again.status_code == 200 and again.json()["presented_at"] == call["presented_at"]
            active = http.get("/api/v1/calls?state=active", headers=arm2).json()["calls"]
            assert [c["call_id"] for c in active] == [call_id]
    finally:
        server.stop()


def test_abandoned_call_counted_and_replays_idempotent(client, auth):
    arm = auth("ARM")
    assert client.post("/api/v1/calls/events", headers=arm, json=event("c-1", "presented", 0)).status_code == 201
    waiting = client.get("/api/v1/calls?state=waiting", headers=auth("SUPERVISEUR")).json()["calls"]
    assert [c["call_id"] for c in waiting] == ["c-1"]
    ended = client.post("/api/v1/calls/events", headers=arm, json=event("c-1", "ended", 45))
    assert ended.status_code == 201
    call = ended.json()
    assert call["abandoned"] is True and call["answered_at"] is None and call["wait_s"] == pytest.approx(45)
    journal = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
    replay = client.post("/api/v1/calls/events", headers=arm, json=event("c-1", "ended", 45))
    assert replay.status_code == 200
    assert client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"] == journal
    assert [e["kind"] for e in journal] == ["call", "call"]
    assert client.get("/api/v1/calls?state=waiting", headers=arm).json()["calls"] == []
    stats = client.get("/api/v1/stats", params={"start": at(-3600), "end": at(3600)},
                       headers=auth("SUPERVISEUR")).json()
    assert stats["abandoned_calls"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    assert stats["answered_60"]["numerator"] == 0 and stats["answered_60"]["denominator"] == 1
    # The ADMIN sees that the journal holds a call, never its number.
    admin = client.get("/api/v1/journal", headers=auth("ADMIN")).json()["entries"]
    assert all(set(e["payload"]) == {"withheld"} for e in admin)


def test_transfer_and_hand_over_times(client, auth):
    arm, mru = auth("ARM"), auth("MRU")
    client.post("/api/v1/calls/events", headers=arm, json=event("c-p0", "presented", 0))
    client.post("/api/v1/calls/events", headers=arm, json=event("c-p0", "answered", 8))
    refused = client.post("/api/v1/calls/events", headers=auth("OSNP"),
                          json=event("c-p0", "transferred", 60, target="mru"))
    assert refused.status_code == 403 and "poste qui a l'appel" in refused.json()["message"]
    missing = client.post("/api/v1/calls/events", headers=arm, json=event("c-p0", "transferred", 60))
    assert missing.status_code == 422 and missing.json()["fields"][0]["field"] == "target"
    assert client.post("/api/v1/calls/events", headers=arm,
                       json=event("c-p0", "transferred", 60, target="mru")).status_code == 201
    assert client.post("/api/v1/calls/events", headers=mru, json=event("c-p0", "handed_over", 75)).status_code == 201
    # The ARM's leg closing after the hand-over does not end the doctor's call.
    assert client.post("/api/v1/calls/events", headers=arm, json=event("c-p0", "ended", 80)).json()["ended_at"] is None
    call = client.post("/api/v1/calls/events", headers=mru, json=event("c-p0", "ended", 400)).json()
    assert [(t["event"], datetime.fromisoformat(t["at"]), t["target"], t["by"]) for t in call["transfers"]] == [
        ("transferred", T0 + timedelta(seconds=60), "mru", "arm"),
        ("handed_over", T0 + timedelta(seconds=75), "mru", "mru")]
    assert call["holder"] == "mru" and call["answered_by"] == "arm"
    assert datetime.fromisoformat(call["ended_at"]) == T0 + timedelta(seconds=400) and not call["abandoned"]


def test_call_out_logged_on_the_case(client, auth, case_body):
    body = case_body()
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201
    refused = client.post("/api/v1/calls/events", headers=auth("SUPERVISEUR"),
                          json=event("out-1", "dialled", 0, target="0388112233", case_id=body["uuid"]))
    assert refused.status_code == 403
    out = client.post("/api/v1/calls/events", headers=auth("OSNP"),
                      json=event("out-1", "dialled", 0, target="0388112233", number=None, case_id=body["uuid"]))
    assert out.status_code == 201
    assert out.json()["direction"] == "out" and out.json()["case_id"] == body["uuid"]
    entries = client.get("/api/v1/journal", headers=auth("MRL")).json()["entries"]
    logged = [e for e in entries if e["kind"] == "call"]
    assert logged[-1]["payload"]["case_uuid"] == body["uuid"] and logged[-1]["payload"]["target"] == "0388112233"
    # A call-out never gives the case its clocks.
    case = client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("ARM")).json()
    assert datetime.fromisoformat(case["reception"]) == datetime.fromisoformat(body["reception"])


def test_linking_a_call_gives_the_case_the_phone_clocks(client, auth, case_body, sessions):
    arm = auth("ARM")
    typed, phone = case_body(), case_body()
    for body in (typed, phone):
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=arm).status_code == 201
    client.post("/api/v1/calls/events", headers=arm, json=event("c-2", "presented", 3))
    client.post("/api/v1/calls/events", headers=arm, json=event("c-2", "answered", 21))
    linked = client.post("/api/v1/calls/c-2/case", headers=arm, json={"case_id": phone["uuid"]})
    assert linked.status_code == 200 and linked.json()["case_id"] == phone["uuid"]
    case = client.get(f"/api/v1/cases/{phone['uuid']}", headers=arm).json()
    assert datetime.fromisoformat(case["reception"]) == T0 + timedelta(seconds=3)
    assert datetime.fromisoformat(case["answered_at"]) == T0 + timedelta(seconds=21)
    with sessions() as s:
        assert s.get(Case, phone["uuid"]).clock_source == "phone"
        assert s.get(Case, typed["uuid"]).clock_source is None  # typed by hand
    # The case as typed is still recognised as a replay.
    assert client.put(f"/api/v1/cases/{phone['uuid']}", json=phone, headers=arm).status_code == 200
    unknown = client.post("/api/v1/calls/nope/case", headers=arm, json={"case_id": phone["uuid"]})
    assert unknown.status_code == 404
    entry = client.get("/api/v1/journal", headers=arm).json()["entries"][-1]
    assert entry["kind"] == "call" and entry["payload"]["case_clocks"]["clock_source"] == "phone"


def test_a_call_linked_before_its_case_arrives_gives_the_clocks_when_it_does(client, auth, case_body):
    arm, body = auth("ARM"), case_body()
    client.post("/api/v1/calls/events", headers=arm, json=event("c-3", "presented", 1))
    client.post("/api/v1/calls/events", headers=arm, json=event("c-3", "answered", 9, case_id=body["uuid"]))
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=arm).status_code == 201
    case = client.get(f"/api/v1/cases/{body['uuid']}", headers=arm).json()
    assert datetime.fromisoformat(case["reception"]) == T0 + timedelta(seconds=1)
    assert datetime.fromisoformat(case["answered_at"]) == T0 + timedelta(seconds=9)
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=arm).status_code == 200


def test_lookup_finds_open_and_30_day_cases_and_is_audited(client, auth, case_body, sessions):
    now = datetime.now(timezone.utc)
    mru = auth("MRU")
    open_case = case_body(creation=now.isoformat(), reception=now.isoformat(), caller_phone="+33611223344",
                          health_motive_label="Fièvre")
    recent = case_body(creation=(now - timedelta(days=10)).isoformat(), reception=None, status="CLOTURE",
                       callback_phone="+33611223344", caller_phone=None, caller_name="Voisin")
    old = case_body(creation=(now - timedelta(days=40)).isoformat(), reception=None, status="CLOTURE",
                    caller_phone="+33611223344")
    other = case_body(caller_phone="+33699999999")
    for body in (open_case, recent, old, other):
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=mru).status_code == 201, body
    found = client.get("/api/v1/calls/lookup", params={"number": "06 11 22 33 44"}, headers=auth("ARM"))
    assert found.status_code == 200
    data = found.json()
    assert [c["uuid"] for c in data["open_cases"]] == [open_case["uuid"]]
    assert [c["uuid"] for c in data["recent_cases"]] == [recent["uuid"]]
    assert data["number"] == "+33611223344"
    assert data["duplicate_warning"].startswith("Doublon possible : dossier ")
    assert "même numéro de téléphone" in data["duplicate_warning"]
    with sessions() as s:
        audited = set(s.scalars(select(AuditEvent.object_uuid).where(AuditEvent.action == "calls.lookup")))
    assert audited == {open_case["uuid"], recent["uuid"]}
    nothing = client.get("/api/v1/calls/lookup", params={"number": "0388000000"}, headers=auth("ARM")).json()
    assert nothing["open_cases"] == nothing["recent_cases"] == [] and nothing["duplicate_warning"] is None
    bad = client.get("/api/v1/calls/lookup", params={"number": "06 12"}, headers=auth("ARM"))
    assert bad.status_code == 422 and bad.json()["fields"] == [{"field": "number",
                                                               "message": "Numéro de téléphone invalide"}]
    assert client.get("/api/v1/calls/lookup", params={"number": "0611223344"}, headers=auth("ADMIN")).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"call_id": "x", "event": "rang", "at": "2024-01-18T10:00:00+01:00"}, "event"),
    ({"call_id": "x", "event": "presented", "at": "2024-01-18T10:00:00"}, "at"),
    ({"call_id": "", "event": "presented", "at": "2024-01-18T10:00:00+01:00"}, "call_id"),
    ({"call_id": "x", "event": "presented", "at": "2024-01-18T10:00:00+01:00", "case_id": "x" * 40}, "case_id"),
    ({"call_id": "x", "event": "dialled", "at": "2024-01-18T10:00:00+01:00"}, "target"),
])
def test_bad_reports_name_the_field(client, auth, body, field):
    response = client.post("/api/v1/calls/events", headers=auth("ARM"), json=body)
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"].endswith(field), response.json()


def test_abandoned_after_an_answer_is_refused_and_an_early_leg_closing_is_undone(client, auth, desk):
    arm, arm2 = auth("ARM"), desk("arm2", "ARM")
    client.post("/api/v1/calls/events", headers=arm, json=event("c-4", "presented", 0))
    # arm2's ringing leg closes (arm took the call) before arm's answer reaches the server.
    assert client.post("/api/v1/calls/events", headers=arm2, json=event("c-4", "ended", 6)).json()["abandoned"]
    call = client.post("/api/v1/calls/events", headers=arm, json=event("c-4", "answered", 5)).json()
    assert not call["abandoned"] and call["ended_at"] is None and call["answered_by"] == "arm"
    late = client.post("/api/v1/calls/events", headers=arm2, json=event("c-4", "abandoned", 7))
    assert late.status_code == 409 and late.json()["error"] == "call_answered"
