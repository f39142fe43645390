"""The console's log files: rotated in the data directory, secrets scrubbed before they are written.

:func:`setup_file_logging` adds one :class:`~logging.handlers.RotatingFileHandler`
(``<data dir>/logs/sas.log``, 5 × 2 MB) to the root logger.  Its
:class:`ScrubSecrets` filter blanks passwords, tokens and ``Authorization``
headers in every record, whatever logger wrote it, so a debug line that
carries a login body or a bearer token never reaches the disk.
:func:`scrub` is the same cleaning for any text (the error dialog's debug
information uses it).

Request data never reaches a log either: :func:`install_redaction` (called by the
server's app factory and by ``sas server``'s logging set-up) makes every record of
every logger pass through :func:`redact` when it is created — SQL parameters
(``[parameters: …]``), database error details (``DETAIL: Key (…)=(…)``, ``Failing
row contains (…)``), result rows, pydantic's ``input_value=…``, long ``b'…'`` byte strings (raw
request bodies) and the secrets above — tracebacks included, and adds the same
:class:`RedactRequestData` filter to the root and uvicorn handlers.
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


#: SQLAlchemy's ``[parameters: …]`` line of a statement error (one line, possibly truncated).
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
#: PostgreSQL's ``DETAIL:`` line: key values of a unique violation, the whole failing row of a NOT NULL / CHECK.
_DB_DETAIL = re.compile(r"\bDETAIL:[^\n]*")
_FAILING_ROW = re.compile(r"Failing row contains \([^\n]*")
#: pydantic's ``input_value='Jeanne', input_type=str``.
_INPUT_VALUE = re.compile(r"input_value=.*?(?=, input_type=|\]|$)", re.MULTILINE)
#: SQLAlchemy's result rows at DEBUG (``Row ('…', 'Jeanne', …)``): stored data, never hidden by hide_parameters.
_RESULT_ROW = re.compile(r"^Row [(\[].*", re.DOTALL)
#: A bytes literal of 16 characters or more: a raw request or message body.
_BYTES = re.compile(r"""\bb(?P<q>['"])(?:(?!(?P=q))[^\\\n]|\\.){16,}(?P=q)""")


def redact(text: str) -> str:
    """``text`` without request data (SQL parameters, database details, input values, bodies) nor secrets."""
    if "[parameters: " in text:
        text = _SQL_PARAMETERS.sub("[parameters: ***]", text)
    if "DETAIL:" in text:
        text = _DB_DETAIL.sub("DETAIL: ***", text)
    if "Failing row" in text:
        text = _FAILING_ROW.sub("Failing row contains (***)", text)
    if "input_value=" in text:
        text = _INPUT_VALUE.sub("input_value=***", text)
    if text.startswith("Row "):
        text = _RESULT_ROW.sub("Row (***)", text)
    if "b'" in text or 'b"' in text:
        text = _BYTES.sub("b'***'", text)
    return scrub(text)


def _redact_record(record: logging.LogRecord) -> None:
    """Rewrite ``record`` in place when its message or traceback carries request data (else untouched)."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string must not lose the record
        message = str(record.msg)
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None and not getattr(record, "_sas_redacted", False):
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record._sas_redacted = True


class RedactRequestData(logging.Filter):
    """Strip request data from each record (see :func:`redact`); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_redacting_factory = None
#: Loggers whose handlers get the filter too (uvicorn configures its own).
REDACTED_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "sqlalchemy.engine")


def install_redaction() -> None:
    """Redact every log record of this process when it is created, and filter the known handlers (idempotent)."""
    global _redacting_factory
    if logging.getLogRecordFactory() is not _redacting_factory:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        _redacting_factory = factory
        logging.setLogRecordFactory(factory)
    for name in REDACTED_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactRequestData) for f in handler.filters):
                handler.addFilter(RedactRequestData())


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
    handler.addFilter(RedactRequestData())
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
