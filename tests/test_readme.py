"""The README states what the code enforces: its roles × routes table matches the permissions."""

from __future__ import annotations

from pathlib import Path

from app.services.security import permissions

ROLES = ["ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR", "ADMIN", "HUB"]
README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_permission_table_matches_the_server():
    text = README.read_text(encoding="utf-8")
    for _name, path, allowed in permissions.as_table():
        row = f"| `{path}` | " + " | ".join("✔" if r in allowed else "—" for r in ROLES) + " |"
        assert row in text, f"README row out of date for {path}"


def test_readme_quick_start_has_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
