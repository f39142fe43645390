"""Login lock decided before the password is checked, per account and per address; unlock; revocable tokens.

Against the real app on a real SQLite file and on PostgreSQL.  Argon2 verifications
are counted by wrapping ``app.services.security.auth.verify_password``; time is moved
by replacing ``login_throttle.clock`` (never by sleeping).  Expected answers are
written out here, not computed with the server's own code.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app import cli
from app.models import utcnow
from app.models.journal import AuditEvent
from app.services.security import auth as security_auth
from app.services.security import login_throttle
from app.services.sync.api_client import ApiClient, Unauthorized
from tests.helpers.databases import BACKENDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
LOGOUT = "/api/v1/auth/logout"
WRONG = "pas le bon mot de passe"


class Clock:
    """The throttle's clock, moved by hand."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(login_throttle, "clock", fake)
    return fake


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """One item per argon2 verification the server runs."""
    seen: list[str] = []
    lock = threading.Lock()
    real = security_auth.verify_password

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            seen.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(security_auth, "verify_password", counting)
    return seen


@pytest.fixture
def fast_argon2(monkeypatch, password) -> None:
    """Where the argon2 cost is not what is tested: a password check that costs nothing (~0.5 s each here)."""
    monkeypatch.setattr(security_auth, "verify_password", lambda _hash, given: given == password)


def _from(app, address: str) -> TestClient:
    """A client whose requests come from ``address`` (a loopback address: no traffic leaves the process)."""
    return TestClient(app, client=(address, 50000))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _burst(app, address: str, username: str, password: str, n: int) -> list[int]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        answers = await asyncio.gather(*(http.post(LOGIN, json={"username": username, "password": password})
                                         for _ in range(n)))
    return [a.status_code for a in answers]


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_60_concurrent_wrong_logins_verify_at_most_10_passwords_then_the_right_one_is_refused(
        app, users, password, clock, verifications, monkeypatch):
    monkeypatch.setattr(login_throttle, "THROTTLE_AFTER", login_throttle.LOCK_AFTER)  # the lock alone decides
    statuses = asyncio.run(_burst(app, "127.0.0.2", "mrl", WRONG, 60))
    assert len(verifications) == 10, "the old code checked 45 of 60"
    assert sorted(statuses) == [401] * 10 + [429] * 50
    refused = _from(app, "127.0.0.3").post(LOGIN, json={"username": "mrl", "password": password})
    assert refused.status_code == 429 and "verrouillé" in refused.json()["message"]
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    assert len(verifications) == 10


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_bursts_with_the_slowdown_never_verify_more_than_10(app, users, password, clock, fast_argon2,
                                                             verifications):
    for _round in range(9):  # each round waits out the slowdown, never the 15-minute lock: 3, then 1 a round
        asyncio.run(_burst(app, "127.0.0.2", "arm", WRONG, 30))
        clock.advance(61)
    assert len(verifications) == 10
    assert _from(app, "127.0.0.3").post(LOGIN, json={"username": "arm", "password": password}).status_code == 429


def _twelve_attempts(client: TestClient, clock: Clock, username: str) -> list[tuple[int, str | None, bytes]]:
    answers = []
    for step in [0, 0, 0, 0] + [61] * 8:
        clock.advance(step)
        r = client.post(LOGIN, json={"username": username, "password": WRONG})
        answers.append((r.status_code, r.headers.get("Retry-After"), r.content))
    return answers


def test_unknown_and_known_accounts_get_byte_identical_answers(app, users, clock, fast_argon2):
    start = clock.now
    known = _twelve_attempts(_from(app, "127.0.0.4"), clock, "osnp")
    clock.now = start
    unknown = _twelve_attempts(_from(app, "127.0.0.5"), clock, "personne")
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 3 + [429] + [401] * 7 + [429]
    assert known[0][2] == b'{"error":"invalid_credentials","message":"Identifiant ou mot de passe incorrect"}'
    assert known[3][1] == "1" and b"Trop de tentatives" in known[3][2]
    assert known[-1][1] == str(900 - 61)
    assert "Compte verrouillé après 10 échecs" in httpx.Response(429, content=known[-1][2]).json()["message"]


def test_an_attacking_address_is_stopped_without_locking_out_other_desks(app, users, password, clock,
                                                                         fast_argon2):
    attacker, desk = _from(app, "127.0.0.6"), _from(app, "127.0.0.7")
    for n in range(40):  # guessed names, once each
        assert attacker.post(LOGIN, json={"username": f"agent{n}", "password": WRONG}).status_code == 401
    wrong_on_mrl = 0
    while wrong_on_mrl < 10:  # then a targeted attack, waiting out each slowdown
        r = attacker.post(LOGIN, json={"username": "mrl", "password": WRONG})
        if r.status_code == 429:
            clock.advance(int(r.headers["Retry-After"]))
        else:
            assert r.status_code == 401
            wrong_on_mrl += 1
    # 50 failures from that address: refused even with a right password of another account.
    stopped = attacker.post(LOGIN, json={"username": "osnp", "password": password})
    assert stopped.status_code == 429 and "depuis ce poste" in stopped.json()["message"]
    assert attacker.post(LOGIN, json={"username": "agent99", "password": WRONG}).status_code == 429
    # Another desk: its user logs in; the attacked account stays locked from everywhere.
    assert desk.post(LOGIN, json={"username": "osnp", "password": password}).status_code == 200
    assert desk.post(LOGIN, json={"username": "mrl", "password": password}).status_code == 429
    # Once the attack is over the address is free again, the attacked account still locked.
    clock.advance(16 * 60)
    assert attacker.post(LOGIN, json={"username": "arm", "password": password}).status_code == 200


def test_a_success_gives_the_address_its_attempt_back(app, users, password, clock, fast_argon2):
    shared = _from(app, "127.0.0.8")  # a room behind one address logs in all day
    for _ in range(60):
        assert shared.post(LOGIN, json={"username": "arm", "password": password}).status_code == 200


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_an_administrator_unlocks_an_account_and_it_is_audited(app, users, password, clock, auth, sessions,
                                                                fast_argon2):
    client = _from(app, "127.0.0.9")
    asyncio.run(_burst(app, "127.0.0.10", "mru", WRONG, 20))
    for _ in range(9):
        clock.advance(61)
        asyncio.run(_burst(app, "127.0.0.10", "mru", WRONG, 3))
    assert client.post(LOGIN, json={"username": "mru", "password": password}).status_code == 429

    url = "/api/v1/admin/users/mru/unlock"
    assert client.post(url, headers=auth("SUPERVISEUR")).status_code == 403
    assert client.post(url).status_code == 401
    missing = client.post("/api/v1/admin/users/personne/unlock", headers=auth("ADMIN"))
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    done = client.post(url, headers=auth("ADMIN"))
    assert done.status_code == 200 and done.json() == {"username": "mru", "was_locked": True}
    assert client.post(LOGIN, json={"username": "mru", "password": password}).status_code == 200
    again = client.post(url, headers=auth("ADMIN"))
    assert again.json() == {"username": "mru", "was_locked": False}
    with sessions() as s:
        rows = s.execute(select(AuditEvent.username, AuditEvent.role, AuditEvent.action, AuditEvent.object_uuid,
                                AuditEvent.outcome).where(AuditEvent.action == "admin.users.unlock")
                         .order_by(AuditEvent.id)).all()
    assert [tuple(r) for r in rows] == [("admin", "ADMIN", "admin.users.unlock", "mru", "unlocked"),
                                        ("admin", "ADMIN", "admin.users.unlock", "mru", "not_locked")]


def test_sas_admin_unlock_on_the_command_line(app, users, password, clock, db_url, sessions, capsys, fast_argon2):
    client = _from(app, "127.0.0.11")
    for _ in range(10):
        clock.advance(61)
        assert client.post(LOGIN, json={"username": "arm", "password": WRONG}).status_code == 401
    assert client.post(LOGIN, json={"username": "arm", "password": password}).status_code == 429
    assert cli.main(["admin", "unlock", "arm", "--db", db_url, "--by", "technicien"]) == 0
    assert "arm déverrouillé" in capsys.readouterr().out
    assert client.post(LOGIN, json={"username": "arm", "password": password}).status_code == 200
    assert cli.main(["admin", "unlock", "personne", "--db", db_url]) == 1
    with sessions() as s:
        assert s.execute(select(AuditEvent.username, AuditEvent.outcome)
                         .where(AuditEvent.action == "admin.users.unlock")).all() == [("technicien", "unlocked")]


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_logout_revokes_the_token(app, users, password, fast_argon2):
    client = _from(app, "127.0.0.12")
    token = client.post(LOGIN, json={"username": "mrl", "password": password}).json()["access_token"]
    other = client.post(LOGIN, json={"username": "mrl", "password": password}).json()["access_token"]
    assert client.get(ME, headers=_bearer(token)).status_code == 200
    assert client.post(LOGOUT, headers=_bearer(token)).status_code == 204
    refused = client.get(ME, headers=_bearer(token))
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert "reconnectez-vous" in refused.json()["message"]
    assert client.post(LOGOUT, headers=_bearer(token)).status_code == 401
    assert client.get(ME, headers=_bearer(other)).status_code == 200  # only that token ends


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_login_on_a_desk_ends_the_older_tokens_of_that_user_on_that_desk(app, users, password, fast_argon2):
    client = _from(app, "127.0.0.13")

    def log_in(username: str, desk: str | None = None) -> str:
        body = {"username": username, "password": password} | ({"desk_id": desk} if desk else {})
        r = client.post(LOGIN, json=body)
        assert r.status_code == 200, r.json()
        return r.json()["access_token"]

    first = log_in("mrl", "12")
    elsewhere = log_in("mrl", "13")
    no_desk = log_in("mrl")
    colleague = log_in("arm", "12")
    second = log_in("mrl", "12")
    assert client.get(ME, headers=_bearer(first)).status_code == 401
    for still in (second, elsewhere, no_desk, colleague):
        assert client.get(ME, headers=_bearer(still)).status_code == 200
    bad = client.post(LOGIN, json={"username": "mrl", "password": password, "desk_id": "../12"})
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "desk_id"


def test_the_api_client_sends_its_desk_and_logs_out(app, users, password, fast_argon2):
    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.14", 40000))
        async with ApiClient("http://testserver", transport=transport) as first, \
                ApiClient("http://testserver", transport=transport) as second:
            await first.login("osnp", password, desk_id="42")
            await second.login("osnp", password, desk_id="42")
            with pytest.raises(Unauthorized):  # replaced by the newer login on desk 42
                await first.get(ME)
            assert (await second.get(ME))["username"] == "osnp"
            token = second.token
            await second.logout()
            assert second.token is None
            second.token = token
            with pytest.raises(Unauthorized):
                await second.get(ME)
            await first.logout()  # an already ended token: no error, forgotten all the same
            assert first.token is None

    asyncio.run(scenario())
