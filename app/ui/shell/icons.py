"""The console's icons: one line-drawn set (``resources/icons/*.svg``), one stroke colour, 24 px.

Every button or action that has an icon takes it from here by its domain name
(``icon("search")``, ``icon("book")``…), so the set stays consistent: same grid,
same stroke, the same picture for the same act wherever it appears.  The blue
(#1f5fa8) reads on both the light and the dark high-contrast themes; the text
label always stays beside the icon (an icon alone is never the only cue).
:func:`with_icon` puts one on a button where the button is built.
"""

from __future__ import annotations

from functools import cache

from app import paths
from app.ui.qt import QIcon, QPushButton, QSize

#: Icon name → what it stands for (the README and the tests list them from here).
ICONS = {
    "app": "la console de régulation (fenêtre, barre des tâches)",
    "open-case": "ouvrir le dossier",
    "confirm": "confirmer le numéro de rappel",
    "details": "détails, accès, patients",
    "patient-add": "ajouter un patient",
    "search": "rechercher des créneaux",
    "widen": "élargir le rayon",
    "book": "réserver le créneau",
    "decision": "enregistrer la décision",
    "call": "rappeler le patient",
    "done": "fait",
    "lock": "verrouiller / déverrouiller",
    "user": "changer d'utilisateur",
    "refresh": "actualiser",
    "export": "exporter",
    "report": "rapport de garde",
}
SIZE = QSize(18, 18)


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name`` (a key of :data:`ICONS`); KeyError for an unknown name."""
    if name not in ICONS:
        raise KeyError(name)
    return QIcon(str(paths.resource("icons", f"{name}.svg")))


def with_icon(button: QPushButton, name: str) -> QPushButton:
    """``button`` with the icon ``name`` beside its text; returns it (for use where it is built)."""
    button.setIcon(icon(name))
    button.setIconSize(SIZE)
    return button
