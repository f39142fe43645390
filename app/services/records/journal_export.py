"""CSV export of the shared journal, filtered by period, kind, author, text and cases.

:func:`select_entries` reads the journal entries of ``[start, end)`` from any
database of the schema (the server's, a console's cache) and keeps those a
:class:`JournalFilter` admits; :func:`write_csv` writes them, one line per
entry, calling ``progress(done, total)`` as it goes so a window can show a
progress bar and stay responsive.  :func:`export_csv` does both.

The file is UTF-8 with a BOM and ``;`` separators, so a French spreadsheet
opens it as columns.  Payloads are summarised (case id, priority, stream,
decision) and also written whole as JSON for audits.  Plain Python, no Qt.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JournalEntry

#: ``progress(done, total)``; may be None.
Progress = Callable[[int, int], None] | None

HEADER = ["seq", "horodatage", "type", "auteur", "rôle", "uuid", "dossier", "résumé", "contenu"]
#: How many entries between two progress calls.
PROGRESS_EVERY = 200


@dataclass(frozen=True)
class JournalFilter:
    """Which entries of a period to keep (None: no restriction on that criterion)."""

    start: datetime
    end: datetime
    kinds: frozenset[str] | None = None
    author: str | None = None
    #: Case-insensitive text searched in the author and the payload.
    text: str | None = None
    #: Keep only entries about these cases (e.g. the cases of one stream on the wall).
    case_uuids: frozenset[str] | None = None


def case_uuid_of(entry: JournalEntry) -> str:
    """The case an entry is about: its own uuid for a case, the payload's ``case_uuid`` otherwise."""
    if entry.kind == "case":
        return entry.uuid
    payload = entry.payload or {}
    return str(payload.get("case_uuid") or entry.uuid)


def matches(entry: JournalEntry, flt: JournalFilter) -> bool:
    if flt.kinds is not None and entry.kind not in flt.kinds:
        return False
    if flt.author and entry.author != flt.author:
        return False
    if flt.case_uuids is not None and case_uuid_of(entry) not in flt.case_uuids:
        return False
    if flt.text:
        needle = flt.text.casefold()
        haystack = f"{entry.author} {json.dumps(entry.payload, ensure_ascii=False)}".casefold()
        if needle not in haystack:
            return False
    return True


def select_entries(session: Session, flt: JournalFilter) -> list[JournalEntry]:
    """Journal entries of the filter's period, in ``seq`` order, that the filter admits."""
    stmt = (select(JournalEntry).where(JournalEntry.created_at >= flt.start, JournalEntry.created_at < flt.end)
            .order_by(JournalEntry.seq))
    rows = session.scalars(stmt).all()
    session.expunge_all()  # detached copies: safe to write after the session is gone
    return [e for e in rows if matches(e, flt)]


def summary(entry: JournalEntry) -> str:
    """A short French description of what the entry records."""
    p = entry.payload or {}
    if entry.kind == "case":
        return " ".join(x for x in (p.get("priority"), p.get("perimeter"), p.get("health_motive_label")) if x)
    if entry.kind == "orientation":
        booked = f" — RDV {p['appointment_start']}" if p.get("appointment_start") else ""
        return f"Décision {p.get('decision_key', '')}{booked}"
    if entry.kind == "case_event":
        from app.services.regulation.case_events import describe

        return describe(p)
    if entry.kind == "surge":
        return "Mode afflux activé" if p.get("active") else "Mode afflux désactivé"
    return ""


def row(entry: JournalEntry) -> list[str]:
    p = entry.payload or {}
    return [str(entry.seq), entry.created_at.isoformat(), entry.kind, entry.author, entry.author_role, entry.uuid,
            str(p.get("case_id") or ""), summary(entry),
            json.dumps(p, ensure_ascii=False, sort_keys=True, separators=(",", ":"))]


def write_csv(entries: Iterable[JournalEntry], target: Path, *, total: int | None = None,
              progress: Progress = None) -> int:
    """Write ``entries`` to ``target`` (atomically: a temporary file renamed at the end); returns the count."""
    entries = list(entries) if total is None else entries
    total = len(entries) if total is None else total
    tmp = target.with_name(target.name + ".part")
    done = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for entry in entries:
            writer.writerow(row(entry))
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
    tmp.replace(target)
    if progress is not None:
        progress(done, total)
    return done


def export_csv(session: Session, flt: JournalFilter, target: Path, *, progress: Progress = None) -> int:
    """Select the filtered journal from ``session`` and write it to ``target``; returns the count."""
    entries = select_entries(session, flt)
    return write_csv(entries, target, total=len(entries), progress=progress)
