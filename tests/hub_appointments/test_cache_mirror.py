"""The console's cache mirrors SAS appointments from the journal, so the wall's no-show rate is the server's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.models import Appointment
from app.models.db import open_database, sqlite_url
from app.services.supervision import stats
from app.services.sync.local_store import LocalStore

T = datetime(2024, 1, 18, 9, 0, tzinfo=timezone.utc)
CASE = {"uuid": "c-1", "case_id": "fr.health.samu670.DRFR15670240180001", "owner": "fr.health.samu670",
        "creation": T.isoformat(), "reception": T.isoformat(), "priority": "P2", "perimeter": "SNP",
        "decided_at": (T + timedelta(minutes=5)).isoformat()}


def _entry(seq: int, kind: str, uuid: str, payload: dict, at: datetime) -> dict:
    return {"seq": seq, "uuid": uuid, "kind": kind, "author": "hub-sante", "author_role": "ADMIN",
            "created_at": at.isoformat(), "payload": payload, "prev_hash": "", "entry_hash": ""}


def _appointment(action: str, status: str) -> dict:
    return {"action": action, "uuid": "a-1", "appointment_id": "rdv-1", "status": status,
            "start": (T + timedelta(hours=3)).isoformat(), "effecteur_name": "Dr Test", "case_uuid": "c-1",
            "orientation_category": "SNP"}


def test_pulled_appointment_entries_become_cache_rows_with_the_latest_status(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"))
    try:
        store = LocalStore(factory)
        store.store_journal([
            _entry(1, "case", "c-1", CASE, T),
            _entry(2, "appointment", "a-1", _appointment("received", "booked"), T + timedelta(minutes=10)),
            _entry(3, "appointment", "a-1", _appointment("attached", "booked"), T + timedelta(minutes=11)),
            _entry(4, "appointment", "a-1", _appointment("updated", "noshow"), T + timedelta(hours=4)),
        ], 4)
        with factory() as session:
            rows = session.query(Appointment).all()
            assert [(a.appointment_id, a.case_uuid, a.status) for a in rows] == [("rdv-1", "c-1", "noshow")]
            result = stats.query_stats(session, T - timedelta(hours=1), T + timedelta(hours=11), T + timedelta(hours=5))
        assert result.no_show_rate == 1.0 and "no_show" not in result.notes
    finally:
        engine.dispose()
