"""Server secrets kept in files outside the database: created once, atomically, readable by the owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_secret_file(path: Path, n_bytes: int) -> bool:
    """Write ``n_bytes`` random bytes to ``path`` (mode 0600) unless it exists; True when this call created it.

    The file is written aside, fsynced, then hard-linked into place: atomic, and never replacing a
    secret another process has just written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(n_bytes))
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
