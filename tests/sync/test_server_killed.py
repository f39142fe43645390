"""The server SIGKILLed in the middle of requests: no half-written rows, and the sync completes after restart.

A real ``sas server`` process takes batches from a syncing console; it is
killed at a random moment, several times.  After each kill the database
must hold only whole writes: every orientation has exactly one journal
entry and every journal entry its row, each case its patient, the hash
chain holds and the file is intact.  Restarted, the server receives the rest
and ends with every orientation exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import func, select, text

from app.models import Case, JournalEntry, Orientation, Patient
from app.models.db import open_database
from app.services.sync.api_client import ApiClient
from app.services.records.documents import PatientDoc
from app.services.sync.worker import SyncService
from tests.sync.conftest import (
    PASSWORD, SOAK_BACKENDS, cache_intact, make_case, make_orientation, open_store, scaled, server_facts,
)

KILLS = scaled(3, 20)


class ServerProcess:
    def __init__(self, db_url: str, log_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url, self.log_path, self.proc = db_url, log_path, None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "app", "server", "--db", self.db_url,
                                          "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_path.read_text()[-2000:]
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.5, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError("server did not start")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)


def check_whole(url: str) -> None:
    """No half-written write: rows and journal entries go together, and nothing is torn."""
    engine, sessions = open_database(url, migrate=False)
    try:
        with sessions() as s:
            if engine.dialect.name == "sqlite":
                assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            rows = set(s.scalars(select(Orientation.uuid)))
            journalled = set(s.scalars(select(JournalEntry.uuid).where(JournalEntry.kind == "orientation")))
            assert rows == journalled
            cases = set(s.scalars(select(Case.uuid)))
            assert cases == set(s.scalars(select(JournalEntry.uuid).where(JournalEntry.kind == "case")))
            assert cases == set(s.scalars(select(Patient.case_uuid)))
            assert s.scalar(select(func.count()).select_from(Patient)) == len(cases)
    finally:
        engine.dispose()
    facts = server_facts(url)
    assert facts["chain"].ok and facts["seqs"] == list(range(1, len(facts["seqs"]) + 1))


@pytest.mark.asyncio
@pytest.mark.parametrize("server_db", SOAK_BACKENDS, indirect=True)
async def test_server_killed_mid_request_leaves_no_half_written_rows(server_db, tmp_path, cache_key):
    store, engine = open_store(tmp_path / "cache.db", durable=False, key=cache_key)
    written = []
    for c in range(scaled(20, 100, encrypted=10, key=cache_key)):
        case = make_case().model_copy(update={"patients": [PatientDoc(
            uuid=f"{c:08d}-0000-4000-8000-000000000000", patient_id=f"fr.health.samu670.patient.{c}",
            last_name="Test")]})
        store.save_case(case, author="mrl")
        for n in range(50):
            doc = make_orientation(case.uuid, n)
            store.save_orientation(doc, author="mrl", author_role="MRL")
            written.append(doc.uuid)
    server = ServerProcess(server_db, tmp_path / "server.log")
    server.start()
    rng = random.Random(scaled(3, 0) or None)
    async with ApiClient(server.url, timeout=5.0) as client:
        await client.login("mrl", PASSWORD)
        for _ in range(KILLS):
            sync = SyncService(store, client, batch_size=rng.choice([5, 20, 100]))
            task = asyncio.create_task(sync.push_once())
            await asyncio.sleep(rng.uniform(0.05, 0.4))
            server.kill()
            await task  # the console sees the server gone, keeps its outbox
            check_whole(server_db)
            server.start()
        sync = SyncService(store, client, batch_size=100)
        for _ in range(20):
            if (await sync.push_once()).ok and store.outbox_count() == 0:
                break
    server.kill()
    check_whole(server_db)
    facts = server_facts(server_db)
    assert store.outbox_count() == 0 and store.rejected_items() == []
    assert facts["orientations"] == set(written) and set(facts["per_uuid"].values()) == {1}
    cache_intact(engine, cache_key)
    engine.dispose()
