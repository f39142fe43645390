"""The waiting queue holds every open case of the desk's cache, whatever its age (issue 12, item 5).

Before, the queue was built from the 500 newest cases: an open case older than those silently
left the queue and the urgent count.  Here the desk's real encrypted cache holds 600 newer
decided cases and one old open P1 case; the expectation is written out (that one case, first).
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

from app.services.records.documents import CaseDoc
from app.services.regulation import queue
from app.services.sync.cache_crypto import open_cache
from app.services.sync.local_store import LocalStore

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def _case(n: int, **fields) -> CaseDoc:
    values = dict(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670253350{n:04d}",
                  owner="fr.health.samu670", creation=T0 + timedelta(minutes=n), priority="P3",
                  caller_phone="+33612345678")
    return CaseDoc(**{**values, **fields})


def test_an_old_open_case_stays_in_the_queue_behind_600_newer_decided_ones(tmp_path):
    engine, sessions = open_cache(tmp_path / "cache.db", os.urandom(32))
    store = LocalStore(sessions)
    old = _case(0, priority="P1")
    store.save_case(old, author="arm")
    for n in range(1, 601):
        store.save_case(_case(n, decided_at=T0 + timedelta(minutes=n, seconds=30)), author="arm")
    store.save_case(_case(601, status="CLOTURE", attribution="DR.DREG.DRARM"), author="arm")

    entries = queue.build(store.open_cases(), T0 + timedelta(hours=12))
    assert [e.uuid for e in entries] == [old.uuid]
    assert queue.urgent_waiting(entries) == 1
    assert entries[0].waiting_s == 12 * 3600
    engine.dispose()
