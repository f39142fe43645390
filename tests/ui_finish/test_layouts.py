"""The window layout is the role's: what an MRU moves or hides comes back for the MRU, not for an ARM."""

from __future__ import annotations

from app.ui.shell.layouts import layouts_path
from app.ui.qt import QDockWidget, QSplitter, Qt


def _dock(window, name: str) -> QDockWidget:
    return window.findChild(QDockWidget, name)


def test_an_mru_finds_the_docks_as_left_and_an_arm_gets_the_default(qtbot, make_window):
    mru = make_window("MRU")
    queue, journal = _dock(mru, "queueDock"), _dock(mru, "journalDock")
    assert queue.isVisible() and journal.isVisible()
    assert mru.dockWidgetArea(journal) == Qt.DockWidgetArea.RightDockWidgetArea
    queue.hide()
    mru.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, journal)
    mru.close()
    assert layouts_path().exists()

    again = make_window("MRU")
    assert not _dock(again, "queueDock").isVisible()
    assert again.dockWidgetArea(_dock(again, "journalDock")) == Qt.DockWidgetArea.LeftDockWidgetArea

    arm = make_window("ARM")
    assert _dock(arm, "queueDock").isVisible()
    assert arm.dockWidgetArea(_dock(arm, "journalDock")) == Qt.DockWidgetArea.RightDockWidgetArea


def test_restore_layout_brings_the_default_back_and_forgets_the_saved_one(qtbot, make_window):
    mru = make_window("MRU")
    _dock(mru, "queueDock").hide()
    mru.close()
    again = make_window("MRU")
    assert not _dock(again, "queueDock").isVisible()

    again.menus.reset_layout_action.trigger()
    assert _dock(again, "queueDock").isVisible()
    assert again.layouts.saved() is None
    _dock(again, "journalDock").hide()
    again.menus.reset_layout_action.trigger()
    assert _dock(again, "journalDock").isVisible()


def test_the_map_and_slot_list_split_is_kept_per_role(qtbot, make_window):
    mru = make_window("MRU")
    split = mru.findChild(QSplitter, "mapSlotsSplitter")
    default = split.sizes()
    split.setSizes([default[0] - 200, default[1] + 200])
    moved = split.sizes()
    assert moved != default
    mru.close()
    assert make_window("MRU").findChild(QSplitter, "mapSlotsSplitter").sizes() == moved
    untouched = [make_window(role).findChild(QSplitter, "mapSlotsSplitter").sizes() for role in ("MRL", "ARM")]
    assert untouched[0] == untouched[1]  # the default, whatever MRUs did


def test_a_window_closed_while_locked_keeps_the_layout_the_user_had(qtbot, make_window):
    from app.ui.shell.session_lock import SessionLock

    mru = make_window("MRU")
    _dock(mru, "queueDock").hide()  # the user's choice: no queue; the journal stays
    mru.close()
    again = make_window("MRU")
    lock = SessionLock(again, "Dr Test", 10, verify=None)
    lock.lock()  # hides every view, journal included
    assert not _dock(again, "journalDock").isVisible()
    again.close()  # e.g. the desk is shut down while locked
    lock.stop()
    last = make_window("MRU")
    assert _dock(last, "journalDock").isVisible() and not _dock(last, "queueDock").isVisible()
