"""Redacted journal entries and purge checkpoints: how the hash chain survives a retention purge.

A retention purge (:mod:`app.services.records.retention`) removes the personal data of old
cases, including from the journal, whose entries are hash-chained over their
payload.  Rather than rewrite the chain, a purge:

* replaces the payload of each entry of a purged case by the marker
  ``{"redacted": <purge uuid>}`` and **keeps** its ``prev_hash`` and ``entry_hash``;
* appends one ``purge`` entry (the checkpoint, itself chained) whose payload holds
  the cutoff, the counts and ``redacted_digest``: the SHA-256 of the
  ``"<seq>:<entry_hash>\\n"`` lines of the entries it redacted, in ``seq`` order.

:class:`RedactionCheck` is what :func:`app.services.records.journal.verify` uses: a
redacted entry's content can no longer be re-hashed, so its own hash is taken
as stored, but it must still link to its neighbours (a changed hash breaks the
next entry's ``prev_hash``) and be vouched for by its checkpoint (entries
redacted without a purge, or a marker pointing at the wrong purge, break the
digest).  No personal data is needed to verify the chain after a purge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

#: Journal kind of the purge checkpoint.
KIND_PURGE = "purge"
#: Key of the payload marker of a redacted entry.
REDACTED = "redacted"


def redacted_payload(purge_uuid: str) -> dict:
    return {REDACTED: purge_uuid}


def redacted_by(payload: object) -> str | None:
    """The purge uuid when ``payload`` is a redaction marker, else None."""
    if isinstance(payload, dict) and set(payload) == {REDACTED} and isinstance(payload[REDACTED], str):
        return payload[REDACTED]
    return None


def digest(pairs: list[tuple[int, str]]) -> str:
    """``redacted_digest`` of the (seq, entry_hash) pairs of the redacted entries."""
    h = hashlib.sha256()
    for seq, entry_hash in sorted(pairs):
        h.update(f"{seq}:{entry_hash}\n".encode("ascii"))
    return h.hexdigest()


@dataclass
class RedactionCheck:
    """Walks along :func:`~app.services.records.journal.verify`: collects redacted entries, checks them at their
    purge."""

    pending: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def redacted(self, seq: int, entry_hash: str, purge_uuid: str) -> None:
        self.pending.setdefault(purge_uuid, []).append((seq, entry_hash))

    def checkpoint(self, purge_uuid: str, payload: dict) -> str | None:
        """Why the purge entry ``purge_uuid`` does not vouch for what was redacted under it, or None."""
        pairs = self.pending.pop(purge_uuid, [])
        if payload.get("redacted_entries") != len(pairs) or payload.get("redacted_digest") != digest(pairs):
            return "les entrées effacées ne correspondent pas à leur point de purge"
        return None

    def unvouched(self) -> int | None:
        """The first seq redacted under a purge that has no checkpoint (None when all are vouched for)."""
        firsts = [min(pairs)[0] for pairs in self.pending.values() if pairs]
        return min(firsts) if firsts else None
