"""The console's log files: rotated in the data directory, secrets scrubbed before they are written.

:func:`setup_file_logging` adds one :class:`~logging.handlers.RotatingFileHandler`
(``<data dir>/logs/sas.log``, 5 × 2 MB) to the root logger.  Its
:class:`ScrubSecrets` filter blanks passwords, tokens and ``Authorization``
headers in every record, whatever logger wrote it, so a debug line that
carries a login body or a bearer token never reaches the disk.
:func:`scrub` is the same cleaning for any text (the error dialog's debug
information uses it).
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from app import paths

LOG_FILE = "sas.log"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"

_KEYS = r"(?:password|passwd|mot_de_passe|pwd|secret|token|access_token|refresh_token|api_key|apikey)"
#: ``password=x``, ``"token": "x"``, ``'password': 'x'``, ``token x`` … (the key kept, the value masked).
_KEY_VALUE = re.compile(
    r"""(?P<key>["']?\b\w*""" + _KEYS + r"""\b["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^"'\s,;&})]+)""",
    re.IGNORECASE,
)
#: ``Authorization: Bearer x`` and a bare ``Bearer x``.
_BEARER = re.compile(r"(?P<key>\b(?:authorization\s*[:=]\s*[\"']?)?(?:bearer|basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]+)",
                     re.IGNORECASE)
#: ``https://user:password@host``.
_URL_CREDENTIALS = re.compile(r"(?P<key>://[^/\s:@]+:)(?P<value>[^@\s/]+)(?=@)")


def _masked(value: str) -> str:
    quote = value[0] if value[:1] in ("'", '"') else ""
    return quote + MASK + quote


def scrub(text: str) -> str:
    """``text`` with every password, token and credential value replaced by ``***``."""
    text = _BEARER.sub(lambda m: m.group("key") + MASK, text)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + _masked(m.group("value")), text)
    return _URL_CREDENTIALS.sub(lambda m: m.group("key") + MASK, text)


class ScrubSecrets(logging.Filter):
    """Rewrites each record's message (arguments merged) without secrets; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        return True


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the whole formatted text too: tracebacks and ``repr`` of locals carry secrets as well."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def log_file() -> Path:
    return paths.log_dir() / LOG_FILE


def setup_file_logging(*, level: int = logging.INFO, max_bytes: int = MAX_BYTES,
                       backup_count: int = BACKUP_COUNT) -> logging.Handler:
    """Attach the rotating, scrubbing file handler to the root logger (once) and return it."""
    root = logging.getLogger()
    target = str(log_file())
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and handler.baseFilename == target:
            return handler
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(ScrubbingFormatter(FORMAT))
    handler.addFilter(ScrubSecrets())
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return handler


def last_lines(count: int = 40) -> list[str]:
    """The last ``count`` lines of the current log file (already scrubbed), for the debug information."""
    try:
        with open(log_file(), encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f.readlines()[-count:]]
    except OSError:
        return []
