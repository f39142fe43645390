"""The interface reaches data through services only: no module of app.ui imports the models or SQLAlchemy.

Its own oracle, independent of the import-linter configuration: every ``import``
statement of every module under ``app/ui`` — at module level, inside functions,
under ``if TYPE_CHECKING:`` alike — is read from the source, and the dynamic
ways around a static check (``importlib.import_module``, ``__import__``) are
refused outright in the interface.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
FORBIDDEN = ("app.models", "sqlalchemy")


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "app":  # "from app import models"
                found += [(node.lineno, f"app.{alias.name}") for alias in node.names]
    return found


def _dynamic(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__"):
                lines.append(node.lineno)
    return lines


def _modules() -> list[Path]:
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 40, "app/ui not found where expected"
    return modules


def test_no_ui_module_imports_the_models_or_sqlalchemy():
    offenders = [f"{path.relative_to(UI.parent.parent)}:{line} imports {name}"
                 for path in _modules()
                 for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
                 if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert not offenders, "\n".join(offenders)


def test_no_ui_module_imports_by_name_at_run_time():
    offenders = [f"{path.relative_to(UI.parent.parent)}:{line}"
                 for path in _modules() for line in _dynamic(ast.parse(path.read_text(encoding="utf-8")))]
    assert not offenders, "dynamic imports in the interface: " + ", ".join(offenders)
