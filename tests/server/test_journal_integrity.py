"""Journal integrity beyond the chain (issue 12): a keyed chain and signed anchors outside the database.

Each attack is done as someone with write access to the database would: raw
SQL, append-only triggers dropped, hashes recomputed by this file's own code
(the documented canonical form, SHA-256 or HMAC with a key the attacker
chose).  The oracle is the public result only: ``sas journal verify`` exit
code and message, ``GET /api/v1/journal/verify`` JSON.  On the old code every
attack below verified as « Journal intègre ».
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import stat
import uuid as uuid_mod
import warnings
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from app.cli import main
from app.models import AuthToken, User
from app.server.app import create_app
from app.server.routes.journal import install_seal
from app.services.records import retention
from app.services.records.journal_key import bind, seal_for, unbind
from app.services.security.auth import new_token
from tests.helpers.databases import BACKENDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "secret" / "journal.key"


@pytest.fixture
def anchors(tmp_path):
    return tmp_path / "anchors.jsonl"


@pytest.fixture
def app(db_url, key_file, anchors):
    """The server app with its journal sealed, as ``sas server --journal-key`` starts it."""
    app = create_app(db_url)
    install_seal(app, key_file, anchors)
    yield app
    unbind(app.state.sas.engine)
    app.state.sas.engine.dispose()


# --- what the attacker runs -----------------------------------------------------------------------
def _attacker(engine, *statements: tuple[str, dict]) -> None:
    """Raw SQL with the append-only triggers out of the way."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for name in ("journal_no_update", "journal_no_delete", "audit_events_no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            conn.execute(text("ALTER TABLE journal DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for sql, params in statements:
            conn.execute(text(sql), params)


def _rows(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, uuid, kind, author, author_role, created_at, payload, prev_hash, "
                                 "entry_hash FROM journal ORDER BY seq")).mappings().all()
    out = []
    for row in rows:
        row = dict(row)
        if isinstance(row["payload"], str):
            row["payload"] = json.loads(row["payload"])
        at = row["created_at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        row["created_at"] = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        out.append(row)
    return out


def _canonical(row: dict) -> bytes:
    content = {"seq": row["seq"], "uuid": row["uuid"], "kind": row["kind"], "author": row["author"],
               "author_role": row["author_role"], "created_at": row["created_at"].isoformat(timespec="microseconds"),
               "payload": row["payload"]}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _plain(prev: str, row: dict) -> str:
    return hashlib.sha256(prev.encode() + _canonical(row)).hexdigest()


def _with_key(key: bytes):
    def keyed(prev: str, row: dict) -> str:
        mac = hmac.new(key, b"sas-journal/hmac1\n" + prev.encode() + _canonical(row), hashlib.sha256).digest()
        return "hmac1:" + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    return keyed


def _rechain(engine, from_seq: int, hasher, edit: dict | None = None) -> None:
    """Edit entry ``from_seq`` (``edit``: column → value) and recompute the chain from there with ``hasher``."""
    rows = _rows(engine)
    prev = next(r["entry_hash"] for r in rows if r["seq"] == from_seq - 1) if from_seq > 1 else "0" * 64
    statements = []
    for row in rows:
        if row["seq"] < from_seq:
            continue
        if row["seq"] == from_seq and edit:
            row.update(edit)
        digest = hasher(prev, row)
        statements.append(("UPDATE journal SET author = :author, prev_hash = :prev, entry_hash = :h WHERE seq = :seq",
                           {"author": row["author"], "prev": prev, "h": digest, "seq": row["seq"]}))
        prev = digest
    _attacker(engine, *statements)


# --- the public verdicts --------------------------------------------------------------------------
def _cli(db_url, key_file, anchors, capsys, command: str = "verify") -> tuple[int, str]:
    code = main(["journal", command, "--db", db_url, "--journal-key", str(key_file), "--anchors", str(anchors)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _route(client, auth) -> dict:
    response = client.get("/api/v1/journal/verify", headers=auth("SUPERVISEUR"))
    assert response.status_code == 200
    return response.json()


def _cases(client, auth, case_body, n: int) -> None:
    for _ in range(n):
        body = case_body()
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201


# --- the key and an intact journal ----------------------------------------------------------------
def test_key_file_is_private_and_a_sealed_journal_verifies(client, auth, case_body, app, db_url, key_file,
                                                            anchors, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    _cases(client, auth, case_body, 5)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    assert _route(client, auth) == {"ok": True, "entries": 5, "first_bad_seq": None, "reason": ""}
    assert _cli(db_url, key_file, anchors, capsys, "checkpoint")[0] == 0
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 0 and "Journal intègre : 5 entrée(s)" in out and "1 point(s) d'ancrage" in out
    key = key_file.read_bytes()
    written = anchors.read_text()
    assert key.hex() not in written and key.hex() not in caplog.text and key.hex() not in out
    page = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
    assert all(key.hex() not in json.dumps(e) for e in page)


def test_a_journal_chained_before_the_key_still_verifies_and_continues_keyed(db_url, key_file, anchors, capsys,
                                                                             password_hash, case_body):
    legacy = create_app(db_url)  # an older server: no key
    with legacy.state.sas.sessions() as s:
        s.add(User(username="arm", display_name="ARM", role="ARM", password_hash=password_hash))
        s.commit()
        user_id = s.query(User).one().id

    def headers(app):
        token, digest = new_token()
        with app.state.sas.sessions() as s:
            s.add(AuthToken(token_hash=digest, user_id=user_id,
                            expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
            s.commit()
        return {"Authorization": f"Bearer {token}"}

    with TestClient(legacy) as client:
        for _ in range(3):
            body = case_body()
            assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=headers(legacy)).status_code == 201
    legacy.state.sas.engine.dispose()
    sealed = create_app(db_url)
    install_seal(sealed, key_file, anchors)
    try:
        with TestClient(sealed) as client:
            for _ in range(2):
                body = case_body()
                assert client.put(f"/api/v1/cases/{body['uuid']}", json=body,
                                  headers=headers(sealed)).status_code == 201
        hashes = [r["entry_hash"] for r in _rows(sealed.state.sas.engine)]
        code, out = _cli(db_url, key_file, anchors, capsys)
        assert code == 0 and "Journal intègre : 5 entrée(s)" in out, out
        assert [h.startswith("hmac1:") for h in hashes] == [False, False, False, True, True]
        # the server stop anchored the head: the anchor file names entry 5
        assert [json.loads(line)["seq"] for line in anchors.read_text().splitlines()][-1] == 5
    finally:
        unbind(sealed.state.sas.engine)
        sealed.state.sas.engine.dispose()


def test_control_on_a_journal_without_key_the_attacks_go_unseen(db_url, tmp_path, capsys, case_body, users, auth,
                                                                client, app):
    """The attacker's recomputation is faithful: without the key (the old scheme) it verifies intact."""
    unbind(app.state.sas.engine)  # the server forgets its key: the old, plain chain
    _cases(client, auth, case_body, 4)
    engine = app.state.sas.engine
    legacy_rows = [r for r in _rows(engine) if not r["entry_hash"].startswith("hmac1:")]
    assert legacy_rows, "this control needs plain entries"
    first = legacy_rows[0]["seq"]
    _rechain(engine, first, _plain, {"author": "mallory"})
    no_key = tmp_path / "absent.key"
    code, out = _cli(db_url, no_key, tmp_path / "none.jsonl", capsys)
    assert code == 0 and "Journal intègre" in out, out


# --- (a) a truncated tail -------------------------------------------------------------------------
def test_entries_cut_after_an_anchor_are_named(client, auth, case_body, app, db_url, key_file, anchors, capsys):
    _cases(client, auth, case_body, 6)
    assert _cli(db_url, key_file, anchors, capsys, "checkpoint")[0] == 0
    _cases(client, auth, case_body, 2)
    _attacker(app.state.sas.engine, ("DELETE FROM journal WHERE seq >= 5", {}))
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "n° 5" in out and "tronquée" in out and "n° 6" in out, out
    body = _route(client, auth)
    assert (body["ok"], body["entries"], body["first_bad_seq"]) == (False, 4, 5)
    assert "tronquée" in body["reason"]


def test_every_n_appends_are_anchored_in_the_file_and_the_audit_trail(client, auth, case_body, app, db_url,
                                                                      key_file, anchors, capsys):
    engine = app.state.sas.engine
    seal = seal_for(engine)
    bind(engine, replace(seal, every=3))  # 3 instead of 100, to keep the test short
    _cases(client, auth, case_body, 7)
    assert [json.loads(line)["seq"] for line in anchors.read_text().splitlines()] == [3, 6]
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT object_uuid FROM audit_events WHERE action = 'journal.anchor'")).all()
    assert len(audit) == 2
    _attacker(engine, ("DELETE FROM journal WHERE seq >= 6", {}))
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "Journal rompu à l'entrée n° 6" in out and "tronquée" in out, out


def test_the_server_stop_anchors_the_head(db_url, key_file, anchors, capsys, app, users, auth, case_body):
    with TestClient(app) as client:
        _cases(client, auth, case_body, 3)
    # the server stopped; someone removes the last entry
    _attacker(app.state.sas.engine, ("DELETE FROM journal WHERE seq = 3", {}))
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "Journal rompu à l'entrée n° 3" in out and "tronquée" in out, out


def test_the_audit_trail_anchor_holds_when_the_file_is_gone(client, auth, case_body, app, db_url, key_file,
                                                            anchors, capsys):
    _cases(client, auth, case_body, 4)
    assert _cli(db_url, key_file, anchors, capsys, "checkpoint")[0] == 0
    anchors.unlink()
    _attacker(app.state.sas.engine, ("DELETE FROM journal WHERE seq = 4", {}))
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "n° 4" in out and "tronquée" in out and "audit" in out, out


def test_a_forged_anchor_line_is_reported(client, auth, case_body, app, db_url, key_file, anchors, capsys):
    _cases(client, auth, case_body, 2)
    assert _cli(db_url, key_file, anchors, capsys, "checkpoint")[0] == 0
    line = json.loads(anchors.read_text().splitlines()[-1])
    anchors.write_text(anchors.read_text() + json.dumps({**line, "seq": 1}) + "\n")
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "falsifié" in out and "ligne 2" in out, out


# --- (b) an edited entry, the chain recomputed ----------------------------------------------------
@pytest.mark.parametrize("scheme", ["plain", "wrong key"])
def test_an_entry_edited_and_the_chain_recomputed_is_named(client, auth, case_body, app, db_url, key_file,
                                                           anchors, capsys, scheme):
    _cases(client, auth, case_body, 5)
    hasher = _plain if scheme == "plain" else _with_key(secrets.token_bytes(32))
    _rechain(app.state.sas.engine, 3, hasher, {"author": "mallory"})
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "Journal rompu à l'entrée n° 3" in out and "clé du serveur" in out, out
    body = _route(client, auth)
    assert (body["ok"], body["entries"], body["first_bad_seq"]) == (False, 5, 3)
    assert ("sans la clé" if scheme == "plain" else "autre clé") in body["reason"]


def test_the_whole_chain_recomputed_without_the_key_contradicts_the_anchor(client, auth, case_body, app, db_url,
                                                                          key_file, anchors, capsys):
    _cases(client, auth, case_body, 4)
    assert _cli(db_url, key_file, anchors, capsys, "checkpoint")[0] == 0
    _rechain(app.state.sas.engine, 1, _plain, {"author": "mallory"})
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "n° 4" in out and "point d'ancrage" in out and "recalculée" in out, out
    assert _route(client, auth)["first_bad_seq"] == 4


# --- (c) a forged purge checkpoint ----------------------------------------------------------------
@pytest.mark.parametrize("scheme", ["plain", "wrong key"])
def test_a_purge_checkpoint_forged_without_the_key_is_named(client, auth, case_body, app, db_url, key_file,
                                                            anchors, capsys, scheme):
    _cases(client, auth, case_body, 4)
    engine = app.state.sas.engine
    rows = _rows(engine)
    fake = str(uuid_mod.uuid4())
    erased = [(r["seq"], r["entry_hash"]) for r in rows if r["seq"] in (2, 3)]
    digest = hashlib.sha256("".join(f"{seq}:{h}\n" for seq, h in erased).encode()).hexdigest()
    forged = {"seq": 5, "uuid": fake, "kind": "purge", "author": "dpo", "author_role": "ADMIN",
              "created_at": datetime.now(timezone.utc).replace(microsecond=123456),
              "payload": {"cutoff": "2024-01-01T00:00:00+00:00", "counts": {"cases": 2}, "redacted_entries": 2,
                          "redacted_digest": digest}}
    hasher = _plain if scheme == "plain" else _with_key(secrets.token_bytes(32))
    entry_hash = hasher(rows[-1]["entry_hash"], forged)
    at = forged["created_at"] if engine.dialect.name == "postgresql" else forged["created_at"].replace(tzinfo=None)
    _attacker(engine,
              ("UPDATE journal SET payload = :p WHERE seq IN (2, 3)", {"p": json.dumps({"redacted": fake})}),
              ("INSERT INTO journal (seq, uuid, kind, author, author_role, created_at, payload, prev_hash, entry_hash)"
               " VALUES (5, :uuid, 'purge', 'dpo', 'ADMIN', :at, :payload, :prev, :h)",
               {"uuid": fake, "at": at, "payload": json.dumps(forged["payload"]),
                "prev": rows[-1]["entry_hash"], "h": entry_hash}))
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 1 and "Journal rompu à l'entrée n° 5" in out and "point de purge falsifié" in out, out
    body = _route(client, auth)
    assert (body["ok"], body["entries"], body["first_bad_seq"]) == (False, 5, 5)
    assert "point de purge falsifié" in body["reason"]


def test_a_real_purge_on_a_sealed_journal_still_verifies(client, auth, case_body, app, db_url, key_file, anchors,
                                                         capsys):
    _cases(client, auth, case_body, 3)
    with app.state.sas.sessions() as session:
        report = retention.purge(session, older_than_days=1, who="dpo", now=datetime(2060, 1, 1, tzinfo=timezone.utc))
    assert report.cases == 3 and report.redacted_entries == 3
    code, out = _cli(db_url, key_file, anchors, capsys)
    assert code == 0 and "Journal intègre : 4 entrée(s)" in out, out
    assert _route(client, auth) == {"ok": True, "entries": 4, "first_bad_seq": None, "reason": ""}


def test_verify_without_the_key_says_the_keyed_hashes_are_unchecked(client, auth, case_body, db_url, tmp_path,
                                                                   anchors, capsys):
    _cases(client, auth, case_body, 2)
    code, out = _cli(db_url, tmp_path / "elsewhere.key", anchors, capsys)
    assert code == 1 and "2 empreinte(s) à clé non vérifiée(s)" in out and "Clé du journal introuvable" in out, out
