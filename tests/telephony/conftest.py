"""Fixtures for telephony tests with real processes: one kamailio per module, baresip desks and callers.

- `sip_proxy` (module): a running KamailioProcess (room numbers 15 and 116117, ARM desks "arm*",
  trunk at `sip_proxy.settings.trunk` = 127.0.0.1:<trunk_port>, room secret ROOM_SECRET);
  `trunk_port(sip_proxy)` gives the port.
- `sip_password(user)`: the desk's SIP password, computed here from the documented rule (the first 32
  hex digits of sha256("<room secret>:<user>")), not with the code under test.
- `phones` (function, async): a PhoneFactory; `await phones.desk("arm1")` starts a desk softphone
  registered with its password and waits until it is ready, `await phones.caller("0612345678")` an unregistered caller
  behind the proxy, `await phones.outside("0498765432")` a phone on the trunk port (the outside world).
  Every phone is stopped at the end and the test fails if a baresip process is left.
- `Phone.next(kind, call_id=None)` waits for the next event of that kind; `Phone.events`, `Phone.states`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from app.services.telephony.events import CallEvent
from app.services.telephony.profile import free_sip_port
from app.services.telephony.proxy import KamailioProcess, ProxySettings
from app.services.telephony.settings import TelephonySettings
from app.services.telephony.softphone import Softphone

REGISTER_INTERVAL = 10
ROOM_SECRET = "test-room-secret-0123456789"


def sip_password(user: str, secret: str = ROOM_SECRET) -> str:
    """The desk's SIP password by the documented rule (README, telephony section)."""
    return hashlib.sha256(f"{secret}:{user}".encode()).hexdigest()[:32]


def trunk_port(proxy: KamailioProcess) -> int:
    """The port the room's trunk points to (an "outside" phone listens there)."""
    return int(proxy.settings.trunk.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def sip_proxy() -> Iterator[KamailioProcess]:
    """The room's kamailio on free ports, started once per test module."""
    settings = ProxySettings(port=free_sip_port(), trunk=f"sip:127.0.0.1:{free_sip_port()}", max_expires=60,
                             secret=ROOM_SECRET)
    proxy = KamailioProcess(settings)
    proxy.start()
    yield proxy
    proxy.stop()


@dataclass
class Phone:
    """A Softphone with everything it reported, for assertions."""

    name: str
    softphone: Softphone = field(init=False)
    events: list[CallEvent] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    _seen: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def on_event(self, event: CallEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def on_state(self, state: str) -> None:
        self.states.append(state)

    async def next(self, kind: str, call_id: str | None = None, timeout: float = 8.0) -> CallEvent:
        """The next event of `kind` (for `call_id` if given) not yet returned by next()."""
        async with asyncio.timeout(timeout):
            while True:
                for index in range(self._seen, len(self.events)):
                    event = self.events[index]
                    if event.kind == kind and call_id in (None, event.call_id):
                        self._seen = index + 1
                        return event
                self._changed.clear()
                await self._changed.wait()

    def kinds(self) -> list[str]:
        """The kinds of every event so far."""
        return [event.kind for event in self.events]


class PhoneFactory:
    """Starts desks, callers and outside phones against one proxy; stops them all at the end."""

    def __init__(self, proxy: KamailioProcess) -> None:
        self.proxy = proxy
        self.phones: list[Phone] = []

    async def _start(self, name: str, settings: TelephonySettings, ready: bool = True,
                     kind: type[Softphone] = Softphone) -> Phone:
        phone = Phone(name)
        phone.softphone = kind(settings, phone.on_event, phone.on_state)
        self.phones.append(phone)
        await phone.softphone.start()
        if ready:
            await phone.softphone.wait_state("ready")
        return phone

    async def desk(self, user: str, **options: object) -> Phone:
        """A desk softphone registered at the proxy as `user` with its password (max 1 call: busy answers 486);
        `options` override settings (`sip_password=...`), `ready=False` does not wait for the registration,
        `kind=` a Softphone subclass."""
        ready = bool(options.pop("ready", True))
        kind = options.pop("kind", Softphone)
        settings = TelephonySettings(
            enabled=True, sip_user=user, sip_password=sip_password(user), proxy=self.proxy.settings.address,
            register_interval=REGISTER_INTERVAL, max_calls=1,
        )
        return await self._start(user, settings.__class__(**{**settings.to_mapping(), **options}), ready, kind)  # type: ignore[arg-type]

    async def caller(self, user: str, domain: str = "127.0.0.1") -> Phone:
        """A phone outside the room calling through the proxy (not registered)."""
        settings = TelephonySettings(
            enabled=True, sip_user=user, sip_domain=domain, proxy=self.proxy.settings.address,
            register_interval=0, max_calls=4,
        )
        return await self._start(user, settings)

    async def outside(self, number: str) -> Phone:
        """The phone of `number` beyond the trunk (listens on the trunk's port)."""
        settings = TelephonySettings(
            enabled=True, sip_user=number, local_sip_port=trunk_port(self.proxy), register_interval=0, max_calls=4,
        )
        return await self._start(number, settings)

    async def close(self) -> None:
        pids = [p.softphone.pid for p in self.phones if p.softphone.pid]
        for phone in self.phones:
            await phone.softphone.stop()
        for pid in pids:
            assert not _alive(pid), f"baresip {pid} left running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie not yet reaped counts as gone
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


@pytest_asyncio.fixture
async def phones(sip_proxy: KamailioProcess) -> AsyncIterator[PhoneFactory]:
    """A PhoneFactory for this test; every phone is stopped afterwards."""
    factory = PhoneFactory(sip_proxy)
    try:
        yield factory
    finally:
        await factory.close()


async def dial_and_ring(caller: Phone, number: str, desks: list[Phone]) -> tuple[str, list[CallEvent], float]:
    """The caller dials; returns (call id, each desk's incoming event, seconds from dial to last desk ringing).

    The time measured is from the dial command to the desk softphone's "incoming" event reaching the
    adapter (INVITE through kamailio, baresip's event over ctrl_tcp); it is printed for the report.
    """
    started = time.monotonic()
    call_id = await caller.softphone.dial(number)
    incoming = [await desk.next("incoming") for desk in desks]
    elapsed = time.monotonic() - started
    print(f"\ndial -> incoming on {len(desks)} desk(s): {elapsed * 1000:.1f} ms")
    return call_id, incoming, elapsed
