"""CSV export of the filtered journal: header, one line per entry, filters, progress, atomic write."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.demo import shift as demo_shift
from app.services.records import journal_export
from app.services.records.journal_export import JournalFilter

START = datetime(2024, 1, 18, 7, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=12)


@pytest.fixture
def sessions(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "db.sqlite"))
    with factory() as session:
        demo_shift.fill_shift(session, START, 50)
    yield factory
    engine.dispose()


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def test_every_entry_of_the_period_is_one_line_in_seq_order(sessions, tmp_path):
    seen = []
    with sessions() as session:
        total = demo_shift.journal_size(session)
        count = journal_export.export_csv(session, JournalFilter(START, END), tmp_path / "j.csv",
                                          progress=lambda d, t: seen.append((d, t)))
    rows = read(tmp_path / "j.csv")
    assert count == total == len(rows) - 1
    assert rows[0] == journal_export.HEADER
    assert [int(r[0]) for r in rows[1:]] == list(range(1, total + 1))
    assert seen[-1] == (total, total)
    assert not (tmp_path / "j.csv.part").exists()


def test_filters_by_kind_author_text_and_cases(sessions, tmp_path):
    with sessions() as session:
        cases = journal_export.select_entries(session, JournalFilter(START, END, kinds=frozenset({"case"})))
        assert len(cases) == 50 and {e.kind for e in cases} == {"case"}
        one = cases[0]
        about_one = journal_export.select_entries(session, JournalFilter(START, END,
                                                                         case_uuids=frozenset({one.uuid})))
        assert {journal_export.case_uuid_of(e) for e in about_one} == {one.uuid}
        assert about_one[0].kind == "case"
        by_text = journal_export.select_entries(session, JournalFilter(START, END, text=one.payload["case_id"]))
        assert [e.seq for e in by_text] == [one.seq]
        by_author = journal_export.select_entries(session, JournalFilter(START, END, author="arm1"))
        assert by_author and {e.author for e in by_author} == {"arm1"}
        none = journal_export.select_entries(session, JournalFilter(END, END + timedelta(hours=1)))
        assert none == []


def test_lines_say_what_happened_in_french_and_name_the_case(sessions, tmp_path):
    with sessions() as session:
        journal_export.export_csv(session, JournalFilter(START, END, kinds=frozenset({"case_event"})),
                                  tmp_path / "e.csv")
        numbers = {e.uuid: e.payload["case_id"].rsplit(".", 1)[-1] for e in
                   journal_export.select_entries(session, JournalFilter(START, END, kinds=frozenset({"case"})))}
    rows = read(tmp_path / "e.csv")[1:]
    assert rows and all(r[2] == "Suivi" and r[6].startswith("Transmis au médecin régulateur") for r in rows)
    assert all(r[5] in numbers.values() and r[5].startswith("DRFR15") for r in rows)
    assert not any("{" in cell for r in rows for cell in r)  # no raw JSON
