"""What a command changed: the change record every path hands on (answer, journal, live room).

A :class:`ChangeRecord` says what changed (``kind``), on which case, which object, with
which answer status (201 created, 200 replay or update) and for whom: ``audience`` are
the roles that may read the patient data it refers to.  The server answers with
``document``; the event stream of the room (issue 13) will push the records themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Roles that may read a case's patient data (the readers of ``GET /cases/{uuid}``).
CASE_READERS = frozenset({"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"})


@dataclass(frozen=True)
class ChangeRecord:
    """One change made by one command."""

    kind: str
    case_uuid: str | None
    object_uuid: str
    status: int
    actor: str
    document: Any = None
    audience: frozenset[str] = CASE_READERS
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def created(self) -> bool:
        return self.status == 201
