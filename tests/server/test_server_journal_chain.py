"""The journal is append-only and hash-chained; ``sas journal verify`` names the first broken entry."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.models import JournalEntry
from app.services.records import journal
from tests.helpers.databases import BACKENDS

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)


def _write_cases(client, auth, case_body, n: int) -> None:
    for _ in range(n):
        body = case_body()
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201


def _tamper(engine, sql: str) -> None:
    """Run ``sql`` with the append-only triggers out of the way (what an attacker with DB access could do)."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER journal_no_update"))
            conn.execute(text("DROP TRIGGER journal_no_delete"))
        else:
            conn.execute(text("ALTER TABLE journal DISABLE TRIGGER USER"))
        conn.execute(text(sql))


def test_entries_are_chained_and_verify(client, auth, case_body, sessions, db_url, capsys):
    _write_cases(client, auth, case_body, 4)
    with sessions() as s:
        entries = s.query(JournalEntry).order_by(JournalEntry.seq).all()
        assert entries[0].prev_hash == "0" * 64
        assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:]))
        assert journal.verify(s).ok
    page = client.get("/api/v1/journal", headers=auth("ARM")).json()["entries"]
    assert [e["entry_hash"] for e in page] == [e.entry_hash for e in entries]

    assert main(["journal", "verify", "--db", db_url]) == 0
    assert "4 entrée(s)" in capsys.readouterr().out


def test_journal_refuses_update_and_delete(client, auth, case_body, app):
    _write_cases(client, auth, case_body, 1)
    engine = app.state.sas.engine
    for sql in ("UPDATE journal SET author = 'x'", "DELETE FROM journal"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(sql))


def test_verify_names_the_first_changed_entry(client, auth, case_body, app, db_url, capsys):
    _write_cases(client, auth, case_body, 5)
    _tamper(app.state.sas.engine, "UPDATE journal SET author = 'mallory' WHERE seq IN (3, 4)")
    assert main(["journal", "verify", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert "n° 3" in out and "empreinte" in out


def test_verify_names_a_removed_entry(client, auth, case_body, app, sessions):
    _write_cases(client, auth, case_body, 4)
    _tamper(app.state.sas.engine, "DELETE FROM journal WHERE seq = 2")
    with sessions() as s:
        report = journal.verify(s)
    assert (report.ok, report.broken_seq, report.checked) == (False, 2, 1)
