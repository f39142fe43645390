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
import sys
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from app.services.regulation.actor import Actor
from app.services.security.sessions import actor_of

T = TypeVar("T")

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


def act_in_database(db_url: str, by: str | None, act: Callable[[Session, Actor], T]) -> T | None:
    """Run ``act`` for ``--by``'s actor in one committed transaction; None (reason printed, French) if refused.

    The core's refusal (:class:`~app.services.regulation.errors.Refused`) and an unknown
    ``--by`` both print « Import refusé : … » on stderr and leave the database untouched.
    """
    from app.models.db import open_database
    from app.services.regulation.errors import Refused

    engine, sessions = open_database(db_url)
    try:
        with sessions() as session:
            actor, why = resolve(session, by)
            if actor is None:
                print(f"Import refusé : {why}", file=sys.stderr)
                return None
            try:
                done = act(session, actor)
            except Refused as exc:
                print(f"Import refusé : {exc.message}", file=sys.stderr)
                return None
            session.commit()
            return done
    finally:
        engine.dispose()
