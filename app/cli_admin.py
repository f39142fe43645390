"""Administration commands: ``sas purge`` (data retention) and ``sas admin unlock`` (locked accounts).

``sas purge --db URL [--older-than-days N] [--dry-run] [--by NAME] [--cache]`` removes
the cases older than the retention period (default ``SAS_RETENTION_DAYS`` or 20
years, see :mod:`app.services.records.retention`), prints how many, and exits 0; 2 for a
bad argument.  ``--dry-run`` only counts.  ``--cache`` is for a console's local
cache (no purge checkpoint: the server's arrives with the next journal pull).
Only counts are printed, never a name.

``sas admin unlock USERNAME --db URL [--by NAME]`` forgets the failed logins of an account
locked by the login throttle (:mod:`app.services.security.login_throttle`), writes the act to
the audit trail, and exits 0; 1 when there is no such account.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def add_parser(sub) -> None:
    """Register ``purge`` on the ``sas`` sub-parsers."""
    purge = sub.add_parser("purge", help="effacer les dossiers plus anciens que la durée de conservation")
    purge.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base")
    purge.add_argument("--older-than-days", metavar="N", type=int, default=None,
                       help="durée de conservation en jours (défaut : SAS_RETENTION_DAYS, sinon 7305 = 20 ans)")
    purge.add_argument("--dry-run", action="store_true", help="compter sans rien effacer")
    purge.add_argument("--by", metavar="NOM", default=None, help="auteur inscrit au journal et à l'audit")
    purge.add_argument("--cache", action="store_true", help="base locale d'une console (pas de point de purge)")

    admin = sub.add_parser("admin", help="administration des comptes")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    unlock = admin_sub.add_parser("unlock", help="déverrouiller un compte bloqué après des échecs de connexion")
    unlock.add_argument("username", metavar="IDENTIFIANT", help="identifiant du compte")
    unlock.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base du serveur")
    unlock.add_argument("--by", metavar="NOM", default=None, help="auteur inscrit à l'audit")


def run(args: argparse.Namespace) -> int:
    if args.command == "admin":
        return _unlock(args)
    from app.models.db import open_database
    from app.services.records import retention

    try:
        days = args.older_than_days if args.older_than_days is not None else retention.retention_days()
        if days < 1:
            raise ValueError("--older-than-days doit être d'au moins 1 jour")
    except ValueError as exc:
        print(f"Durée de conservation invalide : {exc}", file=sys.stderr)
        return 2
    engine, sessions = open_database(args.db)
    try:
        with sessions() as session:
            report = retention.purge(session, older_than_days=days, who=args.by or getpass.getuser(),
                                     dry_run=args.dry_run, checkpoint=not args.cache)
    finally:
        engine.dispose()
    print(report.describe())
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from app.models.db import open_database
    from app.services.security import login_throttle

    engine, sessions = open_database(args.db)
    try:
        with sessions() as session:
            was_locked = login_throttle.admin_unlock(session, args.username, by=args.by or getpass.getuser(),
                                                     role="ADMIN", now=login_throttle.clock())
            session.commit()
    finally:
        engine.dispose()
    if was_locked is None:
        print(f"Compte inconnu : {args.username}", file=sys.stderr)
        return 1
    print(f"Compte {args.username} déverrouillé" if was_locked
          else f"Compte {args.username} : aucun verrouillage en cours (compteur remis à zéro)")
    return 0
