"""The ``sas telephony`` commands: the room's SIP proxy (kamailio) for tests and a small room.

* ``sas telephony proxy --port 5060 --numbers 15,116117 --arm-prefix arm --trunk sip:PBX:5060``
  runs kamailio in the foreground with resources/telephony/kamailio.cfg written for these settings,
  until Ctrl+C (never as a system service).
* ``... --write-config FILE`` only writes the config (for a room's own kamailio) and exits.

Exit 0; exit 1 with a French message when kamailio does not start; 2 for a bad option.
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


def run(args: argparse.Namespace) -> int:
    """Run ``sas telephony proxy``."""
    from app.services.telephony.proxy import KamailioProcess, ProxySettings, write_config

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
    settings = ProxySettings(host=args.host, port=args.port, room_numbers=numbers,
                             arm_prefix=args.arm_prefix, arm_group=args.arm_prefix, trunk=args.trunk)
    if args.write_config:
        write_config(settings, Path(args.write_config))
        print(f"configuration kamailio écrite : {args.write_config}")
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
