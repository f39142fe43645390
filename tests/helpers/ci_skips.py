"""In CI (``CI=true``) a skipped test is a failure: a missing service, file or tool must not pass unseen.

Loaded by ``tests/conftest.py`` (and by ``-p tests.helpers.ci_skips`` in
``tests/test_ci_skips.py``).  Every skip — ``pytest.skip``, ``skipif``, ``skip``
marks, ``importorskip``, a fixture that skips because PostgreSQL is not there,
a whole module skipped at collection — is reported as a failure naming its
reason, unless the test carries ``@pytest.mark.allowed_skip(reason=...)``.
Expected failures (``xfail``) are left alone.  Outside CI nothing changes.
"""

from __future__ import annotations

import os

import pytest

MARK = "allowed_skip"
_TRUE = {"1", "true", "yes", "on"}


def in_ci() -> bool:
    """Whether the run is a CI run (``CI`` set to true, as every CI service does)."""
    return os.environ.get("CI", "").strip().lower() in _TRUE


def _reason(longrepr) -> str:
    # A skip's longrepr is (path, line, "Skipped: <reason>").
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, message = longrepr
        return f"{message.removeprefix('Skipped: ')} ({path}:{line})"
    return str(longrepr)


def _failure(reason: str) -> str:
    return (f"skipped in CI, which counts as a failure (CI=true): {reason}\n"
            f"Install or start what the test needs (.ci/run, .ci/services.sh), or mark it "
            f"@pytest.mark.{MARK}(reason=...) if skipping is really legitimate.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(reason): this test may skip in CI (CI=true) without failing")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail") or item.get_closest_marker(MARK):
        return
    report.outcome = "failed"
    report.longrepr = _failure(_reason(report.longrepr))


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    report = outcome.get_result()
    # A module skipped while being imported has no marks to read yet: in CI that is always a failure.
    if not (report.skipped and in_ci()):
        return
    report.outcome = "failed"
    report.longrepr = _failure(_reason(report.longrepr))
