"""The map of a real window against a real server: territory at login, the address placed, the exact place set.

The server runs in a thread on a free port with three effecteurs and the hand-written
BAN sample (``tests/data/ban``); the expected coordinates are copied from that file.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import httpx
import pytest

from app.models import ConsultationSite, Effecteur, Slot, User
from app.models.db import open_database, sqlite_url
from app.server.run import EmbeddedServer
from app.services.desk.workflow import Desk, UserInfo
from app.services.reference import ban_import
from app.services.security.auth import hash_password
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.settings import Settings
from app.ui.map.view import MapView
from app.ui.map.wiring import MapWiring
from app.ui.qt import QtCore, Qt
from app.ui.shell.main_window import MainWindow
from tests.ui.test_map_view import inspect

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ban" / "adresses-67-extrait.csv"
# (id, lat, lon, hours to the first free slot or None): green, orange, grey on the map.
EFFECTEURS = [("near", 48.585, 7.748, 1), ("later", 48.60, 7.78, 10), ("none", 48.70, 7.60, None)]


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return hash_password(password)


@pytest.fixture
def server(tmp_path):
    url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(url)
    now = datetime.now(timezone.utc)
    with sessions() as s, s.begin():
        s.add(User(username="mrl", display_name="Dr MRL", role="MRL", password_hash=_hash("pw")))
        for key, lat, lon, hours in EFFECTEURS:
            s.add(Effecteur(id=key, kind="MG", name=f"Dr {key}", sas_participant=True, accepts_extra=False))
            s.add(ConsultationSite(id=f"s-{key}", effecteur_id=key, name="Cabinet", address="1 rue",
                                   city_name="Strasbourg", city_insee_code="67482", lat=lat, lon=lon))
            s.flush()
            if hours is not None:
                start = now + timedelta(hours=hours)
                s.add(Slot(site_id=f"s-{key}", effecteur_id=key, start=start, end=start + timedelta(minutes=20),
                           mode="AMB", slot_type="SNP", status="free", source="test"))
    ban_import.import_file(sessions, SAMPLE)
    engine.dispose()
    with EmbeddedServer(url) as srv:
        yield srv


@pytest.fixture
def window(qtbot, qasync_loop, tmp_path, server):
    token = httpx.post(f"{server.url}/api/v1/auth/login", json={"username": "mrl", "password": "pw"}).json()
    engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
    store = LocalStore(factory)
    desk = Desk(store=store, client=ApiClient(server.url, token=token["access_token"], timeout=5.0),
                settings=Settings(desk_number=12), user=UserInfo("mrl", "MRL", "Dr MRL"))
    view = MapView(territory=["67"])
    made = MainWindow(desk, store, view)
    made.map_wiring = MapWiring(made, desk)
    qtbot.addWidget(made)
    with qtbot.waitActive(made):
        made.show()
    with qtbot.waitSignal(view.ready, timeout=15000):
        pass
    yield made
    engine.dispose()


def test_the_territory_then_the_address_at_its_number_then_the_exact_place(qtbot, window):
    view = window.map_view
    # 1. Before any case: the territory's effecteurs, coloured by their next free slot.
    qtbot.waitUntil(lambda: inspect(qtbot, view)["markers"] == 3, timeout=15000)
    assert inspect(qtbot, view)["showing"] == "territory"
    colours = [view_js(qtbot, view, f"window.sasMap.marker('{key}').options.fillColor") for key, *_ in EFFECTEURS]
    assert colours == ["#2e7d32", "#ef6c00", "#9e9e9e"]

    # 2. A case at « 12 bis rue du Dôme »: placed at that number, and the search runs from there.
    window.intake.fill(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 bis rue du Dôme",
                       commune="Strasbourg", motive="M03.14", priority="P2")
    window.intake.confirm_callback()
    with qtbot.waitSignal(window.searchFinished, timeout=20000) as search:
        window.intake.submit()
    assert search.args[0] >= 1
    case = window._desk.current_case
    assert (case.lat, case.lon, case.coord_precision) == (48.584868, 7.749418, "ADRESSE")
    qtbot.waitUntil(lambda: inspect(qtbot, view)["patient"] == [48.584868, 7.749418], timeout=5000)
    state = inspect(qtbot, view)
    assert state["showing"] == "results" and state["popupId"] is None

    # 3. The patient dragged a little further, Entrée: the exact place, recorded through the core.
    view.run_js_json("(function (m) { m.setLatLng([48.5852, 7.7500]); m.fire('dragend'); })"
                     "(window.sasMap.patient()) && null", lambda _: None)
    qtbot.waitUntil(lambda: view.pending_place() is not None, timeout=5000)
    bar = view.findChild(QtCore.QObject, "placeConfirmBar")
    with qtbot.waitSignal(window.searchFinished, timeout=20000):  # searched again from the new place
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    case = window._desk.current_case
    assert (case.lat, case.lon, case.coord_precision) == (48.5852, 7.75, "EXACTE")
    assert inspect(qtbot, view)["patient"] == [48.5852, 7.75] and view.pending_place() is None


def view_js(qtbot, view, expr):
    box: list = []
    view.run_js_json(expr, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]
