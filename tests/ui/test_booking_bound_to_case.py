"""The slot list belongs to the open case; booking is confirmed, happens once, and re-booking cancels the first.

Real widgets driven with the keyboard, a real ``sas server`` process on a small
seeded SQLite file, the desk's real client.  The oracles are the server itself,
read over HTTP like any other client: its journal (bookings made and cancelled)
and its slot search (which slots are free), and the times are converted by the
test with :mod:`zoneinfo`, not by the console's formatting.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.models import ConsultationSite, Effecteur, Slot, User
from app.models.db import open_database, sqlite_url
from app.services.desk.booking import STALE_RESULTS, BookingRefused
from app.services.desk.workflow import Desk, UserInfo
from app.services.intake.form import IntakeForm
from app.services.intake.patients import PatientForm
from app.services.security.auth import hash_password
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.settings import Settings
from app.ui.map.view import MapView
from app.ui.qt import QApplication, Qt
from app.ui.shell.main_window import MainWindow
from tests.e2e.conftest import ServerProcess, free_port
from tests.helpers.server_journal import read_journal

pytestmark = pytest.mark.e2e
PASSWORD = "mot de passe de test"
PLACE_KLEBER = (48.5834, 7.7455)
DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _at(hours: float) -> datetime:
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    return now + timedelta(hours=hours)


#: (effecteur name, hours from now of each of its free slots)
EFFECTEURS = [("Dr Alice Schweitzer", (3, 5, 26)), ("Dr Bernard Oberlin", (4, 30))]


@pytest.fixture
def server(tmp_path):
    """A server with a doctor, a supervisor and two effecteurs near place Kléber (Strasbourg)."""
    url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(url)
    digest = hash_password(PASSWORD)
    starts: dict[int, datetime] = {}
    with sessions() as s:
        for name, role in (("mrl", "MRL"), ("osnp", "OSNP"), ("superviseur", "SUPERVISEUR")):
            s.add(User(username=name, display_name=f"Dr {name}", role=role, password_hash=digest))
        for i, (name, hours) in enumerate(EFFECTEURS):
            s.add(Effecteur(id=f"eff-{i}", kind="MG", name=name, phone="+33388000000", sas_participant=True))
            s.add(ConsultationSite(id=f"site-{i}", effecteur_id=f"eff-{i}", name=f"Cabinet {name}",
                                   address="1 place Kléber", city_name="Strasbourg", city_insee_code="67482",
                                   lat=PLACE_KLEBER[0] + 0.002 * i, lon=PLACE_KLEBER[1]))
            s.flush()
            for h in hours:
                slot = Slot(site_id=f"site-{i}", effecteur_id=f"eff-{i}", start=_at(h), end=_at(h + 0.25),
                            mode="AMB", status="free", source="test", fetched_at=_at(0))
                s.add(slot)
                s.flush()
                starts[slot.id] = slot.start
        s.commit()
    engine.dispose()
    process = ServerProcess(url, free_port(), tmp_path / "server.log")
    process.start()
    process.starts = starts
    yield process
    process.stop()


def _run(qtbot, coro):
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=15_000)
    return task.result()


@pytest.fixture
def make_desk(qtbot, qasync_loop, server, tmp_path):
    """``make_desk(user, role)``: a desk logged in to the server, (window, desk, store)."""
    made = []

    def make(user: str, role: str):
        engine, factory = open_database(sqlite_url(tmp_path / f"{user}.db"))
        client = ApiClient(server.url, timeout=2.0)
        _run(qtbot, client.login(user, PASSWORD))
        store = LocalStore(factory)
        desk = Desk(store=store, client=client, settings=Settings(desk_number=12),
                    user=UserInfo(user, role, f"Dr {user}"))
        window = MainWindow(desk, store, MapView())
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        made.append((engine, client))
        return window, desk, store

    yield make
    for engine, client in made:
        _run(qtbot, client.aclose())
        engine.dispose()


@pytest.fixture
def desk(make_desk):
    """An MRL desk: (window, desk, store)."""
    return make_desk("mrl", "MRL")


def _bookings(server, case_uuid: str | None = None) -> list[tuple[str, int]]:
    """(status, slot id) of every booking entry of the server's journal, in order."""
    return [(e["payload"]["status"], e["payload"]["slot_id"]) for e in read_journal(server.url, password=PASSWORD)
            if e["kind"] == "booking" and case_uuid in (None, e["payload"]["case_id"])]


def _free_slots(server) -> set[int]:
    """The free slots the server's search finds around place Kléber (as an MRL)."""
    token = httpx.post(f"{server.url}/api/v1/auth/login", json={"username": "mrl", "password": PASSWORD}
                       ).json()["access_token"]
    body = httpx.get(f"{server.url}/api/v1/slots/search",
                     params={"lat": PLACE_KLEBER[0], "lon": PLACE_KLEBER[1], "radius_km": 10, "limit": 50},
                     headers={"Authorization": f"Bearer {token}"}).json()
    return {r["slot_id"] for r in body["results"]}


def _room_time(start: datetime) -> str:
    """« lun. 07/12 à 14:30 » in Paris time, computed here with zoneinfo."""
    t = start.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Paris"))
    return f"{DAYS[t.weekday()]} {t:%d/%m} à {t:%H:%M}"


def _call(phone: str, address: str, patient: PatientForm | None = None) -> IntakeForm:
    return IntakeForm(caller_phone=phone, caller_name="Mme Martin", address=address, commune_insee="67482",
                      commune_name="Strasbourg", motive_code="M03.14", priority="P2",
                      patients=[patient] if patient else [])


def _open(qtbot, window, desk, form: IntakeForm):
    """Open a case at the desk (as the intake or the queue does), wait for its search, sync it to the server."""
    with qtbot.waitSignal(window.searchFinished, timeout=15_000) as search:
        case = desk.open_case(form)
    assert search.args[0] > 0
    report = _run(qtbot, SyncService(desk._store, desk.client).push_once())
    assert report.ok and not report.rejected
    return case


def _book_with_keys(qtbot, window) -> str:
    """Entrée on the list, read the confirmation, Entrée to confirm; returns the question shown."""
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    dialog = window.search.booking.confirmation
    assert dialog is not None and dialog.isVisible()
    assert QApplication.activeModalWidget() is dialog  # where a keyboard's next key goes
    text = dialog.text()
    with qtbot.waitSignal(window.orientationRecorded, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    return text


def test_enter_enter_books_once_and_another_enter_is_refused(qtbot, desk, server):
    window, desk, _store = desk
    case = _open(qtbot, window, desk, _call("06 12 34 56 78", "1 place Kléber",
                                            PatientForm(last_name="Dupont", first_name="Jean", sex="M")))
    first = window.slot_table.current_result()
    # Échap cancels: nothing is sent.
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    dialog = window.search.booking.confirmation
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.search.booking.confirmation is None, timeout=5_000)
    assert _bookings(server) == []

    question = _book_with_keys(qtbot, window)
    expected = (f"Réserver pour M. Jean Dupont chez {first['effecteur']['name']} le "
                f"{_room_time(server.starts[first['slot_id']])} ?")
    assert question == f"{expected} — Entrée confirme, Échap annule"
    assert _bookings(server, case.uuid) == [("booked", first["slot_id"])]

    # The list shows the booking, selected; Réserver is off, Re-réserver on.
    table = window.slot_table
    assert table.current_result()["slot_id"] == first["slot_id"]
    assert table.model().index(0, 0).data() == "✔ Réservé"
    assert not window.search.book_button.isEnabled() and window.search.rebook_button.isEnabled()
    assert "Réservé" in window.search.booking.booking_label.text()

    # Entrée again (the booked row), Ctrl+B, then Entrée on another free slot: refused, nothing sent.
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.search.booking.confirmation is None
    assert "déjà réservé" in window.status.message()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.current_result()["slot_id"] != first["slot_id"]
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.search.booking.confirmation is None
    assert "déjà un rendez-vous" in window.status.message() and "Re-réserver" in window.status.message()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    assert window.search.booking.confirmation is None
    qtbot.wait(300)
    assert _bookings(server) == [("booked", first["slot_id"])]


def test_opening_another_case_clears_the_list_and_disables_booking_until_its_search_lands(qtbot, desk, server):
    window, desk, _store = desk
    _open(qtbot, window, desk, _call("06 12 34 56 78", "1 place Kléber"))
    assert window.slot_table.model().rowCount() > 0 and window.search.book_button.isEnabled()

    with qtbot.waitSignal(window.searchFinished, timeout=15_000) as search:
        other = desk.open_case(_call("06 98 76 54 32", "3 rue du Dôme"))
        # At once: the old list is gone and nothing can be booked from it.
        assert window.slot_table.model().rowCount() == 0
        assert not window.search.book_button.isEnabled()
        window.slot_table.setFocus()
        qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
        qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
        assert window.search.booking.confirmation is None
    assert search.args[0] > 0
    assert desk.search_results().case_uuid == other.uuid
    assert window.slot_table.model().rowCount() > 0 and window.search.book_button.isEnabled()

    # A new call (Ctrl+N): no case, no list, nothing to book.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.slot_table.model().rowCount() == 0 and not window.search.book_button.isEnabled()
    assert desk.search_results() is None
    assert _bookings(server) == []


def test_offline_enter_on_the_old_list_sends_nothing(qtbot, desk, server):
    window, desk, store = desk
    _open(qtbot, window, desk, _call("06 12 34 56 78", "1 place Kléber"))
    old = window.slot_table.current_result()
    server.stop()
    # The case's own list, offline: the confirmation is asked, then the desk says booking needs the server.
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    qtbot.keyClick(window.search.booking.confirmation, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "hors ligne" in window.status.message(), timeout=15_000)
    assert "ne se réserve qu'avec le serveur" in window.status.message()
    assert "orientation" not in {item.entity for item in store.pending_outbox()}
    with qtbot.waitSignal(window.searchFinished, timeout=15_000) as search:
        desk.open_case(_call("06 98 76 54 32", "3 rue du Dôme"))
    assert search.args == [-1] and "hors ligne" in window.status.message()
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    assert window.search.booking.confirmation is None
    # The Qt-free desk refuses the old list's slot for the new case before any request.
    with pytest.raises(BookingRefused) as refused:
        _run(qtbot, desk.book(old))
    assert refused.value.code == STALE_RESULTS
    assert "orientation" not in {item.entity for item in store.pending_outbox()}
    server.start()
    assert _bookings(server) == []


def test_rebooking_cancels_the_first_booking_and_frees_its_slot(qtbot, desk, server):
    window, desk, _store = desk
    case = _open(qtbot, window, desk, _call("06 12 34 56 78", "1 place Kléber",
                                            PatientForm(last_name="Test", first_name="Jeanne", sex="F")))
    first = window.slot_table.current_result()
    _book_with_keys(qtbot, window)
    table = window.slot_table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = table.current_result()
    assert second["slot_id"] != first["slot_id"]

    qtbot.keyClick(window, Qt.Key.Key_B, CTRL | SHIFT)
    dialog = window.search.booking.confirmation
    assert dialog is not None, window.status.message()
    assert dialog.text() == (
        f"Re-réserver pour Mme Jeanne Test chez {second['effecteur']['name']} le "
        f"{_room_time(server.starts[second['slot_id']])} ? Le rendez-vous actuel "
        f"({first['effecteur']['name']}, {_room_time(server.starts[first['slot_id']])}) sera annulé."
        " — Entrée confirme, Échap annule")
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):  # the list is searched again
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    assert _bookings(server, case.uuid) == [("booked", first["slot_id"]), ("cancelled", first["slot_id"]),
                                            ("booked", second["slot_id"])]
    free = _free_slots(server)
    assert first["slot_id"] in free and second["slot_id"] not in free
    assert table.current_result()["slot_id"] == second["slot_id"]
    assert table.model().index(0, 0).data() == "✔ Réservé"
    assert "remplacé" in window.status.message()


def test_an_osnp_without_the_doctors_decision_is_told_and_sends_nothing(qtbot, make_desk, server):
    window, desk, store = make_desk("osnp", "OSNP")
    _open(qtbot, window, desk, _call("06 12 34 56 78", "1 place Kléber"))
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    assert window.search.booking.confirmation is None
    assert "Aucune décision de consultation du médecin régulateur" in window.status.message()
    assert "orientation" not in {item.entity for item in store.pending_outbox()}
    assert _bookings(server) == []
