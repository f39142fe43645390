"""The console's window-wide keyboard shortcuts: binding them, and the F1 sheet that lists them.

The main window and :mod:`app.ui.regulation_actions` each bind their keys
with :func:`bind_window_shortcuts` and describe them, in French, for the
sheet; :data:`WINDOW_SHORTCUTS` are the main window's own (a call's order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.ui.qt import QKeySequence, QShortcut, Qt, QWidget

#: (keys, French description) of the main window's own actions, for the F1 sheet.
WINDOW_SHORTCUTS = [
    ("Ctrl+N", "Nouvel appel (vide le formulaire)"),
    ("Ctrl+Entrée", "Ouvrir le dossier"),
    ("Ctrl+K", "Confirmer le numéro de rappel"),
    ("F5", "Rechercher des créneaux autour du patient"),
    ("Ctrl+E", "Élargir le rayon de recherche (pas du département)"),
    ("Alt+1 / Alt+2 / Alt+3", "Filtres : disponible sous, mode, structure"),
    ("Alt+4 / Alt+5", "Filtres : SAS uniquement, en sus"),
    ("Entrée sur « à appeler »", "Appeler l'effecteur, puis 1 accepté / 2 refusé / 3 pas de réponse"),
    ("Ctrl+L", "Aller à la liste des créneaux"),
    ("Entrée / Ctrl+B", "Réserver le créneau sélectionné"),
    ("Ctrl+D", "Enregistrer la décision choisie (sans créneau)"),
]
#: The sheet's own key, listed last.
HELP_SHORTCUT = ("F1", "Afficher les raccourcis")


def bind_window_shortcuts(window: QWidget, bindings: Iterable[tuple[str, Callable]]) -> None:
    """Bind each ``(keys, slot)`` to the whole window, wherever the focus is in it."""
    for keys, slot in bindings:
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)


def sheet_html(rows: Iterable[tuple[str, str]]) -> str:
    """The F1 sheet: one table row per ``(keys, description)``."""
    return "<table>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows) + "</table>"
