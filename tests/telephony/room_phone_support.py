"""The telephone room of issue 15's end-to-end tests: one real server, kamailio, desk consoles and callers.

:func:`seed_room` seeds a demo database (``sas demo-data``) and adds the room's desk accounts
``arm1``, ``arm2`` (ARM) and ``mru1`` (MRU), with the demo accounts' passwords.  :class:`Callers`
runs baresip callers (the adapter's :class:`Softphone`, unregistered, behind the proxy) in an
asyncio loop of their own thread, so a synchronous test drives them beside the desk consoles
(:class:`tests.room.conftest.Desk`, whole console processes with their real softphone).
:class:`RoomApi` reads the server as a supervisor: the calls, the stats, the cases' clocks.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import sqlalchemy as sa

from app.models import User
from app.models.db import open_database
from app.services.telephony.settings import TelephonySettings
from app.services.telephony.softphone import Softphone
from tests.helpers.demo_db import build_demo
from tests.telephony.conftest import Phone, sip_password

ROOT = Path(__file__).resolve().parents[2]
#: desk account -> (role, the demo account whose password it shares)
DESK_ACCOUNTS = {"arm1": ("ARM", "arm"), "arm2": ("ARM", "arm"), "mru1": ("MRU", "mru")}
PASSWORDS = {"arm": "arm-demo", "mru": "mru-demo", "superviseur": "superviseur-demo"}


def desk_phone(user: str, proxy_address: str) -> dict[str, str]:
    """The telephony of desk ``user``'s console: the room's proxy, its SIP password, the doctors' desk."""
    return {"proxy": proxy_address, "password": sip_password(user), "transfer_desks": "mru1"}


def password_of(user: str) -> str:
    return PASSWORDS[DESK_ACCOUNTS[user][1]] if user in DESK_ACCOUNTS else PASSWORDS[user]


def seed_room(db_url: str) -> None:
    """The demo territory and accounts, plus the telephone room's desks arm1, arm2, mru1."""
    build_demo(db_url)
    engine, sessions = open_database(db_url)
    try:
        with sessions() as s:
            for username, (role, like) in DESK_ACCOUNTS.items():
                model = s.query(User).filter_by(username=like).one()
                s.add(User(username=username, display_name=f"{username} ({role})", role=role,
                           password_hash=model.password_hash))
            s.commit()
    finally:
        engine.dispose()


class Callers:
    """Baresip callers in their own event loop thread; each call returns when the softphone did it."""

    def __init__(self, proxy_address: str) -> None:
        self.proxy = proxy_address
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.phones: list[Phone] = []

    def run(self, coro, timeout: float = 20.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def caller(self, number: str) -> Phone:
        """A phone outside the room with caller id ``number`` (started, not registered)."""
        settings = TelephonySettings(enabled=True, sip_user=number, proxy=self.proxy, register_interval=0,
                                     max_calls=4)

        async def start() -> Phone:
            for attempt in range(3):  # a shared machine: a slow baresip start is tried again, not failed on
                phone = Phone(number)
                phone.softphone = Softphone(settings, phone.on_event, phone.on_state)
                try:
                    async with asyncio.timeout(8):
                        await phone.softphone.start()
                        await phone.softphone.wait_state("ready")
                    return phone
                except TimeoutError:
                    await phone.softphone.stop()
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

        phone = self.run(start(), timeout=40)
        self.phones.append(phone)
        return phone

    def stop_all(self) -> None:
        """Stop every caller started so far (between tests: fewer baresip processes on the machine)."""
        for phone in self.phones:
            try:
                self.run(phone.softphone.stop())
            except Exception:  # noqa: BLE001 - the others are stopped anyway
                pass
        self.phones.clear()

    def dial(self, phone: Phone, number: str = "15") -> str:
        return self.run(phone.softphone.dial(number))

    def hangup(self, phone: Phone, call_id: str) -> None:
        self.run(phone.softphone.hangup(call_id))

    def next(self, phone: Phone, kind: str, call_id: str | None = None, timeout: float = 10.0):
        return self.run(phone.next(kind, call_id, timeout=timeout), timeout + 2)

    def close(self) -> None:
        self.stop_all()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


class RoomApi:
    """The server read as the supervisor (and its database read directly, for the cases' clocks)."""

    def __init__(self, url: str, db_url: str) -> None:
        self.url, self.db_url = url, db_url
        token = httpx.post(f"{url}/api/v1/auth/login",
                           json={"username": "superviseur", "password": PASSWORDS["superviseur"]}).json()
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}

    def calls(self, state: str = "recent") -> list[dict]:
        answer = httpx.get(f"{self.url}/api/v1/calls", params={"state": state}, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["calls"]

    def call(self, call_id: str) -> dict | None:
        return next((c for c in self.calls("recent") if c["call_id"] == call_id), None)

    def stats(self, since: datetime) -> dict:
        end = datetime.now(timezone.utc) + timedelta(minutes=1)
        answer = httpx.get(f"{self.url}/api/v1/stats", headers=self.headers,
                           params={"start": since.isoformat(), "end": end.isoformat()})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def case_clocks(self, case_uuid: str, timeout: float = 10.0) -> dict:
        """The case's reception, answer time and clock source as the server stored them (once the desk's
        sync brought the case: a call may be linked before its case arrives)."""
        engine = sa.create_engine(self.db_url)
        deadline = time.monotonic() + timeout
        try:
            while True:
                with engine.connect() as c:
                    row = c.execute(sa.text("SELECT case_id, reception, answered_at, clock_source FROM cases "
                                            "WHERE uuid = :u"), {"u": case_uuid}).mappings().one_or_none()
                if row is not None and row["clock_source"] is not None or time.monotonic() > deadline:
                    assert row is not None, f"case {case_uuid} not on the server within {timeout} s"
                    return dict(row)
                time.sleep(0.2)
        finally:
            engine.dispose()


def panel(desk) -> dict[str, str]:
    """The desk's ringing panel as shown (object name -> text); empty when no panel is visible."""
    return {w["name"]: w["text"] or "" for w in desk.texts() if w["name"].startswith("ringing_")}


def field(desk, accessible: str) -> str | None:
    """The text of the desk's visible field of that accessible name."""
    return next((w["text"] for w in desk.texts() if w["accessible"] == accessible), None)
