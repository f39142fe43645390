"""The ``sas telephony`` commands: the room's SIP proxy (kamailio) for tests and a small room.

* ``sas telephony proxy --port 5060 --numbers 15,116117 --arm-prefix arm --trunk sip:PBX:5060``
  runs kamailio in the foreground with resources/telephony/kamailio.cfg written for these settings,
  until Ctrl+C (never as a system service).
* ``... --write-config FILE`` only writes the config (for a room's own kamailio, owner-only: it holds
  the room secret) and exits.
* The room secret (app/services/telephony/room_secret.py): ``--secret-file F`` (an owner-only file),
  else ``room-secret`` in ``--state-dir`` (default: ``sip-proxy`` in the data dir), generated there
  at the first start. It is never printed; the file's path is.
* ``sas telephony password ACCOUNT [--secret-file F | --state-dir D]`` prints the SIP password of
  desk ACCOUNT (to type in that desk's « Téléphonie » settings): an administrator's tool, on the
  proxy's machine.

Exit 0; exit 1 with a French message when kamailio does not start or the secret is unusable; 2 for a
bad option.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``telephony proxy`` on the ``sas`` sub-parsers."""
    telephony = sub.add_parser("telephony", help="téléphonie de la salle (proxy SIP kamailio)")
    telephony_sub = telephony.add_subparsers(dest="telephony_command", required=True)
    proxy = telephony_sub.add_parser("proxy", help="lancer le proxy SIP de la salle (kamailio) au premier plan")
    proxy.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1 par défaut)")
    proxy.add_argument("--port", type=int, default=5060, help="port SIP UDP (5060 par défaut)")
    proxy.add_argument("--numbers", default="15,116117", help="numéros de la salle, séparés par des virgules")
    proxy.add_argument("--arm-prefix", default="arm", help="préfixe des postes ARM (arm1, arm2…)")
    proxy.add_argument("--trunk", default="sip:127.0.0.1:5080", help="URI du trunk ou de l'autocommutateur")
    proxy.add_argument("--kamailio", default="kamailio", help="exécutable kamailio")
    proxy.add_argument("--write-config", metavar="FICHIER", help="écrire la configuration et s'arrêter")
    _secret_options(proxy)
    password = telephony_sub.add_parser("password", help="afficher le mot de passe SIP d'un poste (administrateur)")
    password.add_argument("account", metavar="COMPTE", help="compte SIP du poste (arm1, mru1…)")
    _secret_options(password)


def _secret_options(parser) -> None:
    parser.add_argument("--secret-file", metavar="FICHIER",
                        help="fichier du secret de la salle (lisible par son propriétaire seul)")
    parser.add_argument("--state-dir", metavar="DOSSIER",
                        help="dossier du proxy, où le secret est créé au premier démarrage "
                             "(par défaut : sip-proxy dans le dossier de données)")


def _room_secret(args: argparse.Namespace, create: bool) -> tuple[str, Path]:
    """The room secret and its file: --secret-file, else the state dir's (created there if `create`)."""
    from app import paths
    from app.services.telephony.room_secret import SECRET_FILE, RoomSecretError, load_or_create, read_secret

    if args.secret_file:
        path = Path(args.secret_file).expanduser()
        return read_secret(path), path
    state_dir = Path(args.state_dir).expanduser() if args.state_dir else paths.data_dir() / "sip-proxy"
    path = state_dir / SECRET_FILE
    if not create:
        if not path.exists():
            raise RoomSecretError(f"pas de secret de la salle dans {state_dir} : --secret-file ou --state-dir")
        return read_secret(path), path
    secret, created = load_or_create(state_dir)
    if created:
        print(f"secret de la salle créé : {path} (à garder ; les mots de passe des postes en dérivent)",
              file=sys.stderr)
    return secret, path


def run(args: argparse.Namespace) -> int:
    """Run ``sas telephony proxy`` or ``sas telephony password``."""
    if args.telephony_command == "password":
        return _password(args)
    return _proxy(args)


def _password(args: argparse.Namespace) -> int:
    """Print the SIP password of one desk account, derived from the room secret."""
    from app.services.telephony.room_secret import RoomSecretError, check_account, desk_password

    try:
        account = check_account(args.account)
    except RoomSecretError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        secret, _path = _room_secret(args, create=False)
    except RoomSecretError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(desk_password(secret, account))
    return 0


def _proxy(args: argparse.Namespace) -> int:
    from app.services.telephony.proxy import KamailioProcess, ProxySettings, write_config
    from app.services.telephony.room_secret import RoomSecretError

    numbers = tuple(n.strip() for n in args.numbers.split(",") if n.strip())
    if not numbers or not all(n.isdigit() for n in numbers):
        print("--numbers : des numéros en chiffres séparés par des virgules", file=sys.stderr)
        return 2
    if not 1 <= args.port <= 65535:
        print("--port doit être entre 1 et 65535", file=sys.stderr)
        return 2
    if not args.trunk.startswith("sip:"):
        print("--trunk doit être une URI sip:hôte:port", file=sys.stderr)
        return 2
    try:
        secret, _path = _room_secret(args, create=True)
    except RoomSecretError as exc:
        print(exc, file=sys.stderr)
        return 1
    settings = ProxySettings(host=args.host, port=args.port, room_numbers=numbers,
                             arm_prefix=args.arm_prefix, arm_group=args.arm_prefix, trunk=args.trunk,
                             secret=secret)
    if args.write_config:
        write_config(settings, Path(args.write_config))
        print(f"configuration kamailio écrite (propriétaire seul, elle contient le secret) : {args.write_config}")
        return 0
    proxy = KamailioProcess(settings, executable=args.kamailio)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        proxy.start()
    except KeyboardInterrupt:
        proxy.stop()
        return 0
    except (OSError, RuntimeError) as exc:
        print(f"le proxy SIP n'a pas démarré : {exc}", file=sys.stderr)
        return 1
    print(f"proxy SIP de la salle sur {settings.address} (numéros {', '.join(numbers)}) ; Ctrl+C pour arrêter",
          flush=True)
    try:
        while proxy.running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        return 0
    finally:
        proxy.stop()
    print("le proxy SIP s'est arrêté", file=sys.stderr)
    return 1


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
