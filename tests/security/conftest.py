"""Fixtures of the security tests: a real embedded server with desk users, a desk data dir, a file scanner.

The server's cache-key secret lives in the server's own folder
(``SAS_CACHE_SECRET_FILE``), apart from the desk's data dir that the tests
scan for patient data.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from app import paths
from app.models import User
from app.models.db import open_database, sqlite_url
from app.server.run import EmbeddedServer
from app.services.sync import cache_crypto
from app.services.security.auth import hash_password
from app.services.records.documents import CaseDoc, PatientDoc

#: A name no other test writes: found anywhere in the desk's files, it leaked.
PATIENT_FIRST, PATIENT_LAST = "Zébulon", "Quetzalcoatl"
NEEDLES = [text.encode(codec) for text in (f"{PATIENT_FIRST} {PATIENT_LAST}", PATIENT_LAST, PATIENT_FIRST)
           for codec in ("utf-8", "utf-16-le", "utf-16-be")]


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return hash_password(password)


@pytest.fixture
def server_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "server"
    folder.mkdir()
    monkeypatch.setenv(cache_crypto.SECRET_FILE_ENV, str(folder / "cache-secret.key"))
    return folder


@pytest.fixture
def server(server_dir):
    """A real server (uvicorn thread) on a fresh SQLite file with an MRL and an ARM."""
    url = sqlite_url(server_dir / "server.db")
    engine, sessions = open_database(url)
    with sessions() as session, session.begin():
        session.add(User(username="mrl", display_name="Dr Martin", role="MRL", password_hash=_hash("mrl-demo")))
        session.add(User(username="arm", display_name="Alice ARM", role="ARM", password_hash=_hash("arm-demo")))
    engine.dispose()
    with EmbeddedServer(url) as srv:
        yield srv


@pytest.fixture
def desk_dir(tmp_path):
    """The desk's data dir (console cache, desk id), set for the test and restored after."""
    folder = tmp_path / "desk"
    paths.set_data_dir(folder)
    yield paths.data_dir()
    paths.set_data_dir(None)


def patient_case() -> CaseDoc:
    return CaseDoc(
        uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
        owner="fr.health.samu670", creation=datetime.now(timezone.utc), priority="P2", perimeter="SNP",
        caller_phone="+33612345678", city_name="Strasbourg", lat=48.58, lon=7.75,
        patients=[PatientDoc(uuid=str(uuid.uuid4()), patient_id="fr.health.samu670.patient.1",
                             first_name=PATIENT_FIRST, last_name=PATIENT_LAST)],
    )


def files_holding_the_name(folder: Path, *, since: float | None = None, exclude: Path | None = None) -> list[Path]:
    """Files under ``folder`` (modified after ``since``, if given; not under ``exclude``) holding the name."""
    found = []
    for root, dirs, names in os.walk(folder):
        if exclude is not None:
            dirs[:] = [d for d in dirs if Path(root, d) != exclude]
        for name in names:
            path = Path(root, name)
            try:
                st = path.stat()
                if not path.is_file() or (since is not None and st.st_mtime < since) or st.st_size > 200_000_000:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if any(needle in data for needle in NEEDLES):
                found.append(path)
    return found


@pytest.fixture
def temp_scan(server_dir):
    """Scan the temp dir for files written during the test that hold the name (the server's own files excepted)."""
    start = time.time() - 1
    return lambda: files_holding_the_name(Path(tempfile.gettempdir()), since=start, exclude=server_dir)
