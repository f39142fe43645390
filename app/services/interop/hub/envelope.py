"""EDXL-DE envelopes with their RC-DE header: building, reading, Hub times.

What the Hub Santé dispatcher expects (domain.md B.7):

* ``distributionID`` = ``<senderID>_<uuid>`` (a prefix other than the sender is rejected);
* ``distributionStatus`` ``Actual`` (or ``Exercise``), ``distributionKind`` ``Report`` for a
  use-case message, ``Ack`` for an RC-REF acknowledgement, ``Error`` for an RS-ERROR;
* ``descriptor`` = ``{"language": "fr-FR", "explicitAddress": {"explicitAddressScheme":
  "hubex", "explicitAddressValue": <recipient>}}``;
* the message in ``content[0].jsonContent.embeddedJsonContent.message``: the RC-DE header
  (``messageId`` = distributionID, sender and recipients as ``hubex:<id>``, ``sentAt``,
  ``kind``, ``status``) next to the use-case object; an Error carries no RC-DE header.

Times: the RS/RC-DE patterns want ``YYYY-MM-DDThh:mm:ss±hh:mm`` — seconds, an explicit
offset, never ``Z`` and no fraction.  :func:`hub_time` writes room time — the SAMU's
zone from its département (:mod:`app.codes.room_time`): ``+01:00`` / ``+02:00`` for a
metropolitan SAMU, as every official sample does, ``+04:00`` for SAMU 974 — so a
time in a message reads as the sending room's clock, and the offset keeps the
instant exact for any receiver.  Should the time-zone database be missing, the
room's standard offset is used.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.codes import room_time
from app.services.interop.hub import schemas

HUB_SCHEME = "hubex"
LANGUAGE = "fr-FR"
KINDS = ("Report", "Update", "Cancel", "Ack", "Error")
#: The Hub's default message lifetime (queue TTL, 86 400 s).
DEFAULT_TTL = timedelta(days=1)


def hub_time(value: datetime | None = None) -> str:
    """``value`` (now by default; naive = UTC) as a Hub time in room time, seconds and explicit offset."""
    return room_time.stamp(value or datetime.now(timezone.utc))


def parse_hub_time(text: str) -> datetime:
    """A Hub time (or any ISO 8601 time with an offset) as an aware datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("heure sans fuseau")
    return value


def new_distribution_id(sender: str) -> str:
    """``<sender>_<uuid4>``: the dispatcher checks the prefix against the sender."""
    return f"{sender}_{uuid.uuid4()}"


def build_envelope(sender: str, recipient: str, root_key: str, payload: dict, *, kind: str = "Report",
                   status: str = "Actual", sent: datetime | None = None,
                   ttl: timedelta = DEFAULT_TTL, distribution_id: str | None = None) -> dict:
    """An EDXL-DE envelope from ``sender`` to ``recipient`` carrying ``{root_key: payload}``.

    ``distribution_id``: a given ``<sender>_<unique>`` (a new one by default).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown distributionKind {kind!r}")
    sent = sent or datetime.now(timezone.utc)
    distribution_id = distribution_id or new_distribution_id(sender)
    if not distribution_id.startswith(f"{sender}_"):
        raise ValueError("distributionID must start with <senderID>_")
    message: dict[str, Any] = {}
    if root_key not in schemas.HEADERLESS_KEYS:
        message.update({
            "messageId": distribution_id,
            "sender": {"name": sender, "URI": f"{HUB_SCHEME}:{sender}"},
            "sentAt": hub_time(sent),
            "kind": kind,
            "status": status,
            "recipient": [{"name": recipient, "URI": f"{HUB_SCHEME}:{recipient}"}],
        })
    message[root_key] = payload
    return {
        "distributionID": distribution_id,
        "senderID": sender,
        "dateTimeSent": hub_time(sent),
        "dateTimeExpires": hub_time(sent + ttl),
        "distributionStatus": "Exercise" if status == "Exercise" else "Actual",
        "distributionKind": kind,
        "descriptor": {"language": LANGUAGE,
                       "explicitAddress": {"explicitAddressScheme": HUB_SCHEME, "explicitAddressValue": recipient}},
        "content": [{"jsonContent": {"embeddedJsonContent": {"message": message}}}],
    }


@dataclass(frozen=True)
class Envelope:
    """What the console needs of a received envelope (its first message)."""

    distribution_id: str
    sender_id: str
    recipient: str
    kind: str
    status: str
    root_key: str | None
    payload: Any
    raw: dict


def read_envelope(document: dict) -> Envelope:
    """The parts of a schema-valid envelope; call :func:`schemas.validate_envelope` first."""
    message = document["content"][0]["jsonContent"]["embeddedJsonContent"].get("message") or {}
    key = schemas.use_case_key(message) if isinstance(message, dict) else None
    return Envelope(
        distribution_id=document["distributionID"],
        sender_id=document["senderID"],
        recipient=document["descriptor"]["explicitAddress"]["explicitAddressValue"],
        kind=document["distributionKind"],
        status=document["distributionStatus"],
        root_key=key,
        payload=message.get(key) if key else None,
        raw=document,
    )


def header_fields(document: Any) -> tuple[str, str, str]:
    """(distributionID, senderID, recipient) of any document, valid or not, with safe fallbacks."""
    if not isinstance(document, dict):
        return "", "", ""
    explicit = (document.get("descriptor") or {}).get("explicitAddress") or {} \
        if isinstance(document.get("descriptor"), dict) else {}
    value = lambda v: v if isinstance(v, str) else ""  # noqa: E731
    return (value(document.get("distributionID")), value(document.get("senderID")),
            value(explicit.get("explicitAddressValue") if isinstance(explicit, dict) else None))


def distribution_id_matches_sender(envelope: Envelope) -> bool:
    """The dispatcher's rule: the distributionID starts with ``<senderID>_``."""
    return envelope.distribution_id.startswith(f"{envelope.sender_id}_")
