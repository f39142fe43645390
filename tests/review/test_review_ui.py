"""The review panel: live search, filters, Entrée opens the timeline, the chain badge, the PDF report."""

from __future__ import annotations

import pytest

from app.services.supervision.desk_reads import SupervisionReads
from app.ui.qt import QMainWindow, Qt
from app.ui.supervisor.shift_report import pdf_text
from app.ui.supervisor.shift_review import ShiftReviewPanel
from app.ui.supervisor.wall import attach_wall
from tests.review.conftest import CASES, END, NOW, START


@pytest.fixture
def panel(qtbot, shift, told_case):
    widget = ShiftReviewPanel(SupervisionReads(shift), clock=lambda: NOW, user="Chef de salle Test", period=(START, END))
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == CASES + 1 and "Journal" in widget.badge.text(),
                    timeout=20_000)
    yield widget
    widget._load_job.wait()


def test_typing_in_the_search_box_filters_the_table(qtbot, panel):
    panel.search_box.setFocus()
    with qtbot.waitSignal(panel.filtered, timeout=5_000) as blocker:
        qtbot.keyClicks(panel.search_box, "ELOISE")
    assert blocker.args == [1]
    assert [r.patient for r in panel.rows()] == ["Zoé Éloïse-Ünal"]
    assert panel.count_label.text() == f"1 dossier(s) sur {CASES + 1}"
    with qtbot.waitSignal(panel.filtered, timeout=5_000):
        panel.search_box.clear()
    assert panel.model.rowCount() == CASES + 1


def test_boxes_filter_the_table(qtbot, panel):
    with qtbot.waitSignal(panel.filtered, timeout=5_000):
        panel.priority_box.setCurrentIndex(panel.priority_box.findData("P1"))
    assert panel.rows() and all(r.priority == "P1" for r in panel.rows())
    with qtbot.waitSignal(panel.filtered, timeout=5_000):
        panel.operator_box.setCurrentIndex(panel.operator_box.findData("mru1"))
    assert panel.rows() and all(r.priority == "P1" and "mru1" in r.operators for r in panel.rows())


def test_enter_opens_the_timeline_of_the_current_case(qtbot, panel):
    with qtbot.waitSignal(panel.filtered, timeout=5_000):
        qtbot.keyClicks(panel.search_box, "zoe unal")
    panel.table.setFocus()
    with qtbot.waitSignal(panel.timelineOpened, timeout=5_000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: len(dialog.texts()) > 0, timeout=10_000)
    texts = dialog.texts()
    assert texts[0] == "Appel présenté (15)"
    assert "Recherche sans résultat — rayon 10 km" in texts
    assert "9999" in dialog.windowTitle()
    dialog.close()


def test_the_badge_says_the_journal_is_intact(panel):
    assert panel.badge.text().startswith("Journal intègre — ")
    assert "1b5e20" in panel.badge.styleSheet()


def test_the_pdf_report_has_the_indicators(qtbot, panel, tmp_path):
    target = tmp_path / "rapport.pdf"
    seen = []
    panel.report._job.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(panel.reportWritten, timeout=30_000) as blocker:
        panel.write_report(target)
    path, pages = blocker.args
    assert path == str(target) and pages >= 1 and target.stat().st_size > 10_000
    assert not target.with_name("rapport.pdf.part").exists()
    text = " ".join(pdf_text(target).split())
    for words in ("Rapport de garde — SAMU 67", "Décrochés en 60 s ou moins (QS60)", "Décrochés en 30 s",
                  "Délai jusqu'au médecin", "SNP terminés par un", "Patients non présentés",
                  "Recherches sans résultat", "Plus longue attente", "Dossiers par décision et priorité",
                  "Journal intègre", "Chef de salle Test", f"{CASES + 1}"):
        assert words in text, words
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert not panel.report.progress.isVisible()  # done: the progress dialog is gone


def test_the_review_docks_beside_the_wall_with_f10(qtbot, shift):
    window = QMainWindow()
    qtbot.addWidget(window)
    wall = attach_wall(window, SupervisionReads(shift))
    panel = window.findChild(ShiftReviewPanel)
    assert panel is not None
    assert any(a.shortcut().toString() == "F10" for a in window.actions())
    qtbot.waitUntil(lambda: panel._rows is not None and not panel._load_job.busy and wall.last_stats() is not None,
                    timeout=20_000)
    wall._job.wait()
