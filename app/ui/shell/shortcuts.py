"""The console's window-wide keyboard shortcuts: binding them, and the F1 sheet that lists them.

The main window and :mod:`app.ui.case.regulation_actions` each bind their keys
with :func:`bind_window_shortcuts` and describe them, in French, for the
sheet; :data:`WINDOW_SHORTCUTS` are the main window's own (a call's order).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from app.ui.qt import QT_TRANSLATE_NOOP, QCoreApplication, QKeySequence, QShortcut, Qt, QWidget

#: (keys, French description) of the main window's own actions, for the F1 sheet (translated when shown).
WINDOW_SHORTCUTS = [
    ("Ctrl+N",
     QT_TRANSLATE_NOOP("Shortcuts", "Nouvel appel (vide le formulaire)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Entrée"),
     QT_TRANSLATE_NOOP("Shortcuts", "Ouvrir le dossier")),
    ("Ctrl+K",
     QT_TRANSLATE_NOOP("Shortcuts", "Confirmer (rappel, commune ou motif proposé) et passer au champ suivant")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+M"),
     QT_TRANSLATE_NOOP("Shortcuts", "Numéro de l'appelant masqué (le numéro de rappel devient obligatoire)")),
    ("F5",
     QT_TRANSLATE_NOOP("Shortcuts", "Rechercher des créneaux autour du patient")),
    ("Ctrl+E",
     QT_TRANSLATE_NOOP("Shortcuts", "Élargir le rayon de recherche (pas du département)")),
    ("Alt+1 / Alt+2 / Alt+3",
     QT_TRANSLATE_NOOP("Shortcuts", "Filtres : disponible sous, mode, structure")),
    ("Alt+4 / Alt+5",
     QT_TRANSLATE_NOOP("Shortcuts", "Filtres : SAS uniquement, en sus")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Entrée sur « à appeler »"),
     QT_TRANSLATE_NOOP("Shortcuts", "Appeler l'effecteur, puis 1 accepté / 2 refusé / 3 pas de réponse")),
    ("Ctrl+L",
     QT_TRANSLATE_NOOP("Shortcuts", "Aller à la liste des créneaux")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Entrée / Ctrl+B"),
     QT_TRANSLATE_NOOP("Shortcuts", "Réserver le créneau sélectionné (Entrée confirme, Échap annule)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+B"),
     QT_TRANSLATE_NOOP("Shortcuts", "Re-réserver : annuler le rendez-vous du dossier et réserver le créneau choisi")),
    ("F8",
     QT_TRANSLATE_NOOP("Shortcuts", "Aller à la liste des décisions (les lettres choisissent, Ctrl+D enregistre)")),
    ("Ctrl+D",
     QT_TRANSLATE_NOOP("Shortcuts", "Enregistrer la décision choisie (sans créneau)")),
    ("F7",
     QT_TRANSLATE_NOOP("Shortcuts", "Rendez-vous SAS : non rattachés (Entrée, Entrée : rattacher), à rappeler")),
    ("F9",
     QT_TRANSLATE_NOOP("Shortcuts", "Superviseur : mur des indicateurs")),
    ("F10",
     QT_TRANSLATE_NOOP("Shortcuts", "Superviseur : revue de garde (Entrée : chronologie, Ctrl+P : rapport PDF)")),
    ("Ctrl+,",
     QT_TRANSLATE_NOOP("Shortcuts", "Paramètres du poste (thème, langue, serveur…)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+L"),
     QT_TRANSLATE_NOOP("Shortcuts", "Verrouiller la session (mot de passe pour reprendre)")),
]
#: The sheet's own key, listed last.
HELP_SHORTCUT = ("F1", QT_TRANSLATE_NOOP("Shortcuts", "Afficher les raccourcis"))


def bind_window_shortcuts(window: QWidget, bindings: Iterable[tuple[str, Callable]]) -> None:
    """Bind each ``(keys, slot)`` to the whole window, wherever the focus is in it."""
    for keys, slot in bindings:
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)


def sheet_html(rows: Iterable[tuple[str, str]]) -> str:
    """The F1 sheet: one table row per ``(keys, description)``, both translated (context "Shortcuts"), escaped."""
    def cell(text: str) -> str:
        return html.escape(QCoreApplication.translate("Shortcuts", text), quote=False)

    return "<table>" + "".join(f"<tr><td><b>{cell(k)}</b></td><td>{cell(v)}</td></tr>" for k, v in rows) + "</table>"
