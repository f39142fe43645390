"""CSV export of the shared journal, filtered by period, kind, author, text and cases.

:func:`select_entries` reads the journal entries of ``[start, end)`` from any
database of the schema (the server's, a console's cache) and keeps those a
:class:`JournalFilter` admits; :func:`write_csv` writes them, one line per
entry, calling ``progress(done, total)`` as it goes so a window can show a
progress bar and stay responsive.  :func:`export_csv` does both.

The file is UTF-8 with a BOM and ``;`` separators, so a French spreadsheet
opens it as columns.  Every line is readable as is: the time is room time with
its offset (``2024-01-18T08:00:05+01:00``, :mod:`app.codes.room_time`), the
kind and what happened are French labels
(:func:`app.services.records.journal_text.describe`: « Consultation en ville
sous 48 h », not ``CONSULTATION_48H``), and every line about a case — case,
orientation, booking, follow-up, appointment — carries the case number, found
through the journal's case entries (:func:`app.services.records.case_refs.lookup`).
No raw JSON: the entry's ``uuid`` and ``seq`` lead back to it for an audit.
Plain Python, no Qt.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import room_time
from app.models import JournalEntry
from app.services.records import case_refs, journal_text

#: ``progress(done, total)``; may be None.
Progress = Callable[[int, int], None] | None

HEADER = ["n°", "horodatage", "type", "auteur", "rôle", "dossier", "événement", "uuid"]
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
    """The case an entry is about (:func:`app.services.records.journal_text.case_uuid_of`); the entry's own uuid for
    room-wide entries."""
    return journal_text.case_uuid_of(entry.kind, entry.uuid, entry.payload) or entry.uuid


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


def row(entry: JournalEntry, refs: dict[str, case_refs.CaseRef], zone: tzinfo | None = None) -> list[str]:
    """One CSV line: number, room time with offset, French kind, author, role, case number, what happened, uuid."""
    ref = refs.get(journal_text.case_uuid_of(entry.kind, entry.uuid, entry.payload) or "")
    return [str(entry.seq), room_time.stamp(entry.created_at, zone),
            journal_text.KIND_LABELS.get(entry.kind, entry.kind), entry.author, entry.author_role,
            ref.full_number if ref else "", journal_text.describe(entry.kind, entry.payload, zone), entry.uuid]


def write_csv(entries: Iterable[JournalEntry], target: Path, *, refs: dict[str, case_refs.CaseRef] | None = None,
              total: int | None = None, progress: Progress = None, zone: tzinfo | None = None) -> int:
    """Write ``entries`` to ``target`` (atomically: a temporary file renamed at the end); returns the count.

    ``refs``: the cases the entries are about (:func:`app.services.records.case_refs.lookup`); ``zone``: the
    room's zone (this process's room by default)."""
    refs = refs or {}
    entries = list(entries) if total is None else entries
    total = len(entries) if total is None else total
    tmp = target.with_name(target.name + ".part")
    done = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for entry in entries:
            writer.writerow(row(entry, refs, zone))
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
    tmp.replace(target)
    if progress is not None:
        progress(done, total)
    return done


def export_csv(session: Session, flt: JournalFilter, target: Path, *, progress: Progress = None,
               zone: tzinfo | None = None) -> int:
    """Select the filtered journal from ``session`` and write it to ``target``; returns the count."""
    entries = select_entries(session, flt)
    refs = case_refs.lookup(session, (journal_text.case_uuid_of(e.kind, e.uuid, e.payload) for e in entries))
    return write_csv(entries, target, refs=refs, total=len(entries), progress=progress, zone=zone)
