"""The ``sas agendas`` commands: the live agendas' per-effecteur editors (issue 14).

* ``sas agendas import-editors FICHIER.csv --db URL [--editors REGISTRE.toml] [--by COMPTE]``
  reads the CSV (effecteur's national identifier or effecteur id; editor's name), and
  sets each named effecteur's editors through the core's
  :func:`~app.services.agendas.assignments.import_effecteur_editors` (technical
  administrator only, audited, all or nothing).  With ``--editors`` the names are checked
  against the registry.  Exit 0; 1 with a French message naming the line and column when
  the file is refused, the account unknown or its role not allowed; 2 for an unusable
  registry.

Only counts are printed, never the practitioners' identifiers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``agendas import-editors`` on the ``sas`` sub-parsers."""
    agendas = sub.add_parser("agendas", help="agendas en direct des éditeurs")
    agendas_sub = agendas.add_subparsers(dest="agendas_command", required=True)
    imp = agendas_sub.add_parser("import-editors", help="importer les éditeurs de chaque effecteur (CSV)")
    imp.add_argument("file", metavar="FICHIER.csv")
    imp.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base")
    imp.add_argument("--editors", metavar="FICHIER.toml", default=None,
                     help="registre des éditeurs : les noms du CSV doivent y figurer")
    imp.add_argument("--by", metavar="COMPTE", default=None,
                     help="compte de la base au nom duquel importer (rôle ADMIN) ; défaut : l'administrateur "
                          "technique cli:<utilisateur du système>")


def _import_editors(args: argparse.Namespace) -> int:
    from app import cli_actor
    from app.services.agendas import assignments, registry

    known = None
    if args.editors:
        try:
            known = {e.name for e in registry.load(args.editors).editors}
        except registry.RegistryError as exc:
            print(f"--editors : {exc}", file=sys.stderr)
            return 2
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        print(f"{args.file} : fichier introuvable", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file} : fichier illisible ({type(exc).__name__})", file=sys.stderr)
        return 1
    rows = assignments.read_csv(text)
    change = cli_actor.act_in_database(args.db, args.by, lambda session, actor: assignments.import_effecteur_editors(
        session, actor, rows, known_editors=known))
    if change is None:
        return 1
    summary = change.summary
    print(f"{args.file} : {summary['effecteurs']} effecteur(s), {summary['links']} lien(s) effecteur–éditeur "
          f"({', '.join(summary['editors'])}).")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``sas agendas <command>``."""
    return _import_editors(args)
