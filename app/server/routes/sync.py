"""``POST /api/v1/sync/batch``: a console's outbox pushed many items per request.

The sync service sends up to :data:`MAX_ITEMS` outbox items at once, in their
outbox order; the server applies them **in that order, in one serialised
transaction** (one commit, so one fsync, for the whole batch) with exactly
the rules of ``PUT /cases/{uuid}``, ``PUT /orientations/{uuid}`` and
``PUT /cases/{case_uuid}/events/{uuid}``
(the regulation core, :mod:`app.services.regulation.commands`), and answers one result per item:

* ``201`` created, ``200`` replay / update / merge — the item can leave the outbox;
* ``403``, ``409`` (with ``current`` for a ``version_conflict``), ``422``
  (with ``fields``) — refused for good, the batch goes on without it (each
  item's insert runs in a savepoint);
* anything unexpected (database down, bug) fails the **whole** request with
  5xx and nothing of it is committed, so the console simply sends it again.

Every item is idempotent by its UUID, so a batch replayed after a lost
answer, duplicated or delivered late changes nothing.  The role check is per
item: the batch route admits the roles that may write something, each item
then needs the permission of its own ``PUT`` route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, ValidationError

from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, VALIDATION_MESSAGE, validation_fields
from app.services.regulation import commands
from app.services.regulation.errors import Refused
from app.services.security import permissions
from app.services.records.documents import CaseDoc, CaseEventDoc, OrientationDoc

router = APIRouter(prefix="/api/v1/sync", tags=["synchronisation"], responses=ERROR_RESPONSES)

#: Most items one request may carry.
MAX_ITEMS = 500

_ENTITIES: dict[str, tuple[type[BaseModel], str, Callable[..., Any]]] = {
    "case": (CaseDoc, permissions.CASES_PUT, commands.open_case),
    "orientation": (OrientationDoc, permissions.ORIENTATIONS_PUT, commands.record_orientation),
    "case_event": (CaseEventDoc, permissions.CASE_EVENTS_PUT, commands.apply_event),
}


class SyncItemIn(BaseModel):
    id: int = Field(ge=0, le=2**62, description="Identifiant de l'élément dans la file du poste (renvoyé tel quel)")
    entity: Literal["case", "orientation", "case_event"]
    body: dict[str, Any] = Field(description="Le document, comme pour le PUT correspondant")


class SyncBatchIn(BaseModel):
    items: Annotated[list[SyncItemIn], Field(min_length=1, max_length=MAX_ITEMS)]


class SyncItemOut(BaseModel):
    id: int
    status: int = Field(description="201 créé, 200 déjà là / mis à jour, 403, 409 ou 422 refusé")
    error: str | None = None
    message: str | None = None
    fields: list[dict[str, str]] | None = None
    current: dict[str, Any] | None = None
    changed: list[str] | None = None


class SyncBatchOut(BaseModel):
    results: list[SyncItemOut]


def _refused(item_id: int, exc: Refused) -> SyncItemOut:
    return SyncItemOut(id=item_id, status=exc.status_code, error=exc.error, message=exc.message,
                       fields=exc.fields, current=exc.current, changed=exc.changed)


@router.post("/batch", response_model=SyncBatchOut, summary="Pousser plusieurs éléments de la file (idempotent)")
def push_batch(
    batch: SyncBatchIn,
    principal: Principal = Depends(require(permissions.SYNC_BATCH)),
    state: ServerState = Depends(get_state),
) -> SyncBatchOut:
    """Apply the items in order, in one transaction; one result per item (see the module docstring)."""
    results: list[SyncItemOut] = []
    with state.write() as session:
        for item in batch.items:
            doc_type, route, store = _ENTITIES[item.entity]
            if not permissions.is_allowed(route, principal.role):
                audit(principal, route, str(item.body.get("uuid", ""))[:36], "forbidden")
                results.append(_refused(item.id, Refused(403, "forbidden", "Action non autorisée pour votre rôle")))
                continue
            try:
                doc = doc_type.model_validate(item.body)
            except ValidationError as exc:
                error = Refused(422, "validation", VALIDATION_MESSAGE,
                                 fields=validation_fields(list(exc.errors(include_url=False))))
                results.append(_refused(item.id, error))
                continue
            try:
                change = store(session, principal, doc)
            except Refused as exc:
                results.append(_refused(item.id, exc))
                continue
            results.append(SyncItemOut(id=item.id, status=change.status))
    return SyncBatchOut(results=results)
