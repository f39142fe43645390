"""Administration commands: ``sas purge`` (retention), ``sas journal`` (integrity), ``sas admin unlock``.

``sas purge --db URL [--older-than-days N] [--dry-run] [--by NAME] [--cache]`` removes
the cases older than the retention period (default ``SAS_RETENTION_DAYS`` or 20
years, see :mod:`app.services.records.retention`), prints how many, and exits 0; 2 for a
bad argument.  ``--dry-run`` only counts.  ``--cache`` is for a console's local
cache (no purge checkpoint: the server's arrives with the next journal pull).
Only counts are printed, never a name.  On a sealed journal the purge needs the
server's key (``--journal-key``, ``SAS_JOURNAL_KEY_FILE`` or the data dir's).

``sas journal verify --db URL [--journal-key FILE] [--anchors FILE]`` checks the
chain with the server key and the signed anchors (see
:mod:`app.services.records.journal`): exit 0 when it holds, 1 naming what is
wrong and where, 2 for an unusable key file.  Without a key file it checks what
it can and fails (1) if the journal holds keyed entries.  ``sas journal
checkpoint --db URL`` anchors the head now.  The key is never printed.

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
    purge.add_argument("--journal-key", metavar="FICHIER", help=_KEY_HELP)
    admin = sub.add_parser("admin", help="administration des comptes")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    unlock = admin_sub.add_parser("unlock", help="déverrouiller un compte bloqué après des échecs de connexion")
    unlock.add_argument("username", metavar="IDENTIFIANT", help="identifiant du compte")
    unlock.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base du serveur")
    unlock.add_argument("--by", metavar="NOM", default=None, help="auteur inscrit à l'audit")


_KEY_HELP = "fichier de la clé du journal (défaut : SAS_JOURNAL_KEY_FILE, sinon celui du dossier de données)"


def add_journal_parser(sub) -> None:
    """Register ``journal verify`` and ``journal checkpoint`` on the ``sas`` sub-parsers."""
    journal = sub.add_parser("journal", help="outils du journal partagé")
    journal_sub = journal.add_subparsers(dest="journal_command", required=True)
    verify = journal_sub.add_parser("verify", help="vérifier la chaîne du journal, sa clé et ses points d'ancrage")
    checkpoint = journal_sub.add_parser("checkpoint", help="écrire maintenant un point d'ancrage signé du journal")
    checkpoint.add_argument("--by", metavar="NOM", default=None, help="auteur inscrit à l'audit")
    for command in (verify, checkpoint):
        command.add_argument("--db", metavar="URL", required=True, help="URL SQLAlchemy de la base")
        command.add_argument("--journal-key", metavar="FICHIER", help=_KEY_HELP)
        command.add_argument("--anchors", metavar="FICHIER",
                             help="fichier des points d'ancrage (défaut : SAS_JOURNAL_ANCHOR_FILE, "
                                  "sinon journal-anchors.jsonl du dossier de données)")


def _bound_seal(args: argparse.Namespace, engine, *, required: bool):
    """The server key bound to ``engine``, None when there is no key file and it is not ``required``."""
    from app.services.records import journal_key

    if not required and not journal_key.key_path(args.journal_key).exists():
        return None
    seal = journal_key.load_seal(args.journal_key, anchors=getattr(args, "anchors", None))
    return journal_key.bind(engine, seal)


def run_journal(args: argparse.Namespace) -> int:
    """``sas journal verify|checkpoint``; see the module docstring for exit codes."""
    from app.models.db import open_database
    from app.services.records import journal, journal_anchor, journal_key

    engine, sessions = open_database(args.db, migrate=False)
    try:
        seal = _bound_seal(args, engine, required=args.journal_command == "checkpoint")
        with sessions() as session:
            if args.journal_command == "checkpoint":
                anchor = journal_anchor.checkpoint(session, seal, who=args.by or getpass.getuser())
                print(f"Point d'ancrage signé écrit : entrée n° {anchor.seq}." if anchor else
                      "Rien à ancrer : journal vide, ou sa tête est déjà ancrée.")
                return 0
            report = journal.verify(session, seal=seal)
    except journal_key.JournalKeyError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        journal_key.unbind(engine)
        engine.dispose()
    print(report.describe())
    if report.ok and report.unverified:
        print(f"Clé du journal introuvable ({journal_key.key_path(args.journal_key)}) : "
              "indiquez --journal-key FICHIER pour vérifier les empreintes à clé.", file=sys.stderr)
        return 1
    return 0 if report.ok else 1


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
    from app.services.records import journal_key

    engine, sessions = open_database(args.db)
    try:
        if not args.cache:
            _bound_seal(args, engine, required=False)
        with sessions() as session:
            report = retention.purge(session, older_than_days=days, who=args.by or getpass.getuser(),
                                     dry_run=args.dry_run, checkpoint=not args.cache)
    except journal_key.JournalKeyError as exc:
        print(f"Purge impossible : {exc}", file=sys.stderr)
        return 2
    finally:
        journal_key.unbind(engine)
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
