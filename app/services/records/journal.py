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

**Keyed chain (issue 12).**  When the session's database is sealed
(:mod:`app.services.records.journal_key`: the server binds its key at start),
``entry_hash`` is ``"hmac1:" + base64url(HMAC-SHA256(chain key, "sas-journal/hmac1\n"
+ prev_hash + content))`` — 49 characters, so it fits the existing column and
needs no migration.  **The scheme is written in each hash**: a plain hash
(64 hex digits, the scheme before the key) and a keyed one cannot be
mistaken, and the label is inside the keyed material.  Existing databases keep
their plain entries; the first entry appended by a sealed server is the first
keyed one, and from there the chain is keyed for good: :func:`verify` reports a
plain hash after a keyed one as a chain recomputed without the key (a
downgrade), a keyed hash that does not match the server key as an entry edited
or re-chained with another key, and a purge checkpoint that fails either test
as forged.  Rewriting *every* entry back to plain hashes, or cutting the
tail, is caught by the signed anchors kept outside the database
(:mod:`app.services.records.journal_anchor`), checked at the end of the walk.
A keyless session (a console's cache) checks plain entries fully and keyed
ones by number and link only, and says so; :func:`append` refuses to add a
plain entry after a keyed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import JournalEntry, utcnow
from app.models.journal import GENESIS_HASH, content_bytes, hash_of
from app.services.records import journal_anchor
from app.services.records.journal_key import JournalKeyError, JournalSeal, is_keyed, keyed_hash, seal_for
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
#: An agenda editor's late slots have landed (issue 14): ``{"editors": [...], "effecteur_ids": [...]}``.
KIND_SLOTS = "slots"
#: A telephone call of the room changed (issue 15): the whole call (:func:`app.services.calls.views.call_dict`),
#: with ``case_uuid`` and, when the call gave its case the clocks, ``case_clocks``.
KIND_CALL = "call"
KINDS = (KIND_CASE, KIND_ORIENTATION, KIND_BOOKING, KIND_CASE_EVENT, KIND_SURGE, KIND_APPOINTMENT, KIND_PURGE,
         KIND_SLOTS, KIND_CALL)

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
    seal = seal_for(session)
    if seal is None and last is not None and is_keyed(last.entry_hash):
        raise JournalKeyError("journal scellé : impossible d'y écrire sans la clé du serveur")
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
    entry.entry_hash = hash_of(entry) if seal is None else keyed_hash(seal, entry.prev_hash, _content(entry))
    session.add(entry)
    session.flush()
    if seal is not None and entry.seq % seal.every == 0:
        journal_anchor.stage(session, seal, entry.seq, entry.entry_hash)
    return entry


def _content(entry: JournalEntry) -> bytes:
    return content_bytes(seq=entry.seq, uuid=entry.uuid, kind=entry.kind, author=entry.author,
                         author_role=entry.author_role, created_at=entry.created_at, payload=entry.payload)


def head(session: Session) -> tuple[int, str] | None:
    """``(seq, entry_hash)`` of the last entry, None for an empty journal."""
    last = session.execute(select(JournalEntry.seq, JournalEntry.entry_hash)
                           .order_by(JournalEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.entry_hash) if last else None


def page(session: Session, *, after: int = 0, limit: int = DEFAULT_PAGE) -> Sequence[JournalEntry]:
    """Entries with ``seq > after``, ascending, at most ``limit`` (capped at :data:`MAX_PAGE`)."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(JournalEntry).where(JournalEntry.seq > after).order_by(JournalEntry.seq).limit(limit)
    return session.scalars(stmt).all()


#: Why a purge checkpoint is forged (issue 12): not made with the server key.
FORGED_PURGE_PLAIN = "point de purge falsifié : il n'est pas scellé par la clé du serveur"
FORGED_PURGE_KEY = "point de purge falsifié : son sceau ne correspond pas à la clé du serveur"
WRONG_KEY = ("l'empreinte ne correspond pas à la clé du serveur : entrée modifiée, "
             "ou chaîne recalculée avec une autre clé")
_BOUND = object()


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of :func:`verify`: ``ok`` when the chain and the anchors hold.

    ``broken_seq`` is the first entry that does not hold (None when all do, or
    when the finding is an anchor line that names no entry); ``unverified`` the
    keyed entries checked by link only (no key); ``anchors`` the valid anchors.
    """

    checked: int
    broken_seq: int | None = None
    reason: str = ""
    keyed: bool = False
    unverified: int = 0
    anchors: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.reason

    def describe(self) -> str:
        """One French line for the operator."""
        if self.ok and self.unverified:
            return (f"Journal intègre : {self.checked} entrée(s), numéros et liens vérifiés ; "
                    f"{self.unverified} empreinte(s) à clé non vérifiée(s), faute de la clé du serveur.")
        if self.ok and self.keyed:
            return (f"Journal intègre : {self.checked} entrée(s), chaîne à clé vérifiée, "
                    f"{self.anchors} point(s) d'ancrage signé(s) concordant(s).")
        if self.ok:
            return f"Journal intègre : {self.checked} entrée(s), chaîne de hachage vérifiée."
        if self.broken_seq is None:
            return f"Journal douteux : {self.reason}."
        return f"Journal rompu à l'entrée n° {self.broken_seq} : {self.reason}."


def verify(session: Session, *, seal: JournalSeal | None | object = _BOUND, batch: int = 1000) -> VerifyReport:
    """Walk the journal in ``seq`` order and check numbering, links and hashes, then the anchors.

    ``seal``: the server key to check keyed hashes with; by default the one
    bound to the session's engine (None: keyless, see the module docstring).
    Entries redacted by a retention purge are checked by link and by their purge
    checkpoint instead of by content (see :mod:`app.services.records.journal_redaction`).
    """
    key: JournalSeal | None = seal_for(session) if seal is _BOUND else seal
    anchors, problems = journal_anchor.load(session, key) if key is not None else ([], [])
    anchored, distinct = {a.seq for a in anchors}, len({(a.seq, a.head) for a in anchors})
    hashes: dict[int, str] = {}
    expected_seq, prev, checked, keyed_from, unverified = 1, GENESIS_HASH, 0, None, 0
    redactions = RedactionCheck()
    while True:
        rows = page(session, after=expected_seq - 1, limit=batch) if batch <= MAX_PAGE else []
        if not rows:
            break
        for entry in rows:
            def report(seq: int, why: str, checked: int = checked, unverified: int = unverified) -> VerifyReport:
                return VerifyReport(checked, seq, why, key is not None, unverified)

            purge = entry.kind == KIND_PURGE
            if entry.seq != expected_seq:
                return report(expected_seq, f"entrée manquante (suivante trouvée : {entry.seq})")
            if entry.prev_hash != prev:
                return report(entry.seq, "le lien vers l'entrée précédente ne correspond pas")
            keyed = is_keyed(entry.entry_hash)
            if keyed_from is not None and not keyed:
                return report(entry.seq, FORGED_PURGE_PLAIN if purge else (
                    f"empreinte sans clé alors que la chaîne est scellée depuis l'entrée n° {keyed_from} : "
                    "chaîne recalculée sans la clé du serveur"))
            if (purge_uuid := redacted_by(entry.payload)) is not None:
                redactions.redacted(entry.seq, entry.entry_hash, purge_uuid)
            else:
                if keyed and key is None:
                    unverified += 1
                elif keyed and key is not None and entry.entry_hash != keyed_hash(key, entry.prev_hash,
                                                                                  _content(entry)):
                    return report(entry.seq, FORGED_PURGE_KEY if purge else WRONG_KEY)
                elif not keyed and entry.entry_hash != hash_of(entry):
                    return report(entry.seq, "le contenu ne correspond pas à son empreinte")
                if purge and (why := redactions.checkpoint(entry.uuid, entry.payload)):
                    return report(entry.seq, why)
            if keyed and keyed_from is None:
                keyed_from = entry.seq
            if entry.seq in anchored:
                hashes[entry.seq] = entry.entry_hash
            prev, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1
    done = VerifyReport(checked, None, "", key is not None, unverified, distinct)
    if (first := redactions.unvouched()) is not None:
        return VerifyReport(checked, first, "entrée effacée sans point de purge correspondant", done.keyed, unverified)
    if problems:
        return VerifyReport(checked, None, problems[0], done.keyed, unverified, distinct)
    if (found := journal_anchor.check(anchors, expected_seq - 1, hashes)) is not None:
        return VerifyReport(checked, found[0], found[1], done.keyed, unverified, distinct)
    return done


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
