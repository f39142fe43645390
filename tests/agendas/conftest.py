"""Fixtures of the live-agenda tests: a fleet of real local editor processes (tests/agendas/fleet.py).

Other test folders use them by importing: ``from tests.agendas.conftest import editor_fleet  # noqa: F401``,
or build their own with :func:`tests.agendas.fleet.running_fleet`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.agendas.fleet import SIX, EditorSpec, Fleet, running_fleet
from tests.fhir.fake_editor import FakeEditorServer


@pytest.fixture(scope="module")
def editor_fleet(tmp_path_factory) -> Iterator[Fleet]:
    """The six editors of issue 14 (``SIX``), started once per module; ``fleet.reset()`` empties them."""
    with running_fleet(tmp_path_factory.mktemp("editors"), SIX) as fleet:
        yield fleet


@pytest.fixture(scope="module")
def editor_fleet_factory(tmp_path_factory) -> Iterator[Callable[..., Fleet]]:
    """``factory(specs, platform_url=None) -> Fleet``: more fleets, all killed at the end of the module."""
    stack: list = []

    def factory(specs: tuple[EditorSpec, ...], platform_url: str | None = None) -> Fleet:
        manager = running_fleet(tmp_path_factory.mktemp("fleet"), specs, platform_url)
        stack.append(manager)
        return manager.__enter__()

    yield factory
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def fake_editors() -> Iterator[FakeEditorServer]:
    """The in-thread fake editor server of tests/fhir (one per module), for tests of one app in this process."""
    with FakeEditorServer() as editors:
        yield editors


@pytest.fixture
def fakes(fake_editors: FakeEditorServer) -> FakeEditorServer:
    """:func:`fake_editors` emptied of the previous test's editors."""
    fake_editors.editors.clear()
    return fake_editors
