"""The desk phone's latency inside a real console (issue 15, item 7).

A real ``sas server`` process (SQLite, demo data plus the desk account ``arm1`` and one case of
the caller's number opened just now, so the ringing panel has a history to draw), the room's
kamailio, and in this process one whole console (:class:`app.ui.shell.console.Console`: login,
real ``MainWindow``, real :class:`TelephonyDesk` with its real baresip softphone registered at
kamailio) on the qasync loop.  A baresip caller, in the same loop, dials 15 :data:`CALLS` times;
each call is answered with F3 (``QTest.keyClick`` on the window) and hung up with F4.

* ``phone_ring_to_panel_p95_ms`` — from the desk softphone's ``incoming`` event (the adapter
  parsing baresip's ``CALL_INCOMING`` from ctrl_tcp: ``CallEvent.at``; the INVITE's trip through
  kamailio to baresip is not in it — it is reported apart, from the caller's dial command, as
  ``dial_to_incoming`` in the printout) to the ringing panel showing the number and the caller's
  history: the lookup answered by the server (``GET /api/v1/calls/lookup``) and drawn
  (``RingingPanel.set_lookup`` then a synchronous ``repaint()``).  Goal 300 ms.
* ``phone_answer_to_intake_ms`` — from the F3 key to the intake ready: number and callback
  filled, focus in the callback field, repainted (p95).  Goal 100 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CALLS = int(os.environ.get("SAS_BENCH_PHONE_CALLS", "30"))
NUMBER = "0612345678"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _known_case(url: str) -> None:
    """One open case of the caller's number, created now (the ringing panel's history)."""
    import httpx

    token = httpx.post(f"{url}/api/v1/auth/login", json={"username": "arm1", "password": "arm-demo"}).json()
    now = datetime.now(timezone.utc).isoformat()
    uid = str(uuid.uuid4())
    body = {"uuid": uid, "case_id": "fr.health.samu670.DRFR1567999000001", "owner": "fr.health.samu670",
            "creation": now, "reception": now, "priority": "P2", "perimeter": "SNP", "caller_name": "Mme Martin",
            "caller_phone": "+33612345678", "address_complete": "1 place Kléber", "city_name": "Strasbourg",
            "city_insee_code": "67482", "lat": 48.5834, "lon": 7.7455, "patients": [], "notes": []}
    answer = httpx.put(f"{url}/api/v1/cases/{uid}", json=body,
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code in (200, 201), answer.text


async def _measure(url: str, proxy: str, data_dir: Path) -> tuple[list[float], list[float], list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app import paths
    from app.services.telephony.settings import TelephonySettings
    from app.services.telephony.softphone import Softphone
    from app.settings import Settings, save_sip_password
    from app.ui.shell.console import Console
    from app.ui.telephony.ringing import RingingPanel
    from tests.telephony.conftest import Phone, sip_password

    drawn: dict[str, float] = {}
    original = RingingPanel.set_lookup

    def set_lookup(panel, room_id, found):  # the history drawn: after the original, one synchronous paint
        original(panel, room_id, found)
        if panel.call is not None and panel.call.room_id == room_id and found is not None:
            panel.repaint()
            drawn[room_id] = (datetime.now(timezone.utc) - panel.call.presented_at).total_seconds() * 1000

    RingingPanel.set_lookup = set_lookup  # type: ignore[method-assign]
    paths.set_data_dir(data_dir)
    save_sip_password(sip_password("arm1"))
    cfg = Settings.model_construct(server_url=url, desk_number=41, sync_interval_s=2.0, departement="67",
                                   sip_enabled=True, sip_user="arm1", sip_proxy=proxy, sip_domain="127.0.0.1")
    console = Console(cfg, url)
    info = await console.login("arm1", "arm-demo")
    assert info is not None, "login failed"
    console.build(info)
    window, tel = console.window, console.telephony
    window.activateWindow()
    deadline = time.monotonic() + 20
    while tel.state != "ready":
        assert time.monotonic() < deadline, f"desk phone not ready: {tel.state}"
        await asyncio.sleep(0.1)

    caller = Phone(NUMBER)
    caller.softphone = Softphone(TelephonySettings(enabled=True, sip_user=NUMBER, proxy=proxy, register_interval=0,
                                                   max_calls=4), caller.on_event, caller.on_state)
    await caller.softphone.start()
    await caller.softphone.wait_state("ready")
    ring, answer, dial_to_incoming = [], [], []
    try:
        for _ in range(CALLS + 2):  # the first two warm the caches up, not counted
            dialled = time.perf_counter()
            call_id = await caller.softphone.dial("15")
            while call_id not in drawn:
                await asyncio.sleep(0.005)
            assert window.phone.panel.cases.count() >= 1, "the caller's history is not on the ringing panel"
            # dial command → adapter's incoming event: (dial → drawn) − (incoming → drawn)
            dial_to_incoming.append((time.perf_counter() - dialled) * 1000 - drawn[call_id])
            intake = window.intake
            started = time.perf_counter()
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F3)
            ready = (intake.callback_edit.hasFocus() and intake.callback_edit.text().replace(" ", "") == NUMBER)
            window.repaint()
            answer.append((time.perf_counter() - started) * 1000)
            assert ready, "the intake is not ready after F3"
            ring.append(drawn[call_id])
            await caller.next("established", call_id)
            await asyncio.sleep(0.05)
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F4)
            await caller.next("closed", call_id)
            while tel.calls:
                await asyncio.sleep(0.01)
    finally:
        await caller.softphone.stop()
        RingingPanel.set_lookup = original  # type: ignore[method-assign]
        await console.close()
    return ring[2:], answer[2:], dial_to_incoming[2:]


def run() -> dict:
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.services.telephony.profile import free_sip_port
    from app.services.telephony.proxy import KamailioProcess, ProxySettings
    from tests.e2e.conftest import ServerProcess, free_port
    from tests.telephony.conftest import ROOM_SECRET
    from tests.telephony.room_phone_support import seed_room

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'server.db'}"
        seed_room(db_url)
        server = ServerProcess(db_url, free_port(), folder / "server.log")
        server.start()
        proxy = KamailioProcess(ProxySettings(port=free_sip_port(), trunk=f"sip:127.0.0.1:{free_sip_port()}",
                                              max_expires=60, secret=ROOM_SECRET))
        proxy.start()
        try:
            _known_case(server.url)
            app = QApplication.instance() or QApplication(sys.argv[:1])
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                ring, answer, dial = loop.run_until_complete(
                    _measure(server.url, proxy.settings.address, folder / "desk"))
        finally:
            proxy.stop()
            server.stop()
    print(f"  {len(ring)} calls; ring→panel ms: median {statistics.median(ring):.1f}, p95 {_p95(ring):.1f}, "
          f"max {max(ring):.1f}; F3→intake ms: median {statistics.median(answer):.1f}, p95 {_p95(answer):.1f}; "
          f"dial→incoming (kamailio→baresip→adapter) ms: median {statistics.median(dial):.1f}, p95 {_p95(dial):.1f}")
    return {
        "phone_ring_to_panel_p95_ms": {"value": _p95(ring), "unit": "ms", "goal": 300},
        "phone_answer_to_intake_ms": {"value": _p95(answer), "unit": "ms", "goal": 100},
    }


if __name__ == "__main__":
    print(run())
