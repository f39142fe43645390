"""The supervisor's screens and the journal read the room's clock under TZ=UTC and TZ=Asia/Tokyo (SAMU 67, 974).

Same night as :mod:`tests.services.test_room_time_everywhere` (Paris goes to summer time at 01:00 UTC on
2024-03-31); the expected texts are written by hand.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timezone  # noqa: E402

import pytest  # noqa: E402

from app.services.supervision.desk_reads import SupervisionReads  # noqa: E402
from app.services.supervision.stats import HourBucket  # noqa: E402
from app.services.sync import local_journal  # noqa: E402
from app.ui.case.journal_view import (  # noqa: E402
    COL_AUTHOR, COL_CASE, COL_KIND, COL_PATIENT, COL_STATE, COL_SUMMARY, COL_TIME, JournalModel, JournalView,
)
from app.ui.qt import Qt  # noqa: E402
from app.ui.supervisor.case_timeline import CaseTimelineDialog  # noqa: E402
from app.ui.supervisor.review_model import ReviewModel  # noqa: E402
from app.ui.supervisor.shift_review import ShiftReviewPanel, picked_time, show_time  # noqa: E402
from app.ui.supervisor.stats_tiles import hour_labels  # noqa: E402
from app.ui.supervisor.wall import SupervisorWall  # noqa: E402
from tests.helpers.room_clock import CASE_UUID  # noqa: E402

START = datetime(2024, 3, 30, 19, 0, tzinfo=timezone.utc)
END = datetime(2024, 3, 31, 6, 0, tzinfo=timezone.utc)

#: The journal's rows, newest first: time, case, patient, kind, what happened, author, state.
JOURNAL = {
    "67": [
        ("31/03 04:00", "", "", "Afflux", "Mode afflux activé — Épidémie de grippe", "chef (SUPERVISEUR)",
         "Synchronisé"),
        ("31/03 03:45", "240910001", "Zoé Martin", "Réservation", "Créneau réservé n° 42 — dim. 31/03 17:30",
         "mrl1 (MRL)", "Synchronisé"),
        ("31/03 03:45", "240910001", "Zoé Martin", "Orientation",
         "Décision : Consultation en ville sous 48 h — Dr Anne Weber — RDV dim. 31/03 17:30", "mrl1 (MRL)",
         "Synchronisé"),
        ("31/03 03:30", "240910001", "Zoé Martin", "Suivi", "Transmis au médecin régulateur libéral (MRL)",
         "arm1 (ARM)", "Synchronisé"),
        ("31/03 01:30", "240910001", "Zoé Martin", "Dossier",
         "Dossier ouvert — Fièvre — P2 Non urgent — Soins Non Programmés (SNP)", "arm1 (ARM)", "Synchronisé"),
    ],
    "974": [
        ("31/03 06:00", "", "", "Afflux", "Mode afflux activé — Épidémie de grippe", "chef (SUPERVISEUR)",
         "Synchronisé"),
        ("31/03 05:45", "240910001", "Zoé Martin", "Réservation", "Créneau réservé n° 42 — dim. 31/03 19:30",
         "mrl1 (MRL)", "Synchronisé"),
        ("31/03 05:45", "240910001", "Zoé Martin", "Orientation",
         "Décision : Consultation en ville sous 48 h — Dr Anne Weber — RDV dim. 31/03 19:30", "mrl1 (MRL)",
         "Synchronisé"),
        ("31/03 05:30", "240910001", "Zoé Martin", "Suivi", "Transmis au médecin régulateur libéral (MRL)",
         "arm1 (ARM)", "Synchronisé"),
        ("31/03 04:30", "240910001", "Zoé Martin", "Dossier",
         "Dossier ouvert — Fièvre — P2 Non urgent — Soins Non Programmés (SNP)", "arm1 (ARM)", "Synchronisé"),
    ],
}
TOOLTIP = {"67": "240910001 — Zoé Martin\nCréneau réservé n° 42 — dim. 31/03 17:30\n"
                 "mrl1 (MRL) — 31/03/2024 03:45:01",
           "974": "240910001 — Zoé Martin\nCréneau réservé n° 42 — dim. 31/03 19:30\n"
                  "mrl1 (MRL) — 31/03/2024 05:45:01"}


def test_the_journal_names_the_case_and_patient_and_says_what_happened_at_room_time(qtbot, machine_tz, room,
                                                                                   night):
    with night() as session:
        rows = local_journal.journal_rows(session, 50)  # what the desk's store hands the view
    view = JournalView()
    qtbot.addWidget(view)
    view.set_entries(rows)
    model = view.model()
    cols = (COL_TIME, COL_CASE, COL_PATIENT, COL_KIND, COL_SUMMARY, COL_AUTHOR, COL_STATE)
    shown = [tuple(model.index(r, c).data() for c in cols) for r in range(model.rowCount())]
    assert shown == JOURNAL[room]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in cols] == [
        "Heure", "Dossier", "Patient", "Type", "Événement", "Auteur", "État"]
    assert model.index(1, COL_SUMMARY).data(Qt.ItemDataRole.ToolTipRole) == TOOLTIP[room]
    assert model.index(1, COL_TIME).data(Qt.ItemDataRole.ToolTipRole) == TOOLTIP[room].rsplit(" — ", 1)[1]


def test_a_withheld_entry_says_so_without_a_patient(machine_tz, room):
    model = JournalModel()
    model.set_entries([{"seq": 7, "uuid": "x", "kind": "case", "author": "arm1", "author_role": "ARM",
                        "created_at": "2024-03-31T01:30:00+00:00", "case_number": "", "patient": "",
                        "payload": {"withheld": "données patient réservées aux rôles de régulation"}}])
    assert model.index(0, COL_SUMMARY).data() == "Contenu réservé aux rôles de régulation"
    assert model.index(0, COL_PATIENT).data() == ""
    assert model.index(0, COL_TIME).data() == {"67": "31/03 03:30", "974": "31/03 05:30"}[room]


TIMELINE_TIMES = {"67": ["31/03 01:30:00", "31/03 01:30:20", "31/03 01:30:20", "31/03 03:30:00", "31/03 03:45:00",
                         "31/03 03:45:00"],
                  "974": ["31/03 04:30:00", "31/03 04:30:20", "31/03 04:30:20", "31/03 05:30:00", "31/03 05:45:00",
                          "31/03 05:45:00"]}


def test_the_case_timeline_dialog_reads_the_rooms_clock(qtbot, machine_tz, room, night):
    dialog = CaseTimelineDialog(SupervisionReads(night), CASE_UUID, "DRFR…")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    times = [dialog.model.item(r, 0).text() for r in range(dialog.model.rowCount())]
    assert times == TIMELINE_TIMES[room]
    assert {"67": "Créneau réservé : Dr Anne Weber le 31/03 à 17:30 (cabinet)",
            "974": "Créneau réservé : Dr Anne Weber le 31/03 à 19:30 (cabinet)"}[room] in dialog.texts()


def test_review_rows_pickers_and_wall_read_the_rooms_clock(qtbot, machine_tz, room, night):
    reads = SupervisionReads(night)
    panel = ShiftReviewPanel(reads, clock=lambda: END, period=(START, END))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    first = {"67": "31/03 01:30", "974": "31/03 04:30"}[room]
    assert panel.model.index(0, 0).data() == first
    assert panel.model.index(0, 1).data() == "240910001"  # the short number, the same in both rooms
    picker = {"67": ("30/03/2024 20:00", "31/03/2024 08:00"), "974": ("30/03/2024 23:00", "31/03/2024 10:00")}[room]
    assert (panel.from_edit.text(), panel.to_edit.text()) == picker
    assert (picked_time(panel.from_edit), picked_time(panel.to_edit)) == (START, END)
    panel._load_job.wait()

    wall = SupervisorWall(reads, clock=lambda: END, period=(START, END))
    qtbot.addWidget(wall)
    qtbot.waitUntil(lambda: wall.last_stats() is not None, timeout=10_000)
    assert wall.period_label.text() == {"67": "Garde du 30/03 20:00 au 31/03 08:00 — 1 appel(s)",
                                        "974": "Garde du 30/03 23:00 au 31/03 10:00 — 1 appel(s)"}[room]
    assert wall.status_label.text() == {"67": "Mis à jour à 08:00:00", "974": "Mis à jour à 10:00:00"}[room]
    labels, calls, _quick = wall.chart.series_values()
    assert labels[:7] == {"67": ["20h", "21h", "22h", "23h", "00h", "01h", "03h"],
                          "974": ["23h", "00h", "01h", "02h", "03h", "04h", "05h"]}[room]
    assert len(labels) == 11 and calls[labels.index({"67": "01h", "974": "04h"}[room])] == 1
    wall._job.wait()


def test_the_pickers_hold_the_rooms_wall_clock_and_a_missing_hour_moves_forward(qtbot, machine_tz, room):
    from app.ui.qt import QDate, QDateTime, QDateTimeEdit, QTime, QTimeZone

    edit = QDateTimeEdit()
    qtbot.addWidget(edit)
    show_time(edit, datetime(2024, 3, 31, 0, 30, tzinfo=timezone.utc))
    assert edit.dateTime().time().hour() == {"67": 1, "974": 4}[room]  # 01:30 in Paris, 04:30 in Saint-Denis
    edit.setDateTime(QDateTime(QDate(2024, 3, 31), QTime(2, 30), QTimeZone.utc()))  # no 02:30 in Paris that night
    assert picked_time(edit) == {"67": datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc),
                                 "974": datetime(2024, 3, 30, 22, 30, tzinfo=timezone.utc)}[room]


def test_a_repeated_hour_gets_its_own_axis_label(room):
    autumn = [HourBucket(datetime(2024, 10, 27, h, 0, tzinfo=timezone.utc)) for h in range(3)]
    assert hour_labels(autumn) == {"67": ["02h", "02h (2)", "03h"], "974": ["04h", "05h", "06h"]}[room]


def test_the_review_model_shows_room_times(room):
    from app.services.supervision.shift_review import ReviewRow

    model = ReviewModel()
    model.set_rows([ReviewRow("u", "fr.health.samu670.DRFR1", datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc),
                              "P2", "SNP", "ACTIF")])
    assert model.index(0, 0).data() == {"67": "31/03 03:30", "974": "31/03 05:30"}[room]


@pytest.fixture(autouse=True)
def _no_leftover_room():
    from app.codes import room_time

    before = room_time.room_departement()
    yield
    assert room_time.room_departement() == before


def test_the_slot_list_shows_slot_times_on_the_rooms_clock(machine_tz, room):
    from app.ui.search.slot_table import SlotTableModel

    model = SlotTableModel()
    model.set_results([{"slot_id": 1, "start": "2024-03-31T15:30:00+00:00", "mode": "AMB", "distance_km": 2.4,
                        "group": "sas", "effecteur": {"id": "e1", "name": "Dr Anne Weber", "kind": "MG"}}])
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert {"67": "dim. 31/03 17:30", "974": "dim. 31/03 19:30"}[room] in cells
