"""The desk's own speed, on the encrypted cache the desks really use (SQLCipher, synchronous=FULL).

* ``desk_intake_to_saved_p95_ms`` — a typed call becomes a saved case: the intake form checked,
  the case id given, the case and its outbox row committed durably in one transaction
  (:meth:`app.services.desk.workflow.Desk.open_case`).  p95 over 300 calls; goal 20 ms.
* ``desk_queue_50000_ms`` — the waiting queue (:meth:`app.services.desk.regulation.Regulation.queue`)
  over a cache of 50,000 cases of which 400 are still open (a busy week of a big SAMU, its open
  cases spread over the whole period); p95 over 20 refreshes; goal 200 ms.

The network is never used: the API client points at a closed port.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.services.desk.workflow import Desk, UserInfo  # noqa: E402
from app.services.intake.form import IntakeForm  # noqa: E402
from app.services.records.documents import CaseDoc, PatientDoc, case_from_doc  # noqa: E402
from app.services.sync.api_client import ApiClient  # noqa: E402
from app.services.sync.cache_crypto import open_cache  # noqa: E402
from app.services.sync.local_store import LocalStore  # noqa: E402
from app.settings import Settings  # noqa: E402

CALLS = 300
CASES, OPEN = 50_000, 400
T0 = datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _form(n: int) -> IntakeForm:
    return IntakeForm(caller_phone=f"06 12 34 {n // 100 % 100:02d} {n % 100:02d}", caller_name="Mme Martin",
                      address=f"{n % 90 + 1} rue des Juifs", commune_insee="67482", commune_name="Strasbourg",
                      lat=48.5839, lon=7.7455, motive_code="M03.06", motive_label="Douleur thoracique",
                      priority="P2")


def _desk(path: Path) -> tuple[Desk, object]:
    engine, sessions = open_cache(path, os.urandom(32))
    desk = Desk(store=LocalStore(sessions), client=ApiClient("http://127.0.0.1:9"), settings=Settings(),
                user=UserInfo("arm", "ARM", "ARM démo"))
    return desk, engine


def _intake(folder: Path) -> float:
    desk, engine = _desk(folder / "intake.db")
    times = []
    for n in range(CALLS):
        form = _form(n)
        t0 = time.perf_counter()
        desk.open_case(form)
        times.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    return _p95(times[10:])


def _fill(sessions, n_cases: int, n_open: int) -> None:
    step = max(1, n_cases // n_open)
    with sessions() as session, session.begin():
        for n in range(n_cases):
            created = T0 + timedelta(seconds=12 * n)
            decided = None if n % step == 0 else created + timedelta(minutes=9)
            doc = CaseDoc(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR1567026329{n:07d}",
                          owner="fr.health.samu670", creation=created, priority=("P1", "P2", "P3")[n % 3],
                          perimeter="SNP", caller_phone="+33612345678", city_name="Strasbourg", decided_at=decided,
                          health_motive_label="Fièvre",
                          patients=[PatientDoc(uuid=str(uuid.uuid4()), patient_id=f"fr.health.samu670.patient.{n}",
                                               first_name="Jeanne", last_name="Test")])
            session.add(case_from_doc(doc, created_by="arm"))
            if n % 5000 == 4999:
                session.flush()


def _queue(folder: Path) -> tuple[float, int]:
    desk, engine = _desk(folder / "queue.db")
    _fill(desk._store.session_factory, CASES, OPEN)
    times, size = [], 0
    for _ in range(20):
        t0 = time.perf_counter()
        size = len(desk.regulation.queue())
        times.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    return _p95(times[2:]), size


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        intake = _intake(folder)
        queue_ms, size = _queue(folder)
    assert size == OPEN, size
    return {
        "desk_intake_to_saved_p95_ms": {"value": intake, "unit": "ms", "goal": 20},
        "desk_queue_50000_ms": {"value": queue_ms, "unit": "ms", "goal": 200},
    }


if __name__ == "__main__":
    print(run())
