"""The room's telephone calls (issue 15): one row per call, one row per event a desk reported about it.

A call is known by its **room call id** (``call_id``: the SIP ``Call-ID`` of the INVITE as
the proxy forwards it, the same on every desk that rings), and stored under a UUID of its
own (``uuid``: the journal entry's object).  Its clocks come from the softphones:

* ``presented_at`` — the call reached the room (the earliest time any desk reported);
* ``answered_at`` / ``answered_by`` — the first desk that took it;
* ``ended_at`` — the call ended; ``abandoned`` when it ended before anyone answered;
* ``transfers`` — transfers and hand-overs (``[{event, at, target, by}]``, in order), kept
  on the row so a console's cache mirrors the whole call from its journal entry.

``direction`` is ``in`` (the room was called) or ``out`` (a desk dialled ``target``);
``typed`` says the times were typed by hand (degraded mode).  ``case_uuid`` names the
case the call is about; it is not a foreign key because the console may link a call
before its case reaches the server (:mod:`app.services.calls.clocks` gives the case its
clocks when it arrives).  :class:`CallReport` keeps every report as received (one per
call, event and desk; transfers and call-outs also by time), which makes replays
recognisable.  The console's cache holds :class:`Call` rows only (mirrored from the
journal), never the reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, new_uuid, utcnow

#: What a desk reports about a call (``POST /api/v1/calls/events``).
CALL_EVENTS = ("presented", "answered", "ended", "abandoned", "transferred", "handed_over", "dialled")
DIRECTIONS = ("in", "out")


class Call(Base):
    __tablename__ = "calls"
    #: The wall's queries: calls presented in a period, calls still waiting.
    __table_args__ = (Index("ix_calls_presented_at", "presented_at"),)

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    call_id: Mapped[str] = mapped_column(String(255), unique=True)
    direction: Mapped[str] = mapped_column(String(3), default="in")
    #: The caller's (or the dialled) number as the softphone gave it; None when hidden.
    number: Mapped[str | None] = mapped_column(String(64), default=None)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    presented_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(64), default=None)
    #: Who has the call now: the answering desk, then whoever it was handed over to.
    holder: Mapped[str | None] = mapped_column(String(64), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    abandoned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    case_uuid: Mapped[str | None] = mapped_column(UUIDStr, default=None, index=True)
    #: This call gave its case the case's reception and answer clocks.
    gave_clocks: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    typed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: For a call-out: the number or desk dialled.
    target: Mapped[str | None] = mapped_column(String(255), default=None)
    transfers: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CallReport(Base):
    """One event about a call as one desk reported it (server only)."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_uuid: Mapped[str] = mapped_column(ForeignKey("calls.uuid", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))
    #: ``event|desk`` (``event|desk|at`` for transfers, hand-overs and call-outs): a replay's key.
    key: Mapped[str] = mapped_column(String(160))
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(255), default=None)
    typed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("uq_call_events_call_key", "call_uuid", "key", unique=True),)
