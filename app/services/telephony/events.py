"""Call events: what a desk's softphone reports, parsed from baresip 1.0.0's ctrl_tcp events.

What baresip 1.0.0 (Debian's baresip-core) sends on ctrl_tcp, one JSON object per netstring:

    {"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:arm1@127.0.0.1",
     "direction":"incoming","peeruri":"sip:0612345678@127.0.0.1","id":"908e6d8cbef031c1",
     "param":"sip:0612345678@127.0.0.1"}
    {"event":true,"type":"CALL_RINGING",...,"direction":"outgoing","id":"...","param":"<peer uri>"}
    {"event":true,"type":"CALL_ESTABLISHED",...,"id":"...","param":"<peer uri>"}
    {"event":true,"type":"CALL_CLOSED",...,"id":"...","param":"Connection reset by peer"}
    {"event":true,"type":"TRANSFER_FAILED",...,"id":"...","param":"501 Not Implemented"}
    {"event":true,"type":"REGISTER_OK","class":"register","accountaor":"sip:arm1@127.0.0.1",
     "param":"200 OK"}

plus media events (CALL_LOCAL_SDP, CALL_REMOTE_SDP, CALL_RTCP, CALL_RTPESTAB) that are ignored here.
Command responses are {"response":true,"ok":true|false,"data":"<text>","token":"<ours>"}.

The "id" field is the SIP Call-ID of the dialog (baresip's call id: `callstat` prints the same
"id=..."; caller and callee report the same value). Kamailio keeps the Call-ID when it forks an
INVITE to several desks, so every ringing desk of one room call reports the same "id": that is the
**room call id** (CallEvent.sip_call_id), and it is also the handle for commands (CallEvent.call_id).
The two are equal with baresip 1.0.0; keep them apart in code (another softphone may differ).
A blind transfer makes the caller place a new call to the target: it has a new Call-ID.

There is no hold event in 1.0.0: the adapter reports "held"/"resumed" itself when the command succeeds.
The caller's number comes from the peer URI's user part (no display name, no Privacy header on ctrl_tcp):
"anonymous", "restricted", "unavailable"... (what a network puts for a hidden number) give None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KINDS = ("incoming", "ringing", "established", "closed", "held", "resumed", "transferred", "transfer_failed")

# baresip event type -> CallEvent.kind (CALL_PROGRESS is 183 early media: the outgoing call rings)
_KIND_OF_TYPE = {
    "CALL_INCOMING": "incoming",
    "CALL_RINGING": "ringing",
    "CALL_PROGRESS": "ringing",
    "CALL_ESTABLISHED": "established",
    "CALL_CLOSED": "closed",
    "CALL_TRANSFER": "transferred",
    "TRANSFER": "transferred",
    "CALL_TRANSFER_FAILED": "transfer_failed",
    "TRANSFER_FAILED": "transfer_failed",
}
_HIDDEN_USERS = {"", "anonymous", "restricted", "unavailable", "unknown", "private", "withheld", "hidden"}
_URI_USER = re.compile(r"^<?\s*sips?:([^@;>?]*)@", re.IGNORECASE)
_TEL_URI = re.compile(r"^<?\s*tel:([^;>?]*)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s.\-()/]")


@dataclass(frozen=True)
class CallEvent:
    """One thing that happened to one call on this desk.

    kind: see KINDS ("ringing" = our outgoing call rings at the other end).
    call_id: the softphone's handle for commands (baresip's "id").
    sip_call_id: the room call id (the SIP Call-ID, the same on every forked desk), None when unknown.
    peer_uri: the other party's SIP URI.
    number: the caller's digits in national form ("0612345678") when French, else as given;
        None when the number is hidden.
    at: when the softphone reported it (UTC).
    reason: why a call closed ("Connection reset by peer", "softphone restarted"...), or the transfer target.
    """

    kind: str
    call_id: str
    sip_call_id: str | None
    peer_uri: str
    number: str | None
    at: datetime
    reason: str | None = None
    direction: str = "incoming"

    @property
    def hidden(self) -> bool:
        """True when the caller withheld the number."""
        return self.number is None


def uri_user(uri: str) -> str:
    """The user part of a SIP URI ("sip:0612@host" -> "0612"); "" when there is none."""
    match = _URI_USER.match(uri.strip()) or _TEL_URI.match(uri.strip())
    return match.group(1) if match else ""


def caller_number(peer_uri: str) -> str | None:
    """The caller's number from the peer URI, national form when French, None when hidden.

    "sip:+33612345678@h" -> "0612345678"; "sip:0033612345678@h" -> "0612345678";
    "sip:0612345678@h" -> "0612345678"; "sip:+441234@h" -> "+441234";
    "sip:anonymous@anonymous.invalid" -> None; "sip:mru1@h" (a desk) -> "mru1".
    """
    user = uri_user(peer_uri)
    user = user.split(";", 1)[0]
    if user.lower() in _HIDDEN_USERS:
        return None
    compact = _SEPARATORS.sub("", user)
    if re.fullmatch(r"\+?[0-9]+", compact):
        if compact.startswith("+33") and len(compact) == 12:
            return "0" + compact[3:]
        if compact.startswith("0033") and len(compact) == 13:
            return "0" + compact[4:]
        return compact
    return user


def parse_event(message: dict[str, Any], at: datetime | None = None) -> CallEvent | None:
    """The CallEvent for one ctrl_tcp event, or None when it is not about a call we track."""
    if not message.get("event"):
        return None
    kind = _KIND_OF_TYPE.get(str(message.get("type", "")))
    call_id = message.get("id")
    if kind is None or not call_id:
        return None
    peer_uri = str(message.get("peeruri", ""))
    param = message.get("param")
    reason = str(param) if kind in ("closed", "transferred", "transfer_failed") and param else None
    return CallEvent(
        kind=kind,
        call_id=str(call_id),
        sip_call_id=str(call_id),
        peer_uri=peer_uri,
        number=caller_number(peer_uri),
        at=at or datetime.now(UTC),
        reason=reason,
        direction=str(message.get("direction") or "incoming"),
    )


def register_state(message: dict[str, Any]) -> str | None:
    """"ready" or "down" for a registration event, None for anything else."""
    if not message.get("event") or message.get("class") != "register":
        return None
    kind = message.get("type")
    if kind == "REGISTER_OK":
        return "ready"
    if kind in ("REGISTER_FAIL", "UNREGISTERING"):
        return "down"
    return None


def synthetic(kind: str, previous: CallEvent, reason: str | None = None) -> CallEvent:
    """An event the adapter reports itself (held, resumed, closed on restart) for a known call."""
    return CallEvent(
        kind=kind,
        call_id=previous.call_id,
        sip_call_id=previous.sip_call_id,
        peer_uri=previous.peer_uri,
        number=previous.number,
        at=datetime.now(UTC),
        reason=reason,
        direction=previous.direction,
    )
