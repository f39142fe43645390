"""The desk's telephone, without Qt: the softphone's calls turned into what the console shows and the server records.

:class:`TelephonyDesk` owns this desk's softphone (:mod:`app.services.telephony.softphone`,
imported when the console logs in: without it, or with telephony off in the settings, the
desk has no phone and works by hand as before).  It starts the softphone after login and
stops it at logout; each softphone event becomes a :class:`DeskCall` change for the window
(``listener(call, what)``) and a call event for the server through
:class:`app.services.desk.call_events.CallEventQueue`, timed by the softphone's clock:

* ``incoming`` → « ringing », ``presented`` at the softphone's ``at``;
* ``established`` → « active », ``answered`` (for a call the room received);
* ``closed`` → « gone », ``ended`` (the server decides whether nobody answered: abandoned);
* ``held`` / ``resumed`` → « held » / « active »; a transfer → ``transferred`` then ``handed_over``.

The room-wide call id is the softphone's ``sip_call_id`` (the INVITE's Call-ID, the same on
every desk the proxy rang), else its own handle.  Calling out logs ``dialled`` on the case;
without a phone the number is dialled by hand and the event says so (``typed``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid as uuid_mod
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import phonenumbers

from app.services.desk.call_events import CallEventQueue, event_body
from app.services.desk.call_outbox import CallOutbox
from app.services.sync.api_client import ApiClient, ApiError
from app.settings import Settings

log = logging.getLogger(__name__)

#: The desk phone's states: the softphone's own ("off", "starting", "ready", "down"), and "absent"
#: (telephony not configured, or no softphone adapter in this build: the console works by hand).
ABSENT, OFF, STARTING, READY, DOWN = "absent", "off", "starting", "ready", "down"


class NoPhone(Exception):
    """The desk has no working softphone now: dial by hand."""


@dataclass
class DeskCall:
    """One call at this desk, as the window shows it."""

    call_id: str                 # the softphone's handle (its commands take it)
    room_id: str                 # the room's call id (the server's)
    number: str | None           # national digits; None: « numéro masqué »
    presented_at: datetime       # when the softphone reported it (incoming) or dialled it (outgoing)
    incoming: bool = True
    state: str = "ringing"       # ringing | answering | dialling | active | held | gone
    answered_at: datetime | None = None
    case_uuid: str | None = None
    target: str | None = None    # outgoing: the number dialled; transferred: the desk it went to

    @property
    def hidden(self) -> bool:
        return self.number is None


def dial_string(number: str) -> str:
    """What the softphone dials: a French number in national digits (« 0612345678 »), any other as E.164."""
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException:
        return "".join(c for c in number if c.isdigit() or c == "+")
    if parsed.country_code == 33:
        return "0" + str(parsed.national_number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _default_factory(cfg: Settings, password: str, on_event, on_state):
    """The real softphone (TEL.md), or None when this build has none."""
    try:
        from app.services.telephony.settings import TelephonySettings
        from app.services.telephony.softphone import Softphone
    except ImportError:
        log.warning("telephony configured but no softphone adapter in this build: working by hand")
        return None
    proxy = cfg.sip_proxy or ""
    settings = TelephonySettings(enabled=True, sip_user=cfg.sip_user, sip_password=password,
                                 sip_domain=cfg.sip_domain or "127.0.0.1", proxy=proxy,
                                 local_sip_port=cfg.sip_local_port, ctrl_port=cfg.sip_ctrl_port)
    return Softphone(settings, on_event=on_event, on_state=on_state)


class TelephonyDesk:
    """This desk's phone for one logged-in session.

    ``factory(settings, password, on_event, on_state)`` makes the softphone (tests give a fake);
    ``outbox`` keeps the call facts in the desk's cache until the server has them (what a
    stopped console left is sent first);
    ``listener(call, what)`` hears « ringing », « active », « held », « gone », « taken » (another
    desk answered first), « dialling »; ``state_listener(state)`` the phone's state.
    """

    def __init__(self, client: ApiClient, cfg: Settings, *, password: str = "", factory=None, clock=None,
                 events: CallEventQueue | None = None, outbox: CallOutbox | None = None):
        self._cfg, self._password = cfg, password
        self._factory = factory or _default_factory
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.client = client
        self.events = events or CallEventQueue(client, outbox=outbox)
        self.events.on_taken = self._on_taken
        #: The softphone (TEL.md's ``Softphone``), None when the desk has none.
        self.phone: Any = None
        self.state = ABSENT
        self.calls: dict[str, DeskCall] = {}
        self.listener: Callable[[DeskCall, str], None] = lambda _call, _what: None
        self.state_listener: Callable[[str], None] = lambda _state: None

    @property
    def configured(self) -> bool:
        return self._cfg.telephony_configured

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the softphone (after login); without telephony the desk stays « absent »."""
        self.events.start()
        if not self.configured:
            return
        try:
            self.phone = self._factory(self._cfg, self._password, self._on_event, self._on_state)
        except Exception:  # noqa: BLE001 - a broken adapter must never stop the console
            log.exception("softphone could not be created: working by hand")
            self.phone = None
        if self.phone is None:
            return
        self._on_state(STARTING)
        try:
            await self.phone.start()
        except Exception:  # noqa: BLE001 - the supervisor restarts it; meanwhile the desk works by hand
            log.exception("softphone did not start")
            self._on_state(DOWN)

    async def stop(self) -> None:
        """Stop the softphone (logout, quit) and let the queued call events leave; the window hears no more."""
        self.listener, self.state_listener = (lambda _call, _what: None), (lambda _state: None)
        phone, self.phone = self.phone, None
        if phone is not None:
            try:
                await phone.stop()
            except Exception:  # noqa: BLE001
                log.exception("softphone did not stop cleanly")
        self.calls.clear()
        self._set_state(ABSENT)
        await self.events.stop()

    def _on_state(self, state: str) -> None:
        self._set_state(state)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            log.info("desk phone %s", state)
            self.state_listener(state)

    # --- the softphone's events ------------------------------------------------------------------
    def _on_event(self, ev) -> None:
        kind = ev.kind
        call = self.calls.get(ev.call_id)
        if kind == "incoming":
            call = DeskCall(ev.call_id, ev.sip_call_id or ev.call_id, ev.number, ev.at)
            self.calls[ev.call_id] = call
            self._post(call, "presented", ev.at)
            self.listener(call, "ringing")
            return
        if call is None:
            return
        if kind == "ringing":
            if ev.sip_call_id and call.room_id == call.call_id:
                call.room_id = ev.sip_call_id
        elif kind == "established":
            call.state, call.answered_at = "active", ev.at
            if call.incoming:
                self._post(call, "answered", ev.at)
            self.listener(call, "active")
        elif kind in ("held", "resumed"):
            call.state = "held" if kind == "held" else "active"
            self.listener(call, call.state)
        elif kind == "transferred":
            self._post(call, "handed_over", ev.at, target=call.target)
        elif kind == "closed":
            self.calls.pop(ev.call_id, None)
            call.state = "gone"
            if call.incoming:
                self._post(call, "ended", ev.at)
            self.listener(call, "gone")

    def _on_taken(self, room_id: str) -> None:
        """The server says another desk answered first: this desk lets the call go."""
        for call in [c for c in self.calls.values() if c.room_id == room_id]:
            self.calls.pop(call.call_id, None)
            call.state = "gone"
            self.listener(call, "taken")
            if self.phone is not None:
                asyncio.ensure_future(self._quiet(self.phone.hangup(call.call_id)))

    @staticmethod
    async def _quiet(coro) -> None:
        try:
            await coro
        except Exception:  # noqa: BLE001
            log.info("softphone command failed (call already gone?)")

    def _post(self, call: DeskCall, event: str, at: datetime, *, target: str | None = None,
              typed: bool = False) -> None:
        self.events.post_event(event_body(call.room_id, event, at, number=call.number, hidden=call.hidden,
                                          case_id=call.case_uuid, target=target, typed=typed))

    # --- the ARM's keys --------------------------------------------------------------------------
    def _need(self, call_id: str) -> DeskCall:
        if self.phone is None or call_id not in self.calls:
            raise NoPhone()
        return self.calls[call_id]

    def answer(self, call_id: str) -> Coroutine[Any, Any, None]:
        """Take the ringing call: it is this desk's at once (hold, transfer, hang up apply to it), the
        softphone accepts it in the returned coroutine."""
        call = self._need(call_id)
        if call.state == "ringing":
            call.state = "answering"
        return self.phone.accept(call_id)

    async def hangup(self, call_id: str) -> None:
        self._need(call_id)
        await self.phone.hangup(call_id)

    async def toggle_hold(self, call_id: str) -> str:
        """Hold a call in conversation, or take it back; the state asked for."""
        call = self._need(call_id)
        if call.state == "held":
            await self.phone.resume(call_id)
            return "active"
        await self.phone.hold(call_id)
        return "held"

    async def transfer(self, call_id: str, desk_user: str) -> None:
        """Blind transfer to a doctor's desk (the accompanied hand-over): ``transferred`` now, ``handed_over``
        when the softphone reports the transfer done."""
        call = self._need(call_id)
        domain = self._cfg.sip_domain or "127.0.0.1"
        target = desk_user if desk_user.startswith("sip:") else f"sip:{desk_user}@{domain}"
        call.target = desk_user
        self._post(call, "transferred", self._clock(), target=desk_user)  # asked now; handed over when it took
        await self.phone.transfer(call_id, target)

    def link(self, call: DeskCall, case_uuid: str) -> None:
        """The call belongs to ``case_uuid`` (a case opened or attached while it rang or went on)."""
        call.case_uuid = case_uuid
        self.events.link(call.room_id, case_uuid)

    async def dial(self, number: str, *, case_uuid: str | None) -> DeskCall:
        """Call ``number`` out through the softphone and log ``dialled`` on the case; :class:`NoPhone` without one."""
        if self.phone is None or self.state != READY:
            raise NoPhone()
        target = dial_string(number)
        call_id = await self.phone.dial(target)
        known = getattr(self.phone, "calls", {}).get(call_id)
        room_id = getattr(known, "sip_call_id", None) or call_id
        call = DeskCall(call_id, room_id, target, self._clock(), incoming=False, state="dialling",
                        case_uuid=case_uuid, target=target)
        self.calls[call_id] = call
        self._post(call, "dialled", call.presented_at, target=target)
        self.listener(call, "dialling")
        return call

    def log_typed_dial(self, number: str, *, case_uuid: str | None) -> None:
        """A call dialled by hand (no phone): logged on the case as ``dialled``, its time typed."""
        target = dial_string(number)
        call = DeskCall(f"typed-{uuid_mod.uuid4()}", "", target, self._clock(), incoming=False, state="gone",
                        case_uuid=case_uuid, target=target)
        call.room_id = call.call_id
        self._post(call, "dialled", call.presented_at, target=target, typed=True)

    async def lookup(self, number: str | None) -> dict | None:
        """What the room knows of a caller's number (None: hidden, or the server did not answer)."""
        if not number:
            return None
        try:
            return await self.client.call_lookup(number)
        except ApiError as exc:
            log.info("call lookup failed: %s", exc.code or exc.status)
            return None

    def ringing(self) -> list[DeskCall]:
        return sorted((c for c in self.calls.values() if c.state == "ringing"), key=lambda c: c.presented_at)

    def current(self) -> DeskCall | None:
        """The call in conversation (or held) at this desk."""
        return next((c for c in self.calls.values() if c.state in ("answering", "active", "held", "dialling")), None)
