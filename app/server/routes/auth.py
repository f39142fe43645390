"""Login, logout and identity: ``POST /api/v1/auth/login``, ``POST /api/v1/auth/logout``, ``GET /api/v1/auth/me``.

A successful login stores only the SHA-256 of a fresh random token with its
expiry (:data:`app.services.security.auth.TOKEN_TTL_HOURS`); the token itself is
returned once and never logged.  Unknown user, wrong password and inactive
account all get the same 401, and an unknown user still costs one argon2
verification, so neither the answer nor its timing tells which it was.

Before any password is checked, the attempt is reserved per account name and
per source address by :mod:`app.services.security.login_throttle`, in one short
write transaction: a refused reservation answers **429** with ``Retry-After``
(slowed from the 3rd attempt, locked 15 min at the 10th, for unknown names
exactly as for real accounts), and verifies nothing.

A login may name its ``desk_id``: the user's older tokens on that desk are then
revoked.  ``logout`` revokes the token it is called with; a revoked token gets
401 (:func:`app.server.deps.get_principal`).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from fastapi import APIRouter, Depends, Request, Response

from app.server.deps import Principal, ServerState, bearer_token_hash, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut
from app.server.schemas import LoginIn, LoginOut, MeOut
from app.services.security import auth as security_auth
from app.services.security import login_throttle, permissions, sessions
from app.services.security.login_throttle import LOCK_AFTER, THROTTLE_AFTER  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/auth", tags=["authentification"])


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (constant work)."""
    return security_auth.hash_password("utilisateur-inexistant")


def _invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Identifiant ou mot de passe incorrect")


def _reserve(state: ServerState, username: str, address: str | None) -> None:
    """Reserve the attempt, or raise the 429 (both counters rolled back)."""
    now = login_throttle.clock()
    with state.write(journal_lock=False) as session:
        _attempt, refusal = login_throttle.reserve(session, username, address, now)
        if refusal is not None:
            log.info("login refused: %s throttled (%d attempts)", refusal.kind, refusal.failures)
            raise ApiError(429, "too_many_attempts", refusal.message,
                           headers={"Retry-After": str(refusal.retry_after_s)})


@router.post(
    "/login",
    response_model=LoginOut,
    summary="Ouvrir une session",
    responses={401: {"model": ErrorOut, "description": "Identifiant ou mot de passe incorrect"},
               429: {"model": ErrorOut, "description": "Trop d'échecs : connexion ralentie ou compte verrouillé"},
               422: ERROR_RESPONSES[422]},
)
def login(body: LoginIn, request: Request, state: ServerState = Depends(get_state)) -> LoginOut:
    """Reserve the attempt, check the password and return a bearer token valid ``TOKEN_TTL_HOURS`` hours."""
    address = request.client.host if request.client else None
    _reserve(state, body.username, address)
    with state.read() as session:
        user = sessions.find_account(session, body.username)
    if user is None:
        security_auth.verify_password(_dummy_hash(), body.password)
        # Not the name itself: a password typed in the wrong field must not reach the log.
        log.info("login refused: unknown user")
        raise _invalid_credentials()
    if not security_auth.verify_password(user.password_hash, body.password):
        log.info("login refused: wrong password for %r", user.username)
        raise _invalid_credentials()
    if not user.active:
        log.info("login refused: inactive account %r", user.username)
        raise _invalid_credentials()

    now = login_throttle.clock()
    # Tokens are not journalled, so no journal lock: a plain short transaction.
    with state.write(journal_lock=False) as session:
        login_throttle.succeeded(session, user.username, address, now)
        token, expires_at = sessions.issue_token(session, user, now, body.desk_id)
    state.tokens.forget_user(user.user_id)  # the desk's older tokens just ended: not from the cache either
    log.info("%s (%s) logged in", user.username, user.role)
    return LoginOut(
        access_token=token,
        role=user.role,
        username=user.username,
        display_name=user.display_name,
        expires_at=expires_at,
    )


@router.post(
    "/logout",
    status_code=204,
    summary="Fermer sa session (le jeton est révoqué)",
    responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
)
def logout(principal: Principal = Depends(require(permissions.AUTH_LOGOUT)),
           digest: str = Depends(bearer_token_hash), state: ServerState = Depends(get_state)) -> Response:
    """Revoke the bearer token of this request: any later use of it gets 401."""
    with state.write(journal_lock=False) as session:
        sessions.revoke_token(session, digest, login_throttle.clock())
    state.tokens.forget(digest)
    log.info("%s (%s) logged out", principal.username, principal.role)
    return Response(status_code=204)


@router.get(
    "/me",
    response_model=MeOut,
    summary="Utilisateur connecté",
    responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
)
def me(principal: Principal = Depends(require(permissions.AUTH_ME))) -> MeOut:
    """The user the bearer token belongs to."""
    return MeOut(username=principal.username, role=principal.role, display_name=principal.display_name)
