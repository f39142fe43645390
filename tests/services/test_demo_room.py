"""The staged demo room behind the panel screenshots: a shift under way, appointments in both worklists."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from app.models import Case, JournalEntry
from app.models.db import open_database, sqlite_url
from app.services.booking import appointments
from app.demo import territory as demo_data
from app.services.records import journal
from app.demo.room import SHIFT_CASES, stage_room
from app.services.records.documents import CaseDoc, OrientationDoc

NOW = datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc)


def test_stage_room_fills_the_shift_and_both_worklists_once(tmp_path):
    url = sqlite_url(tmp_path / "room.db")
    demo_data.build_demo_database(url, "67", now=NOW, hash_password=lambda p: "hash:" + p)
    engine, factory = open_database(url)
    try:
        with factory() as session:
            assert stage_room(session, NOW) is True
            session.commit()
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Case)) >= SHIFT_CASES
            assert len(appointments.unattached(session)) == 4
            follow = appointments.follow_up(session)
            assert sorted(a.status for a in follow) == ["cancelled", "noshow"]
            assert all(a.case_uuid for a in follow)
            # Other consoles rebuild the room from the journal: its documents must be whole.
            for entry in session.scalars(select(JournalEntry).where(JournalEntry.kind.in_(("case", "orientation")))):
                (CaseDoc if entry.kind == "case" else OrientationDoc).model_validate(entry.payload)
            assert journal.verify(session).broken_seq is None
            assert stage_room(session, NOW) is False  # a staged room is left as it is
    finally:
        engine.dispose()
