"""The console's offline cache protected at rest: its key, the encrypted file, the conversion.

Decisions (issue 8):

* The cache (``console-cache.db``: cases, patients, orientations, outbox) is an
  SQLCipher file (:func:`app.models.db.open_database` with ``key=``), 256-bit
  raw key, WAL and temporary data encrypted or kept in memory.
* **The key is held by the server**, never written in clear on the desk.  It is
  not stored either: the server derives it as HMAC-SHA256(server secret, desk
  id) (:func:`derive_key`), so several server processes agree as long as they
  share the secret, and no table (no migration) is needed.  The desk id is a
  random id kept in clear beside the cache (``console-cache.id``): it names the
  desk, it is not a secret.  The server secret is 32 random bytes in the file
  ``SAS_CACHE_SECRET_FILE`` (default ``server-cache-secret.key`` in the
  server's data dir), created with mode 0600 on first use.
* The console fetches the key after each login (``GET /api/v1/desk/cache-key``),
  opens the cache with it and keeps it only inside the engine, which is
  disposed on logout.
* A plain cache of an earlier version is converted in place on the first
  encrypted open (``sqlcipher_export``), pending outbox items included, checked
  before the plain file is replaced.
* A cache the key does not open (the server's secret changed, another server)
  is set aside under a new name, still encrypted, and a fresh cache is created:
  nothing is deleted.
* The **embedded server is a demo mode**: its secret sits in the same data dir
  as the cache, so there the encryption protects nothing against a stolen disk.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.models import OutboxItem
from app.models.db import open_database, sqlite_url
from app.services.security.secret_files import create_secret_file

log = logging.getLogger(__name__)

KEY_BYTES = 32
#: What a desk id looks like (a uuid4 in hex); the server refuses anything else.
DESK_ID_PATTERN = r"^[0-9a-f]{32}$"
SECRET_FILE_ENV = "SAS_CACHE_SECRET_FILE"
_PLAIN_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


class CacheKeyError(Exception):
    """The cache file does not open with this key; ``message`` is French, for the user."""

    def __init__(self, path: Path):
        self.path = path
        self.message = ("Le cache local du poste ne s'ouvre pas avec la clé fournie par le serveur "
                        "(chiffré pour un autre serveur ?).")
        super().__init__(self.message)


# --- server side -------------------------------------------------------------------------
def server_secret_path() -> Path:
    """Where the server keeps the secret the cache keys derive from."""
    configured = os.environ.get(SECRET_FILE_ENV)
    return Path(configured).expanduser() if configured else paths.data_dir() / "server-cache-secret.key"


def load_server_secret(path: Path | None = None) -> bytes:
    """The server's cache-key secret, created (32 random bytes, mode 0600) if missing."""
    path = path or server_secret_path()
    if not path.exists() and create_secret_file(path, KEY_BYTES):
        log.info("cache-key secret created at %s", path)
    secret = path.read_bytes()
    if len(secret) < KEY_BYTES:
        raise ValueError(f"cache-key secret {path} is shorter than {KEY_BYTES} bytes")
    return secret


def derive_key(secret: bytes, desk: str) -> bytes:
    """The 256-bit cache key of ``desk``: HMAC-SHA256 of the server secret."""
    if not re.fullmatch(DESK_ID_PATTERN, desk):
        raise ValueError("invalid desk id")
    return hmac.new(secret, b"sas-console-cache-key/v1:" + desk.encode("ascii"), hashlib.sha256).digest()


# --- console side ------------------------------------------------------------------------
def desk_id(cache_path: Path | None = None) -> str:
    """This installation's desk id (created on first use beside the cache; not a secret)."""
    path = (cache_path or paths.console_cache_path()).with_suffix(".id")
    try:
        value = path.read_text(encoding="ascii").strip()
        if re.fullmatch(DESK_ID_PATTERN, value):
            return value
    except (OSError, UnicodeDecodeError):
        pass
    value = uuid.uuid4().hex
    path.write_text(value + "\n", encoding="ascii")
    return value


def is_plain_sqlite(path: Path) -> bool:
    """True when ``path`` is an unencrypted SQLite database."""
    try:
        with open(path, "rb") as f:
            return f.read(len(_PLAIN_HEADER)) == _PLAIN_HEADER
    except FileNotFoundError:
        return False


def _outbox_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(OutboxItem)) or 0


def encrypt_in_place(path: Path, key: bytes) -> int:
    """Turn the plain SQLite file ``path`` into an SQLCipher file; returns the outbox items carried over.

    The encrypted copy is written beside it, checked (same outbox count), then
    moved over the plain file.  On any failure the plain file is left as it was.
    """
    import sqlcipher3

    tmp = path.with_name(path.name + ".chiffrement")
    for leftover in (tmp, *(Path(f"{tmp}{s}") for s in _SIDE_FILES)):
        leftover.unlink(missing_ok=True)
    plain = sqlcipher3.connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        has_outbox = plain.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='outbox'").fetchone()[0]
        expected = plain.execute("SELECT count(*) FROM outbox").fetchone()[0] if has_outbox else 0
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(tmp), f"x'{key.hex()}'"))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    engine, factory = open_database(sqlite_url(tmp), key=key, migrate=False)
    try:
        carried = _outbox_count(factory) if has_outbox else 0
    finally:
        engine.dispose()
    if carried != expected:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"cache conversion lost outbox items ({carried} of {expected})")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    for suffix in _SIDE_FILES:  # plain leftovers must never be replayed into the encrypted file
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    log.info("console cache encrypted in place (%d outbox items kept)", carried)
    return carried


def _set_aside(path: Path) -> Path:
    aside = path.with_name(f"{path.name}.illisible-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("", *_SIDE_FILES):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
    return aside


def open_cache(path: Path, key: bytes, *, set_aside_unreadable: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Open (migrating, converting a plain file) the encrypted console cache at ``path``.

    A file this key does not open raises :class:`CacheKeyError`, or with
    ``set_aside_unreadable`` is renamed ``<name>.illisible-<time>`` and a fresh
    cache is created.
    """
    if len(key) != KEY_BYTES:
        raise ValueError("the cache key must be 32 bytes")
    if is_plain_sqlite(path):
        encrypt_in_place(path, key)
    try:
        return open_database(sqlite_url(path), key=key)
    except DatabaseError as exc:
        if "file is not a database" not in str(exc):
            raise
    if not set_aside_unreadable:
        raise CacheKeyError(path)
    aside = _set_aside(path)
    log.warning("console cache unreadable with this server's key: set aside as %s, starting a new one", aside.name)
    return open_database(sqlite_url(path), key=key)
