"""Login throttle: an attempt is reserved atomically in the database before any password is checked.

Every login first *reserves* an attempt, in one short write transaction, on two
counter rows of ``login_throttle`` (:class:`app.models.LoginThrottle`): the
**account name** typed (its SHA-256, so unknown names are counted exactly like
real accounts and a password typed in the wrong field is not stored in clear)
and the **source address** (``request.client.host``).  Each reservation is one
conditional ``UPDATE … WHERE locked_until IS NULL OR locked_until <= now
RETURNING``: the database row lock decides, so however many requests arrive at
once, no more attempts pass than the counters allow.  Only then is the password
verified, outside the transaction.  A refused reservation rolls back both
counters and answers 429 with ``Retry-After``; nothing is verified.

Per account (kept from the earlier rule): attempts since the last success; from
the :data:`THROTTLE_AFTER`-th the account accepts no attempt for 1, 2, 4… s (at
most :data:`MAX_DELAY_S`), from the :data:`LOCK_AFTER`-th for
:data:`LOCK_MINUTES` minutes, and each attempt after that locks it again.  So at
most :data:`LOCK_AFTER` passwords are ever verified before the lock, even under
concurrent requests; a success resets the count; a count older than
:data:`ACCOUNT_MEMORY` starts again.  The right password is refused while
locked; an administrator can unlock (:func:`unlock_account`).

Per address — the decision: an address gets a higher, flat limit,
:data:`ADDRESS_LIMIT` attempts not followed by a success within
:data:`ADDRESS_WINDOW` across all accounts, then it is refused for
:data:`ADDRESS_WINDOW`.  A success gives its reservation back, so a room whose
desks share one address (NAT, the embedded server) is not locked by its normal
use.  Consequences: one attacker address can lock at most
``ADDRESS_LIMIT // LOCK_AFTER`` (5) accounts per window, and is then refused
itself — it cannot lock every account of the room, and each lock it causes is
logged; the address lock refuses only that address, so a user at another desk
logs in to their own account during and after an attack on someone else's.
The account lock applies from every address, since an attack may come from many.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import LoginThrottle, User, UTCDateTime, utcnow
from app.models.journal import AuditEvent

log = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"

THROTTLE_AFTER = 3
LOCK_AFTER = 10
LOCK_MINUTES = 15
MAX_DELAY_S = 60
#: An account's count starts again when its first attempt is older than this.
ACCOUNT_MEMORY = timedelta(hours=24)
#: Attempts an address may make without success in :data:`ADDRESS_WINDOW`, whatever the accounts.
ADDRESS_LIMIT = 50
ADDRESS_WINDOW = timedelta(minutes=15)

#: The clock every decision reads (tests replace it).
clock = utcnow


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was not reserved, and for how long (what the 429 says)."""

    kind: str
    failures: int
    retry_after_s: int

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after_s / 60)
        if self.kind == ADDRESS:
            return (f"Trop d'échecs de connexion depuis ce poste : réessayez dans {minutes} min "
                    "ou contactez l'administrateur")
        if self.failures >= LOCK_AFTER:
            return (f"Compte verrouillé après {self.failures} échecs : réessayez dans {minutes} min "
                    "ou contactez l'administrateur")
        return f"Trop de tentatives : réessayez dans {self.retry_after_s} s"


def account_key(username: str) -> str:
    return hashlib.sha256(("login-account:" + username).encode("utf-8")).hexdigest()


def address_key(address: str | None) -> str:
    return (address or "inconnue")[:64]


def delay_after(failures: int) -> timedelta | None:
    """How long no attempt is accepted after the ``failures``-th on an account (None: at once)."""
    if failures >= LOCK_AFTER:
        return timedelta(minutes=LOCK_MINUTES)
    if failures >= THROTTLE_AFTER:
        return timedelta(seconds=min(MAX_DELAY_S, 2 ** (failures - THROTTLE_AFTER)))
    return None


def reserve(session: Session, username: str, address: str | None, now: datetime) -> tuple[int, Refusal | None]:
    """Reserve one attempt for ``address`` then ``username`` in the caller's transaction.

    Returns (the account's attempt number, None) when the password may be checked, or
    (0, the refusal): the caller must then roll the transaction back.  The address row is
    always locked first, so concurrent logins never deadlock.
    """
    _, refusal = _reserve_one(session, ADDRESS, address_key(address), now)
    if refusal is not None:
        return 0, refusal
    return _reserve_one(session, ACCOUNT, account_key(username), now)


def _at(moment: datetime):
    """A time as an SQL value of the column's type (UTC, naive on SQLite)."""
    return literal(moment, UTCDateTime())


def _lock_for(kind: str, failures, now: datetime):
    """SQL expression: the ``locked_until`` after the ``failures``-th attempt."""
    if kind == ADDRESS:
        return case((failures >= ADDRESS_LIMIT, _at(now + ADDRESS_WINDOW)), else_=None)
    steps = [(failures == n, _at(now + delay_after(n))) for n in range(THROTTLE_AFTER, LOCK_AFTER)]  # type: ignore[operator]
    return case((failures >= LOCK_AFTER, _at(now + timedelta(minutes=LOCK_MINUTES))), *steps, else_=None)


def _reserve_one(session: Session, kind: str, key: str, now: datetime) -> tuple[int, Refusal | None]:
    table = LoginThrottle.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(table).values(kind=kind, key=key, failures=0, window_start=now, locked_until=None)
                    .on_conflict_do_nothing(index_elements=["kind", "key"]))
    row = LoginThrottle.kind == kind, LoginThrottle.key == key
    period = ADDRESS_WINDOW if kind == ADDRESS else ACCOUNT_MEMORY
    expired = LoginThrottle.window_start <= now - period
    failures = case((expired, 1), else_=LoginThrottle.failures + 1)
    reserved = session.execute(
        update(LoginThrottle)
        .where(*row, or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now))
        .values(failures=failures, window_start=case((expired, _at(now)), else_=LoginThrottle.window_start),
                locked_until=_lock_for(kind, failures, now))
        .returning(LoginThrottle.failures)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if reserved is not None:
        if kind == ADDRESS and reserved == ADDRESS_LIMIT:
            log.warning("login: address %s refused for %s after %d attempts", key, ADDRESS_WINDOW, reserved)
        elif kind == ACCOUNT and reserved == LOCK_AFTER:  # the name may be unknown, or a password: not logged
            log.warning("login: an account name is locked for %d min after %d attempts", LOCK_MINUTES, reserved)
        return reserved, None
    held = session.execute(select(LoginThrottle.failures, LoginThrottle.locked_until).where(*row)).one()
    wait = (held.locked_until - now).total_seconds() if held.locked_until is not None else 1
    return 0, Refusal(kind, held.failures, max(1, math.ceil(wait)))


def succeeded(session: Session, username: str, address: str | None, now: datetime) -> None:
    """The password was right: reset the account's count and give the address its attempt back."""
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.kind == ACCOUNT, LoginThrottle.key == account_key(username))
                    .values(failures=0, window_start=now, locked_until=None)
                    .execution_options(synchronize_session=False))
    left = case((LoginThrottle.failures > 0, LoginThrottle.failures - 1), else_=0)
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.kind == ADDRESS, LoginThrottle.key == address_key(address))
                    .values(failures=left,
                            locked_until=case((left < ADDRESS_LIMIT, None), else_=LoginThrottle.locked_until))
                    .execution_options(synchronize_session=False))
    # Forget counters nobody needs any more (their window is over and they hold no lock).
    session.execute(delete(LoginThrottle).where(
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        or_(LoginThrottle.window_start <= now - ACCOUNT_MEMORY,
            (LoginThrottle.kind == ADDRESS) & (LoginThrottle.window_start <= now - ADDRESS_WINDOW)),
    ).execution_options(synchronize_session=False))


def unlock_account(session: Session, username: str, now: datetime) -> bool:
    """Forget ``username``'s attempts (administrator); True when it was refusing logins at ``now``."""
    row = LoginThrottle.kind == ACCOUNT, LoginThrottle.key == account_key(username)
    locked_until = session.scalar(select(LoginThrottle.locked_until).where(*row))
    session.execute(delete(LoginThrottle).where(*row).execution_options(synchronize_session=False))
    return locked_until is not None and locked_until > now


def admin_unlock(session: Session, username: str, *, by: str, role: str, now: datetime) -> bool | None:
    """An administrator unlocks ``username``: its count is forgotten and the act written to the audit trail.

    None when there is no such account (nothing written); else whether it was refusing logins.
    """
    if session.scalar(select(User.id).where(User.username == username)) is None:
        return None
    was_locked = unlock_account(session, username, now)
    session.add(AuditEvent(at=now, username=by[:64], role=role[:16], action="admin.users.unlock",
                           object_uuid=username[:64], outcome="unlocked" if was_locked else "not_locked"))
    return was_locked


def unlock_address(session: Session, address: str, now: datetime) -> bool:
    """Forget an address's attempts (administrator); True when it was refusing logins at ``now``."""
    row = LoginThrottle.kind == ADDRESS, LoginThrottle.key == address_key(address)
    locked_until = session.scalar(select(LoginThrottle.locked_until).where(*row))
    session.execute(delete(LoginThrottle).where(*row).execution_options(synchronize_session=False))
    return locked_until is not None and locked_until > now
