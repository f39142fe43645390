"""SIP digest authentication at the room's kamailio: only a desk with its own password registers.

Oracles: kamailio's replies to REGISTERs built by hand (tests/telephony/sip_register.py, RFC 2617 digest),
and baresip's own registration events; the desks' passwords come from the documented rule
(`conftest.sip_password`), not from the code under test.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.services.telephony.profile import free_port, free_sip_port, module_path
from tests.telephony.conftest import PhoneFactory, dial_and_ring, sip_password
from tests.telephony.sip_register import register

pytestmark = [pytest.mark.timeout(60)]


def test_register_needs_the_accounts_own_password(sip_proxy) -> None:
    port = sip_proxy.settings.port
    assert register(port, "arm1") == [401]
    assert register(port, "arm1", "arm1", sip_password("arm1")) == [401, 200]
    assert register(port, "arm1", "arm1", "not-the-password") == [401, 401]
    assert register(port, "arm1", "arm1", sip_password("arm1", secret="another-room-secret")) == [401, 401]
    # arm2's own credentials do not register arm1
    assert register(port, "arm1", "arm2", sip_password("arm2")) == [401, 403]
    assert register(port, "arm1", "arm1", sip_password("arm2")) == [401, 401]


class RawBaresip:
    """A baresip driven here over its ctrl_tcp socket (netstrings of JSON), with accounts added by `uanew`:
    its REGISTER_OK / REGISTER_FAIL and CALL_INCOMING events are baresip's own."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.ctrl_port = folder, free_port()
        self.events: list[dict[str, Any]] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "accounts").write_text("")
        (self.folder / "config").write_text(
            f"sip_listen\t127.0.0.1:{free_sip_port()}\naudio_player\t\naudio_alert\t\n"
            f"module_path\t{module_path()}\nmodule\tg711.so\nmodule\tausine.so\naudio_source\tausine,440\n"
            f"module_app\tmenu.so\nmodule_app\tctrl_tcp.so\nctrl_tcp_listen\t127.0.0.1:{self.ctrl_port}\n")
        self.process = await asyncio.create_subprocess_exec(
            "baresip", "-f", str(self.folder), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        async with asyncio.timeout(10):
            while True:
                try:
                    self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.ctrl_port)
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._reader is not None
        while True:
            size = int((await self._reader.readuntil(b":"))[:-1])
            message = json.loads((await self._reader.readexactly(size + 1))[:-1])
            if message.get("event"):
                self.events.append(message)

    def command(self, command: str, params: str = "") -> None:
        assert self._writer is not None
        payload = json.dumps({"command": command, "params": params, "token": uuid.uuid4().hex}).encode()
        self._writer.write(b"%d:%s," % (len(payload), payload))

    async def add_account(self, aor_user: str, auth_user: str, password: str, proxy: str) -> tuple[str, str]:
        """Add a UA registering `aor_user` with (auth_user, password); its first REGISTER_OK / _FAIL event."""
        aor = f"sip:{aor_user}@127.0.0.1"
        self.command("uanew", f'<{aor}>;auth_user={auth_user};auth_pass={password};outbound="sip:{proxy};lr";'
                              "regint=10;answermode=manual;mwi=no")
        async with asyncio.timeout(8):
            while True:
                for event in self.events:
                    if event.get("accountaor") == aor and event["type"] in ("REGISTER_OK", "REGISTER_FAIL"):
                        return event["type"], event.get("param", "")
                await asyncio.sleep(0.05)

    def incoming(self) -> list[str]:
        """The accounts this baresip was rung on (CALL_INCOMING events)."""
        return [e.get("accountaor", "") for e in self.events if e["type"] == "CALL_INCOMING"]

    async def stop(self) -> None:
        """Quit (baresip unregisters its accounts: no dead contact left at the proxy), killed if it hangs."""
        if self._writer is not None:
            self.command("quit")
        if self.process is not None and self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 3.0)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._task is not None:
            self._task.cancel()
        if self._writer is not None:
            self._writer.close()


@pytest.mark.asyncio
async def test_a_desk_with_its_password_registers_and_rings_on_15(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")  # waits for baresip's REGISTER_OK
    caller = await phones.caller("0612345678")  # no credentials at all
    call_id, (ring,), _ = await dial_and_ring(caller, "15", [arm1])
    assert ring.number == "0612345678"
    await arm1.softphone.accept(call_id)
    await caller.next("established", call_id)


@pytest.mark.asyncio
async def test_a_baresip_with_a_wrong_or_anothers_password_is_refused_and_never_rings(
        phones: PhoneFactory, sip_proxy, tmp_path: Path) -> None:
    arm2 = await phones.desk("arm2")
    intruder = RawBaresip(tmp_path / "intruder")
    await intruder.start()
    try:
        proxy = sip_proxy.settings.address
        assert await intruder.add_account("arm1", "arm1", "wrong-password", proxy) == ("REGISTER_FAIL",
                                                                                    "401 Unauthorized")
        assert await intruder.add_account("arm3", "arm3", sip_password("arm2"), proxy) == ("REGISTER_FAIL",
                                                                                        "401 Unauthorized")
        kind, reason = await intruder.add_account("arm4", "arm2", sip_password("arm2"), proxy)
        assert (kind, reason[:3]) == ("REGISTER_FAIL", "403")

        caller = await phones.caller("0612345678")
        call_id, (ring,), _ = await dial_and_ring(caller, "15", [arm2])
        assert ring.call_id == call_id
        await asyncio.sleep(0.5)
        assert intruder.incoming() == []
        await caller.softphone.hangup(call_id)
        await caller.next("closed", call_id)

        # the same baresip with a right password: registered, and rung on 15 (what the above would have seen)
        assert await intruder.add_account("arm5", "arm5", sip_password("arm5"), proxy) == ("REGISTER_OK", "200 OK")
        call_id = await caller.softphone.dial("15")
        await arm2.next("incoming", call_id)
        async with asyncio.timeout(5):
            while not intruder.incoming():
                await asyncio.sleep(0.05)
        assert intruder.incoming() == ["sip:arm5@127.0.0.1"]
    finally:
        await intruder.stop()


@pytest.mark.asyncio
async def test_a_desk_softphone_with_a_wrong_password_is_never_ready_nor_rung(phones: PhoneFactory) -> None:
    intruder = await phones.desk("arm1", sip_password=sip_password("mru1"), ready=False)
    caller = await phones.caller("0612345678")
    await asyncio.sleep(1.0)
    call_id = await caller.softphone.dial("15")
    closed = await caller.next("closed", call_id)
    assert "480" in (closed.reason or ""), closed.reason  # no ARM desk registered: kamailio's answer
    assert "incoming" not in intruder.kinds()
    assert "ready" not in intruder.states


@pytest.mark.asyncio
async def test_a_caller_without_credentials_cannot_call_out_through_the_trunk(phones: PhoneFactory) -> None:
    outside = await phones.outside("0498765432")
    caller = await phones.caller("0612345678")
    call_id = await caller.softphone.dial("0498765432")
    closed = await caller.next("closed", call_id)
    assert "407" in (closed.reason or ""), closed.reason
    assert "incoming" not in outside.kinds()
