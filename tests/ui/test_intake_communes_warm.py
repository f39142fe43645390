"""The commune completion answers at once on a fresh console: the index is built in the background.

The embedded server's start no longer builds the communes index (it reads its département's codes
only), so the intake form has it built in a thread once the window is up.  Checked in a fresh
process, where nothing else built it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_FRESH_FORM = """
import time
from app.ui.qt import QApplication
app = QApplication([])
from app.services.reference import communes
from app.ui.intake.panel import IntakePanel
panel = IntakePanel()
panel.show()
assert communes._default is None
deadline = time.monotonic() + 30
while communes._default is None and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.02)
started = time.perf_counter()
found = panel.place.communes().search("strasb", limit=3)
print(round(time.perf_counter() - started, 3), found[0].name)
"""


def test_a_fresh_forms_first_commune_search_finds_the_index_built():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", _FRESH_FORM], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    took, name = done.stdout.split()[-2:]
    assert name == "Strasbourg"
    assert float(took) < 0.1  # a search, not a build of the index (~0.5 s)
