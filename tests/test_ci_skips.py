"""In CI a skipped test is a failure (tests/helpers/ci_skips.py); outside CI a skip stays a skip.

A tiny test file covering every way a test skips is run by pytester in a
subprocess, once with ``CI=true`` and once without ``CI``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SKIPPING = '''
import sys
import pytest

def test_passes():
    pass

def test_skips_inside():
    pytest.skip("PostgreSQL unreachable at 127.0.0.1:5432")

@pytest.mark.skipif(sys.platform != "nowhere", reason="Xvfb absent")
def test_skipif():
    pass

@pytest.mark.skip(reason="not written yet")
def test_skip_mark():
    pass

def test_importorskip():
    pytest.importorskip("a_module_that_is_not_installed")

@pytest.fixture
def service():
    pytest.skip("RabbitMQ does not answer")

def test_fixture_skips(service):
    pass

@pytest.mark.allowed_skip(reason="documented exception")
def test_allowed():
    pytest.skip("allowed to skip")

@pytest.mark.xfail(reason="known bug", strict=True)
def test_xfail():
    assert False
'''

SKIPPED_MODULE = '''
import pytest
pytest.importorskip("another_module_that_is_not_installed")

def test_never_collected():
    pass
'''


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None, source: str = SKIPPING):
    pytester.makepyfile(test_tiny=source)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # no Qt, asyncio… plugins: a quick run
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    return pytester.runpytest_subprocess("-p", "tests.helpers.ci_skips", "-p", "no:cacheprovider", "-rA")


def test_in_ci_every_skip_fails_with_its_reason(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    outcomes = result.parseoutcomes()
    # Failed: the skip inside and importorskip; errors (in set-up): skipif, the skip mark, the skipping fixture.
    assert outcomes.get("failed") == 2 and outcomes.get("errors") == 3, outcomes
    assert outcomes.get("passed") == 1 and outcomes.get("skipped") == 1 and outcomes.get("xfailed") == 1
    assert result.ret != 0
    text = result.stdout.str()
    for reason in ("PostgreSQL unreachable", "Xvfb absent", "not written yet",
                   "could not import 'a_module_that_is_not_installed'",
                   "RabbitMQ does not answer"):
        assert f"skipped in CI, which counts as a failure (CI=true): {reason}" in text
    assert "allowed to skip" in text  # reported as a plain skip


def test_in_ci_a_module_skipped_at_collection_fails(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true", SKIPPED_MODULE)
    assert result.parseoutcomes().get("errors") == 1 and result.ret != 0
    assert ("skipped in CI, which counts as a failure (CI=true): could not import "
            "'another_module_that_is_not_installed'") in result.stdout.str()


def test_outside_ci_skips_stay_skips(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, None)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and "errors" not in outcomes and "error" not in outcomes, outcomes
    assert outcomes.get("passed") == 1 and outcomes.get("skipped") == 6 and outcomes.get("xfailed") == 1
    assert result.ret == 0
    assert "counts as a failure" not in result.stdout.str()
    module = _run(pytester, monkeypatch, None, SKIPPED_MODULE)
    assert module.ret == 5 or module.parseoutcomes().get("skipped") == 1  # nothing ran, nothing failed
    assert "counts as a failure" not in module.stdout.str()


def test_ci_false_is_not_ci(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "false")
    assert result.ret == 0 and result.parseoutcomes().get("skipped") == 6
