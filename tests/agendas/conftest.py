"""Fixtures of the live-agenda tests: a fleet of real local editor processes (tests/agendas/fleet.py).

Other test folders use them by importing: ``from tests.agendas.conftest import editor_fleet  # noqa: F401``,
or build their own with :func:`tests.agendas.fleet.running_fleet`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.agendas.fleet import SIX, EditorSpec, Fleet, running_fleet


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
