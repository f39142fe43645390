"""Login and identity: ``POST /api/v1/auth/login``, ``GET /api/v1/auth/me``.

A successful login stores only the SHA-256 of a fresh random token with its
expiry (:data:`app.services.security.auth.TOKEN_TTL_HOURS`); the token itself is
returned once and never logged.  Unknown user, wrong password and inactive
account all get the same 401, and an unknown user still costs one argon2
verification, so neither the answer nor its timing tells which it was.

Repeated failures are slowed, then locked: from the :data:`THROTTLE_AFTER`-th
failed password in a row the account refuses any login (even a right one)
for 1, 2, 4… seconds (at most :data:`MAX_DELAY_S`), answering **429** with
``Retry-After``; at :data:`LOCK_AFTER` failures it is locked for
:data:`LOCK_MINUTES` minutes.  A successful login resets the count.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from functools import lru_cache

from fastapi import APIRouter, Depends
from sqlalchemy import delete, select, update

from app.models import AuthToken, User, utcnow
from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut
from app.server.schemas import LoginIn, LoginOut, MeOut
from app.services.security import permissions
from app.services.security.auth import TOKEN_TTL_HOURS, hash_password, new_token, verify_password

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/auth", tags=["authentification"])

THROTTLE_AFTER = 3
LOCK_AFTER = 10
LOCK_MINUTES = 15
MAX_DELAY_S = 60


def _next_lock(failures: int, now: datetime) -> datetime | None:
    """When the account may try again after ``failures`` failed logins in a row (None: at once)."""
    if failures >= LOCK_AFTER:
        return now + timedelta(minutes=LOCK_MINUTES)
    if failures >= THROTTLE_AFTER:
        return now + timedelta(seconds=min(MAX_DELAY_S, 2 ** (failures - THROTTLE_AFTER)))
    return None


def _too_many(user: User, now: datetime) -> ApiError:
    wait = max(1, math.ceil((user.locked_until - now).total_seconds()))  # type: ignore[operator]  # locked
    if user.failed_logins >= LOCK_AFTER:
        message = (f"Compte verrouillé après {user.failed_logins} échecs : réessayez dans "
                   f"{math.ceil(wait / 60)} min ou contactez l'administrateur")
    else:
        message = f"Trop de tentatives : réessayez dans {wait} s"
    return ApiError(429, "too_many_attempts", message, headers={"Retry-After": str(wait)})


def _record_failure(state: ServerState, user: User, now: datetime) -> None:
    with state.write(journal_lock=False) as session:
        session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        failures = session.scalar(select(User.failed_logins).where(User.id == user.id)) or 0
        session.execute(update(User).where(User.id == user.id).values(locked_until=_next_lock(failures, now)))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (constant work)."""
    return hash_password("utilisateur-inexistant")


def _invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Identifiant ou mot de passe incorrect")


@router.post(
    "/login",
    response_model=LoginOut,
    summary="Ouvrir une session",
    responses={401: {"model": ErrorOut, "description": "Identifiant ou mot de passe incorrect"},
               429: {"model": ErrorOut, "description": "Trop d'échecs : connexion ralentie ou compte verrouillé"},
               422: ERROR_RESPONSES[422]},
)
def login(body: LoginIn, state: ServerState = Depends(get_state)) -> LoginOut:
    """Check the password and return a bearer token valid ``TOKEN_TTL_HOURS`` hours."""
    with state.read() as session:
        user = session.scalar(select(User).where(User.username == body.username))
    if user is None:
        verify_password(_dummy_hash(), body.password)
        # Not the name itself: a password typed in the wrong field must not reach the log.
        log.info("login refused: unknown user")
        raise _invalid_credentials()
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        log.info("login refused: %r throttled after %d failures", user.username, user.failed_logins)
        raise _too_many(user, now)
    if not verify_password(user.password_hash, body.password):
        log.info("login refused: wrong password for %r", user.username)
        _record_failure(state, user, now)
        raise _invalid_credentials()
    if not user.active:
        log.info("login refused: inactive account %r", user.username)
        raise _invalid_credentials()

    token, digest = new_token()
    expires_at = now + timedelta(hours=TOKEN_TTL_HOURS)
    # Tokens are not journalled, so no journal lock: a plain short transaction.
    with state.write(journal_lock=False) as session:
        if user.failed_logins or user.locked_until is not None:
            session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None))
        session.execute(delete(AuthToken).where(AuthToken.expires_at <= now))
        session.add(AuthToken(token_hash=digest, user_id=user.id, created_at=now, expires_at=expires_at))
    log.info("%s (%s) logged in", user.username, user.role)
    return LoginOut(
        access_token=token,
        role=user.role,
        username=user.username,
        display_name=user.display_name,
        expires_at=expires_at,
    )


@router.get(
    "/me",
    response_model=MeOut,
    summary="Utilisateur connecté",
    responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
)
def me(principal: Principal = Depends(require(permissions.AUTH_ME))) -> MeOut:
    """The user the bearer token belongs to."""
    return MeOut(username=principal.username, role=principal.role, display_name=principal.display_name)
