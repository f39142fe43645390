"""The durable Hub Santé outbox: every message for the Hub is a ``hub_outbox`` row first.

Writing (any code that sends to the Hub):

* :func:`add` puts an envelope in the outbox **in the caller's transaction** — the one that
  records the change causing the message (the note of a case's sending, the stored
  received message its RC-REF acknowledges) — so the change and its message are
  committed together or not at all.  The envelope's ``distributionID``
  (``<senderID>_<uuid>``) is fixed then and becomes the row's ``distribution_id``: a resend
  after a crash carries the same one, and the receiver recognises it.
* :func:`import_and_acknowledge` stores a message received over AMQP and queues its RC-REF
  in one transaction.
* :func:`answer_distribution_id` is the distributionID of our RC-REF for a received
  message, derived from the received distributionID; :func:`answered` tells whether that
  acknowledgement is already in the outbox — i.e. the received message was already
  stored and acknowledged, so a redelivery of it must change nothing
  (:mod:`app.server.hub.inbox`).

Draining (the server's AMQP client, :mod:`app.server.hub.broker`, through short transactions):

* :func:`claim` takes the oldest unsent rows (id order) for a lease (``claimed_until``):
  a conditional ``UPDATE`` (and ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so several
  server processes over one database never hold one row at the same time;
* :func:`mark_sent` sets ``sent_at`` once the broker confirmed the publish;
  :func:`release` hands back what could not be sent (the error kept in ``last_error``);
* :func:`pending_count` counts the rows not sent yet.

The one remaining window: the broker confirmed a publish and the process died (or the
database failed) before ``sent_at`` was committed.  The row's lease then expires and the
message is published again **with the same distributionID** (and AMQP ``message_id``).
Our own inbox drops such a duplicate: a use-case message already acknowledged is
recognised by :func:`answered`, an RS-EDA-MAJ replays to the same event UUIDs, and an
acknowledgement's note UUID derives from its distributionID.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.models import HubOutboxMessage
from app.services.interop.hub import ack
from app.services.interop.hub.envelope import Envelope
from app.services.regulation.actor import Actor
from app.services.regulation.hub_import import import_hub_message

#: How long a process holds the rows it claimed before another process may take them.
LEASE = timedelta(seconds=60)
#: Rows claimed at once.
BATCH = 20
_ANSWERS = uuid.UUID("4f6b1c3a-9d2e-5b7a-8c1f-0e3d2a6b9c48")
_ERROR_MAX = 500


@dataclass(frozen=True)
class Claimed:
    """A row this process holds for sending."""

    id: int
    distribution_id: str
    envelope: dict


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def answer_distribution_id(sender: str, received_distribution_id: str) -> str:
    """Our acknowledgement's distributionID for the received ``received_distribution_id`` (always the same)."""
    return f"{sender}_{uuid.uuid5(_ANSWERS, received_distribution_id)}"


def add(session: Session, envelope: dict, *, sender: str, case_uuid: str | None = None) -> int:
    """Queue ``envelope`` (sent by ``sender``) in the caller's transaction; the row's id.

    :class:`ValueError` when the envelope is not ``sender``'s (the Dispatcher would refuse it).
    """
    distribution_id = envelope.get("distributionID") or ""
    if envelope.get("senderID") != sender or not distribution_id.startswith(f"{sender}_"):
        raise ValueError("senderID and distributionID must be this client's (the Dispatcher checks them)")
    address = (envelope.get("descriptor") or {}).get("explicitAddress") or {}
    row = HubOutboxMessage(distribution_id=distribution_id, recipient=str(address.get("explicitAddressValue", ""))[:80],
                           kind=str(envelope.get("distributionKind", ""))[:16], envelope=envelope,
                           case_uuid=case_uuid, attempts=0)
    session.add(row)
    session.flush()
    return row.id


def answered(session: Session, distribution_id: str) -> bool:
    """Whether a message with this distributionID is already in the outbox (sent or not)."""
    found = session.scalar(select(HubOutboxMessage.id).where(HubOutboxMessage.distribution_id == distribution_id))
    return found is not None


def pending_count(session: Session) -> int:
    """Rows not sent yet."""
    return session.scalar(select(func.count()).select_from(HubOutboxMessage)
                          .where(HubOutboxMessage.sent_at.is_(None))) or 0


def _free(now: datetime):
    return or_(HubOutboxMessage.claimed_until.is_(None), HubOutboxMessage.claimed_until < now)


def claim(session: Session, *, limit: int = BATCH, lease: timedelta = LEASE,
          now: datetime | None = None) -> list[Claimed]:
    """The oldest unsent rows nobody holds (id order), held by the caller until ``now + lease``."""
    now = _now(now)
    free = (HubOutboxMessage.sent_at.is_(None), _free(now))
    ids = session.scalars(select(HubOutboxMessage.id).where(*free).order_by(HubOutboxMessage.id).limit(limit)
                          .with_for_update(skip_locked=True)).all()
    taken = []
    for row_id in ids:
        result = session.execute(update(HubOutboxMessage).where(HubOutboxMessage.id == row_id, *free)
                                 .values(claimed_until=now + lease, attempts=HubOutboxMessage.attempts + 1)
                                 .execution_options(synchronize_session=False))
        if result.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(row_id)
    if not taken:
        return []
    rows = session.execute(select(HubOutboxMessage.id, HubOutboxMessage.distribution_id, HubOutboxMessage.envelope)
                           .where(HubOutboxMessage.id.in_(taken)).order_by(HubOutboxMessage.id)).all()
    return [Claimed(row_id, distribution_id, envelope) for row_id, distribution_id, envelope in rows]


def mark_sent(session: Session, row_id: int, *, now: datetime | None = None) -> bool:
    """The broker confirmed row ``row_id``: sent now (False when it was already marked)."""
    result = session.execute(update(HubOutboxMessage)
                             .where(HubOutboxMessage.id == row_id, HubOutboxMessage.sent_at.is_(None))
                             .values(sent_at=_now(now), claimed_until=None, last_error=None)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def release(session: Session, row_ids: list[int], error: str | None = None) -> None:
    """Give back rows held but not sent (another attempt, by any process, may take them at once)."""
    if not row_ids:
        return
    values: dict = {"claimed_until": None}
    if error is not None:
        values["last_error"] = error[:_ERROR_MAX]
    session.execute(update(HubOutboxMessage)
                    .where(HubOutboxMessage.id.in_(row_ids), HubOutboxMessage.sent_at.is_(None))
                    .values(**values).execution_options(synchronize_session=False))


def import_and_acknowledge(session: Session, actor: Actor, received: Envelope, sender: str) -> tuple[dict, bool]:
    """Store ``received`` and queue our RC-REF (sent as ``sender``) in the caller's transaction.

    (the Ack, False); or (the same Ack, True) when that Ack is already in the outbox: a
    redelivery of a message stored before, which changes nothing and is not acknowledged twice.
    :class:`~app.services.interop.hub.ack.HubMessageError` / ``Refused`` when it is refused.
    """
    ack_id = answer_distribution_id(sender, received.distribution_id)
    body = ack.ack_envelope(received.distribution_id, sender=sender, recipient=received.sender_id,
                            own_distribution_id=ack_id)
    if answered(session, ack_id):
        return body, True
    import_hub_message(session, actor, received)
    add(session, body, sender=sender)
    return body, False
