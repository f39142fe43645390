"""The desk softphone's process: killed mid-call it comes back (the lost call is reported closed),
stop() at logout leaves no process and no profile with the password."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.telephony.conftest import PhoneFactory, _alive, dial_and_ring

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


async def test_softphone_killed_mid_call_restarts_and_reports_the_lost_call(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    caller = await phones.caller("0612345678")
    call_id, _, _ = await dial_and_ring(caller, "15", [arm1])
    await arm1.softphone.accept(call_id)
    await arm1.next("established", call_id)
    first_pid = arm1.softphone.pid
    assert first_pid is not None

    os.kill(first_pid, signal.SIGKILL)

    lost = await arm1.next("closed", call_id)
    assert lost.reason == "softphone restarted" and lost.number == "0612345678"
    await arm1.softphone.wait_state("ready", timeout=15)
    assert arm1.states[-3:] == ["down", "starting", "ready"]
    assert arm1.softphone.pid not in (None, first_pid) and not _alive(first_pid)
    assert arm1.softphone.calls == {} and arm1.softphone.restarts == 1

    # the restarted desk takes the room's calls again (same contact, registered again)
    await caller.softphone.hangup(call_id)
    next_id, (ring,), _ = await dial_and_ring(caller, "15", [arm1])
    await arm1.softphone.accept(ring.call_id)
    await caller.next("established", next_id)


async def test_stop_leaves_no_process_and_no_profile(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    caller = await phones.caller("0612345678")
    call_id, _, _ = await dial_and_ring(caller, "15", [arm1])
    await arm1.softphone.accept(call_id)
    await caller.next("established", call_id)
    pid = arm1.softphone.pid
    profile = Path(arm1.softphone._dir or "")
    assert pid is not None and (profile / "accounts").exists()
    assert oct((profile / "accounts").stat().st_mode & 0o777) == "0o600"

    await arm1.softphone.stop()

    assert not _alive(pid) and arm1.softphone.pid is None
    assert not profile.exists()
    assert arm1.softphone.state == "off" and arm1.states[-1] == "off"
    assert (await arm1.next("closed", call_id)).reason == "softphone stopped"
    # the caller's side of the call ends too (baresip hangs up when it quits)
    await caller.next("closed", call_id)
    with pytest.raises(Exception, match="indisponible"):
        await arm1.softphone.dial("15")
