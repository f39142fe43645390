"""Test doubles of the desk phone's two edges, until the real ones are merged (issue 15).

* :class:`FakeSoftphone` follows the ``Softphone`` interface of TEL.md (``start``/``stop``,
  ``accept``/``hangup``/``hold``/``resume``/``transfer``/``dial``, ``state``, ``calls``, events through
  ``on_event`` and states through ``on_state``); the test drives the other end: :meth:`ring`
  (an INVITE reaches the desk), :meth:`close_remote` (the caller hung up, or another desk answered),
  :meth:`go_down`.  The real adapter (app/services/telephony) replaces it at merge.
* :class:`FakeCallServer` answers the console's calls routes of TEL.md at the HTTP edge
  (an ``httpx.MockTransport``): it records every body, answers the lookup per number, and answers
  no other route (as an unreachable server would).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import unquote

import httpx

from app.services.sync.api_client import ApiClient
from app.services.telephony.events import CallEvent


def now() -> datetime:
    return datetime.now(timezone.utc)


class FakeSoftphone:
    """A softphone that rings when told to and obeys the console's commands at once."""

    def __init__(self, settings, on_event, on_state):
        self.settings, self._on_event, self._on_state = settings, on_event, on_state
        self.state = "off"
        self.calls: dict[str, CallEvent] = {}
        self.commands: list[tuple] = []
        self._n = 0

    def _set(self, state: str) -> None:
        self.state = state
        self._on_state(state)

    def _emit(self, kind: str, call_id: str, at: datetime | None = None, reason: str | None = None) -> None:
        base = self.calls[call_id]
        ev = CallEvent(kind, call_id, base.sip_call_id, base.peer_uri, base.number, at or now(), reason, base.direction)
        if kind == "closed":
            self.calls.pop(call_id, None)
        self._on_event(ev)

    # --- TEL.md's interface --------------------------------------------------------------------------
    async def start(self) -> None:
        self.commands.append(("start",))
        self._set("starting")
        self._set("ready")

    async def stop(self) -> None:
        self.commands.append(("stop",))
        self._set("off")

    async def accept(self, call_id: str) -> None:
        self.commands.append(("accept", call_id))
        self._emit("established", call_id)

    async def hangup(self, call_id: str) -> None:
        self.commands.append(("hangup", call_id))
        if call_id in self.calls:
            self._emit("closed", call_id, reason="hangup")

    async def hold(self, call_id: str) -> None:
        self.commands.append(("hold", call_id))
        self._emit("held", call_id)

    async def resume(self, call_id: str) -> None:
        self.commands.append(("resume", call_id))
        self._emit("resumed", call_id)

    async def transfer(self, call_id: str, target: str) -> None:
        self.commands.append(("transfer", call_id, target))
        self._emit("transferred", call_id)
        self._emit("closed", call_id, reason="transferred")

    async def dial(self, number_or_uri: str) -> str:
        self.commands.append(("dial", number_or_uri))
        self._n += 1
        call_id = f"out{self._n}"
        self.calls[call_id] = CallEvent("ringing", call_id, f"sip-out-{self._n}@room", f"sip:{number_or_uri}@room",
                                        number_or_uri, now(), direction="outgoing")
        self._emit("ringing", call_id)
        return call_id

    # --- the other end (the test) ------------------------------------------------------------------
    def ring(self, number: str | None, *, at: datetime | None = None, sip_call_id: str | None = None) -> str:
        """An INVITE reaches this desk; the softphone's call id."""
        self._n += 1
        call_id = f"in{self._n}"
        peer = f"sip:{number}@room" if number else "sip:anonymous@anonymous.invalid"
        self.calls[call_id] = CallEvent("incoming", call_id, sip_call_id or f"room-call-{self._n}@proxy", peer,
                                        number, at or now())
        self._on_event(self.calls[call_id])
        return call_id

    def close_remote(self, call_id: str, reason: str = "Call completed elsewhere") -> None:
        self._emit("closed", call_id, reason=reason)

    def go_down(self) -> None:
        self._set("down")


class PhoneMaker:
    """The ``factory`` of :class:`~app.services.desk.telephony_desk.TelephonyDesk`; keeps the phone it made."""

    def __init__(self):
        self.phone: FakeSoftphone | None = None
        self.password: str | None = None

    def __call__(self, cfg, password, on_event, on_state) -> FakeSoftphone:
        self.password = password
        self.phone = FakeSoftphone(cfg, on_event, on_state)
        return self.phone


@dataclass
class FakeCallServer:
    """The calls routes of TEL.md; ``lookups`` by number; ``known_cases``: case uuids a link may name."""

    lookups: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    lookups_asked: list[str] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/api/v1/calls/events":
            body = json.loads(request.content)
            self.events.append(body)
            return httpx.Response(201, json={"call": {"call_id": body["call_id"]}})
        if request.method == "GET" and path == "/api/v1/calls/lookup":
            number = request.url.params["number"]
            self.lookups_asked.append(number)
            return httpx.Response(200, json=self.lookups.get(number, {"open_cases": [], "recent_cases": [],
                                                                       "duplicate_warning": None}))
        if request.method == "POST" and path.startswith("/api/v1/calls/") and path.endswith("/case"):
            call_id = unquote(path[len("/api/v1/calls/"):-len("/case")])
            self.links.append((call_id, json.loads(request.content)["case_id"]))
            return httpx.Response(200, json={"call": {"call_id": call_id}})
        raise httpx.ConnectError("no such route in the fake server", request=request)

    def client(self) -> ApiClient:
        return ApiClient("http://room.test", timeout=2.0, transport=httpx.MockTransport(self.handler))

    def kinds(self) -> list[str]:
        return [e["event"] for e in self.events]
