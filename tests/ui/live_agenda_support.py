"""A real ``sas server`` behind the live agendas contract (issue 14), for the console's tests.

The server of this branch predates the editors' side of issue 14, so :class:`ContractTransport`
(the desk's own :class:`~app.services.sync.api_client.ApiClient` talks through it, over real
HTTP to a real ``sas server`` process) adds what the contract says a live server answers:

* ``GET /slots/search``: ``missing_editors`` and, per slot, ``editor``, ``age_s``, ``stale`` and
  ``booking`` as configured per effecteur (:attr:`ContractTransport.agendas`);
* ``POST /slots/{id}/booking``: every request body is recorded (:attr:`ContractTransport.bookings`);
  a queued refusal (:meth:`ContractTransport.refuse_next`) is answered instead of the server, in
  the error shape of ``app/server/errors.py``; otherwise the booking goes to the server as sent.

The oracles stay the server's own journal (:func:`tests.helpers.server_journal.read_journal`).
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from app.models import ConsultationSite, Effecteur, Slot, User
from app.models.db import open_database, sqlite_url
from app.services.desk.workflow import Desk, UserInfo
from app.services.intake.form import IntakeForm
from app.services.intake.patients import PatientForm
from app.services.security.auth import hash_password
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.settings import Settings
from app.ui.map.view import MapView
from app.ui.shell.main_window import MainWindow
from tests.e2e.conftest import ServerProcess, free_port
from tests.helpers.server_journal import read_journal

PASSWORD = "mot de passe de test"
PLACE_KLEBER = (48.5834, 7.7455)
#: (id, name, phone, hours from now of its free slots)
EFFECTEURS = [("eff-0", "Dr Alice Schweitzer", "+33388000001", (3, 26)),
              ("eff-1", "Dr Bernard Oberlin", "+33388123456", (4,)),
              ("eff-2", "Dr Claire Hoffmann", "+33388000003", (5,))]
#: Per effecteur, what a live server says of its slots.
AGENDAS = {
    "eff-0": {"editor": "Doctolib", "age_s": 180.0, "stale": False, "booking": "editor"},
    "eff-1": {"editor": "Agendaphone", "age_s": 1500.0, "stale": True, "booking": "phone"},
    "eff-2": {"editor": None, "age_s": None, "stale": False, "booking": "local"},
}
MISSING = [{"editor": "Maiia", "reason": "délai de réponse dépassé"}, {"editor": "Keldoc", "reason": "erreur"}]
_BOOKING = re.compile(r"/api/v1/slots/(\d+)/booking$")


def _at(hours: float) -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(hours=hours)


class ContractTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the server, with the live agendas contract added (see the module docstring)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.agendas = {k: dict(v) for k, v in AGENDAS.items()}
        self.missing: list[dict] = list(MISSING)
        self.searches = 0
        self.bookings: list[dict] = []
        self._refusals: list[tuple[int, dict]] = []

    def refuse_next(self, status: int, error: str, message: str) -> None:
        self._refusals.append((status, {"error": error, "message": message}))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and (m := _BOOKING.search(path)):
            body = json.loads(request.content or b"{}")
            self.bookings.append({"slot_id": int(m.group(1)), **body})
            if self._refusals:
                status, error = self._refusals.pop(0)
                return httpx.Response(status, json=error)
        response = await self._inner.handle_async_request(request)
        if request.method == "GET" and path.endswith("/api/v1/slots/search") and response.status_code == 200:
            self.searches += 1
            answer = json.loads(await response.aread())
            for r in answer.get("results", []):
                r.update(self.agendas.get(r["effecteur"]["id"], {}))
            answer["missing_editors"] = self.missing
            return httpx.Response(200, json=answer)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def server(tmp_path):
    """A server with a doctor, an OSNP, a supervisor and three effecteurs near place Kléber (Strasbourg)."""
    url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(url)
    digest = hash_password(PASSWORD)
    with sessions() as s:
        for name, role in (("mrl", "MRL"), ("osnp", "OSNP"), ("superviseur", "SUPERVISEUR")):
            s.add(User(username=name, display_name=f"Dr {name}", role=role, password_hash=digest))
        for i, (eid, name, phone, hours) in enumerate(EFFECTEURS):
            s.add(Effecteur(id=eid, kind="MG", name=name, phone=phone, sas_participant=True))
            s.add(ConsultationSite(id=f"site-{i}", effecteur_id=eid, name=f"Cabinet {name}",
                                   address="1 place Kléber", city_name="Strasbourg", city_insee_code="67482",
                                   lat=PLACE_KLEBER[0] + 0.002 * i, lon=PLACE_KLEBER[1]))
            s.flush()
            for h in hours:
                s.add(Slot(site_id=f"site-{i}", effecteur_id=eid, start=_at(h), end=_at(h + 0.25),
                           mode="AMB", status="free", source="test", fetched_at=_at(0)))
        s.commit()
    engine.dispose()
    process = ServerProcess(url, free_port(), tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def run(qtbot, coro):
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=15_000)
    return task.result()


@pytest.fixture
def make_desk(qtbot, qasync_loop, server, tmp_path):
    """``make_desk(user, role)``: a desk logged in through the contract: (window, desk, store, transport)."""
    made = []

    def make(user: str = "mrl", role: str = "MRL"):
        engine, factory = open_database(sqlite_url(tmp_path / f"{user}.db"))
        transport = ContractTransport()
        client = ApiClient(server.url, timeout=2.0, transport=transport)
        run(qtbot, client.login(user, PASSWORD))
        store = LocalStore(factory)
        desk = Desk(store=store, client=client, settings=Settings(desk_number=12),
                    user=UserInfo(user, role, f"Dr {user}"))
        window = MainWindow(desk, store, MapView())
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        made.append((engine, client))
        return window, desk, store, transport

    yield make
    for engine, client in made:
        run(qtbot, client.aclose())
        engine.dispose()


def call(patient: PatientForm | None = None) -> IntakeForm:
    return IntakeForm(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="1 place Kléber",
                      commune_insee="67482", commune_name="Strasbourg", motive_code="M03.14", priority="P2",
                      patients=[patient or PatientForm(last_name="Dupont", first_name="Jean", sex="M")])


def open_case(qtbot, window, desk, form: IntakeForm | None = None):
    """Open a case (as the intake does), wait for its search, push it to the server."""
    with qtbot.waitSignal(window.searchFinished, timeout=15_000) as search:
        case = desk.open_case(form or call())
    assert search.args[0] > 0
    report = run(qtbot, SyncService(desk._store, desk.client, live=False).push_once())
    assert report.ok and not report.rejected
    return case


def bookings(server, case_uuid: str | None = None) -> list[tuple[str, int]]:
    """(status, slot id) of every booking entry of the server's journal, in order."""
    return [(e["payload"]["status"], e["payload"]["slot_id"]) for e in read_journal(server.url, password=PASSWORD)
            if e["kind"] == "booking" and case_uuid in (None, e["payload"]["case_id"])]
