"""Users' sessions on the server: find the account of a login, issue, revoke and end bearer tokens.

Only the SHA-256 of a token is stored (:func:`app.services.security.auth.token_hash`); the
token itself is returned once and never logged.  A login that names its desk ends the
user's older tokens on that desk; a logout revokes the token it came with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models import AuthToken, User
from app.services.regulation.actor import Actor
from app.services.security import auth


@dataclass(frozen=True)
class Account:
    """What a login needs of a user row."""

    username: str
    role: str
    display_name: str
    password_hash: str
    active: bool
    user_id: int


def find_account(session: Session, username: str) -> Account | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return None
    return Account(user.username, user.role, user.display_name, user.password_hash, user.active, user.id)


def actor_of(session: Session, username: str) -> Actor | None:
    """The active account ``username`` as the actor of a command (the CLI's ``--by``), or None."""
    account = find_account(session, username)
    if account is None or not account.active:
        return None
    return Actor(user_id=account.user_id, username=account.username, role=account.role,
                 display_name=account.display_name)


def issue_token(session: Session, account: Account, now: datetime, desk_id: str | None) -> tuple[str, datetime]:
    """A new bearer token for ``account`` (and its expiry); the desk's older tokens of that user end."""
    token, digest = auth.new_token()
    expires_at = now + timedelta(hours=auth.TOKEN_TTL_HOURS)
    session.execute(delete(AuthToken).where(AuthToken.expires_at <= now))
    if desk_id is not None:
        session.execute(update(AuthToken)
                        .where(AuthToken.user_id == account.user_id, AuthToken.desk_id == desk_id,
                               AuthToken.revoked_at.is_(None))
                        .values(revoked_at=now).execution_options(synchronize_session=False))
    session.add(AuthToken(token_hash=digest, user_id=account.user_id, created_at=now, expires_at=expires_at,
                          desk_id=desk_id))
    return token, expires_at


def revoke_token(session: Session, digest: str, now: datetime) -> None:
    """Revoke the token whose hash is ``digest``: any later use of it gets 401."""
    session.execute(update(AuthToken).where(AuthToken.token_hash == digest, AuthToken.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))


@dataclass(frozen=True)
class TokenCheck:
    """What the database says of a bearer token: its actor and expiry, or why it is refused (French)."""

    actor: Actor | None
    expires_at: datetime | None
    refusal: str | None = None


def check_token(session: Session, digest: str, now: datetime) -> TokenCheck:
    """The actor of the token whose hash is ``digest``, or the French reason it is refused at ``now``."""
    row = session.execute(
        select(AuthToken.expires_at, AuthToken.revoked_at, User.id, User.username, User.role, User.display_name,
               User.active)
        .join(User, User.id == AuthToken.user_id)
        .where(AuthToken.token_hash == digest)
    ).first()
    if row is None:
        return TokenCheck(None, None, "Jeton inconnu : reconnectez-vous")
    if row.revoked_at is not None:
        return TokenCheck(None, None, "Session fermée (déconnexion ou nouvelle connexion sur ce poste) : "
                                      "reconnectez-vous")
    if row.expires_at <= now:
        return TokenCheck(None, None, "Session expirée : reconnectez-vous")
    if not row.active:
        return TokenCheck(None, None, "Compte désactivé")
    actor = Actor(user_id=row.id, username=row.username, role=row.role, display_name=row.display_name)
    return TokenCheck(actor, row.expires_at)
