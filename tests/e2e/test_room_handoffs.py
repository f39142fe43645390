"""Issue 13, items 1–3 on the real stack: the ARM's case reaches the doctor's case view, and who holds it shows.

Four desks in this process (ARM, MRL, MRU, chef de salle), each with its own cache, its
own logged-in API client and its own window with real widgets, against one real
``sas server`` process.  Each desk syncs when the test says so (one round of its sync
service), so the steps are those of the room, in order:

1. the ARM types a call (caller, callback number, address, commune, motive, notes) and hands it over;
2. the MRL, after a sync, presses F6 then Entrée: its case view shows each of those values, and the MRL
   has taken the case in charge;
3. the ARM's queue then reads « pris en charge par » the MRL's display name;
4. the MRU opening it is told who holds it, consults it read-only, then takes it over (journalled);
5. a release and a closing free the case on every desk.

The expected texts are written out here from the demo accounts and the typed call.
"""

from __future__ import annotations

import asyncio

import pytest

from app import paths
from app.models.db import open_database, sqlite_url
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.settings import Settings
from app.ui.case.regulation_actions import Prompt
from app.ui.map.view import MapView
from app.ui.qt import QApplication, Qt
from app.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.e2e

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
#: The demo accounts' display names (app/demo/names.py), written out.
MRL_NAME, MRU_NAME = "Dr Claire Muller (MRL)", "Dr Antoine Lefèvre (MRU)"
ACCOUNTS = {"arm": "arm-demo", "mrl": "mrl-demo", "mru": "mru-demo", "osnp": "osnp-demo",
            "superviseur": "superviseur-demo"}
DECIDED = "Statut : Décidé : Consultation en ville sous 48 h — créneau à réserver"
STATE_COLUMN = 6


class RoomDesk:
    """One desk: its cache, its client, its window and its sync service (one round at a time)."""

    def __init__(self, qtbot, tmp_path, server_url: str, username: str, number: int):
        self.qtbot = qtbot
        self.engine, factory = open_database(sqlite_url(tmp_path / f"{username}.db"))
        self.store = LocalStore(factory)
        self.client = ApiClient(server_url, timeout=10.0)
        session = self.run(self.client.login(username, ACCOUNTS[username]))
        self.user = UserInfo(session.username, session.role, session.display_name)
        self.desk = Desk(store=self.store, client=self.client, settings=Settings(desk_number=number), user=self.user)
        self.window = MainWindow(self.desk, self.store, MapView())
        qtbot.addWidget(self.window)
        self.sync = SyncService(self.store, self.client, interval=60)
        self.window.show()

    def run(self, coro):
        future = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(future.done, timeout=20_000)
        return future.result()

    def sync_once(self) -> None:
        report = self.run(self.sync.sync_once())
        assert report.error is None, report.error
        self.window.refresh_journal()

    def key(self, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        """A key as the user presses it: to the widget that has the focus in this window."""
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow, timeout=5_000)
        target = QApplication.focusWidget() if self.window.isActiveWindow() else None
        self.qtbot.keyClick(target or self.window, key, modifiers)

    def queue_state(self, case_uuid: str) -> str | None:
        model = self.window.queue_view.model()
        row = model.row_of(case_uuid)
        return None if row < 0 else model.index(row, STATE_COLUMN).data()

    def close(self) -> None:
        """Stop syncing and let the client and the cache go (pytest-qt closes the window itself)."""
        self.sync.stop()
        self.run(self.client.aclose())
        self.engine.dispose()


@pytest.fixture
def room(qtbot, qasync_loop, demo_server, tmp_path):
    paths.set_data_dir(tmp_path / "data")
    desks = {}

    def desk(username: str) -> RoomDesk:
        if username not in desks:
            desks[username] = RoomDesk(qtbot, tmp_path, demo_server.url, username, 40 + len(desks))
        return desks[username]

    yield desk
    for d in desks.values():
        d.close()


def _open_from_queue(desk: RoomDesk) -> None:
    """F6 then Entrée, as the user does: the first row opens."""
    desk.key(Qt.Key.Key_F6)
    assert desk.window.queue_view.table.hasFocus()
    desk.key(Qt.Key.Key_Return)


def test_the_arms_case_reaches_the_doctors_case_view_and_the_holder_shows(room, monkeypatch):
    arm = room("arm")
    intake = arm.window.intake
    intake.fill(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
                commune="Strasbourg", motive="M03.14", priority="P2",
                notes="Fièvre depuis 48 h, rappeler la fille au second numéro.")
    intake.caller.set_callback("07 98 76 54 32")
    intake.confirm_callback()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))  # no duplicate to attach: a new case
    # The case opens and its slot search runs; its « search » event is written when the answer lands.
    with arm.qtbot.waitSignal(arm.window.searchFinished, timeout=20_000):
        intake.submit()
    case = arm.desk.current_case
    assert case is not None and case.callback_phone == "+33798765432"
    arm.key(Qt.Key.Key_T, CTRL)  # hand over to the MRL
    arm.sync_once()
    assert arm.store.outbox_count() == 0, (arm.store.pending_outbox(), arm.store.rejected_items())

    # 2. The MRL's desk: F6, Entrée → the case view carries everything the ARM typed.
    mrl = room("mrl")
    mrl.sync_once()
    assert mrl.window.left_stack.currentWidget() is mrl.window.case_view  # the doctor's workspace
    _open_from_queue(mrl)
    view = mrl.window.case_view
    assert mrl.desk.current_case.uuid == case.uuid
    assert mrl.window.left_stack.currentWidget() is view
    assert view.fields["caller"].text().startswith("Mme Martin")
    assert view.fields["callback"].text() == "07 98 76 54 32 (appel depuis le 06 12 34 56 78)"
    assert view.fields["address"].text() == "12 rue des Juifs"
    assert view.fields["commune"].text().startswith("Strasbourg")
    assert view.fields["motive"].text().endswith("(M03.14)")
    assert view.fields["priority"].text() == "P2"
    assert "Fièvre depuis 48 h, rappeler la fille au second numéro." in view.sections["notes"].text()
    assert view.status.text() == "Statut : En cours — transmis, attend le médecin"
    assert view.holder.text().startswith(f"Pris en charge par {MRL_NAME} depuis ")
    events = [view.events.item(n).text() for n in range(view.events.count())]
    assert any("Transmis au médecin régulateur libéral (MRL)" in e for e in events)
    assert any(f"Pris en charge par {MRL_NAME}" in e for e in events)
    assert mrl.queue_state(case.uuid) == f"pris en charge par {MRL_NAME}"
    mrl.sync_once()

    # 3. The ARM's queue says who has the case.
    arm.sync_once()
    assert arm.queue_state(case.uuid) == f"pris en charge par {MRL_NAME}"

    # 4. The MRU opening it is told who holds it; read-only first, then a take-over.
    asked = []
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, parent, title, text, options: asked.append(
        (text, options)) or 0))
    mru = room("mru")
    mru.sync_once()
    _open_from_queue(mru)
    assert len(asked) == 1 and asked[0][0].startswith(f"Dossier pris en charge par {MRL_NAME} depuis ")
    assert asked[0][0].endswith("— le reprendre ?")
    assert [o.replace("&", "") for o in asked[0][1]] == ["Consulter sans le prendre", "Reprendre le dossier"]
    note = mru.window.case_view.buttons["note"]
    assert not note.isEnabled() and note.toolTip() == f"Consultation seule : dossier pris en charge par {MRL_NAME}"
    assert mru.window.case_view.buttons["take_charge"].isEnabled()
    assert mru.queue_state(case.uuid) == f"pris en charge par {MRL_NAME}"
    mru.key(Qt.Key.Key_G, CTRL | SHIFT)  # take it over
    assert mru.queue_state(case.uuid) == f"pris en charge par {MRU_NAME}"
    mru.sync_once()
    arm.sync_once()
    assert arm.queue_state(case.uuid) == f"pris en charge par {MRU_NAME}"
    journal = [arm.window.journal.model().entry(r) for r in range(arm.window.journal.model().rowCount())]
    assert any(e["payload"].get("freetext") == f"reprise du dossier de {MRL_NAME}" for e in journal)

    # 5. A release frees the case on every desk; a closing takes it out of the queue.
    mru.key(Qt.Key.Key_U, CTRL | SHIFT)
    mru.sync_once()
    arm.sync_once()
    mrl.sync_once()
    assert arm.queue_state(case.uuid) == "transmis, attend le médecin"
    assert mrl.queue_state(case.uuid) == "transmis, attend le médecin"
    _open_from_queue(mrl)  # nobody holds it: the MRL takes it again, without a question
    assert len(asked) == 1 and mrl.queue_state(case.uuid) == f"pris en charge par {MRL_NAME}"
    monkeypatch.setattr(Prompt, "item", classmethod(lambda cls, *a: a[-1][0]))  # keep the attribution
    mrl.key(Qt.Key.Key_W, CTRL | SHIFT)
    assert mrl.window.case_view.status.text() == "Statut : Clôturé"
    assert mrl.window.case_view.holder.text() == "Personne n'a ce dossier en charge"
    mrl.sync_once()
    arm.sync_once()
    assert arm.queue_state(case.uuid) is None  # closed: out of the queue


def test_the_supervisor_has_no_intake_form_map_or_slot_list(room, monkeypatch):
    arm = room("arm")
    arm.window.intake.fill(caller_phone="06 55 44 33 22", caller_name="Mme Klein", address="1 rue du Dôme",
                           commune="Strasbourg", motive="M03.14", priority="P3")
    arm.window.intake.confirm_callback()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))
    with arm.qtbot.waitSignal(arm.window.searchFinished, timeout=20_000):
        arm.window.intake.submit()
    arm.sync_once()
    chief = room("superviseur")
    window = chief.window
    assert window.workspace == "supervisor" and window.centralWidget() is window.queue_view
    for widget in (window.intake, window.map_view, window.slot_table):
        assert not widget.isVisible()
    chief.sync_once()
    _open_from_queue(chief)  # the chef de salle reads a case, never takes it
    view = window.case_view
    assert view.isVisible() and view.title.text().startswith("Dossier ")
    take = view.buttons["take_charge"]
    assert not take.isEnabled()
    assert take.toolTip() == "Seuls les médecins régulateurs et l'OSNP prennent un dossier en charge"
    assert view.fields["caller"].text().startswith("Mme Klein")
    assert chief.queue_state(chief.desk.current_case.uuid) == "à transmettre"  # nobody took it


def test_a_decided_case_waits_in_the_osnps_worklist_and_reads_decided(room, monkeypatch):
    arm = room("arm")
    arm.window.intake.fill(caller_phone="06 11 22 33 44", caller_name="M. Weber", address="3 place Kléber",
                           commune="Strasbourg", motive="M03.14", priority="P3", notes="Toux depuis 5 jours.")
    arm.window.intake.confirm_callback()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))
    with arm.qtbot.waitSignal(arm.window.searchFinished, timeout=20_000):
        arm.window.intake.submit()
    case = arm.desk.current_case
    arm.key(Qt.Key.Key_T, CTRL)
    arm.sync_once()
    mrl = room("mrl")
    mrl.sync_once()
    _open_from_queue(mrl)
    mrl.window.select_decision("CONSULTATION_48H")
    with mrl.qtbot.waitSignal(mrl.window.orientationRecorded, timeout=10_000):
        mrl.key(Qt.Key.Key_D, CTRL)
    assert mrl.window.case_view.status.text() == DECIDED
    mrl.sync_once()

    assert mrl.window.case_view.holder.text() == "Personne n'a ce dossier en charge"  # the decision released it
    osnp = room("osnp")
    osnp.sync_once()
    worklist = osnp.window.worklist_view
    assert worklist.model().row_of(case.uuid) == 0
    assert worklist.model().index(0, STATE_COLUMN).data() == "décidé, créneau à réserver"
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: pytest.fail(f"nobody holds it: {a}")))
    assert osnp.window.appointments_dock is not None and osnp.window.appointments_dock.isVisible()
    osnp.key(Qt.Key.Key_F6)  # the worklist is in front: F6 goes there, Entrée opens its first row
    assert worklist.table.hasFocus()
    osnp.key(Qt.Key.Key_Return)
    view = osnp.window.case_view
    assert osnp.desk.current_case.uuid == case.uuid
    assert view.fields["caller"].text().startswith("M. Weber") and view.fields["address"].text() == "3 place Kléber"
    assert view.status.text() == DECIDED
    assert view.holder.text().startswith("Pris en charge par Karim Benali (OSNP) depuis ")
    assert worklist.model().index(0, STATE_COLUMN).data() == "pris en charge par Karim Benali (OSNP)"
    # The OSNP never closes a doctor's case: the button says why.
    close = view.buttons["close"]
    assert not close.isEnabled() and "médecin régulateur" in close.toolTip()
