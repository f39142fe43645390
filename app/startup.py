"""How long this process has been running: the console's cold-start measure.

On Linux the kernel's own process start time is used, so interpreter start-up
and imports are counted as a user waits for them; elsewhere the time this
module was first imported.
"""

from __future__ import annotations

import os
import time

_IMPORTED_AT = time.monotonic()


def process_age_s() -> float:
    """Seconds since the process started (since this module's import where unknown)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after "pid (comm)"
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED_AT
