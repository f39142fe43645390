"""The ``sas hub`` commands: validate Hub Santé messages, send an envelope to a server.

* ``sas hub validate FILE...`` prints each file's verdict and its schema errors; a file
  may hold a bare use-case message ``{"<rootKey>": …}`` or a full EDXL-DE envelope.
  Exit 0 when every file is valid, 1 otherwise (2 for unreadable files).
* ``sas hub send FILE --server URL --user U --password P`` logs in and posts the envelope
  to ``POST /api/v1/hub/messages``; prints the answer (Ack or Error envelope), exit 0 on
  200, 1 otherwise.

Only paths, rules and codes are printed, never the messages' content.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``hub validate`` and ``hub send`` on the ``sas`` sub-parsers."""
    hub = sub.add_parser("hub", help="messages Hub Santé (validation, envoi)")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True)
    validate = hub_sub.add_parser("validate", help="valider des messages ou enveloppes contre les schémas officiels")
    validate.add_argument("files", nargs="+", metavar="FICHIER")
    send = hub_sub.add_parser("send", help="envoyer une enveloppe EDXL-DE au serveur")
    send.add_argument("file", metavar="FICHIER")
    send.add_argument("--server", metavar="URL", required=True)
    send.add_argument("--user", metavar="NOM", required=True)
    send.add_argument("--password", metavar="MDP", required=True)


def _validate(files: list[str]) -> int:
    from app.services.interop.hub import schemas

    worst = 0
    for name in files:
        try:
            document = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{name} : ILLISIBLE ({type(exc).__name__})")
            worst = max(worst, 2)
            continue
        if schemas.is_envelope(document):
            kind, errors = "enveloppe EDXL-DE", schemas.validate_envelope(document)
        else:
            kind, errors = "message", schemas.validate_message(document)
        print(f"{name} : {'VALIDE' if not errors else 'INVALIDE'} ({kind})")
        for error in errors:
            print(f"  - {error}")
        if errors:
            worst = max(worst, 1)
    return worst


def _send(args: argparse.Namespace) -> int:
    import httpx

    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{args.file} : ILLISIBLE ({type(exc).__name__})", file=sys.stderr)
        return 2
    base = args.server.rstrip("/")
    try:
        with httpx.Client(timeout=30) as client:
            login = client.post(f"{base}/api/v1/auth/login", json={"username": args.user, "password": args.password})
            if login.status_code != 200:
                print(f"Connexion refusée ({login.status_code})", file=sys.stderr)
                return 1
            token = login.json()["access_token"]
            answer = client.post(f"{base}/api/v1/hub/messages", json=document,
                                 headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        print(f"Serveur injoignable : {type(exc).__name__}", file=sys.stderr)
        return 1
    print(json.dumps(answer.json(), ensure_ascii=False, indent=2))
    return 0 if answer.status_code == 200 else 1


def run(args: argparse.Namespace) -> int:
    """Run ``sas hub <command>``."""
    if args.hub_command == "validate":
        return _validate(args.files)
    return _send(args)
