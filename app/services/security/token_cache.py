"""Bearer tokens already verified by this server process, remembered for a few seconds.

Checking a token costs a database round trip (token, expiry, revocation, account) on
every request; a busy room sends a few dozen requests a second with the same twenty
tokens.  :class:`TokenCache` keeps, per server process, the :class:`Actor` a token
resolved to and its expiry, for at most ``ttl_s`` seconds after the database said yes.

What still holds, and within what bound:

* **expiry** is checked on every request against the cached expiry: never late;
* **a logout or a newer login on this process** forgets the token (or every token of
  that user) at once: the next request goes back to the database;
* **a revocation made by another server process** (logout, newer login on the desk, a
  deactivated account) takes effect here at the latest ``ttl_s`` seconds later, when the
  cached entry is checked against the database again.  Several processes share one
  database (design.md, "Scale-out"), so this is the only window, and it is bounded by
  ``SAS_TOKEN_CACHE_S`` (default :data:`DEFAULT_TTL_S`; ``0`` turns the cache off and
  every request reads the database).

Only the token's SHA-256 is a key; the token itself is never held.  Unknown, revoked or
expired tokens are never cached (each such request reads the database).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.services.regulation.actor import Actor

#: Seconds a verified token is trusted without reading the database again.
DEFAULT_TTL_S = 5.0
#: Environment variable overriding :data:`DEFAULT_TTL_S` (seconds; 0 = no cache).
TTL_ENV = "SAS_TOKEN_CACHE_S"
#: Most tokens held at once (a room has a few dozen); beyond, the oldest checks are dropped.
MAX_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: Actor
    expires_at: datetime
    checked_at: float  # monotonic clock of the database check


def ttl_from_env() -> float:
    """``SAS_TOKEN_CACHE_S`` as seconds (default :data:`DEFAULT_TTL_S`); a bad value is a ValueError."""
    raw = os.environ.get(TTL_ENV, "").strip()
    if not raw:
        return DEFAULT_TTL_S
    value = float(raw)
    if not 0 <= value <= 60:
        raise ValueError(f"{TTL_ENV} must be between 0 and 60 seconds, got {raw!r}")
    return value


class TokenCache:
    """Token hash → the actor it was verified as, for ``ttl_s`` seconds (thread-safe)."""

    def __init__(self, ttl_s: float = DEFAULT_TTL_S, *, clock: Callable[[], float] = time.monotonic):
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> TokenCache:
        return cls(ttl_from_env())

    def get(self, digest: str, now: datetime) -> Actor | None:
        """The actor of ``digest`` if it was verified less than ``ttl_s`` ago and is not expired at ``now``."""
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if self._clock() - entry.checked_at >= self.ttl_s or entry.expires_at <= now:
            self._entries.pop(digest, None)
            return None
        return entry.actor

    def put(self, digest: str, actor: Actor, expires_at: datetime) -> None:
        """Remember that the database accepted ``digest`` as ``actor`` just now."""
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                oldest = sorted(self._entries.items(), key=lambda item: item[1].checked_at)
                for key, _entry in oldest[:MAX_ENTRIES // 4]:
                    del self._entries[key]
            self._entries[digest] = _Entry(actor, expires_at, self._clock())

    def forget(self, digest: str) -> None:
        """A token revoked by this process: its next use reads the database."""
        self._entries.pop(digest, None)

    def forget_user(self, user_id: int) -> None:
        """Every token of ``user_id`` (a login that ends the user's older tokens, a deactivation)."""
        with self._lock:
            for key in [k for k, e in self._entries.items() if e.actor.user_id == user_id]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
