"""The ``sas`` command: console, server, demo data, journal verification.

Sub-commands import what they need lazily, so ``sas server`` never loads Qt
and ``sas demo-data`` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from app import __version__, cli_address, cli_admin, cli_agendas, cli_fhir, cli_hub, cli_telephony

log = logging.getLogger("app")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sas", description="Console de régulation SAMU / SAS")
    parser.add_argument("--version", action="version", version=f"sas {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="journalisation détaillée")
    sub = parser.add_subparsers(dest="command", required=True)

    console = sub.add_parser("console", help="ouvrir la console (serveur local embarqué par défaut)")
    console.add_argument("--server", metavar="URL", help="adresse du serveur central (sinon serveur local)")
    console.add_argument("--data-dir", metavar="DIR", help="dossier des données locales")
    console.add_argument("--screenshot", metavar="FILE.png",
                         help="ouvrir la fenêtre, attendre la carte, écrire une capture PNG et quitter")
    console.add_argument("--panel", default="appel",
                         choices=["appel", "rendez-vous", "superviseur", "revue", "parametres", "verrou"],
                         help="avec --screenshot : le panneau à capturer (appel par défaut)")
    console.add_argument("--user", metavar="NOM", help="se connecter sans dialogue (avec --password)")
    console.add_argument("--password", metavar="MDP", help=argparse.SUPPRESS)
    console.add_argument("--as", dest="as_user", metavar="NOM",
                         help="se connecter sans dialogue sous ce compte (mot de passe : variable SAS_PASSWORD)")
    console.add_argument("--open-case", metavar="DOSSIER",
                         help="avec --screenshot : ouvrir ce dossier (numéro fr.health.samu…, numéro court ou uuid) "
                              "comme le rôle l'ouvre depuis sa file, puis capturer")
    console.add_argument("--departement", metavar="CODE", help="département du territoire de démonstration")
    console.add_argument("--self-test", action="store_true",
                         help="auto-test hors ligne (données jetables, serveur embarqué, carte, capture vérifiée) "
                              "puis quitter : 0 si tout va bien")
    console.add_argument("--out", metavar="FILE.png", help="avec --self-test : où écrire la capture")
    console.add_argument("--timeout", metavar="S", type=float, default=60.0,
                         help="avec --self-test : délai maximal en secondes (60 par défaut)")

    server = sub.add_parser("server", help="lancer le serveur central")
    server.add_argument("--db", metavar="URL", default="sqlite:///sas-server.db",
                        help="URL SQLAlchemy de la base (SQLite ou PostgreSQL)")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8765)
    server.add_argument("--tls-cert", metavar="FICHIER.pem", help="certificat TLS du serveur (HTTPS)")
    server.add_argument("--tls-key", metavar="FICHIER.pem", help="clé privée du certificat TLS")
    server.add_argument("--workers", metavar="N", type=int, default=1,
                        help="processus serveur sur le même port, sur la même base (1 par défaut) ; "
                             "chacun connecté au Hub Santé s'il est configuré (une seule file d'envoi, en base)")
    server.add_argument("--max-body-mb", metavar="Mo", type=float, default=1.0,
                        help="taille maximale d'un corps de requête en mégaoctets (1 par défaut ; 413 au-delà)")
    server.add_argument("--hub-url", metavar="amqp://…", default=os.environ.get("SAS_HUB_URL") or None,
                        help="courtier AMQP du Hub Santé, vhost compris (ou SAS_HUB_URL, qui garde le mot de passe "
                             "hors de la liste des processus)")
    server.add_argument("--hub-client-id", metavar="ID", default=os.environ.get("SAS_HUB_CLIENT_ID") or None,
                        help="identifiant Hub Santé de ce SAMU, ex. fr.health.samu670 (ou SAS_HUB_CLIENT_ID)")

    server.add_argument("--departement", metavar="CODE", default=os.environ.get("SAS_DEPARTEMENT") or None,
                        help="département du SAMU, qui donne l'heure de la salle (ou SAS_DEPARTEMENT ; "
                             "défaut : celui de --hub-client-id, sinon 67)")
    server.add_argument("--journal-key", metavar="FICHIER", default=None,
                        help="clé du journal, créée (0600) au premier démarrage (défaut : SAS_JOURNAL_KEY_FILE, "
                             "sinon journal-chain.key du dossier de données)")
    server.add_argument("--editors", metavar="FICHIER.toml", default=None,
                        help="registre des éditeurs d'agendas (TOML) : créneaux tenus à jour depuis leurs serveurs")
    cli_admin.add_journal_parser(sub)

    demo = sub.add_parser("demo-data", help="construire le territoire de démonstration dans une base")
    demo.add_argument("--departement", default="67", metavar="CODE")
    demo.add_argument("--db", metavar="URL", required=True)
    demo.add_argument("--national", action="store_true",
                      help="jeu national : tous les départements, ~100 000 effecteurs, ~1 000 000 créneaux (base vide)")
    cli_hub.add_parser(sub)
    cli_admin.add_parser(sub)
    cli_fhir.add_parser(sub)
    cli_agendas.add_parser(sub)
    cli_address.add_parser(sub)
    cli_telephony.add_parser(sub)
    return parser


def _cmd_server(args: argparse.Namespace) -> int:
    from app.server.run import serve

    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert et --tls-key vont ensemble", file=sys.stderr)
        return 2
    if bool(args.hub_url) != bool(args.hub_client_id):
        print("--hub-url et --hub-client-id vont ensemble", file=sys.stderr)
        return 2
    hub = None
    if args.hub_url:
        from app.server.hub.broker import HubConfig

        hub = HubConfig(url=args.hub_url, client_id=args.hub_client_id)
    if args.max_body_mb <= 0:
        print("--max-body-mb doit être positif", file=sys.stderr)
        return 2
    from app.codes import places

    if args.departement and places.normalize_departement(args.departement) is None:
        print(f"--departement « {args.departement} » : 01 à 95, 2A, 2B ou 971 à 976", file=sys.stderr)
        return 2
    if not 1 <= args.workers <= 64:
        print("--workers doit être entre 1 et 64", file=sys.stderr)
        return 2
    editors = None
    if args.editors:
        from app.services.agendas import registry

        try:
            editors = registry.load(args.editors)
        except registry.RegistryError as exc:
            print(f"--editors : {exc}" if not str(exc).startswith("--editors") else str(exc), file=sys.stderr)
            return 2
    serve(args.db, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key, hub=hub,
          journal_key=args.journal_key, max_body_bytes=int(args.max_body_mb * 1_000_000),
          departement=args.departement, workers=args.workers, editors=editors)
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from app.demo import territory as demo_data
    from app.services.security.auth import hash_password

    if args.national:
        from app.demo.national import build_national

        try:
            summary = build_national(args.db, hash_password=hash_password, progress=print)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    else:
        summary = demo_data.build_demo_database(args.db, departement=args.departement, hash_password=hash_password)
    print(summary.describe() if hasattr(summary, "describe") else summary)
    print("\nComptes de démonstration :")
    for username, password, role, display_name in demo_data.DEMO_ACCOUNTS:
        print(f"  {username:<12} {password:<18} {role:<12} {display_name}")
    return 0


def _cmd_console(args: argparse.Namespace) -> int:
    if args.self_test:
        from app.ui.shell.self_test import run_self_test

        return run_self_test(args)
    from app.ui.shell.app import run_console

    return run_console(args)


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every URL at INFO; search URLs carry the patient's coordinates.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    handlers = {"server": _cmd_server, "demo-data": _cmd_demo_data, "console": _cmd_console,
                "journal": cli_admin.run_journal, "hub": cli_hub.run, "fhir": cli_fhir.run,
                "purge": cli_admin.run, "admin": cli_admin.run, "address": cli_address.run, "agendas": cli_agendas.run,
                "telephony": cli_telephony.run}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
