"""The journal's server key: where it lives, the keys derived from it, which database it seals.

The shared journal is chained with HMAC-SHA256 (see :mod:`app.services.records.journal`)
under a key the database never holds, so that someone who can write the
database cannot recompute the chain:

* **The key file** is 32 random bytes, created with mode 0600 on first start of
  the server (same pattern as the desks' cache-key secret,
  :func:`app.services.sync.cache_crypto.load_server_secret`).  It is
  ``sas server --journal-key FILE``, else ``SAS_JOURNAL_KEY_FILE``, else
  ``journal-chain.key`` in the server's data dir (the embedded server: its data
  dir).  Only :func:`load_seal` with ``create=True`` (server start) writes it;
  ``sas journal verify`` never does.  The key is never logged, only its path.
* **Derived keys**: the chain key and the anchor key are HMAC-SHA256 of the
  file's bytes with two fixed labels, so a checkpoint signature can never pass
  for a chain hash or the other way round.
* **The anchor file** (signed checkpoints, :mod:`app.services.records.journal_anchor`)
  is ``SAS_JOURNAL_ANCHOR_FILE``, else ``journal-anchors.jsonl`` in the data dir;
  each line names its database by :func:`journal_identity`, so several
  databases may share a data dir.

A :class:`JournalSeal` is bound to the engine of the database it seals
(:func:`bind`); :func:`app.services.records.journal.append` and ``verify`` find
it from their session (:func:`seal_for`), so no caller of ``append`` has to pass
it.  A session whose engine has no seal (a console's cache, which mirrors the
server's journal and never holds the key) appends and verifies without a key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import paths
from app.services.security.secret_files import create_secret_file

log = logging.getLogger(__name__)

KEY_BYTES = 32
KEY_FILE_ENV = "SAS_JOURNAL_KEY_FILE"
ANCHOR_FILE_ENV = "SAS_JOURNAL_ANCHOR_FILE"
#: A checkpoint every this many appends (and at server start/stop and on ``sas journal checkpoint``).
ANCHOR_EVERY = 100

_seals: weakref.WeakKeyDictionary[Engine, JournalSeal] = weakref.WeakKeyDictionary()


class JournalKeyError(Exception):
    """The key file is missing or unusable; the message is French, for the operator."""


def key_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit``, else ``SAS_JOURNAL_KEY_FILE``, else ``journal-chain.key`` in the data dir."""
    configured = explicit or os.environ.get(KEY_FILE_ENV)
    return Path(configured).expanduser() if configured else paths.data_dir() / "journal-chain.key"


def anchor_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit``, else ``SAS_JOURNAL_ANCHOR_FILE``, else ``journal-anchors.jsonl`` in the data dir."""
    configured = explicit or os.environ.get(ANCHOR_FILE_ENV)
    return Path(configured).expanduser() if configured else paths.data_dir() / "journal-anchors.jsonl"


def _create_key(path: Path) -> None:
    if create_secret_file(path, KEY_BYTES):
        log.info("journal key created at %s", path)


def journal_identity(engine: Engine) -> str:
    """The name anchors give this database: absolute file for SQLite, host/port/name otherwise (no password)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"sqlite:{Path(url.database or ':memory:').resolve()}"
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


@dataclass(frozen=True)
class JournalSeal:
    """The derived keys of one server key, and where this database's checkpoints go."""

    chain_key: bytes
    anchor_key: bytes
    anchors: Path
    every: int = ANCHOR_EVERY
    #: :func:`journal_identity` of the database (set by :func:`bind`).
    journal: str = ""

    @classmethod
    def from_secret(cls, secret: bytes, anchors: Path, every: int = ANCHOR_EVERY) -> JournalSeal:
        if len(secret) < KEY_BYTES:
            raise JournalKeyError(f"clé du journal trop courte ({len(secret)} octets, {KEY_BYTES} attendus)")
        chain, anchor = (hmac.new(secret, label, hashlib.sha256).digest()
                         for label in (b"sas-journal-chain/v1", b"sas-journal-anchor/v1"))
        return cls(chain, anchor, anchors, every)

    def __repr__(self) -> str:  # never show the keys
        return f"JournalSeal(anchors={str(self.anchors)!r}, every={self.every}, journal={self.journal!r})"

    def chain_mac(self, material: bytes) -> bytes:
        return hmac.new(self.chain_key, material, hashlib.sha256).digest()

    def anchor_mac(self, material: bytes) -> bytes:
        return hmac.new(self.anchor_key, material, hashlib.sha256).digest()


def load_seal(key_file: str | os.PathLike[str] | None = None, *, anchors: str | os.PathLike[str] | None = None,
              create: bool = False, every: int = ANCHOR_EVERY) -> JournalSeal:
    """The seal of the key at :func:`key_path`; ``create`` makes the key file when missing (server start)."""
    path = key_path(key_file)
    if not path.exists():
        if not create:
            raise JournalKeyError(f"clé du journal introuvable : {path} (indiquez --journal-key FICHIER)")
        _create_key(path)
    try:
        secret = path.read_bytes()
    except OSError as exc:
        raise JournalKeyError(f"clé du journal illisible : {path} ({exc.strerror})") from None
    return JournalSeal.from_secret(secret, anchor_path(anchors), every)


def bind(engine: Engine, seal: JournalSeal) -> JournalSeal:
    """Seal the journal of ``engine``'s database with ``seal`` for this process; returns the bound seal."""
    bound = JournalSeal(seal.chain_key, seal.anchor_key, seal.anchors, seal.every, journal_identity(engine))
    _seals[engine] = bound
    return bound


def unbind(engine: Engine) -> None:
    _seals.pop(engine, None)


def seal_for(session: Session | Engine) -> JournalSeal | None:
    """The seal bound to ``session``'s engine (or to an engine), or None (a console's cache, a keyless tool)."""
    bind_ = session.get_bind() if isinstance(session, Session) else session
    engine = bind_ if isinstance(bind_, Engine) else getattr(bind_, "engine", None)
    return _seals.get(engine) if engine is not None else None


# --- the keyed chain hash ----------------------------------------------------------------------
#: Prefix of a keyed ``entry_hash``; a plain (pre-key) hash is 64 lower-case hex digits.
KEYED_PREFIX = "hmac1:"
_CHAIN_LABEL = b"sas-journal/hmac1\n"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def is_keyed(entry_hash: str) -> bool:
    return entry_hash.startswith(KEYED_PREFIX)


def keyed_hash(seal: JournalSeal, prev_hash: str, content: bytes) -> str:
    """``hmac1:`` + base64url(HMAC-SHA256(chain key, label + ``prev_hash`` + content)): 49 characters."""
    return KEYED_PREFIX + b64(seal.chain_mac(_CHAIN_LABEL + prev_hash.encode("ascii") + content))
