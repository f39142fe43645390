"""Signed checkpoints of the journal's head, kept outside the database: the anchors.

A keyed chain (:mod:`app.services.records.journal_key`) cannot be recomputed
without the key, but its tail can still be cut off: deleting the last entries
leaves a chain that holds.  An **anchor** records ``{seq, head, at}`` — the
last entry's number and ``entry_hash`` at a moment — signed with the anchor key
(HMAC-SHA256, derived from the server key), in two places:

* a line of the **anchor file** (JSON lines, append-only, fsync'd, outside the
  database): ``{"journal", "seq", "head", "at", "sig"}``, ``sig`` covering the
  other four fields.  ``journal`` names the database
  (:func:`~app.services.records.journal_key.journal_identity`); lines of other
  databases are ignored.  The file line is written only once the transaction
  that holds the anchored head has committed (an anchor never names an entry
  that was rolled back);
* a row of the **audit trail**, in the same transaction: action
  ``journal.anchor``, ``object_uuid`` the head, ``outcome`` ``"<seq>:<tag>"``
  (``tag``: 120 bits of the signature of seq and head).

Anchors are written every :data:`~app.services.records.journal_key.ANCHOR_EVERY`
appends (:func:`app.services.records.journal.append`), at server start and stop,
after a retention purge, and by ``sas journal checkpoint``.
:func:`load` and :func:`check` are what ``verify`` uses: an anchor whose
signature does not hold is itself a finding, an anchored seq beyond the
journal's last entry is a truncated tail, an anchored head that the entry of
that seq no longer carries is a recomputed chain.  What an attacker can still
do unseen is cut the entries written after the last anchor: the server stop
anchors the head, so on a stopped server that is nothing.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.models.journal import AuditEvent
from app.codes import room_time
from app.services.records.journal_key import JournalSeal, b64

log = logging.getLogger(__name__)

AUDIT_ACTION = "journal.anchor"
AUDIT_ROLE = "SERVEUR"
_TAG_CHARS = 20
_PENDING = "journal_anchor_lines"


@dataclass(frozen=True)
class Anchor:
    """One valid checkpoint: the journal held ``seq`` entries, the last one hashed ``head``."""

    seq: int
    head: str
    at: str
    source: str  # "fichier" or "audit"

    def when(self) -> str:
        try:
            return room_time.full(self.at)  # the room's clock (issue 13)
        except ValueError:
            return self.at


def _file_sig(seal: JournalSeal, journal: str, seq: int, head: str, at: str) -> str:
    return b64(seal.anchor_mac(f"sas-journal-anchor/v1\n{journal}\n{seq}\n{head}\n{at}".encode()))


def _audit_tag(seal: JournalSeal, seq: int, head: str) -> str:
    return b64(seal.anchor_mac(f"sas-journal-anchor-audit/v1\n{seq}\n{head}".encode()))[:_TAG_CHARS]


def stage(session: Session, seal: JournalSeal, seq: int, head: str, who: str = "serveur") -> None:
    """Anchor ``(seq, head)``: the audit row now, the file line when ``session`` commits."""
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    session.add(AuditEvent(at=datetime.fromisoformat(at), username=who[:64], role=AUDIT_ROLE, action=AUDIT_ACTION,
                           object_uuid=head, outcome=f"{seq}:{_audit_tag(seal, seq, head)}"))
    line = {"journal": seal.journal, "seq": seq, "head": head, "at": at,
            "sig": _file_sig(seal, seal.journal, seq, head, at)}
    session.info.setdefault(_PENDING, []).append((seal.anchors, line))


@event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for path, line in session.info.pop(_PENDING, []):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(json.dumps(line, sort_keys=True) + "\n")
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:  # the audit row stays; the operator must see the file is not written
            log.error("journal anchor file %s not written: %s", path, exc.strerror)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def checkpoint(session: Session, seal: JournalSeal, who: str = "serveur") -> Anchor | None:
    """Anchor the journal's current head now (own transaction; ``session`` must be fresh); None if empty.

    Nothing is written when the newest anchor of the file already names this head.
    """
    from app.services.records import journal  # journal imports this module

    journal.begin_write(session)
    head = journal.head(session)
    in_file = [a for a in load(session, seal)[0] if a.source == "fichier"]
    if head is None or (in_file and (in_file[-1].seq, in_file[-1].head) == head):
        session.rollback()
        return None
    stage(session, seal, *head, who=who)
    session.commit()
    return Anchor(head[0], head[1], "", "fichier")


def _file_anchors(seal: JournalSeal) -> tuple[list[Anchor], list[str]]:
    anchors: list[Anchor] = []
    problems: list[str] = []
    try:
        lines = seal.anchors.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return anchors, problems
    for number, raw in enumerate(lines, 1):
        try:
            line = json.loads(raw)
            if line.get("journal") != seal.journal:
                continue
            seq, head, at, sig = int(line["seq"]), str(line["head"]), str(line["at"]), str(line["sig"])
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(f"ligne {number} du fichier d'ancrage illisible")
            continue
        if sig != _file_sig(seal, seal.journal, seq, head, at):
            problems.append(f"point d'ancrage falsifié à la ligne {number} du fichier d'ancrage (signature invalide)")
        else:
            anchors.append(Anchor(seq, head, at, "fichier"))
    return anchors, problems


def load(session: Session, seal: JournalSeal) -> tuple[list[Anchor], list[str]]:
    """The valid anchors of this journal (file first, then audit trail) and the French problems found."""
    anchors, problems = _file_anchors(seal)
    rows = session.execute(select(AuditEvent.at, AuditEvent.object_uuid, AuditEvent.outcome)
                           .where(AuditEvent.action == AUDIT_ACTION).order_by(AuditEvent.id)).all()
    for at, head, outcome in rows:
        seq_text, _, tag = (outcome or "").partition(":")
        if not seq_text.isdigit() or tag != _audit_tag(seal, int(seq_text), head):
            problems.append(f"point d'ancrage falsifié dans la piste d'audit ({outcome})")
        else:
            anchors.append(Anchor(int(seq_text), head, at.isoformat() if at else "", "audit"))
    return anchors, problems


def check(anchors: list[Anchor], last_seq: int, hashes: dict[int, str]) -> tuple[int, str] | None:
    """``(first bad seq, French reason)`` when the journal contradicts an anchor, else None.

    ``hashes`` maps each anchored seq the journal still holds to its stored ``entry_hash``.
    """
    for anchor in sorted(anchors, key=lambda a: a.seq):
        if anchor.seq <= last_seq and hashes.get(anchor.seq) != anchor.head:
            return anchor.seq, (f"l'entrée ne correspond pas au point d'ancrage signé du {anchor.when()} "
                                f"({anchor.source}) : chaîne recalculée ou entrée remplacée")
    beyond = max((a for a in anchors if a.seq > last_seq), key=lambda a: a.seq, default=None)
    if beyond is not None:
        return last_seq + 1, (f"fin du journal tronquée : le point d'ancrage signé du {beyond.when()} "
                              f"({beyond.source}) atteste l'entrée n° {beyond.seq}, le journal s'arrête "
                              f"à la n° {last_seq}")
    return None
