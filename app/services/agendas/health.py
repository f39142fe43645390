"""Each agenda editor's health: recorded after every pull, read by the ADMIN (``GET /api/v1/editors``).

One :class:`~app.models.agenda.EditorStatus` row per editor, shared by every server
process: when it last answered, its last error (French, without any URL or
identifier: :func:`clean_error`), its last :data:`LATENCIES_KEPT` answer times, how
many free slots of it we hold, when a full refresh of it last succeeded
(``refreshed_at``) and when its slots last changed here (``updated_at``, the marker
that makes every process's slot index reload).
"""

from __future__ import annotations

import re
import statistics
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Slot
from app.models.agenda import EditorStatus
from app.services.agendas.registry import Registry

LATENCIES_KEPT = 50
_URL = re.compile(r"\w+://\S+")
_NUMBER = re.compile(r"\d{6,}")


def clean_error(reason: str) -> str:
    """The editor's error as people may read it: no URL, no long number (RPPS, SIRET…), 300 characters."""
    text = _NUMBER.sub("…", _URL.sub("[adresse]", reason or "erreur inconnue"))
    return text[:300]


def _row(session: Session, name: str) -> EditorStatus:
    row = session.get(EditorStatus, name)
    if row is None:
        row = EditorStatus(name=name, latencies_ms=[], slots=0)
        session.add(row)
    return row


def count_slots(session: Session, name: str) -> int:
    return session.scalar(select(func.count()).select_from(Slot).where(Slot.source == name,
                                                                       Slot.status == "free")) or 0


def record(session: Session, name: str, *, now: datetime, latency_ms: int | None, error: str | None,
           full: bool, changed: bool) -> EditorStatus:
    """Note one pull of ``name`` (in the caller's transaction): success (``error`` None) or failure."""
    row = _row(session, name)
    if latency_ms is not None:
        row.latencies_ms = [*(row.latencies_ms or []), int(latency_ms)][-LATENCIES_KEPT:]
    if error is None:
        row.last_success_at = now
        if full:
            row.refreshed_at = now
    else:
        row.last_error_at, row.last_error = now, clean_error(error)
    if changed or error is None:
        row.slots = count_slots(session, name)
        row.updated_at = now
    return row


def marker(session: Session) -> datetime | None:
    """When any editor's slots last changed here (the slot index reloads when it moves)."""
    return session.scalar(select(func.max(EditorStatus.updated_at)))


def failing(row: EditorStatus | None) -> bool:
    """The editor's latest answer was an error (or it never answered and failed)."""
    if row is None or row.last_error_at is None:
        return False
    return row.last_success_at is None or row.last_error_at > row.last_success_at


def statuses(session: Session) -> dict[str, EditorStatus]:
    return {row.name: row for row in session.scalars(select(EditorStatus))}


def healthy(row: EditorStatus | None, now: datetime, refresh_s: float) -> bool:
    """Answered last time, and within three refresh periods."""
    if row is None or row.last_success_at is None or failing(row):
        return False
    last = row.last_success_at if row.last_success_at.tzinfo else row.last_success_at.replace(tzinfo=now.tzinfo)
    return now - last <= timedelta(seconds=3 * refresh_s)


def view(session: Session, registry: Registry, now: datetime) -> list[dict]:
    """One entry per editor of the registry (registry order): its configuration and its health."""
    rows = statuses(session)
    out = []
    for editor in registry.editors:
        row = rows.get(editor.name)
        latencies = list(row.latencies_ms or []) if row is not None else []
        out.append({
            "name": editor.name, "base_url": editor.base_url, "serves": sorted(editor.serves),
            "booking": editor.booking, "time_limit_s": editor.time_limit_s,
            "last_success_at": row.last_success_at if row else None,
            "last_error_at": row.last_error_at if row else None, "last_error": row.last_error if row else None,
            "median_latency_ms": int(statistics.median(latencies)) if latencies else None,
            "slots": row.slots if row else 0, "refreshed_at": row.refreshed_at if row else None,
            "healthy": healthy(row, now, registry.refresh_s),
        })
    return out
