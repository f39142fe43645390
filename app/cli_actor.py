"""Who a ``sas`` command acts for: a named account of the database, or the command line's technical actor.

The CLI writes through the regulation core like every other path, so each command
needs an :class:`~app.services.regulation.actor.Actor`.  ``--by COMPTE`` names an
active account of the database: its role is the one the core checks, exactly as for a
token on the HTTP API.  Without ``--by`` the act is the technical administrator's of
this machine (``cli:<system user>``, role ADMIN): whoever runs ``sas`` holds the
database's address already, and the audit trail names them.
"""

from __future__ import annotations

import getpass

from sqlalchemy.orm import Session

from app.services.regulation.actor import Actor
from app.services.security.sessions import actor_of

#: Prefix of the technical actor's name in the audit trail.
TECHNICAL_PREFIX = "cli:"


def technical_actor() -> Actor:
    """The operator running ``sas`` on this machine, as the technical administrator."""
    return Actor(username=f"{TECHNICAL_PREFIX}{getpass.getuser()}"[:64], role="ADMIN",
                 display_name="Administrateur technique (ligne de commande)")


def resolve(session: Session, by: str | None) -> tuple[Actor | None, str | None]:
    """(the actor, None), or (None, the French reason) when ``--by`` names no active account."""
    if by is None:
        return technical_actor(), None
    actor = actor_of(session, by)
    if actor is None:
        return None, f"--by : compte inconnu ou désactivé ({by})"
    return actor, None
