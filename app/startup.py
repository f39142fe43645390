"""Process start-up outside the interface: how long the process has run, and the embedded server.

:func:`process_age_s` is the console's cold-start measure.  On Linux the
kernel's own process start time is used, so interpreter start-up and imports
are counted as a user waits for them; elsewhere the time this module was first
imported.

:func:`start_embedded_server` starts the console's embedded default (a local
server on SQLite in the data dir, the demo territory seeded on first run).  It
lives here, not in :mod:`app.ui`, because it opens a database: the interface
reaches data through services only.  Its imports are deferred so that importing
this module early (to time the start) costs nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

from app import paths
from app.settings import Settings

_IMPORTED_AT = time.monotonic()
log = logging.getLogger(__name__)


def process_age_s() -> float:
    """Seconds since the process started (since this module's import where unknown)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after "pid (comm)"
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED_AT


def start_embedded_server(cfg: Settings, *, staged: bool = False):
    """Start the embedded default server, seeding the demo territory on first run.

    A demo mode: its cache-key secret lives in the same data dir as the console's encrypted
    cache (:mod:`app.services.sync.cache_crypto`), so it does not protect a stolen disk.
    """
    from app.models.db import open_database, sqlite_url
    from app.server.run import EmbeddedServer
    from app.demo import territory as demo_data
    from app.services.security.auth import hash_password

    db_url = sqlite_url(paths.embedded_server_db_path())
    summary = demo_data.build_demo_database(db_url, departement=cfg.departement, hash_password=hash_password)
    if summary.skipped:
        # The demo window is relative to the first build: give an old room fresh slots.
        _engine, factory = open_database(db_url)
        with factory() as session, session.begin():
            added = demo_data.refresh_demo_slots(session, cfg.departement)
        _engine.dispose()
        log.info("embedded territory: %d fresh demo slots", added)
    else:
        log.info("embedded territory built: %s", summary)
    if staged:  # panel screenshots: a shift under way and appointments in the worklists
        from app.demo.panel_shots import stage_embedded_room

        stage_embedded_room(db_url)
    server = EmbeddedServer(db_url)
    server.start()
    log.info("embedded server at %s", server.url)
    return server


async def start_embedded_server_off_loop(cfg: Settings, *, staged: bool = False):
    """:func:`start_embedded_server` in a worker thread, so that the event loop goes on meanwhile.

    A plain Python thread, not ``asyncio.to_thread``: under qasync that runs on a QThread, and a
    QThread still alive when Python exits aborts the process.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sas-server-start") as pool:
        return await asyncio.get_running_loop().run_in_executor(
            pool, functools.partial(start_embedded_server, cfg, staged=staged))
