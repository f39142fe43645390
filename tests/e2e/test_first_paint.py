"""A desk that has just logged in is complete on its first paint, and stays live (issue 13, item 5).

A real ``sas server`` process holds cases opened by an ARM; a supervisor logs in on a new desk
(an empty cache).  When the window first shows, its cache, its journal and its queue already hold
those cases, and the shift review (F10) lists them without Ctrl+R.  A case opened meanwhile by the
ARM then reaches the review and the queue by itself.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timezone

import httpx
import pytest

from app import paths
from app.services.records.documents import CaseDoc
from app.settings import Settings
from app.ui.qt import QDockWidget
from app.ui.shell.console import Console

pytestmark = pytest.mark.e2e


def _arm_token(server_url: str) -> str:
    return httpx.post(f"{server_url}/api/v1/auth/login",
                      json={"username": "arm", "password": "arm-demo"}).json()["access_token"]


def _open_case_as_arm(server_url: str, token: str) -> str:
    doc = CaseDoc(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
                  owner="fr.health.samu670", creation=datetime.now(timezone.utc), priority="P2",
                  caller_phone="+33612345678", caller_name="Appelant Test")
    response = httpx.put(f"{server_url}/api/v1/cases/{doc.uuid}", json=doc.model_dump(mode="json"),
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return doc.uuid


def _review_uuids(panel) -> set[str]:
    return {row.uuid for row in panel.rows()}


def test_a_new_supervisor_desk_shows_the_room_at_once_and_live(qtbot, qasync_loop, demo_server, tmp_path):
    arm = _arm_token(demo_server.url)
    opened = [_open_case_as_arm(demo_server.url, arm) for _ in range(3)]
    paths.set_data_dir(tmp_path / "new-desk")
    # The polling interval of a real desk: what arrives within seconds below came by the live stream.
    cfg = Settings.model_construct(server_url=demo_server.url, desk_number=7, sync_interval_s=2.0)
    console = Console(cfg, demo_server.url)
    login = asyncio.ensure_future(console.login("superviseur", "superviseur-demo"))
    qtbot.waitUntil(login.done, timeout=10_000)
    start = asyncio.ensure_future(console.start(login.result()))
    qtbot.waitUntil(start.done, timeout=20_000)
    assert start.result() is True
    try:
        window = console.window
        # The first paint: cache, journal view and queue already hold the ARM's cases.
        assert all(console.store.get_case(u) is not None for u in opened)
        shown = {window.journal.model().entry(r).get("uuid") for r in range(window.journal.model().rowCount())}
        assert set(opened) <= shown
        assert set(opened) <= {e.uuid for e in console.desk.regulation.queue()}
        # The shift review loads them by itself (no Ctrl+R).
        panel = window.findChild(QDockWidget, "shiftReviewDock").widget()
        qtbot.waitUntil(lambda: set(opened) <= _review_uuids(panel), timeout=10_000)

        # Live: a case opened now reaches the cache within a second, and the review without a key.
        qtbot.waitUntil(lambda: console.sync.live is not None and console.sync.live.up, timeout=10_000)
        t0 = time.perf_counter()
        later = _open_case_as_arm(demo_server.url, arm)
        qtbot.waitUntil(lambda: console.store.get_case(later) is not None, timeout=5_000)
        assert time.perf_counter() - t0 < 1.0 + 0.5  # the PUT's own round trip is inside the measure
        qtbot.waitUntil(lambda: later in _review_uuids(panel), timeout=10_000)
    finally:
        closing = asyncio.ensure_future(console.close())
        qtbot.waitUntil(closing.done, timeout=10_000)
