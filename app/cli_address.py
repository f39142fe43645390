"""The ``sas address`` commands: the address database of the server (Base Adresse Nationale).

* ``sas address import FILE.csv --db URL`` imports a BAN ``adresses-XX.csv`` (or
  ``.csv.gz``) into the server's database, streamed in batches with a progress
  line, and prints what it read, wrote and skipped.  Re-importing the same or a
  newer file updates the points (by their BAN id), never duplicates them.
  Exit 0; exit 1 with a French message naming the problem (missing file, not a
  BAN file).

Only counts are printed, never addresses.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``address import`` on the ``sas`` sub-parsers."""
    address = sub.add_parser("address", help="base d'adresses du serveur (Base Adresse Nationale)")
    address_sub = address.add_subparsers(dest="address_command", required=True)
    imp = address_sub.add_parser("import", help="importer un fichier BAN adresses-XX.csv (séparateur « ; »)")
    imp.add_argument("file", metavar="FICHIER.csv")
    imp.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base du serveur")
    imp.add_argument("--batch", metavar="N", type=int, default=5000, help="adresses par lot (5000 par défaut)")


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"{args.file} : fichier introuvable", file=sys.stderr)
        return 1
    if args.batch < 1:
        print("--batch doit être positif", file=sys.stderr)
        return 2
    from app.models.db import open_database
    from app.services.reference.ban_import import BanFormatError, import_file

    started = time.monotonic()

    def progress(report) -> None:
        rate = report.read / max(time.monotonic() - started, 1e-6)
        print(f"\r  {report.read:>9,} lignes lues, {report.written:>9,} adresses enregistrées "
              f"({rate:,.0f} lignes/s)".replace(",", " "), end="", file=sys.stderr, flush=True)

    engine, sessions = open_database(args.db)
    try:
        report = import_file(sessions, path, batch_size=args.batch, progress=progress)
    except BanFormatError as exc:
        print(f"\n{args.file} : {exc}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"\n{args.file} : fichier illisible (UTF-8 attendu)", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(file=sys.stderr)
    print(f"{args.file} : {report.read} ligne(s) lue(s), {report.written} adresse(s) enregistrée(s) "
          f"en {time.monotonic() - started:.1f} s.")
    for reason, count in sorted(report.skipped.items()):
        print(f"  - {count} ligne(s) ignorée(s) : {reason}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``sas address <command>``."""
    return _import(args)
