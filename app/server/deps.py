"""Request dependencies: the database, the authenticated user, the role check.

:class:`ServerState` lives on ``app.state.sas`` and hands out sessions: a plain
one for reads, and :meth:`ServerState.write` for anything that writes the
journal (serialised, see :mod:`app.services.records.journal`); :func:`record_access`
writes the audit trail of reads.  :func:`require` turns
a route name of :mod:`app.services.security.permissions` into a dependency that
authenticates the bearer token and checks the role, so each route states its
permission in its signature.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.models import utcnow
from app.models.journal import AuditEvent
from app.server.errors import forbidden, unauthorized
from app.services.agendas.registry import Registry
from app.services.records import journal
from app.services.security import permissions
from app.services.security.sessions import check_token
from app.services.regulation.actor import Actor
from app.services.security.auth import token_hash
from app.services.security.token_cache import TokenCache

log = logging.getLogger(__name__)
#: "Who did what" log: user, role, route and object uuid — never patient data.
audit_log = logging.getLogger("app.server.audit")


#: The user a request acts for, as resolved from its bearer token: the core's :class:`Actor`.
Principal = Actor


@dataclass
class ServerState:
    """The server's database handles, shared by every request."""

    engine: Engine
    sessions: sessionmaker[Session]
    #: Tokens this process verified a moment ago (revocation elsewhere honoured within its TTL).
    tokens: TokenCache = field(default_factory=TokenCache.from_env)
    #: The agenda editors (``sas server --editors FILE``); empty: slots come from imports only.
    editors: Registry = field(default_factory=Registry)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; nothing is committed."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self, *, journal_lock: bool = True) -> Iterator[Session]:
        """A serialised write transaction, committed on success, rolled back on any error.

        ``journal_lock=False`` for writes that do not touch the journal (tokens, audit): on
        PostgreSQL they then run concurrently; SQLite still takes its write lock up front,
        so they wait their turn instead of failing with "database is locked".
        """
        with self.sessions() as session:
            if journal_lock or session.get_bind().dialect.name == "sqlite":
                journal.begin_write(session)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


async def get_state(request: Request) -> ServerState:
    return request.app.state.sas


_bearer = HTTPBearer(auto_error=False, description="Jeton obtenu par POST /api/v1/auth/login")


def _checked_token(state: ServerState, digest: str) -> Principal:
    """The database's answer for ``digest`` (run in the thread pool), remembered by the token cache."""
    with state.read() as session:
        check = check_token(session, digest, utcnow())
    if check.actor is None:
        raise unauthorized(check.refusal)
    state.tokens.put(digest, check.actor, check.expires_at)
    return check.actor


async def get_principal(
    state: ServerState = Depends(get_state),
    credentials: HTTPAuthorizationCredentials | None = Security(_bearer),
) -> Principal:
    """Resolve ``Authorization: Bearer <token>`` to its user, or answer 401.

    A token this process verified less than ``SAS_TOKEN_CACHE_S`` seconds ago is taken from
    the token cache (:mod:`app.services.security.token_cache`) without leaving the event
    loop; otherwise the database is read in the thread pool.
    """
    if credentials is None or not credentials.credentials:
        raise unauthorized()
    digest = token_hash(credentials.credentials)
    cached = state.tokens.get(digest, utcnow())
    if cached is not None:
        return cached
    return await run_in_threadpool(_checked_token, state, digest)


async def bearer_token_hash(credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> str:
    """The stored hash of this request's bearer token (after :func:`get_principal` accepted it)."""
    if credentials is None or not credentials.credentials:
        raise unauthorized()
    return token_hash(credentials.credentials)


def require(route: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only the roles :data:`permissions.PERMISSIONS` allows on ``route``.

    It is a coroutine, like :func:`get_principal` and :func:`get_state`: FastAPI runs plain
    ``def`` dependencies in its thread pool, and each hop costs a thread switch per request.
    """
    allowed = permissions.PERMISSIONS[route]  # KeyError at import time for a typo

    async def dependency(request: Request, principal: Principal = Depends(get_principal)) -> Principal:
        if principal.role not in allowed:
            audit_log.info("%s (%s) refused %s %s", principal.username, principal.role,
                           request.method, request.url.path)
            raise forbidden()
        return principal

    dependency.__name__ = f"require_{route.replace('.', '_')}"
    return dependency


def record_access(state: ServerState, principal: Principal, action: str, uuid: str, outcome: str) -> None:
    """Write one row of the audit trail (``audit_events``) in its own short transaction, and log it."""
    with state.write(journal_lock=False) as session:
        session.add(AuditEvent(username=principal.username, role=principal.role, action=action,
                               object_uuid=str(uuid)[:64], outcome=outcome))
    audit(principal, action, uuid, outcome)


def audit(principal: Principal, action: str, uuid: str | int, outcome: str) -> None:
    """Log one write as who did what: ``alice (OSNP) slots.book 42 -> booked``."""
    audit_log.info("%s (%s) %s %s -> %s", principal.username, principal.role, action, uuid, outcome)
