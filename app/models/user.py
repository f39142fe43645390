"""Users of the room and their roles, the server's login tokens and its login throttle counters."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Role(str, enum.Enum):
    """Roles of the regulation room (see domain.md A.1)."""

    ARM = "ARM"
    OSNP = "OSNP"
    MRL = "MRL"
    MRU = "MRU"
    SUPERVISEUR = "SUPERVISEUR"
    ADMIN = "ADMIN"
    #: The Hub Santé connector's technical account: posts Hub messages, nothing else.
    HUB = "HUB"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def hub_operator_role(self) -> str:
        """The Hub ``operator.role`` value for notes and decisions written by this role."""
        return {Role.MRL: "MEDECIN", Role.MRU: "MEDECIN", Role.ARM: "ARM"}.get(self, "AUTRE")


ROLE_LABELS = {
    Role.ARM: "Assistant de régulation médicale",
    Role.OSNP: "Opérateur de soins non programmés",
    Role.MRL: "Médecin régulateur libéral",
    Role.MRU: "Médecin régulateur urgentiste",
    Role.SUPERVISEUR: "Superviseur (chef de salle)",
    Role.ADMIN: "Administrateur",
    Role.HUB: "Connecteur Hub Santé (compte technique)",
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Superseded by :class:`LoginThrottle` (revision 0005); kept so a downgrade finds its data.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Superseded by :class:`LoginThrottle` (revision 0005).
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    #: The user's regulator id on the national SAS platform (IDNPS or INTRN), to match its appointments.
    regulator_id: Mapped[str | None] = mapped_column(String(64), default=None)

    tokens: Mapped[list[AuthToken]] = relationship(back_populates="user", cascade="all, delete-orphan")


class AuthToken(Base):
    """A bearer token; only its SHA-256 is stored, never the token itself."""

    __tablename__ = "auth_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    #: Set by a logout, an administrator or a newer login on the same desk: the token is refused from then on.
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The desk the login came from (as the console sent it), to end that desk's older tokens.
    desk_id: Mapped[str | None] = mapped_column(String(64), default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginThrottle(Base):
    """Login attempts counted per account name or per source address (see :mod:`login_throttle`).

    ``key`` is the SHA-256 of the name typed (so a password typed in the wrong field is not kept in
    clear, and unknown names are counted exactly like real ones), or the client's address.
    """

    __tablename__ = "login_throttle"

    #: ``account`` or ``address``.
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Attempts reserved in the current window and not cancelled by a success.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    window_start: Mapped[datetime]
    #: No attempt reserved before this time (slowed down, then locked).
    locked_until: Mapped[datetime | None] = mapped_column(default=None, index=True)
