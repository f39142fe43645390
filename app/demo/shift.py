"""A deterministic demo shift: cases with their clocks, hand-overs, decisions and the journal.

Used by the stats benchmark, the supervisor wall's tests and screenshots, so
that all three look at a realistic room: calls spread over the shift with a
morning peak, about 60 % SNP, most answered within a minute, P0 cases
accompanied, SNP decisions booking a slot about half the time, and the
last half hour still in the queue.  The same ``start``, ``n`` and ``seed``
always give the same rows.  Rows are inserted in bulk (no ORM objects per
row) and every case, event and orientation gets its hash-chained journal
entry, appended after whatever the journal already holds.  Plain Python, no Qt.
"""

from __future__ import annotations

import random
import uuid as uuid_mod
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, JournalEntry, Orientation
from app.models.journal import GENESIS_HASH, chain_hash, content_bytes
from app.services.regulation import decisions

OWNER = "fr.health.samu670"
OPERATORS = {"ARM": ["arm1", "arm2", "arm3"], "MRU": ["mru1"], "MRL": ["mrl1", "mrl2"]}
SHIFT = timedelta(hours=12)


def _uuid(rng: random.Random) -> str:
    return str(uuid_mod.UUID(int=rng.getrandbits(128), version=4))


def _minute(rng: random.Random) -> float:
    """Minutes into a 12-hour shift, denser in its first third (the morning peak)."""
    return min(719.9, rng.triangular(0, 720, 150))


def fill_shift(session: Session, start: datetime, n: int, *, seed: int = 7, now: datetime | None = None) -> int:
    """Insert ``n`` cases presented over the 12 hours from ``start``; returns the journal entries written."""
    rng = random.Random(seed)
    now = now or start + SHIFT
    cases, events, orientations, journal = [], [], [], []
    first = session.scalar(select(func.count()).select_from(Case)) or 0  # case numbers go on
    for i in range(n):
        presented = start + (now - start) * (_minute(rng) / 720)  # the shift so far, peak included
        snp = rng.random() < 0.6
        priority = rng.choices(["P0", "P1", "P2", "P3"], [2, 15, 48, 35] if not snp else [0, 5, 55, 40])[0]
        answered = presented + timedelta(seconds=rng.lognormvariate(3.2, 0.6))
        arm, doctor = rng.choice(OPERATORS["ARM"]), rng.choice(OPERATORS["MRL" if snp else "MRU"])
        recent = (now - presented) < timedelta(minutes=30)
        handed = answered + timedelta(seconds=rng.lognormvariate(5.0 if priority in ("P0", "P1") else 6.0, 0.5))
        handed = handed if handed < now and not (recent and rng.random() < 0.5) else None
        decided = handed + timedelta(minutes=rng.uniform(2, 12)) if handed and not recent else None
        case = {"uuid": _uuid(rng), "case_id": f"{OWNER}.DRFR15670{start:%y%j}{first + i:05d}", "owner": OWNER,
                "creation": answered, "reception": presented, "priority": priority,
                "perimeter": "SNP" if snp else "AMU", "status": "ACTIF", "answered_at": answered,
                "handed_over_at": handed, "decided_at": decided, "accompanied": priority == "P0",
                "created_by": arm, "version": 1, "updated_at": answered}
        cases.append(case)
        journal.append(("case", case["uuid"], arm, "ARM", answered, _case_payload(case)))
        if handed:
            event = {"uuid": _uuid(rng), "case_uuid": case["uuid"], "type": "handover", "created_at": handed,
                     "author": arm, "author_role": "ARM",
                     "payload": {"type": "handover", "to_role": "MRL" if snp else "MRU"}}
            events.append(event)
            journal.append(("case_event", event["uuid"], arm, "ARM", handed, {**event["payload"],
                                                                            "case_uuid": case["uuid"]}))
        if decided:
            booked = snp and rng.random() < 0.5
            key = "CONSULTATION_48H" if booked else rng.choice(["CONSEIL", "TELECONSULTATION", "SMUR", "URGENCES"])
            orientation = {"uuid": _uuid(rng), "case_uuid": case["uuid"], "creation": decided, "decision_key": key,
                           "decision_type": decisions.BY_KEY[key].decision_type, "author": doctor,
                           "author_role": "MRL" if snp else "MRU", "version": 1,
                           "slot_id": 1000 + i if booked else None,
                           "appointment_start": decided + timedelta(hours=rng.uniform(2, 40)) if booked else None}
            orientations.append(orientation)
            journal.append(("orientation", orientation["uuid"], doctor, orientation["author_role"], decided,
                            {"uuid": orientation["uuid"], "case_uuid": case["uuid"], "decision_key": key,
                             "decision_type": orientation["decision_type"], "creation": decided.isoformat(),
                             "slot_id": orientation["slot_id"],
                             "appointment_start": orientation["appointment_start"].isoformat() if booked else None}))
    for table, rows in ((Case, cases), (CaseEvent, events), (Orientation, orientations)):
        if rows:
            session.execute(insert(table), rows)
    session.execute(insert(JournalEntry), _chained(session, journal))
    session.commit()
    return len(journal)


def _case_payload(case: dict) -> dict:
    """The case's journal payload: a whole case document, so other consoles' caches can rebuild it."""
    def iso(value):
        return value.isoformat() if value is not None else None

    return {"uuid": case["uuid"], "case_id": case["case_id"], "owner": OWNER, "creation": iso(case["creation"]),
            "reception": iso(case["reception"]), "priority": case["priority"], "perimeter": case["perimeter"],
            "status": case["status"], "answered_at": iso(case["answered_at"]),
            "handed_over_at": iso(case["handed_over_at"]), "decided_at": iso(case["decided_at"]),
            "accompanied": case["accompanied"]}


def _chained(session: Session, items: list[tuple]) -> list[dict]:
    """Journal rows for ``items`` in time order, numbered and chained after the existing entries."""
    last = session.execute(select(JournalEntry.seq, JournalEntry.entry_hash)
                           .order_by(JournalEntry.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.entry_hash) if last else (0, GENESIS_HASH)
    rows = []
    for kind, uuid, author, role, at, payload in sorted(items, key=lambda it: it[4]):
        seq += 1
        content = content_bytes(seq=seq, uuid=uuid, kind=kind, author=author, author_role=role, created_at=at,
                                payload=payload)
        entry_hash = chain_hash(prev, content)
        rows.append({"seq": seq, "uuid": uuid, "kind": kind, "author": author, "author_role": role,
                     "created_at": at, "payload": payload, "prev_hash": prev, "entry_hash": entry_hash})
        prev = entry_hash
    return rows


def journal_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(JournalEntry)) or 0
