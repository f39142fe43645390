"""Appending to and reading the shared journal, with gap-free sequence numbers.

Every write the server accepts (case, orientation, booking) adds one
:class:`JournalEntry` **in the same transaction** as the write itself, so an
entry exists exactly when its write does.  ``seq`` is ``max(seq) + 1`` read
inside that transaction; consoles pull the journal by cursor (``after``) and
must never miss an entry, hence no gaps and no reordering.

That read-then-insert is only correct when writers are serialised, which
:func:`begin_write` does as the *first* statement of a write transaction:

* **SQLite**: ``BEGIN IMMEDIATE`` takes the database write lock at once (the
  pysqlite driver would otherwise open the transaction lazily, at the first
  INSERT, after ``max(seq)`` was read).  Other writers wait up to the
  connection's ``busy_timeout``; readers are not blocked (WAL).
* **PostgreSQL**: a transaction-scoped advisory lock
  (``pg_advisory_xact_lock``) on one constant key serialises journal writers
  across every server process sharing the database; it is released at COMMIT
  or ROLLBACK.  Under READ COMMITTED each statement sees rows committed
  before it, so ``max(seq)`` read after the lock is current.

In both cases the primary key on ``seq`` is the last line of defence: a
duplicate can only fail the transaction, never be stored.

The journal is append-only and hash-chained (see :mod:`app.models.journal`):
:func:`append` links each entry to the previous one, and :func:`verify`
walks the chain and names the first entry that does not hold (``sas journal
verify --db URL``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import JournalEntry, utcnow
from app.models.journal import GENESIS_HASH, hash_of
from app.services.records.journal_redaction import KIND_PURGE, RedactionCheck, redacted_by

#: Journal entry kinds.
KIND_CASE = "case"
KIND_ORIENTATION = "orientation"
KIND_BOOKING = "booking"
#: A change to an opened case (status, attribution, hand-over, note…) and the room's surge switch (issue 3).
KIND_CASE_EVENT = "case_event"
KIND_SURGE = "surge"
#: An appointment of the SAS platform received, attached to a case, or followed up (issue 6, RS-SAS-RDV).
KIND_APPOINTMENT = "appointment"
KINDS = (KIND_CASE, KIND_ORIENTATION, KIND_BOOKING, KIND_CASE_EVENT, KIND_SURGE, KIND_APPOINTMENT, KIND_PURGE)

#: Advisory lock key for PostgreSQL (any constant bigint shared by all processes).
PG_JOURNAL_LOCK_KEY = 0x5A5_0001

DEFAULT_PAGE = 200
MAX_PAGE = 1000


def begin_write(session: Session) -> None:
    """Start a serialised write transaction on ``session`` (call before anything else).

    See the module docstring for what this does per database.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_JOURNAL_LOCK_KEY})
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no journal write lock for {dialect}")


def last_seq(session: Session) -> int:
    """The highest ``seq`` written so far (0 for an empty journal)."""
    return session.scalar(select(func.coalesce(func.max(JournalEntry.seq), 0))) or 0


def append(
    session: Session,
    *,
    uuid: str,
    kind: str,
    author: str,
    author_role: str,
    payload: dict,
    now: datetime | None = None,
) -> JournalEntry:
    """Add the next entry of the journal to ``session`` (flushed, not committed).

    The caller must have called :func:`begin_write` on this transaction and
    commits the entry together with the write it records.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown journal kind {kind!r}")
    last = session.execute(select(JournalEntry.seq, JournalEntry.entry_hash)
                           .order_by(JournalEntry.seq.desc()).limit(1)).first()
    entry = JournalEntry(
        seq=(last.seq if last else 0) + 1,
        uuid=uuid,
        kind=kind,
        author=author,
        author_role=author_role,
        # Stored to the microsecond on both databases, so the hash recomputes from what is read back.
        created_at=now or utcnow(),
        payload=payload,
        prev_hash=last.entry_hash if last else GENESIS_HASH,
    )
    entry.entry_hash = hash_of(entry)
    session.add(entry)
    session.flush()
    return entry


def page(session: Session, *, after: int = 0, limit: int = DEFAULT_PAGE) -> Sequence[JournalEntry]:
    """Entries with ``seq > after``, ascending, at most ``limit`` (capped at :data:`MAX_PAGE`)."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(JournalEntry).where(JournalEntry.seq > after).order_by(JournalEntry.seq).limit(limit)
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of :func:`verify`: ``broken_seq`` is None when the whole chain holds."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def describe(self) -> str:
        """One French line for the operator."""
        if self.ok:
            return f"Journal intègre : {self.checked} entrée(s), chaîne de hachage vérifiée."
        return f"Journal rompu à l'entrée n° {self.broken_seq} : {self.reason}."


def verify(session: Session, *, batch: int = 1000) -> VerifyReport:
    """Walk the journal in ``seq`` order and check numbering, links and hashes.

    Entries redacted by a retention purge are checked by link and by their purge
    checkpoint instead of by content (see :mod:`app.services.records.journal_redaction`).
    """
    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    redactions = RedactionCheck()
    while True:
        rows = page(session, after=expected_seq - 1, limit=batch) if batch <= MAX_PAGE else []
        if not rows:
            if (first := redactions.unvouched()) is not None:
                return VerifyReport(checked, first, "entrée effacée sans point de purge correspondant")
            return VerifyReport(checked)
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyReport(checked, expected_seq, f"entrée manquante (suivante trouvée : {entry.seq})")
            if entry.prev_hash != prev:
                return VerifyReport(checked, entry.seq, "le lien vers l'entrée précédente ne correspond pas")
            if (purge_uuid := redacted_by(entry.payload)) is not None:
                redactions.redacted(entry.seq, entry.entry_hash, purge_uuid)
            elif entry.entry_hash != hash_of(entry):
                return VerifyReport(checked, entry.seq, "le contenu ne correspond pas à son empreinte")
            elif entry.kind == KIND_PURGE and (why := redactions.checkpoint(entry.uuid, entry.payload)):
                return VerifyReport(checked, entry.seq, why)
            prev, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1


def entry_to_dict(entry: JournalEntry) -> dict:
    """The wire form of an entry (``created_at`` stays a datetime)."""
    return {
        "seq": entry.seq,
        "uuid": entry.uuid,
        "kind": entry.kind,
        "author": entry.author,
        "author_role": entry.author_role,
        "created_at": entry.created_at,
        "payload": entry.payload,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }
