"""Session-wide test set-up: headless Qt, isolated data directory.

Environment variables must be set before Qt is imported anywhere, hence at
import time of this module.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("LANG", "C.UTF-8")
# Never touch the real user data dir from tests.
os.environ["SAS_DATA_DIR"] = tempfile.mkdtemp(prefix="sas-tests-")
