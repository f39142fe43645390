"""Every filesystem location the program uses, in one place.

The data directory (user data: the console's SQLite cache, the embedded
server's database, logs) defaults to the platform's user data dir and can be
overridden by ``--data-dir`` or the ``SAS_DATA_DIR`` environment variable, which
is how tests isolate themselves.  Shipped, read-only data lives under
``resources/`` at the project root (or inside the frozen bundle).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "sas-console"

_data_dir_override: Path | None = None


def project_root() -> Path:
    """The folder holding ``app/`` and ``resources/`` (the bundle root when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def resource(*parts: str) -> Path:
    """Path of a shipped resource file, e.g. ``resource("communes", "communes_fr.csv")``."""
    return resources_dir().joinpath(*parts)


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Override the user data directory (``--data-dir``); ``None`` restores the default."""
    global _data_dir_override
    _data_dir_override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    """The writable user data directory, created on first use."""
    if _data_dir_override is not None:
        path = _data_dir_override
    elif os.environ.get("SAS_DATA_DIR"):
        path = Path(os.environ["SAS_DATA_DIR"]).expanduser().resolve()
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def console_cache_path() -> Path:
    """The console's local SQLite file: cases, orientations, journal copy, outbox."""
    return data_dir() / "console-cache.db"


def embedded_server_db_path() -> Path:
    """The SQLite database of the embedded default server."""
    return data_dir() / "embedded-server.db"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
