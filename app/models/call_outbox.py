"""The desk's pending call facts (issue 15): what the softphone reported and the server has not acknowledged yet.

Console cache only.  Each row is one request of :mod:`app.services.desk.call_events`:
``kind`` ``event`` (the body of ``POST /api/v1/calls/events``) or ``link`` (``{"case_id"}``
for ``POST /api/v1/calls/{call_id}/case``).  A row is written when the softphone reports
the fact, in its own transaction, and deleted once the server has answered it for good,
so a crash, a kill or a console closed offline loses nothing: the next session of the same
user sends what is left first, in ``id`` order.  ``author`` is the user whose desk saw the
call (the server credits the report to the token's user, so another user never sends it).
The body holds the caller's number: it stays in the encrypted cache and never reaches a log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

#: What a row asks the server.
CALL_OUTBOX_KINDS = ("event", "link")


class CallOutboxItem(Base):
    __tablename__ = "call_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    #: The room call id (the SIP Call-ID).
    call_id: Mapped[str] = mapped_column(String(255))
    body: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Tries that got no final answer (offline, 5xx, a link's case not yet on the server).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last such answer, by its code only (never patient data).
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
