"""Fixtures: a throw-away RabbitMQ vhost laid out like the Hub, the test Dispatcher, two real ``sas server``.

* :func:`hub` (per package) — a fresh vhost with the ``hubsante`` exchange, the dispatch queue and the three
  queues of SAMU A (``fr.health.samu670``), SAMU B (``fr.health.samu680``) and of a peer the
  test itself plays (``fr.health.samu999``); a dedicated broker user (random password) for the
  servers; the test Dispatcher in its own process.  Everything is deleted at teardown.
* :func:`samus` (per package) — SAMU A and SAMU B; :func:`start_samu` starts others.  Each is a
  ``sas server`` process on its own SQLite file with three users,
  connected to the Hub as the given client (A through the command-line flags, B through
  ``SAS_HUB_URL`` / ``SAS_HUB_CLIENT_ID``, so both ways are exercised).

Broker outages are simulated without touching the machine's RabbitMQ (:meth:`Hub.cut_off`): the
servers' broker account loses its permissions on the vhost (every connection attempt is then
refused) and the vhost's connections are closed; :meth:`Hub.restore` gives them back.

RabbitMQ is part of the test environment (``.ci/services.sh`` starts it): if it does not
answer, the tests fail rather than skip.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.services.interop.hub import rs_eda_import

from tests.hub_amqp import rabbit
from tests.hub_amqp.dispatcher import DISPATCH_QUEUE

ROOT = Path(__file__).resolve().parents[2]
SAMU_A, SAMU_B, PEER = "fr.health.samu670", "fr.health.samu680", "fr.health.samu999"
#: A third SAMU, started by the test that needs a server born while the broker is away.
SAMU_C = "fr.health.samu690"
PASSWORD = "mot-de-passe-de-test"
USERS = (("arm", "ARM"), ("mru", "MRU"), ("superviseur", "SUPERVISEUR"))


@dataclass
class Hub:
    vhost: str
    #: guest's URL, for the test's own publishing and reading.
    url: str
    #: The servers' broker account (its password must never reach a log).
    server_user: str
    server_password: str

    @property
    def server_url(self) -> str:
        return rabbit.url(self.vhost).replace("guest:guest", f"{self.server_user}:{self.server_password}")

    def cut_off(self) -> None:
        """The broker is away for the servers (their account refused, their connections closed)."""
        rabbit.ctl("clear_permissions", "-p", self.vhost, self.server_user)
        rabbit.ctl("close_all_connections", "--vhost", self.vhost, "test: broker away")

    def restore(self) -> None:
        rabbit.ctl("set_permissions", "-p", self.vhost, self.server_user, ".*", ".*", ".*")


@pytest.fixture(scope="package")
def hub(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hub")
    if not rabbit.broker_reachable(60):
        pytest.fail("RabbitMQ ne répond pas sur 127.0.0.1:5672 (.ci/services.sh le démarre)")
    vhost = f"sas-test-{uuid.uuid4().hex[:12]}"
    # "pw" first: a password starting with "-" would be read by rabbitmqctl as an option
    user, password = f"sas-{uuid.uuid4().hex[:8]}", "pw" + secrets.token_urlsafe(18)
    rabbit.create_vhost(vhost)
    dispatcher = None
    try:
        rabbit.ctl("add_user", user, password)
        state = Hub(vhost, rabbit.url(vhost), user, password)
        state.restore()
        rabbit.declare_layout(state.url, [SAMU_A, SAMU_B, SAMU_C, PEER])
        log = open(tmp_path / "dispatcher.log", "ab")
        dispatcher = subprocess.Popen([sys.executable, "-m", "tests.hub_amqp.dispatcher", state.url], cwd=ROOT,
                                      stdout=log, stderr=subprocess.STDOUT)
        rabbit.wait_for_consumers(state.url, {DISPATCH_QUEUE})
        yield state
    finally:
        if dispatcher is not None:
            dispatcher.terminate()
            dispatcher.wait(10)
        rabbit.delete_vhost(vhost)
        rabbit.ctl("delete_user", user)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(db_url: str) -> None:
    from app.models import User
    from app.models.db import open_database
    from app.services.security.auth import hash_password

    engine, sessions = open_database(db_url)
    digest = hash_password(PASSWORD)
    with sessions() as session:
        for username, role in USERS:
            session.add(User(username=username, display_name=f"Agent {role}", role=role, password_hash=digest))
        session.commit()
    engine.dispose()


class Samu:
    """One SAMU's ``sas server`` process connected to the Hub, and an HTTP client on it."""

    def __init__(self, client_id: str, hub: Hub, workdir: Path, *, via_env: bool):
        self.client_id = client_id
        self.db_url = f"sqlite:///{workdir / (client_id + '.db')}"
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log_path = workdir / f"{client_id}.log"
        _seed(self.db_url)
        command = [sys.executable, "-m", "app", "server", "--db", self.db_url, "--port", self.url.rsplit(":", 1)[1]]
        env = dict(os.environ)
        if via_env:
            env.update(SAS_HUB_URL=hub.server_url, SAS_HUB_CLIENT_ID=client_id)
        else:
            command += ["--hub-url", hub.server_url, "--hub-client-id", client_id]
        self._proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(self.log_path, "ab"),
                                      stderr=subprocess.STDOUT)
        self.http = httpx.Client(base_url=self.url, timeout=10.0, trust_env=False)
        self._wait_healthy()
        self._tokens: dict[str, str] = {}

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if self.http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not answer /healthz")

    def auth(self, username: str = "arm") -> dict[str, str]:
        if username not in self._tokens:
            response = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            response.raise_for_status()
            self._tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.http.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)


@pytest.fixture(scope="package")
def samus(hub, tmp_path_factory):
    """SAMU A and SAMU B, connected (their queues consumed)."""
    workdir = tmp_path_factory.mktemp("samus")
    a = Samu(SAMU_A, hub, workdir, via_env=False)
    try:
        b = Samu(SAMU_B, hub, workdir, via_env=True)
    except BaseException:
        a.stop()
        raise
    try:
        rabbit.wait_for_consumers(hub.url, {f"{c}.{k}" for c in (SAMU_A, SAMU_B) for k in ("message", "ack", "info")})
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def start_samu(hub, tmp_path):
    """Start more servers (stopped at the end of the test)."""
    started: list[Samu] = []

    def start(client_id: str) -> Samu:
        samu = Samu(client_id, hub, tmp_path, via_env=True)
        started.append(samu)
        return samu

    yield start
    for samu in started:
        samu.stop()


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; that value (fails the test after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def case_body(n: int, owner: str = SAMU_A) -> dict:
    """A valid CaseDoc body of ``owner`` (case number ``n``)."""
    code = owner[-3:]
    return {
        "uuid": str(uuid.uuid4()), "case_id": f"{owner}.DRFR15{code}241{n:08d}", "owner": owner,
        "creation": "2024-01-18T10:15:00+01:00", "reception": "2024-01-18T10:14:30+01:00",
        "priority": "P2", "perimeter": "SNP", "caller_name": "Jeanne Test", "caller_phone": "+33612345678",
        "address_complete": "1 place Kléber", "city_name": "Strasbourg", "city_insee_code": "67482",
        "lat": 48.5834, "lon": 7.7455,
        "patients": [{"uuid": str(uuid.uuid4()), "patient_id": f"{owner}.patient.{n}",
                      "last_name": "Test", "first_name": "Jeanne", "birth_date": "1950-02-03", "sex": "F"}],
        "notes": [],
    }


def received_case(samu, case_id: str) -> dict | None:
    response = samu.http.get(f"/api/v1/cases/{rs_eda_import.case_uuid_for(case_id)}", headers=samu.auth("mru"))
    return response.json() if response.status_code == 200 else None
