"""A console process cut to what matters for the crash test: write orientations, sync now and then.

Run by :mod:`tests.sync.test_kill9` in a child process (forked from a
pre-loaded fork server, so 200 of them stay quick; no Qt is imported).  The
child opens the console cache, saves orientations one by one and, after each
commit, sends the uuid to the parent — the moment the console would have
shown it as saved.  Every few writes it runs a sync round against the
server, so it is also killed in the middle of pushes and pulls.  The cache is
plain SQLite or, given a key, the SQLCipher file the desks use.
"""

from __future__ import annotations

import asyncio
import random
from multiprocessing.connection import Connection

from app.models.db import make_engine, sqlite_url
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from sqlalchemy.orm import sessionmaker

from tests.sync.conftest import make_orientation

PRELOAD = ["app.models.db", "app.services.sync.local_store", "app.services.sync.worker", "app.services.sync.api_client",
           "httpx", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.sqlite.pysqlcipher", "sqlcipher3",
           "tests.sync.console_writer"]


def write_until_killed(cache_path: str, case_uuid: str, server_url: str, token: str, seed: int,
                       conn: Connection, key_hex: str | None = None) -> None:
    """Never returns on its own (bounded to 10,000 writes): the parent kills it."""
    rng = random.Random(seed)
    # The cache was created and migrated by the parent: no Alembic here, like a console re-opening its file.
    engine = make_engine(sqlite_url(cache_path), key=bytes.fromhex(key_hex) if key_hex else None)
    store = LocalStore(sessionmaker(engine, expire_on_commit=False))
    conn.send("ready")

    async def main() -> None:
        sync = None
        for n in range(10_000):
            doc = make_orientation(case_uuid, n)
            store.save_orientation(doc, author="mrl", author_role="MRL")
            conn.send(doc.uuid)  # shown as saved
            if rng.random() < 0.2:
                if sync is None:  # created on first use: an HTTP client costs ~30 ms to build
                    client = ApiClient(server_url, token=token, timeout=5.0)
                    sync = SyncService(store, client, batch_size=rng.choice([1, 5, 50]))
                await sync.sync_once()

    asyncio.run(main())
