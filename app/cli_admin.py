"""The ``sas purge`` command: data retention on a server database or a console's cache.

``sas purge --db URL [--older-than-days N] [--dry-run] [--by NAME] [--cache]`` removes
the cases older than the retention period (default ``SAS_RETENTION_DAYS`` or 20
years, see :mod:`app.services.records.retention`), prints how many, and exits 0; 2 for a
bad argument.  ``--dry-run`` only counts.  ``--cache`` is for a console's local
cache (no purge checkpoint: the server's arrives with the next journal pull).
Only counts are printed, never a name.
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


def run(args: argparse.Namespace) -> int:
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
