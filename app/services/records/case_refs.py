"""Which case a journal entry is about: its number and its patients, found through the journal's case entries.

An orientation, a booking, a case event or an appointment carries its case's
UUID, not the number people quote.  :func:`lookup` finds, for a set of case
UUIDs, the case number and the patients from the journal's ``case`` entries
(their payload is the case as opened), then from the ``cases`` table for the
cases the journal does not hold (a case still waiting in a desk's outbox).
It works on any database of the schema: the server's, a console's cache.

:func:`annotate` adds ``case_number`` (the short number,
:func:`app.services.records.journal_text.short_number`) and ``patient`` to the
journal view's row dicts.  A desk only holds patient data its role may read
(the server withholds payloads from other roles), so a withheld case shows its
row without a name.  Plain Python and SQLAlchemy, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import case_codes
from app.models import Case, JournalEntry, Patient
from app.services.records import journal_text

#: Case UUIDs per ``IN`` query (SQLite's parameter limit is far above).
CHUNK = 500


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case as the journal names it."""

    uuid: str
    case_id: str
    patient: str = ""

    @property
    def number(self) -> str:
        """The short number the room quotes (screens)."""
        return journal_text.short_number(self.case_id)

    @property
    def full_number(self) -> str:
        """The whole case number (exports: unique across SAMUs and years)."""
        return case_codes.case_number(self.case_id)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def lookup(session: Session, case_uuids: Iterable[str | None]) -> dict[str, CaseRef]:
    """Case UUID → :class:`CaseRef` for the cases ``session``'s database knows (unknown ones are left out)."""
    wanted = sorted({u for u in case_uuids if u})
    refs: dict[str, CaseRef] = {}
    for chunk in _chunks(wanted):
        stmt = select(JournalEntry.uuid, JournalEntry.payload).where(JournalEntry.kind == "case",
                                                                     JournalEntry.uuid.in_(chunk))
        for uuid, payload in session.execute(stmt).all():
            p = payload or {}
            if p.get("case_id"):
                refs[uuid] = CaseRef(uuid, str(p["case_id"]), journal_text.patient_names(p))
    missing = [u for u in wanted if u not in refs]
    for chunk in _chunks(missing):
        for uuid, case_id in session.execute(select(Case.uuid, Case.case_id).where(Case.uuid.in_(chunk))).all():
            refs[uuid] = CaseRef(uuid, case_id)
        names: dict[str, list[str]] = {}
        stmt = (select(Patient.case_uuid, Patient.first_name, Patient.last_name, Patient.birth_name)
                .where(Patient.case_uuid.in_(chunk)).order_by(Patient.rank))
        for case_uuid, first, last, birth in session.execute(stmt).all():
            name = " ".join(x for x in (first, last or birth) if x)
            if name:
                names.setdefault(case_uuid, []).append(name)
        for case_uuid, found in names.items():
            if case_uuid in refs:
                refs[case_uuid] = CaseRef(case_uuid, refs[case_uuid].case_id, ", ".join(found))
    return refs


def annotate(session: Session, rows: list[dict]) -> list[dict]:
    """The journal view's rows with ``case_number`` and ``patient`` filled in (empty when unknown)."""
    about = [journal_text.case_uuid_of(r.get("kind"), r.get("uuid"), r.get("payload")) for r in rows]
    refs = lookup(session, about)
    for row, case_uuid in zip(rows, about, strict=True):
        ref = refs.get(case_uuid or "")
        payload = row.get("payload") or {}
        if ref is None and row.get("kind") == "case" and payload.get("case_id"):  # a case not stored yet
            ref = CaseRef(case_uuid or "", str(payload["case_id"]), journal_text.patient_names(payload))
        row["case_number"] = ref.number if ref else ""
        row["patient"] = ref.patient if ref else ""
    return rows
