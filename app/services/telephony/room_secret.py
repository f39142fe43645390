"""The room secret of the SIP proxy and the desk passwords derived from it (SIP digest, no database).

The room's kamailio authenticates every REGISTER, and every call a desk sends out through the trunk,
with SIP digest authentication. It keeps no account table: the password of desk account X is
`desk_password(secret, X)`, the first 32 hex digits (128 bits) of sha256("<secret>:<X>"), and the
proxy computes the same value itself from the user named in the credentials (`{s.sha256}` in
resources/telephony/kamailio.cfg). So:

- only the proxy and the administrator hold the secret (a file, owner-only: `sas telephony proxy
  --secret-file F`, or generated at the proxy's first start into its state directory);
- a desk's password (typed once in its « Téléphonie » settings, printed by `sas telephony password
  ACCOUNT`) opens that account only: it does not reveal the secret nor another desk's password;
- changing the secret changes every desk's password at once (the way to revoke one).

The secret and the passwords are never logged nor shown in an exception message.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
from pathlib import Path

SECRET_FILE = "room-secret"
PASSWORD_HEX_DIGITS = 32
# printable, no quote nor backslash nor space: the secret is written as a string in kamailio's cfg
_SECRET = re.compile(r"[A-Za-z0-9._~+/=-]{16,256}")
_ACCOUNT = re.compile(r"[A-Za-z0-9._~+-]{1,64}")


class RoomSecretError(ValueError):
    """The room secret or its file is unusable (the French message says why, never the secret)."""


def generate_secret() -> str:
    """A new random room secret (64 hex digits)."""
    return secrets.token_hex(32)


def check_secret(secret: str) -> str:
    """The secret if usable, else RoomSecretError naming what is wrong."""
    if not _SECRET.fullmatch(secret):
        raise RoomSecretError("secret de la salle : 16 à 256 caractères parmi A-Z a-z 0-9 . _ ~ + / = -")
    return secret


def check_account(account: str) -> str:
    """A desk account name (the SIP user, e.g. "arm1"), else RoomSecretError."""
    if not _ACCOUNT.fullmatch(account):
        raise RoomSecretError("compte SIP : 1 à 64 caractères parmi A-Z a-z 0-9 . _ ~ + -")
    return account


def desk_password(secret: str, account: str) -> str:
    """The SIP password of desk `account`: the first 32 hex digits of sha256("<secret>:<account>")."""
    seed = f"{check_secret(secret)}:{check_account(account)}"
    return hashlib.sha256(seed.encode("ascii")).hexdigest()[:PASSWORD_HEX_DIGITS]


def read_secret(path: Path) -> str:
    """The secret kept in `path` (surrounding blanks ignored); the file must be readable by its owner only."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise RoomSecretError(f"fichier du secret introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RoomSecretError(f"fichier du secret illisible : {path} ({type(exc).__name__})") from None
    if stat.S_IMODE(mode) & 0o077:
        raise RoomSecretError(f"fichier du secret lisible par d'autres : {path} (chmod 600)")
    try:
        return check_secret(text)
    except RoomSecretError as exc:
        raise RoomSecretError(f"{path} : {exc}") from None


def load_or_create(state_dir: Path) -> tuple[str, bool]:
    """The secret of `state_dir`/room-secret, generated there (dir 0700, file 0600) if absent.

    Returns (secret, created).
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir, 0o700)
    path = state_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret(path), False
    secret = generate_secret()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secret + "\n")
    return secret, True
