"""Fixtures of the FHIR agenda tests: the guide's example bundles and a fake editor server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fhir.fake_editor import FakeEditors, FakeEditorServer

ROOT = Path(__file__).resolve().parents[2]
#: The guide's examples rendered to JSON (shared data; copied beside the clone in CI).
SHARED_EXAMPLES = ROOT.parent / "shared" / "data" / "fhir-sas" / "examples"
#: The shapes written here from the guide's FSH (SOS, slot shared by two CPTS).
LOCAL_EXAMPLES = Path(__file__).resolve().parent / "data"


def example(name: str) -> dict:
    """An example bundle by file name, from shared data or from ``tests/fhir/data``."""
    for folder in (LOCAL_EXAMPLES, SHARED_EXAMPLES):
        if (folder / name).exists():
            return json.loads((folder / name).read_text(encoding="utf-8"))
    pytest.skip(f"{name} not found (shared data missing)")


def example_path(name: str) -> Path:
    for folder in (LOCAL_EXAMPLES, SHARED_EXAMPLES):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"{name} not found (shared data missing)")


@pytest.fixture(scope="module")
def editor_server() -> Iterator[FakeEditors]:
    with FakeEditorServer() as editors:
        yield editors


@pytest.fixture
def editors(editor_server: FakeEditors) -> FakeEditors:
    """The module's fake editor server, with no editor configured yet."""
    editor_server.editors.clear()
    return editor_server
