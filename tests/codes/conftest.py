"""Fixtures of the code-list tests: a throwaway data directory for the settings file."""

from __future__ import annotations

import pytest

from app import paths


@pytest.fixture
def data_dir(tmp_path):
    paths.set_data_dir(tmp_path / "data")
    yield paths.data_dir()
    paths.set_data_dir(None)
