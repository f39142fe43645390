"""The ``sas fhir`` commands: SAS FHIR agenda bundles (issue 6, part 6).

* ``sas fhir import FILE --db URL [--editeur NOM] [--by COMPTE]`` reads a searchset Bundle
  (a slot search result of an agenda editor: individual PS, CPTS or SOS Médecins), stores
  its free slots with their effecteurs and places through the regulation core's
  :func:`~app.services.regulation.commands.import_agenda_slots` (role checked, audited),
  and prints in French what was added or updated.  The act is made for ``--by``'s account
  or the command line's technical administrator (:mod:`app.cli_actor`).  Exit 0; exit 1
  with a message naming the problem when the file cannot be read as a Bundle, the
  account is unknown, or its role may not import.

Only counts and reasons are printed, never the practitioners' identifiers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``fhir import`` on the ``sas`` sub-parsers."""
    fhir = sub.add_parser("fhir", help="agendas des éditeurs (FHIR SAS)")
    fhir_sub = fhir.add_subparsers(dest="fhir_command", required=True)
    imp = fhir_sub.add_parser("import", help="importer les créneaux libres d'un Bundle FHIR searchset")
    imp.add_argument("file", metavar="FICHIER")
    imp.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base")
    imp.add_argument("--editeur", metavar="NOM", default="fhir",
                     help="nom de l'éditeur, source des créneaux (défaut : fhir)")
    imp.add_argument("--by", metavar="COMPTE", default=None,
                     help="compte de la base au nom duquel importer (rôle ADMIN) ; défaut : l'administrateur "
                          "technique cli:<utilisateur du système>")


def _load(name: str):
    """(ParsedBundle, None) or (None, French error)."""
    from app.services.interop.fhir.bundle import BundleError, parse_bundle

    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, f"{name} : fichier introuvable"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{name} : fichier illisible ({type(exc).__name__})"
    try:
        document = json.loads(text)
    except ValueError as exc:
        where = f"ligne {getattr(exc, 'lineno', '?')}, colonne {getattr(exc, 'colno', '?')}"
        return None, f"{name} : JSON invalide ({where})"
    try:
        return parse_bundle(document), None
    except BundleError as exc:
        return None, f"{name} : {exc}"


def _import(args: argparse.Namespace) -> int:
    parsed, error = _load(args.file)
    if error:
        print(error, file=sys.stderr)
        return 1
    from app import cli_actor
    from app.services.regulation import commands

    change = cli_actor.act_in_database(args.db, args.by, lambda session, actor: commands.import_agenda_slots(
        session, actor, parsed.slots, source=args.editeur))
    if change is None:
        return 1
    counts = change.document
    print(f"{args.file} : {len(parsed.slots)} créneau(x) libre(s) lu(s) dans le Bundle.")
    print(counts.describe())
    for warning in parsed.warnings:
        print(f"  - {warning}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``sas fhir <command>``."""
    return _import(args)
