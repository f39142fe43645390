"""Account administration: ``POST /api/v1/admin/users/{username}/unlock`` (ADMIN only).

Unlocking forgets the account's failed-login count
(:func:`app.services.security.login_throttle.admin_unlock`), so its user can log
in again at once; the act is written to the audit trail (``admin.users.unlock``,
outcome ``unlocked`` or ``not_locked``).  The same is ``sas admin unlock``.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut
from app.services.security import login_throttle, permissions

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/admin", tags=["administration"])


class UnlockOut(BaseModel):
    username: str
    #: True when the account was refusing logins until now.
    was_locked: bool


@router.post(
    "/users/{username}/unlock",
    response_model=UnlockOut,
    summary="Déverrouiller un compte",
    responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403],
               404: {"model": ErrorOut, "description": "Utilisateur inconnu"}},
)
def unlock(username: Annotated[str, Path(min_length=1, max_length=64)],
           principal: Principal = Depends(require(permissions.ADMIN_USERS_UNLOCK)),
           state: ServerState = Depends(get_state)) -> UnlockOut:
    """Forget the account's failed logins: its user may log in again at once."""
    with state.write(journal_lock=False) as session:
        was_locked = login_throttle.admin_unlock(session, username, by=principal.username, role=principal.role,
                                                 now=login_throttle.clock())
    if was_locked is None:
        raise ApiError(404, "not_found", "Utilisateur inconnu")
    audit(principal, permissions.ADMIN_USERS_UNLOCK, username, "unlocked" if was_locked else "not_locked")
    return UnlockOut(username=username, was_locked=was_locked)
