"""Fixtures of the FHIR agenda tests: the guide's example bundles and a fake editor server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fhir.fake_editor import FakeEditors, FakeEditorServer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "fhir-sas"
#: The guide's examples rendered to JSON (copied from shared/data/fhir-sas/examples, tests/data/README.md).
EXAMPLES = DATA / "examples"
#: The shapes written here from the guide's FSH (SOS, slot shared by two CPTS).
BUILT = DATA / "built"


def example_path(name: str) -> Path:
    """An example file by name, from the guide's rendered examples or the bundles built here; absent fails."""
    for folder in (BUILT, EXAMPLES):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name} is neither in {EXAMPLES} nor in {BUILT} (see tests/data/README.md)")


def example(name: str) -> dict:
    """An example bundle by file name (see :func:`example_path`)."""
    return json.loads(example_path(name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def editor_server() -> Iterator[FakeEditors]:
    with FakeEditorServer() as editors:
        yield editors


@pytest.fixture
def editors(editor_server: FakeEditors) -> FakeEditors:
    """The module's fake editor server, with no editor configured yet."""
    editor_server.editors.clear()
    return editor_server
