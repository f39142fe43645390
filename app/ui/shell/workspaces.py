"""Each role's workspace in the main window: which panels sit in the middle, which are docked.

* ARM, MRU / MRL, OSNP (:func:`build_desk`): a pane on the left holding the intake form
  and the case view (the ARM starts on the intake form, the others on the case view;
  Ctrl+N brings the form, opening a case from a queue the case view), map, slots and
  the decision row in the middle, the queue and the journal docked on the right — the
  OSNP's worklist of decided cases waiting for a booking docked first, the queue a tab
  behind it.
* SUPERVISEUR / ADMIN (:func:`build_supervisor`): the queue in the middle, the case view
  and the journal docked in tabs; the console adds the wall and the review (F9, F10).
  No intake form, map or slot list: their widgets sit in a container never shown (the
  map page still loads, so what waits for its readiness does not wait forever).

Dock object names are stable: the saved layouts (:mod:`app.ui.shell.layouts`) use them.
"""

from __future__ import annotations

from app.ui.qt import QT_TRANSLATE_NOOP, QCoreApplication, QSplitter, QStackedWidget, Qt, QVBoxLayout, QWidget
from app.ui.shell.layouts import add_dock

#: The workspace of each role.
WORKSPACES = {"ARM": "arm", "MRU": "doctor", "MRL": "doctor", "OSNP": "osnp", "SUPERVISEUR": "supervisor",
              "ADMIN": "supervisor"}


def workspace_of(role: str) -> str:
    return WORKSPACES.get(str(role), "supervisor")


#: Dock titles by dock object name (French, translated in the main window's context when shown).
TITLES = {"worklistDock": QT_TRANSLATE_NOOP("MainWindow", "À réserver"),
          "queueDock": QT_TRANSLATE_NOOP("MainWindow", "File d'attente"),
          "journalDock": QT_TRANSLATE_NOOP("MainWindow", "Journal partagé"),
          "caseDock": QT_TRANSLATE_NOOP("MainWindow", "Dossier")}


def _dock(w, name: str, widget: QWidget):
    return add_dock(w, name, QCoreApplication.translate("MainWindow", TITLES[name]), widget)


def build_desk(w, actions, decision_row) -> None:
    """The workspace of the roles that regulate (see the module docstring); sets ``w.docks``."""
    middle_split = QSplitter(Qt.Orientation.Vertical, w)
    middle_split.setObjectName("mapSlotsSplitter")
    middle_split.addWidget(w.map_view)
    slots = QWidget(w)  # the agendas that did not answer (issue 14), right above the list
    slots_layout = QVBoxLayout(slots)
    slots_layout.setContentsMargins(0, 0, 0, 0)
    slots_layout.setSpacing(2)
    slots_layout.addWidget(w.search.missing_label)
    slots_layout.addWidget(w.slot_table, 1)
    middle_split.addWidget(slots)
    middle_split.setSizes([560, 320])
    middle = QWidget(w)
    mid_layout = QVBoxLayout(middle)
    mid_layout.setContentsMargins(0, 0, 0, 0)
    mid_layout.addLayout(actions)
    mid_layout.addWidget(w.search_bar)
    mid_layout.addWidget(middle_split, 1)
    mid_layout.addLayout(decision_row)
    w.left_stack = QStackedWidget(w)
    w.left_stack.setObjectName("casePane")
    w.left_stack.addWidget(w.intake)
    w.left_stack.addWidget(w.case_view)
    w.left_stack.setCurrentWidget(w.intake if w.workspace == "arm" else w.case_view)
    split = QSplitter(Qt.Orientation.Horizontal, w)
    split.setObjectName("mainSplitter")
    split.addWidget(w.left_stack)
    split.addWidget(middle)
    split.setStretchFactor(1, 1)
    w._split = split
    w._initial_sizes = [400, 660]
    w.setCentralWidget(split)
    w.setTabOrder(w.slot_table, w.search.book_button)
    w.docks = []
    if w.worklist_view is not None:
        w.docks.append(_dock(w, "worklistDock", w.worklist_view))
    w.docks += [_dock(w, "queueDock", w.queue_view), _dock(w, "journalDock", w.journal)]
    if w.worklist_view is not None:
        w.tabifyDockWidget(w.docks[0], w.docks[1])
        w.docks[0].raise_()


def build_supervisor(w, actions, decision_row) -> None:
    """The chef de salle's workspace (see the module docstring); sets ``w.docks`` and ``w.case_dock``."""
    unused = QWidget(w)
    unused.setObjectName("unusedPanels")
    unused_layout = QVBoxLayout(unused)
    unused_layout.addLayout(actions)
    for widget in (w.intake, w.search_bar, w.map_view, w.search.missing_label, w.slot_table):
        unused_layout.addWidget(widget)
    unused_layout.addLayout(decision_row)
    unused.hide()
    w.setCentralWidget(w.queue_view)
    w.case_dock = _dock(w, "caseDock", w.case_view)
    w.docks = [w.case_dock, _dock(w, "journalDock", w.journal)]
    w.tabifyDockWidget(w.docks[0], w.docks[1])
