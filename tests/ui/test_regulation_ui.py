"""Issue 3 with real widgets and keys: route, details, patients, drafts, queue, duplicates, F1."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timedelta, timezone  # noqa: E402

from app.services.regulation import queue
from app.ui.qt import QLabel, QMessageBox, Qt  # noqa: E402
from app.ui.case.queue_view import QueueView  # noqa: E402
from app.ui.case.regulation_actions import Prompt  # noqa: E402
from tests.helpers.keyboard import CTRL, Keyboard, type_standard_call  # noqa: E402
from tests.ui.test_main_window import make_window  # noqa: E402,F401

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_standard_snp_call_is_routed_with_no_extra_key(qtbot, panel):
    with qtbot.waitSignal(panel.caseSubmitted, timeout=2000) as emitted:
        kb = type_standard_call(qtbot, panel)
    form = emitted.args[0]
    assert (form.perimeter, form.attribution, form.suggested_perimeter) == ("SNP", "DRM.MRL.MG", "SNP")
    assert "MRL" in panel.routing_row.hint.text() and not form.is_override()
    print(f"standard SNP call (caller, callback, place, motive, priority, route): {kb.count} keystrokes")
    assert kb.count == 59


def test_route_override_needs_a_reason_typed_on_the_keyboard(qtbot, panel):
    kb = Keyboard(qtbot)
    with qtbot.waitSignal(panel.caseSubmitted):
        type_standard_call(qtbot, panel, kb=kb)  # SNP suggested and kept
    panel.routing_row.combo.setFocus()
    kb.type("a")  # AMU instead of the suggested SNP
    assert panel.routing_row.reason_edit.isVisible()
    with qtbot.assertNotEmitted(panel.caseSubmitted):
        kb.key(Qt.Key.Key_Return, CTRL)
    error = panel.findChild(QLabel, "error_routing")
    assert error.isVisible() and "indiquez pourquoi" in error.text()
    assert panel.routing_row.reason_edit.hasFocus()
    kb.type("Patient en EHPAD")
    assert not error.isVisible()
    with qtbot.waitSignal(panel.caseSubmitted) as emitted:
        kb.key(Qt.Key.Key_Return, CTRL)
    assert (emitted.args[0].perimeter, emitted.args[0].routing_reason) == ("AMU", "Patient en EHPAD")
    assert emitted.args[0].attribution == "DRM.MRU.MU"


def test_p0_route_is_amu_and_surge_suspends_the_split(qtbot, panel):
    panel.priority_combo.setFocus()
    qtbot.keyClick(panel.priority_combo, Qt.Key.Key_0)
    assert panel.routing_row.perimeter() == "AMU" and "accompagné" in panel.routing_row.hint.text()
    qtbot.keyClick(panel.priority_combo, Qt.Key.Key_3)
    assert panel.routing_row.perimeter() == "SNP"
    panel.set_room(True, 0)
    assert panel.routing_row.perimeter() == "AMU" and "afflux" in panel.routing_row.hint.text()


def test_details_section_patient_errors_and_draft(qtbot, panel):
    kb = Keyboard(qtbot)
    assert not panel.extra.isVisible()
    kb.key(Qt.Key.Key_D, CTRL | SHIFT)
    assert panel.extra.isVisible()
    panel.details.floor_edit.setFocus()
    kb.type("3")
    panel.patients.last_name.setFocus()
    kb.type("Martin")
    panel.patients.birth_date.setFocus()
    kb.type("01/01/2999")
    kb.key(Qt.Key.Key_P, CTRL | SHIFT)  # add: refused, error under the field
    error = panel.findChild(QLabel, "error_patient_birth_date")
    assert error.isVisible() and error.text() == "Date de naissance dans le futur"
    assert panel.patients.list.count() == 0
    panel.patients.birth_date.selectAll()
    kb.type("03/02/1950")
    kb.key(Qt.Key.Key_P, CTRL | SHIFT)
    assert panel.patients.list.count() == 1 and not error.isVisible()
    panel.patients.age.setFocus()
    kb.type("130")
    with qtbot.waitSignal(panel.draftRequested) as draft, qtbot.assertNotEmitted(panel.caseSubmitted):
        kb.key(Qt.Key.Key_Return, CTRL)
    form = draft.args[0]
    assert form.access_floor == "3" and form.patients[0].last_name == "Martin" and form.patients[1].age == "130"
    assert panel.findChild(QLabel, "error_patient_age").text() == "Âge supérieur à 120 ans"


def test_queue_view_shows_p0_accompanied_with_a_running_timer(qtbot):
    now = datetime(2024, 1, 18, 10, 0, tzinfo=timezone.utc)
    view = QueueView(clock=lambda: now + timedelta(seconds=75))
    qtbot.addWidget(view)
    entries = [queue.QueueEntry("a", "fr.health.samu670.DRFR15670240180001", "P0", "AMU", "DRM.MRU.MU",
                                "Arrêt cardiaque", "Strasbourg", now, None, True, 75.0),
               queue.QueueEntry("b", "fr.health.samu670.DRFR15670240180002", "P2", "SNP", "DRM.MRL.MG",
                                "Fièvre", "Colmar", now, None, False, 75.0)]
    view.set_entries(entries)
    model = view.model()
    assert [model.index(r, 0).data() for r in range(2)] == ["P0", "P2"]
    assert model.index(0, 1).data() == "1:15" and "accompagné" in model.index(0, 6).data()
    assert "1 dossier(s) en attente" in view.summary.text() and "1 P0" in view.summary.text()


def test_main_window_duplicate_attach_handover_close_and_f1(qtbot, make_window, monkeypatch):  # noqa: F811
    window, store = make_window("ARM")
    with qtbot.waitSignal(window.intake.caseSubmitted):
        type_standard_call(qtbot, window.intake)
    first = window._desk.current_case
    assert window.queue_view.model().rowCount() == 1
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL)  # hand over to the MRL
    assert store.get_case(first.uuid).handed_over_at is not None
    # The same caller calls again: offered to attach, and attached.
    window.new_call()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 0))
    type_standard_call(qtbot, window.intake)
    assert len(store.cases()) == 1 and "rattaché" in store.get_case(first.uuid).notes[-1].freetext
    # An ARM cannot close a DRM case, but can close it as an error call.
    monkeypatch.setattr(Prompt, "item", classmethod(lambda cls, *a: a[-1][0]))  # first DR/D attribution: DR
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL | SHIFT)
    assert store.get_case(first.uuid).status == "CLOTURE" and window.queue_view.model().rowCount() == 0
    shown = {}
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text: shown.update(text=text))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    for keys in ("Ctrl+T", "Ctrl+Maj+D", "Ctrl+Maj+W", "Ctrl+Maj+A", "Ctrl+S", "F6", "Ctrl+D", "F5"):
        assert f"<b>{keys}</b>" in shown["text"]
