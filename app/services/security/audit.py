"""The audit trail: who did what to which object, and every read of patient data.

Two outputs for every act: a row of ``audit_events`` (kept, queried by the
supervisor and the investigators) and a line of the ``app.server.audit`` log.
Neither ever holds patient data: only the user, the role, the action (a route
name of :mod:`app.services.security.permissions`), the object's UUID and the outcome.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app.models.journal import AuditEvent

#: "Who did what" log: user, role, route and object uuid — never patient data.
audit_log = logging.getLogger("app.server.audit")


def log(username: str, role: str, action: str, uuid: str | int, outcome: str) -> None:
    """Log one act as ``alice (OSNP) slots.book 42 -> booked``."""
    audit_log.info("%s (%s) %s %s -> %s", username, role, action, uuid, outcome)


def record(session: Session, username: str, role: str, action: str, uuid: str | int, outcome: str) -> None:
    """Add one audit row in the caller's transaction (committed with it), and log it."""
    session.add(AuditEvent(username=username[:64], role=role[:16], action=action, object_uuid=str(uuid)[:64],
                           outcome=outcome[:32]))
    log(username, role, action, uuid, outcome)
