"""Building the demo territory of a test database the way a room does: ``sas demo-data`` in a child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_demo(db_url: str, departement: str = "67", timeout: float = 300) -> None:
    """Seed ``db_url`` with the demo territory and accounts; fails the test with the command's error output."""
    done = subprocess.run([sys.executable, "-m", "app", "demo-data", "--departement", departement, "--db", db_url],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
