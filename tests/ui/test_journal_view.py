"""The journal table: model contract, French summaries, pending rows in amber, selection kept on refresh."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timezone  # noqa: E402

import pytest  # noqa: E402

from app.ui.case.journal_view import (  # noqa: E402
    COL_AUTHOR, COL_CASE, COL_KIND, COL_STATE, COL_SUMMARY, COL_TIME, JournalModel, JournalView,
)
from app.ui.qt import QColor, Qt  # noqa: E402

CASE = {"case_id": "fr.health.samu670.DRFR1567024018420007", "health_motive_label": "Douleur thoracique",
        "priority": "P2"}
ORIENTATION = {"decision_key": "CONSULTATION_48H", "effecteur_name": "Dr Weber",
               "appointment_start": "2025-11-24T14:30:00+01:00", "slot_id": 12}
BOOKING = {"slot_id": 12, "start": "2025-11-24T14:30:00+01:00", "status": "booked"}


def entries() -> list[dict]:
    """Newest first, as LocalStore.journal gives them: the pending item, then pulled entries."""
    return [
        {"seq": None, "uuid": "o-2", "kind": "orientation", "author": "mrl", "author_role": "MRL",
         "created_at": datetime(2025, 11, 24, 13, 5, tzinfo=timezone.utc),
         "payload": {"decision_key": "CONSEIL"}, "pending": True},
        {"seq": 3, "uuid": "o-1", "kind": "orientation", "author": "mrl", "author_role": "MRL",
         "created_at": "2025-11-24T13:02:00+00:00", "payload": ORIENTATION, "pending": False},
        {"seq": 2, "uuid": "o-1", "kind": "booking", "author": "mrl", "author_role": "MRL",
         "created_at": "2025-11-24T13:01:59+00:00", "payload": BOOKING, "pending": False},
        {"seq": 1, "uuid": "c-1", "kind": "case", "author": "arm1", "author_role": "ARM",
         "created_at": "2025-11-24T13:00:00+00:00", "payload": CASE, "pending": False},
    ]


def test_model_passes_qtmodeltester(qtmodeltester):
    model = JournalModel()
    qtmodeltester.check(model)
    model.set_entries(entries())
    qtmodeltester.check(model)


def test_columns_and_summaries():
    model = JournalModel()
    model.set_entries(entries())
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Heure", "Dossier", "Patient", "Type", "Événement", "Auteur", "État"]
    assert [model.index(r, COL_KIND).data() for r in range(4)] == ["Orientation", "Orientation", "Réservation",
                                                                   "Dossier"]
    assert model.index(0, COL_SUMMARY).data() == "Décision : Conseil médical"
    assert model.index(1, COL_SUMMARY).data() == ("Décision : Consultation en ville sous 48 h — Dr Weber — "
                                                  "RDV lun. 24/11 14:30")
    assert model.index(2, COL_SUMMARY).data() == "Créneau réservé n° 12 — lun. 24/11 14:30"
    assert model.index(3, COL_SUMMARY).data() == "Dossier ouvert — Douleur thoracique — P2 Non urgent"
    assert model.index(3, COL_CASE).data() == "018420007"  # the short number: day, desk, counter
    assert model.index(3, COL_AUTHOR).data() == "arm1 (ARM)"
    assert model.index(3, COL_TIME).data() in ("14:00", "24/11 14:00")  # Paris time, date when not today
    assert "24/11/2025 14:00:00" == model.index(3, COL_TIME).data(Qt.ItemDataRole.ToolTipRole)


def test_pending_rows_show_en_attente_in_amber():
    model = JournalModel()
    model.set_entries(entries())
    pending = model.index(0, COL_STATE)
    assert pending.data() == "En attente"
    assert pending.data(Qt.ItemDataRole.ForegroundRole) == QColor("#b26a00")
    assert model.index(1, COL_STATE).data() == "Synchronisé"
    assert model.index(1, COL_STATE).data(Qt.ItemDataRole.ForegroundRole) is None


def test_rejected_rows_say_so_with_the_reason():
    rejected = dict(entries()[0], pending=False, rejected=True, error="422 : décision inconnue")
    model = JournalModel()
    model.set_entries([rejected])
    assert model.index(0, COL_STATE).data() == "Refusé"
    assert model.index(0, COL_STATE).data(Qt.ItemDataRole.ToolTipRole) == "422 : décision inconnue"


def test_unchanged_entries_do_not_reset(qtbot):
    model = JournalModel()
    model.set_entries(entries())
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_entries(entries())
    with qtbot.waitSignal(model.modelReset):
        model.set_entries(entries()[1:])


@pytest.fixture
def view(qtbot):
    widget = JournalView()
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):  # a context manager: waits on exit
        widget.show()
    return widget


def test_view_title_and_selection_kept_on_refresh(view):
    assert view.title.text().replace("&", "") == "Journal des orientations"
    view.set_entries(entries()[1:])
    view.table.selectRow(2)  # the case
    assert view.table.currentIndex().data(Qt.ItemDataRole.UserRole)["uuid"] == "c-1"
    view.set_entries(entries())  # a new pending row arrives on top
    assert view.model().rowCount() == 4
    assert view.table.currentIndex().row() == 3
    assert view.table.currentIndex().data(Qt.ItemDataRole.UserRole)["uuid"] == "c-1"


def test_the_event_column_is_never_squeezed_out_and_fills_a_wide_table(qtbot, view):
    from app.ui.case.journal_view import MIN_SUMMARY_PX

    view.set_entries(entries())
    header = view.table.horizontalHeader()
    view.resize(520, 300)
    qtbot.waitUntil(lambda: view.table.viewport().width() < 520)
    assert header.sectionSize(COL_SUMMARY) == 280 == MIN_SUMMARY_PX  # a narrow dock scrolls sideways instead
    view.resize(1600, 300)
    qtbot.waitUntil(lambda: header.sectionSize(COL_SUMMARY) > 280)
    used = sum(header.sectionSize(c) for c in range(view.model().columnCount()))
    assert used == view.table.viewport().width()
    tip = view.model().index(1, COL_SUMMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert "Décision : Consultation en ville sous 48 h — Dr Weber — RDV lun. 24/11 14:30" in tip
