"""The supervisor's shift review (issue 7): the cases of a period, filtered, searched, and the journal's integrity.

:func:`load_review` reads, for the cases presented in ``[start, end)``, one
:class:`ReviewRow` each — clocks (with the call's, :class:`CallTimes`, when the room's
telephone timed them: issue 15), priority, stream, status, last decision, who
acted on it (operators and their roles), and a *folded* text (lower case,
accents removed) of everything a supervisor may search: case id, caller,
patients' names, motive, address and access, notes, decision free text,
effecteur.  :func:`apply_filter` keeps the rows a :class:`ReviewFilter`
admits (role, operator, priority, decision, status, words); it is a pure
function over rows already loaded, so live filtering while typing reads no
database (5,000 cases: see ``benchmarks/bench_review.py``).

:func:`chain_status` checks the hash chain of the journal held by a database
(the server's, or the copy a console's cache pulled) with
:func:`app.services.records.journal.verify`.  Plain Python and SQLAlchemy, no Qt.
The rows, the filter and the folding live in :mod:`app.services.supervision.review_rows`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.codes import room_time
from app.models import Call, Case, CaseEvent, CaseNote, JournalEntry, Orientation, Patient
from app.services.records import journal
from app.services.supervision import stats
from app.services.supervision.review_rows import (
    NO_DECISION,
    STATUS_LABELS,
    CallTimes,
    Choices,
    ReviewFilter,
    ReviewRow,
    apply_filter,
    choices,
    decision_label,
    fold,
)
from app.services.supervision.stats_rows import IN_CHUNK

#: The rows and their filters (:mod:`.review_rows`) are importable from here too.
__all__ = [
    "NO_DECISION", "PRESETS", "STATUS_LABELS", "CallTimes", "ChainStatus", "Choices", "ReviewFilter", "ReviewRow",
    "apply_filter", "call_times", "chain_status", "choices", "decision_label", "fold", "load_review",
    "preset_period",
]

#: Period presets of the review, in the order the panel offers them (shifts and days on the room's clock).
PRESETS = {"shift": "Cette garde", "previous": "Garde précédente", "today": "Aujourd'hui", "yesterday": "Hier",
           "last_hour": "Dernière heure"}


def preset_period(name: str, now: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of a preset: the shift holding ``now``, the one before it, the room's day
    (midnight to midnight on the room's clock, ``zone`` or the room's), the day before, or the last hour."""
    if name == "last_hour":
        return now - timedelta(hours=1), now
    if name in ("today", "yesterday"):
        day = room_time.room_today(now, zone) - timedelta(days=1 if name == "yesterday" else 0)
        return room_time.day_bounds(day, zone)
    start, end = stats.current_shift(now, zone)
    if name == "previous":
        return stats.current_shift(start - timedelta(seconds=1), zone)
    if name == "shift":
        return start, end
    raise ValueError(f"unknown period preset {name!r}")


def _cases_in(start: datetime, end: datetime):
    return or_(and_(Case.reception >= start, Case.reception < end),
               and_(Case.reception.is_(None), Case.creation >= start, Case.creation < end))


def _by_case(session: Session, stmt, column, uuids: list[str]) -> dict[str, list]:
    """Rows of ``stmt`` restricted to ``column IN uuids`` (in chunks), grouped by their first column."""
    grouped: dict[str, list] = defaultdict(list)
    for i in range(0, len(uuids), IN_CHUNK):
        for row in session.execute(stmt.where(column.in_(uuids[i:i + IN_CHUNK]))).all():
            grouped[row[0]].append(row)
    return grouped


_CASE_COLUMNS = (Case.uuid, Case.case_id, Case.reception, Case.creation, Case.priority, Case.perimeter, Case.status,
                 Case.answered_at, Case.clock_source, Case.created_by, Case.caller_name, Case.caller_phone,
                 Case.health_motive_code,
                 Case.health_motive_label, Case.whats_happen_label, Case.address_complete, Case.city_name,
                 Case.access_details)


def load_review(session: Session, start: datetime, end: datetime) -> list[ReviewRow]:
    """One row per case presented in ``[start, end)``, oldest first."""
    cases = session.execute(select(*_CASE_COLUMNS).where(_cases_in(start, end))).all()
    uuids = [c.uuid for c in cases]
    patients = _by_case(session, select(Patient.case_uuid, Patient.first_name, Patient.last_name,
                                        Patient.birth_name).order_by(Patient.rank), Patient.case_uuid, uuids)
    notes = _by_case(session, select(CaseNote.case_uuid, CaseNote.freetext, CaseNote.author, CaseNote.author_role,
                                     CaseNote.creation), CaseNote.case_uuid, uuids)
    events = _by_case(session, select(CaseEvent.case_uuid, CaseEvent.author, CaseEvent.author_role,
                                      CaseEvent.created_at), CaseEvent.case_uuid, uuids)
    # Only routing overrides carry a reason worth searching (notes are in case_notes): no JSON decoded for the rest.
    reasons = _by_case(session, select(CaseEvent.case_uuid, CaseEvent.payload)
                       .where(CaseEvent.type == "routing_override"), CaseEvent.case_uuid, uuids)
    orientations = _by_case(session, select(Orientation.case_uuid, Orientation.decision_key, Orientation.author,
                                            Orientation.author_role, Orientation.creation, Orientation.freetext,
                                            Orientation.effecteur_name, Orientation.slot_id,
                                            Orientation.appointment_start), Orientation.case_uuid, uuids)
    openers = _by_case(session, select(JournalEntry.uuid, JournalEntry.author, JournalEntry.author_role)
                       .where(JournalEntry.kind == journal.KIND_CASE), JournalEntry.uuid, uuids)
    calls = _by_case(session, select(Call.case_uuid, Call.presented_at, Call.answered_at, Call.ended_at,
                                     Call.abandoned, Call.transfers, Call.gave_clocks)
                     .where(Call.direction == "in").order_by(Call.presented_at), Call.case_uuid, uuids)
    rows = []
    for c in cases:
        row = _row(c, patients.get(c.uuid, []), notes.get(c.uuid, []), events.get(c.uuid, []),
                   orientations.get(c.uuid, []), openers.get(c.uuid, []), reasons.get(c.uuid, []))
        rows.append(replace(row, call=call_times(calls.get(c.uuid, []))) if c.clock_source == "phone" else row)
    rows.sort(key=lambda r: r.presented)
    return rows


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def call_times(calls: list) -> CallTimes | None:
    """The call that gave the case its clocks (else its first call), as the review shows it."""
    if not calls:
        return None
    k = next((k for k in calls if k.gave_clocks), calls[0])
    transfers = []
    for t in k.transfers or []:
        try:
            transfers.append((str(t["event"]), datetime.fromisoformat(t["at"]), str(t.get("target") or "?")))
        except (KeyError, TypeError, ValueError):
            continue
    return CallTimes(_aware(k.presented_at), _aware(k.answered_at), _aware(k.ended_at), bool(k.abandoned),
                     tuple(transfers))


def _row(c, patients: list, notes: list, events: list, orientations: list, openers: list,
         reasons: list) -> ReviewRow:
    actors: list[tuple[str, str, datetime | None]] = [(o.author, o.author_role, None) for o in openers]
    if not openers and c.created_by:
        actors.append((c.created_by, "", None))
    actors += [(e.author, e.author_role, e.created_at) for e in events]
    actors += [(n.author, n.author_role, n.creation) for n in notes]
    actors += [(o.author, o.author_role, o.creation) for o in orientations]
    operators = tuple(dict.fromkeys(a for a, _r, _t in actors if a))
    roles = frozenset(r for _a, r, _t in actors if r)
    names = [" ".join(x for x in (p.first_name, p.last_name) if x) for p in patients]
    last = max(orientations, key=lambda o: o.creation) if orientations else None
    texts = [c.case_id, c.caller_name, c.caller_phone, c.health_motive_code, c.health_motive_label,
             c.whats_happen_label, c.address_complete, c.city_name, c.access_details,
             *(p.birth_name for p in patients), *names, *(n.freetext for n in notes),
             *((r.payload or {}).get("freetext") for r in reasons),
             *(o.freetext for o in orientations), *(o.effecteur_name for o in orientations),
             *(decision_label(o.decision_key) for o in orientations), *operators]
    presented = c.reception or c.creation
    answered = None if c.answered_at is None else max(0.0, (c.answered_at - presented).total_seconds())
    return ReviewRow(
        uuid=c.uuid, case_id=c.case_id, presented=presented, priority=c.priority or "NR",
        stream=stats.CaseRow(c.uuid, c.case_id, presented, perimeter=c.perimeter).stream, status=c.status or "",
        motive=c.health_motive_label or c.health_motive_code or "", patient=", ".join(n for n in names if n),
        city=c.city_name or "", decision=last.decision_key if last else None,
        booked=any(o.slot_id is not None or o.appointment_start is not None for o in orientations),
        answered_s=answered, operators=operators, roles=roles,
        haystack=fold(" \n ".join(t for t in texts if t)),
    )


# --- the journal's hash chain ------------------------------------------------------------------
@dataclass(frozen=True)
class ChainStatus:
    """Whether the journal's hash chain holds: ``entries`` in the journal, the first broken one if any."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""

    def badge(self) -> str:
        """The French line the review shows (and the report prints)."""
        if self.ok:
            return f"Journal intègre — {self.entries} entrée(s)"
        return f"Chaîne rompue à l'entrée n° {self.first_bad_seq} ({self.reason})"

    def to_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "first_bad_seq": self.first_bad_seq, "reason": self.reason}


def chain_status(session: Session) -> ChainStatus:
    """Walk the journal held by ``session``'s database and report its integrity."""
    report = journal.verify(session)
    entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    return ChainStatus(report.ok, entries, report.broken_seq, report.reason)
