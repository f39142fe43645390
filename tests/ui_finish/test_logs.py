"""The log file rotates in the data dir (5 × 2 MB by default) and a password or token never reaches it."""

from __future__ import annotations

import logging

import pytest

from app import logs

SECRET = "Tr0ub4dor&3-secret"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig"


@pytest.fixture
def file_logging(data_dir):
    made, level = [], logging.getLogger().level

    def setup(**kwargs) -> logging.Handler:
        handler = logs.setup_file_logging(**kwargs)
        made.append(handler)
        return handler

    yield setup
    root = logging.getLogger()
    for handler in made:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _all_log_text(data_dir) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (data_dir / "logs").glob("sas.log*"))


def test_logs_rotate_in_the_data_dir_keeping_the_newest_lines(file_logging, data_dir):
    handler = file_logging(max_bytes=2_000, backup_count=3)
    assert handler.baseFilename == str(data_dir / "logs" / "sas.log")
    log = logging.getLogger("app.test.rotation")
    for i in range(200):
        log.info("ligne %03d %s", i, "x" * 40)
    files = sorted(p.name for p in (data_dir / "logs").glob("sas.log*"))
    assert files == ["sas.log", "sas.log.1", "sas.log.2", "sas.log.3"]  # never more than 1 + 3 files
    assert all((data_dir / "logs" / f).stat().st_size <= 2_000 for f in files)
    assert "ligne 199" in (data_dir / "logs" / "sas.log").read_text(encoding="utf-8")
    assert "ligne 000" not in _all_log_text(data_dir)  # the oldest went with the oldest file


def test_the_defaults_are_five_files_of_two_megabytes(file_logging):
    handler = file_logging()
    assert (handler.maxBytes, handler.backupCount) == (2_000_000, 5)
    assert file_logging() is handler  # set up twice: still one handler


def test_passwords_tokens_and_authorization_never_reach_the_file(file_logging, data_dir):
    file_logging()
    log = logging.getLogger("app.test.secrets")
    log.info("login body %s", {"username": "arm", "password": SECRET})
    log.info("POST /login password=%s", SECRET)
    log.warning("headers: Authorization: Bearer %s", TOKEN)
    log.info("session %r", {"access_token": TOKEN})
    log.info("server https://admin:%s@sas.example.fr/", SECRET)
    try:
        raise RuntimeError(f"login refused for password={SECRET}")
    except RuntimeError:
        log.exception("unexpected")
    text = _all_log_text(data_dir)
    assert SECRET not in text and TOKEN not in text
    assert "login body" in text and "Authorization: Bearer ***" in text and "RuntimeError" in text
    assert "'username': 'arm'" in text  # what is not secret stays readable


@pytest.mark.parametrize(("raw", "clean"), [
    ('{"password": "abc def"}', '{"password": "***"}'),
    ("token=abc&next=1", "token=***&next=1"),
    ("mot_de_passe: hunter2", "mot_de_passe: ***"),
    ("token_ttl_hours=12", "token_ttl_hours=12"),
])
def test_scrub(raw, clean):
    assert logs.scrub(raw) == clean
