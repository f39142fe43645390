"""The journal entry that tells every desk an editor's late slots have landed: kind ``slots``.

When an editor answers after a search stopped waiting for it
(:mod:`app.services.agendas.live`), its slots are stored and one entry is appended::

    {"kind": "slots", "author": "agendas", "author_role": "SYSTEME",
     "payload": {"editors": ["Doctolib"], "effecteur_ids": ["eff-1", …]}}

No patient data: which editors and which effecteurs have new slots, so a desk showing a
search of those effecteurs searches again.  The entry goes through the journal like
every other (hash chain, ``GET /api/v1/journal``, ``GET /api/v1/events``); a role that
may not read cases gets its payload withheld, as for every entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from app.services.records import journal

AUTHOR = "agendas"
AUTHOR_ROLE = "SYSTEME"
#: At most this many effecteur ids in one entry (a wide search; the desk searches again anyway).
MAX_EFFECTEURS = 500


def payload(editors: Sequence[str], effecteur_ids: Sequence[str]) -> dict:
    return {"editors": list(editors), "effecteur_ids": list(effecteur_ids)[:MAX_EFFECTEURS]}


def journal_slots(sessions: sessionmaker[Session], editors: Sequence[str], effecteur_ids: Sequence[str]) -> int:
    """Append the ``slots`` entry in its own serialised transaction; returns its ``seq``."""
    with sessions() as session:
        journal.begin_write(session)
        entry = journal.append(session, uuid=str(uuid.uuid4()), kind=journal.KIND_SLOTS, author=AUTHOR,
                               author_role=AUTHOR_ROLE, payload=payload(editors, effecteur_ids))
        session.commit()
        return entry.seq
