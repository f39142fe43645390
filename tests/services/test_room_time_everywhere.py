"""One night told under two computer clocks (TZ=UTC, TZ=Asia/Tokyo) for SAMU 67 and SAMU 974: every time read is
the room's.

The night is 2024-03-31, when Paris goes from +01:00 to +02:00 at 01:00 UTC; La Réunion stays at +04:00.  Each
expected text is written by hand from that.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

from app.codes import room_time
from app.services.records import journal_export
from app.services.records.journal_export import JournalFilter
from app.services.search.presentation import effecteur_markers, format_slot_time
from app.services.supervision import report_content, stats, timeline
from app.services.supervision.stats_rows import CaseRow, Rows
from tests.helpers.room_clock import CASE_UUID, SLOT_START

START = datetime(2024, 3, 30, 19, 0, tzinfo=timezone.utc)
END = datetime(2024, 3, 31, 6, 0, tzinfo=timezone.utc)

CSV_LINES = {
    "67": [
        ["1", "2024-03-31T01:30:20+01:00", "Dossier", "arm1", "ARM", "DRFR15670240910001",
         "Dossier ouvert — Fièvre — P2 Non urgent — Soins Non Programmés (SNP)", CASE_UUID],
        ["2", "2024-03-31T03:30:00+02:00", "Suivi", "arm1", "ARM", "DRFR15670240910001",
         "Transmis au médecin régulateur libéral (MRL)", "e-hand"],
        ["3", "2024-03-31T03:45:00+02:00", "Orientation", "mrl1", "MRL", "DRFR15670240910001",
         "Décision : Consultation en ville sous 48 h — Dr Anne Weber — RDV dim. 31/03 17:30", "o1"],
        ["4", "2024-03-31T03:45:01+02:00", "Réservation", "mrl1", "MRL", "DRFR15670240910001",
         "Créneau réservé n° 42 — dim. 31/03 17:30", "o1"],
        ["5", "2024-03-31T04:00:00+02:00", "Afflux", "chef", "SUPERVISEUR", "",
         "Mode afflux activé — Épidémie de grippe", "s1"],
    ],
    "974": [
        ["1", "2024-03-31T04:30:20+04:00", "Dossier", "arm1", "ARM", "DRFR15974240910001",
         "Dossier ouvert — Fièvre — P2 Non urgent — Soins Non Programmés (SNP)", CASE_UUID],
        ["2", "2024-03-31T05:30:00+04:00", "Suivi", "arm1", "ARM", "DRFR15974240910001",
         "Transmis au médecin régulateur libéral (MRL)", "e-hand"],
        ["3", "2024-03-31T05:45:00+04:00", "Orientation", "mrl1", "MRL", "DRFR15974240910001",
         "Décision : Consultation en ville sous 48 h — Dr Anne Weber — RDV dim. 31/03 19:30", "o1"],
        ["4", "2024-03-31T05:45:01+04:00", "Réservation", "mrl1", "MRL", "DRFR15974240910001",
         "Créneau réservé n° 42 — dim. 31/03 19:30", "o1"],
        ["5", "2024-03-31T06:00:00+04:00", "Afflux", "chef", "SUPERVISEUR", "",
         "Mode afflux activé — Épidémie de grippe", "s1"],
    ],
}


def test_the_csv_export_reads_the_rooms_clock_and_names_the_case_on_every_line(machine_tz, room, night, tmp_path):
    target = tmp_path / "journal.csv"
    with night() as session:
        count = journal_export.export_csv(session, JournalFilter(START, END), target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert count == 5
    assert lines[0] == ["n°", "horodatage", "type", "auteur", "rôle", "dossier", "événement", "uuid"]
    assert lines[1:] == CSV_LINES[room]
    assert not any("{" in cell or "CONSULTATION_48H" in cell for line in lines for cell in line)


def test_the_stream_filter_keeps_the_bookings_of_its_cases(machine_tz, room, night, tmp_path):
    with night() as session:
        kept = journal_export.select_entries(session, JournalFilter(START, END, case_uuids=frozenset({CASE_UUID})))
    assert [e.kind for e in kept] == ["case", "case_event", "orientation", "booking"]


TIMELINE = {
    "67": "Créneau réservé : Dr Anne Weber le 31/03 à 17:30 (cabinet)",
    "974": "Créneau réservé : Dr Anne Weber le 31/03 à 19:30 (cabinet)",
}


def test_the_timeline_tells_the_booking_at_room_time(machine_tz, room, night):
    with night() as session:
        items = timeline.case_timeline(session, CASE_UUID)
    texts = [i.text for i in items]
    assert TIMELINE[room] in texts
    assert "Transmis au médecin régulateur libéral (MRL)" in texts


REPORT = {
    "67": "Garde du 30/03/2024 20:00 au 31/03/2024 08:00 — situation à 31/03/2024 08:00 "
          "(heure de la salle : Europe/Paris)",
    "974": "Garde du 30/03/2024 23:00 au 31/03/2024 10:00 — situation à 31/03/2024 10:00 "
           "(heure de la salle : Indian/Reunion)",
}
GENERATED = {"67": "Généré le 31/03/2024 14:00 par", "974": "Généré le 31/03/2024 16:00 par"}


def test_the_shift_report_reads_the_rooms_clock(machine_tz, room, night):
    with night() as session:
        data = report_content.gather(session, START, END, END)
    html = report_content.report_html(data, generated_at=datetime(2024, 3, 31, 12, 0, tzinfo=timezone.utc),
                                      generated_by="Chef de salle", chart_src="chart.png")
    assert REPORT[room] in html
    assert GENERATED[room] in html
    assert data.stats.calls == 1


SLOTS = {"67": ["dim. 31/03 17:30", "lun. 01/04 09:00"], "974": ["dim. 31/03 19:30", "lun. 01/04 11:00"]}


def test_slot_times_are_the_rooms(machine_tz, room):
    assert format_slot_time(SLOT_START) == SLOTS[room][0]
    assert format_slot_time("2024-04-01T07:00:00+00:00") == SLOTS[room][1]
    results = [{"effecteur": {"id": "e1", "lat": 48.5, "lon": 7.7, "name": "Dr Anne Weber", "kind": "MG"},
                "start": start, "group": "sas"} for start in ("2024-04-01T07:00:00+00:00", SLOT_START.isoformat())]
    assert effecteur_markers(results, now=SLOT_START - timedelta(hours=1))[0]["next_slots"] == SLOTS[room]


HOURS = {
    # Paris skips 02h that night; La Réunion reads every hour, four ahead of UTC.
    "67": (["00h", "01h", "03h", "04h"], [0, 1, 1, 0]),
    "974": (["03h", "04h", "05h", "06h"], [0, 1, 1, 0]),
}
FALL_BACK = {"67": ["02h", "02h", "03h"], "974": ["04h", "05h", "06h"]}


def test_hour_buckets_are_the_rooms_hours(machine_tz, room):
    start = datetime(2024, 3, 30, 23, 0, tzinfo=timezone.utc)
    cases = [CaseRow("a", "A", datetime(2024, 3, 31, 0, 30, tzinfo=timezone.utc), answered_at=None),
             CaseRow("b", "B", datetime(2024, 3, 31, 1, 10, tzinfo=timezone.utc), answered_at=None)]
    hours = stats.compute(Rows(cases, [], []), start, start + timedelta(hours=4), start + timedelta(hours=4)).hours
    assert ([room_time.hour_label(h.start) for h in hours], [h.calls for h in hours]) == HOURS[room]
    autumn = datetime(2024, 10, 27, 0, 0, tzinfo=timezone.utc)  # Paris lives 02h twice
    hours = stats.hour_buckets([], autumn, autumn + timedelta(hours=3))
    assert [room_time.hour_label(h.start) for h in hours] == FALL_BACK[room]
    assert [h.start for h in hours] == [autumn + timedelta(hours=i) for i in range(3)]
