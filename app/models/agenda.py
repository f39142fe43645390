"""Live agendas: each editor's health, which editor holds which effecteur, and the Hub outbox.

* :class:`EditorStatus` — one row per agenda editor of the registry
  (:mod:`app.services.agendas.registry`): when it last answered, its last error,
  its recent latencies (the ADMIN's ``GET /api/v1/editors``), and when its slots
  were last refreshed.  Shared by every server process over one database.
* :class:`EffecteurEditor` — the per-effecteur list, when imported: the editors that
  hold that effecteur's agenda.  Without rows for an effecteur, every editor serving
  its kind is asked.
* :class:`HubOutboxMessage` — a message for the Hub Santé, written in the same
  transaction as the change that causes it, sent (publisher confirms, persistent
  delivery) and marked ``sent_at`` once the broker confirmed it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, utcnow


class EditorStatus(Base):
    __tablename__ = "editor_status"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    #: The latest answer times in milliseconds (newest last, at most 50).
    latencies_ms: Mapped[list] = mapped_column(JSON, default=list)
    #: When a full refresh of this editor last succeeded.
    refreshed_at: Mapped[datetime | None] = mapped_column(default=None)
    slots: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EffecteurEditor(Base):
    __tablename__ = "effecteur_editors"

    effecteur_id: Mapped[str] = mapped_column(ForeignKey("effecteurs.id", ondelete="CASCADE"), primary_key=True)
    editor: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class HubOutboxMessage(Base):
    __tablename__ = "hub_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    distribution_id: Mapped[str] = mapped_column(String(160), unique=True)
    recipient: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    envelope: Mapped[dict] = mapped_column(JSON)
    case_uuid: Mapped[str | None] = mapped_column(UUIDStr, default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    #: A server process drains the row until then (several processes share one outbox).
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
