"""Retention purge on a real SQLite file and on PostgreSQL: old cases gone, recent kept, chain verifies."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text, update

from app import cli
from app.models import AuthToken, Case, CaseDraft, CaseEvent, CaseNote, JournalEntry, Orientation, OutboxItem
from app.models import Patient, Role, User
from app.models.journal import AuditEvent
from app.server.app import create_app
from app.services.records import journal, retention
from app.services.security.auth import new_token
from tests.helpers.databases import BACKENDS, database_url
from tests.hostile.conftest import case_body, new_uuid, note, patient

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime.now(timezone.utc)
OLD = NOW - timedelta(days=retention.DEFAULT_RETENTION_DAYS + 400)
NAME = "Zébulon-Hostile"


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def room(db_url):
    """A server app with cases written through the API: old, old with a minor, old still in an outbox, recent."""
    app = create_app(db_url)
    sessions = app.state.sas.sessions
    headers = {}
    with sessions() as s:
        for role in ("ARM", "MRL", "SUPERVISEUR"):
            user = User(username=role.lower(), display_name=role, role=role, password_hash="x")
            s.add(user)
            s.flush()
            token, digest = new_token()
            s.add(AuthToken(token_hash=digest, user_id=user.id, expires_at=NOW + timedelta(hours=1)))
            headers[role] = {"Authorization": f"Bearer {token}"}
        s.commit()
    cases = {}
    with TestClient(app) as client:
        for key, born in (("old", "1950-02-03"), ("minor", None), ("outbox", "1950-02-03"), ("recent", "1950-02-03")):
            pat = patient(last_name=NAME, birth_date=born) if born else patient(last_name=NAME)
            body = case_body(caller_name=NAME, patients=[pat], notes=[note(f"note de {NAME}")])
            assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=headers["ARM"]).status_code == 201
            event = {"uuid": new_uuid(), "case_uuid": body["uuid"], "created_at": "2024-01-18T10:20:00+01:00",
                     "type": "note", "freetext": f"rappel {NAME}"}
            assert client.put(f"/api/v1/cases/{body['uuid']}/events/{event['uuid']}", json=event,
                              headers=headers["ARM"]).status_code == 201
            orientation = {"uuid": new_uuid(), "case_uuid": body["uuid"], "creation": "2024-01-18T10:30:00+01:00",
                           "decision_key": "CONSEIL", "decision_type": "CONSEIL", "freetext": f"conseil {NAME}"}
            assert client.put(f"/api/v1/orientations/{orientation['uuid']}", json=orientation,
                              headers=headers["MRL"]).status_code == 201
            cases[key] = (body["uuid"], orientation["uuid"])
    with sessions() as s:
        for key, (case_uuid, orientation_uuid) in cases.items():
            when = NOW - timedelta(days=30) if key == "recent" else OLD
            s.execute(update(Case).where(Case.uuid == case_uuid).values(creation=when, updated_at=when))
            s.execute(update(Orientation).where(Orientation.uuid == orientation_uuid).values(creation=when))
        # the minor: 2 years old at the call, so kept until 28 (beyond today)
        s.execute(update(Patient).where(Patient.case_uuid == cases["minor"][0])
                  .values(birth_date=(NOW - timedelta(days=365 * 20)).date()))
        s.add(OutboxItem(entity="case", entity_uuid=cases["outbox"][0], path="/x", body={}))
        s.add(CaseDraft(author="arm", saved_at=OLD, form={"caller_name": NAME}))
        s.commit()
    yield app, cases
    app.state.sas.engine.dispose()


def _snapshot(sessions) -> dict:
    with sessions() as s:
        return {"cases": s.scalar(select(func.count()).select_from(Case)),
                "journal": [(e.seq, json.dumps(e.payload, sort_keys=True), e.entry_hash)
                            for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))],
                "audit": s.scalar(select(func.count()).select_from(AuditEvent)),
                "drafts": s.scalar(select(func.count()).select_from(CaseDraft))}


def test_dry_run_changes_nothing(room):
    app, _cases = room
    sessions = app.state.sas.sessions
    before = _snapshot(sessions)
    with sessions() as s:
        report = retention.purge(s, older_than_days=retention.DEFAULT_RETENTION_DAYS, who="admin", dry_run=True)
    assert report.dry_run and report.cases == 1 and report.redacted_entries == 3
    assert report.counts["drafts"] == 1 and "Simulation" in report.describe()
    assert _snapshot(sessions) == before


def test_purge_removes_old_cases_keeps_the_rest_and_the_chain(room):
    app, cases = room
    sessions = app.state.sas.sessions
    with sessions() as s:
        report = retention.purge(s, older_than_days=retention.DEFAULT_RETENTION_DAYS, who="admin.dpo")
    assert report.counts == {"cases": 1, "orientations": 1, "events": 1, "appointments": 0, "patients": 1,
                             "notes": 2, "drafts": 1, "calls": 0, "call_facts": 0}  # the note event adds a note
    old_case, old_orientation = cases["old"]
    with sessions() as s:
        assert s.get(Case, old_case) is None and s.get(Orientation, old_orientation) is None
        for model in (Patient, CaseNote, CaseEvent):
            assert s.scalar(select(func.count()).select_from(model).where(model.case_uuid == old_case)) == 0
        for key in ("minor", "outbox", "recent"):  # a minor's record, an unsent case, a recent one: kept
            assert s.get(Case, cases[key][0]) is not None
        assert s.scalar(select(func.count()).select_from(CaseDraft)) == 0
        assert journal.verify(s).ok, journal.verify(s).describe()
        entries = s.scalars(select(JournalEntry).order_by(JournalEntry.seq)).all()
        mine = [e for e in entries if e.uuid in (old_case, old_orientation)]
        assert mine and all(e.payload == {"redacted": report.purge_uuid} for e in mine)
        checkpoint = entries[-1]
        assert checkpoint.kind == "purge" and checkpoint.uuid == report.purge_uuid
        assert checkpoint.payload["redacted_entries"] == 3 and checkpoint.payload["counts"]["cases"] == 1
        assert NAME not in json.dumps(checkpoint.payload, ensure_ascii=False)
        kept_names = sum(NAME in json.dumps(e.payload, ensure_ascii=False) for e in entries)
        assert kept_names == 3 * 3  # the other three cases' case, event and orientation entries
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == retention.AUDIT_ACTION)).one()
        assert (audit.username, audit.object_uuid) == ("admin.dpo", report.purge_uuid)
        assert audit.outcome.startswith("1 dossiers <")
    with sessions() as s:  # a second run finds nothing more and keeps the chain whole
        again = retention.purge(s, older_than_days=retention.DEFAULT_RETENTION_DAYS, who="admin")
    assert again.cases == 0 and again.redacted_entries == 0
    with sessions() as s:
        assert journal.verify(s).ok
        with pytest.raises(Exception):  # still append-only after the purge
            s.execute(update(JournalEntry).where(JournalEntry.seq == 1).values(author="x"))
            s.flush()


def test_calls_go_with_their_case_or_when_old_and_unlinked_and_their_numbers_leave_the_journal(room):
    """The room's telephone keeps callers' numbers: the purge takes them like the cases they belong to."""
    from app.models.call import Call, CallReport
    from app.models.call_outbox import CallOutboxItem

    app, cases = room
    sessions = app.state.sas.sessions
    with sessions() as s:
        arm = s.scalars(select(User).where(User.username == "arm")).one()
        token, digest = new_token()
        s.add(AuthToken(token_hash=digest, user_id=arm.id, expires_at=NOW + timedelta(hours=1)))
        s.commit()
    auth = {"Authorization": f"Bearer {token}"}
    numbers = {"old-unlinked": "0611111111", "old-case": "0622222222", "recent-unlinked": "0633333333",
               "kept-case": "0644444444"}
    with TestClient(app) as client:
        for call_id, number in numbers.items():
            for kind in ("presented", "answered", "ended"):
                answer = client.post("/api/v1/calls/events", headers=auth, json={
                    "call_id": call_id, "event": kind, "at": NOW.isoformat(), "number": number})
                assert answer.status_code in (200, 201), answer.text
        for call_id, key in (("old-case", "old"), ("kept-case", "recent")):
            assert client.post(f"/api/v1/calls/{call_id}/case", headers=auth,
                               json={"case_id": cases[key][0]}).status_code in (200, 201)
    with sessions() as s:
        s.execute(update(Call).where(Call.call_id.in_(["old-unlinked", "old-case"]))
                  .values(presented_at=OLD, answered_at=OLD, ended_at=OLD))
        s.execute(update(Case).where(Case.uuid == cases["old"][0]).values(updated_at=OLD))  # the link touched it
        s.add(CallOutboxItem(kind="event", call_id="left-behind", author="arm2", created_at=OLD,
                             body={"call_id": "left-behind", "number": "0655555555"}))
        s.add(CallOutboxItem(kind="event", call_id="waiting", author="arm2", created_at=NOW,
                             body={"call_id": "waiting", "number": "0666666666"}))
        s.commit()
    with sessions() as s:
        report = retention.purge(s, older_than_days=retention.DEFAULT_RETENTION_DAYS, who="admin.dpo")
    assert (report.counts["calls"], report.counts["call_facts"]) == (2, 1)
    with sessions() as s:
        assert sorted(s.scalars(select(Call.call_id)).all()) == ["kept-case", "recent-unlinked"]
        kept_uuids = set(s.scalars(select(Call.uuid)).all())
        assert set(s.scalars(select(CallReport.call_uuid)).all()) == kept_uuids
        assert s.scalars(select(CallOutboxItem.call_id)).all() == ["waiting"]
        payloads = " ".join(json.dumps(e.payload) for e in s.scalars(select(JournalEntry)))
        for gone in ("0611111111", "0622222222", "06 11 11 11 11", "06 22 22 22 22"):
            assert gone not in payloads
        assert "0633333333" in payloads.replace(" ", "") or "+33633333333" in payloads
        assert journal.verify(s).ok, journal.verify(s).describe()


def test_a_redaction_without_its_checkpoint_breaks_the_chain(tmp_path):
    from app.models.db import open_database, sqlite_url

    engine, sessions = open_database(sqlite_url(tmp_path / "j.db"))
    with sessions() as s:
        journal.begin_write(s)
        for i in range(3):
            journal.append(s, uuid=new_uuid(), kind="surge", author="a", author_role="MRL", payload={"n": i})
        s.commit()
    with engine.begin() as conn:  # someone with the database file forges a "purge"
        conn.execute(text("DROP TRIGGER journal_no_update"))
        conn.execute(text("""UPDATE journal SET payload = '{"redacted": "forged"}' WHERE seq = 2"""))
    with sessions() as s:
        report = journal.verify(s)
    assert report.broken_seq == 2 and "purge" in report.reason
    engine.dispose()


def test_cli_purge_and_dry_run(room, db_url, capsys):
    app, cases = room
    app.state.sas.engine.dispose()
    assert cli.main(["purge", "--db", db_url, "--dry-run"]) == 0
    assert "1 dossier(s)" in capsys.readouterr().out
    with app.state.sas.sessions() as s:
        assert s.get(Case, cases["old"][0]) is not None
    assert cli.main(["purge", "--db", db_url, "--older-than-days", "7", "--by", "dpo"]) == 0
    out = capsys.readouterr().out
    assert "2 dossier(s)" in out and NAME not in out  # the recent one (30 days) too; minor and unsent stay
    assert cli.main(["journal", "verify", "--db", db_url]) == 0
    assert cli.main(["purge", "--db", db_url, "--older-than-days", "0"]) == 2
    with app.state.sas.sessions() as s:
        assert {c for c, in s.execute(select(Case.uuid))} == {cases["minor"][0], cases["outbox"][0]}


def test_retention_period_setting():
    assert retention.retention_days({}) == 7305
    assert retention.retention_days({"SAS_RETENTION_DAYS": "3650"}) == 3650
    with pytest.raises(ValueError):
        retention.retention_days({"SAS_RETENTION_DAYS": "0"})
