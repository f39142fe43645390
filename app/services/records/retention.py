"""Data retention: purge the cases older than the retention period, the journal staying verifiable.

**Period.** A regulation case (dossier de régulation médicale) is part of the
patient's medical record, which French law keeps **20 years** after the last
contact (Code de la santé publique, art. R1112-7); for a patient who was a minor,
until their 28th birthday at least.  Hence :data:`DEFAULT_RETENTION_DAYS` = 7305
(20 × 365.25), overridden by ``SAS_RETENTION_DAYS`` or ``sas purge
--older-than-days N``; and a case with a patient younger than 28 today (birth
date, or age at the call) is kept whatever the period.

**What goes.** A case whose creation *and* last change are before the cutoff and
that has no orientation after it: the case, its patients, notes, events,
orientations, appointments (when the table exists) — and, in a console's cache,
old drafts; cases still waiting in a console's outbox are kept (nothing saved is
lost).  The room's telephone calls (they hold the caller's number) go with their
case, or, when never linked to one, once presented (or last changed) before the
cutoff, with their reports; a console's call facts never acknowledged (another
user's, left in the cache) go once older than the cutoff.  The journal entries of
those records (case, orientation, booking, case event, appointment, call) keep their
place and hashes but their payload becomes a redaction marker, and one ``purge`` checkpoint entry vouches for them (see
:mod:`app.services.records.journal_redaction`): ``sas journal verify`` still holds.
On a sealed database (:mod:`app.services.records.journal_key`) the checkpoint is
keyed like every entry, so a purge entry forged without the key is reported,
and its head is anchored at once (:mod:`app.services.records.journal_anchor`).
The audit trail gets one ``retention.purge`` row (who, when, how many, cutoff);
neither it nor the checkpoint carries personal data.

Everything runs in one serialised write transaction: all or nothing.  The
journal's append-only trigger is lifted for the redaction inside that
transaction only (PostgreSQL: ``DISABLE TRIGGER``, which also locks the journal
until commit; SQLite: dropped and re-created from its own stored SQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import MetaData, Table, delete, exists, func, inspect, select, text, update
from sqlalchemy.orm import Session

from app.models import Case, CaseDraft, CaseEvent, CaseNote, JournalEntry, Orientation, OutboxItem, Patient, new_uuid
from app.models.call import Call, CallReport
from app.models.call_outbox import CallOutboxItem
from app.models.journal import AuditEvent
from app.services.records import journal, journal_anchor
from app.services.records.documents import age_years
from app.services.records.journal_key import seal_for
from app.services.records.journal_redaction import KIND_PURGE, digest, redacted_by, redacted_payload

#: 20 years (art. R1112-7 CSP), in days.
DEFAULT_RETENTION_DAYS = 7305
ENV_RETENTION_DAYS = "SAS_RETENTION_DAYS"
#: A minor's record is kept at least until this birthday.
MINOR_KEPT_UNTIL_AGE = 28
AUDIT_ACTION = "retention.purge"
_CHUNK = 500


def retention_days(environ: dict[str, str] | None = None) -> int:
    """The configured period: ``SAS_RETENTION_DAYS`` or :data:`DEFAULT_RETENTION_DAYS`."""
    value = (os.environ if environ is None else environ).get(ENV_RETENTION_DAYS, "").strip()
    days = int(value) if value else DEFAULT_RETENTION_DAYS
    if days < 1:
        raise ValueError(f"{ENV_RETENTION_DAYS} doit être un nombre de jours positif")
    return days


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed (or would remove, for a dry run)."""

    cutoff: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    redacted_entries: int = 0
    purge_uuid: str | None = None

    @property
    def cases(self) -> int:
        return self.counts.get("cases", 0)

    def describe(self) -> str:
        """French summary for the operator (no personal data)."""
        head = "Simulation : rien n'est modifié. " if self.dry_run else ""
        labels = {"cases": "dossier(s)", "patients": "patient(s)", "notes": "note(s)", "events": "événement(s)",
                  "orientations": "orientation(s)", "appointments": "rendez-vous", "drafts": "brouillon(s)"}
        parts = ", ".join(f"{self.counts.get(k, 0)} {v}" for k, v in labels.items())
        verb = "seraient effacés" if self.dry_run else "effacés"
        return (f"{head}Antérieurs au {self.cutoff:%d/%m/%Y} : {parts} {verb} ; "
                f"{self.redacted_entries} entrée(s) du journal {'à caviarder' if self.dry_run else 'caviardées'}.")


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _minor_until(patient: Patient, case_creation: datetime) -> date | None:
    """The day until which a patient's record must be kept because of their age, if known."""
    if patient.birth_date is not None:
        born = patient.birth_date
    elif (years := age_years(patient.age)) is not None:
        born = (case_creation - timedelta(days=365.25 * years)).date()
    else:
        return None
    return born + timedelta(days=round(365.25 * MINOR_KEPT_UNTIL_AGE))


def _old_cases(session: Session, cutoff: datetime, today: date) -> list[str]:
    newer_orientation = exists().where(Orientation.case_uuid == Case.uuid, Orientation.creation >= cutoff)
    in_outbox = exists().where(OutboxItem.entity_uuid == Case.uuid)
    orientation_in_outbox = (exists().where(Orientation.case_uuid == Case.uuid)
                             .where(OutboxItem.entity_uuid == Orientation.uuid))
    event_in_outbox = exists().where(CaseEvent.case_uuid == Case.uuid).where(OutboxItem.entity_uuid == CaseEvent.uuid)
    stmt = (select(Case.uuid, Case.creation).where(Case.creation < cutoff, Case.updated_at < cutoff)
            .where(~newer_orientation, ~in_outbox, ~orientation_in_outbox, ~event_in_outbox).order_by(Case.creation))
    candidates = {uuid: created for uuid, created in session.execute(stmt)}
    for chunk in _chunks(list(candidates)):
        for p in session.scalars(select(Patient).where(Patient.case_uuid.in_(chunk))):
            until = _minor_until(p, candidates[p.case_uuid])
            if until is not None and until > today:
                candidates.pop(p.case_uuid, None)
    return list(candidates)


def _uuids(session: Session, column, key, cases: list[str]) -> list[str]:
    out: list[str] = []
    for chunk in _chunks(cases):
        out += session.scalars(select(column).where(key.in_(chunk))).all()
    return out


def _appointments(session: Session) -> Table | None:
    if not inspect(session.connection()).has_table("appointments"):
        return None
    return Table("appointments", MetaData(), autoload_with=session.connection())


def _lift_journal_trigger(session: Session) -> str | None:
    """Lift the journal's UPDATE guard for this transaction; returns what :func:`_restore` needs."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        found = session.scalar(text("SELECT 1 FROM pg_trigger WHERE tgname = 'journal_no_update'"))
        if found:
            session.execute(text("ALTER TABLE journal DISABLE TRIGGER journal_no_update"))
        return "postgresql" if found else None
    sql = session.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'journal_no_update'"))
    if sql:
        session.execute(text("DROP TRIGGER journal_no_update"))
    return sql


def _restore(session: Session, lifted: str | None) -> None:
    if lifted == "postgresql":
        session.execute(text("ALTER TABLE journal ENABLE TRIGGER journal_no_update"))
    elif lifted:
        session.execute(text(lifted))


def purge(session: Session, *, older_than_days: int, who: str, dry_run: bool = False, checkpoint: bool = True,
          now: datetime | None = None) -> PurgeReport:
    """Purge (or count, with ``dry_run``) what is older than ``older_than_days`` days; see the module docstring.

    ``session`` must be fresh: this opens the serialised write transaction and
    commits it (a dry run rolls back).  ``checkpoint=False`` is for a console's
    cache, whose journal mirrors the server's: entries are redacted there but the
    checkpoint comes from the server with the next pull.
    """
    if older_than_days < 1:
        raise ValueError("la durée de conservation doit être d'au moins un jour")
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=older_than_days)
    journal.begin_write(session)
    try:
        report = _purge(session, cutoff, now, who=who, dry_run=dry_run, checkpoint=checkpoint)
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return report


def _old_calls(session: Session, cutoff: datetime, cases: list[str]) -> list[str]:
    """The calls of the purged cases, and the calls never linked to a case from before the cutoff."""
    unlinked = session.scalars(select(Call.uuid).where(
        Call.case_uuid.is_(None), func.coalesce(Call.presented_at, Call.updated_at) < cutoff)).all()
    return list(unlinked) + [u for chunk in _chunks(cases)
                             for u in session.scalars(select(Call.uuid).where(Call.case_uuid.in_(chunk)))]


def _purge(session: Session, cutoff: datetime, now: datetime, *, who: str, dry_run: bool,
           checkpoint: bool) -> PurgeReport:
    cases = _old_cases(session, cutoff, now.date())
    calls = _old_calls(session, cutoff, cases)
    old_facts = CallOutboxItem.created_at < cutoff
    orientations = _uuids(session, Orientation.uuid, Orientation.case_uuid, cases)
    events = _uuids(session, CaseEvent.uuid, CaseEvent.case_uuid, cases)
    appointments_table = _appointments(session)
    appointments = ([] if appointments_table is None else
                    _uuids(session, appointments_table.c.uuid, appointments_table.c.case_uuid, cases))
    counts = {"cases": len(cases), "orientations": len(orientations), "events": len(events),
              "appointments": len(appointments),
              "patients": len(_uuids(session, Patient.uuid, Patient.case_uuid, cases)),
              "notes": len(_uuids(session, CaseNote.uuid, CaseNote.case_uuid, cases)),
              "drafts": len(session.scalars(select(CaseDraft.uuid).where(CaseDraft.saved_at < cutoff)).all()),
              "calls": len(calls),
              "call_facts": session.scalar(select(func.count()).select_from(CallOutboxItem).where(old_facts)) or 0}
    record_uuids = cases + orientations + events + appointments + calls
    entries: list[tuple[int, str]] = []
    for chunk in _chunks(record_uuids):
        rows = session.execute(select(JournalEntry.seq, JournalEntry.entry_hash, JournalEntry.payload)
                               .where(JournalEntry.uuid.in_(chunk))).all()
        entries += [(seq, h) for seq, h, payload in rows if redacted_by(payload) is None]
    entries.sort()
    if dry_run:
        return PurgeReport(cutoff, True, counts, len(entries))

    purge_uuid = new_uuid()
    for chunk in _chunks(record_uuids):
        if appointments_table is not None:
            session.execute(delete(appointments_table).where(appointments_table.c.uuid.in_(chunk)))
        for model in (Orientation, CaseEvent):
            session.execute(delete(model).where(model.uuid.in_(chunk)))
    for chunk in _chunks(cases):
        for model in (CaseNote, Patient):
            session.execute(delete(model).where(model.case_uuid.in_(chunk)))
        session.execute(delete(Case).where(Case.uuid.in_(chunk)))
    session.execute(delete(CaseDraft).where(CaseDraft.saved_at < cutoff))
    for chunk in _chunks(calls):
        session.execute(delete(CallReport).where(CallReport.call_uuid.in_(chunk)))
        session.execute(delete(Call).where(Call.uuid.in_(chunk)))
    session.execute(delete(CallOutboxItem).where(old_facts))
    if entries:
        lifted = _lift_journal_trigger(session)
        seqs = [seq for seq, _ in entries]
        for i in range(0, len(seqs), _CHUNK):
            session.execute(update(JournalEntry).where(JournalEntry.seq.in_(seqs[i:i + _CHUNK]))
                            .values(payload=redacted_payload(purge_uuid)))
        _restore(session, lifted)
    if checkpoint and (entries or cases):
        mark = journal.append(session, uuid=purge_uuid, kind=KIND_PURGE, author=who[:64], author_role="ADMIN",
                              now=now, payload={"cutoff": cutoff.isoformat(), "counts": counts,
                                                "redacted_entries": len(entries), "redacted_digest": digest(entries)})
        if (seal := seal_for(session)) is not None:  # anchor the purge at once (issue 12)
            journal_anchor.stage(session, seal, mark.seq, mark.entry_hash, who=who)
    session.add(AuditEvent(at=now, username=who[:64], role="ADMIN", action=AUDIT_ACTION, object_uuid=purge_uuid,
                           outcome=f"{len(cases)} dossiers < {cutoff:%Y-%m-%d}"[:32]))
    session.flush()
    return PurgeReport(cutoff, False, counts, len(entries), purge_uuid)
