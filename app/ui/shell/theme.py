"""Colour themes: a high-contrast light one ("clair"), a high-contrast dark one ("sombre"), or the system's.

A regulation room runs day and night: the dark theme is for the night shift,
both keep every text at a WCAG contrast of at least 7:1 on its background
(``tests/ui_finish/test_theme.py`` computes it for every pair).  Besides the
:class:`QPalette` roles, a theme names the few *meaning* colours the widgets
use (alert for P0 and errors, warning, ok, muted) so that a P0 stays readable
on both; :func:`colour` gives the current theme's value to widgets that paint
their own text.  The theme is applied once at start-up by
:func:`apply_theme` (Fusion style, so the palette is honoured everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from app import settings
from app.ui.qt import QApplication, QColor, QtGui

THEME_NAMES = settings.THEME_CODES
DEFAULT_THEME = settings.Settings.model_fields["theme"].default


@dataclass(frozen=True)
class Theme:
    """Every colour of one theme, as ``#rrggbb``."""

    name: str
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    tooltip_base: str
    tooltip_text: str
    link: str
    placeholder: str
    disabled_text: str
    #: P0, errors, refused writes.
    alert: str
    #: Waiting items, unconfirmed callback number.
    warning: str
    #: Online, confirmed, synchronised.
    ok: str
    #: Secondary hints.
    muted: str


LIGHT = Theme(
    name="clair", window="#f2f2f2", window_text="#000000", base="#ffffff", alternate_base="#eef1f5",
    text="#000000", button="#e6e6e6", button_text="#000000", highlight="#0b3d91", highlighted_text="#ffffff",
    tooltip_base="#fffbe6", tooltip_text="#000000", link="#0a2f8c", placeholder="#4d4d4d",
    disabled_text="#5c5c5c", alert="#9b0000", warning="#6b3a00", ok="#0b5a1c", muted="#3d3d3d",
)
DARK = Theme(
    name="sombre", window="#121212", window_text="#ffffff", base="#000000", alternate_base="#1a1a1a",
    text="#ffffff", button="#262626", button_text="#ffffff", highlight="#9ecbff", highlighted_text="#000000",
    tooltip_base="#202020", tooltip_text="#ffffff", link="#9ecbff", placeholder="#b8b8b8",
    disabled_text="#9a9a9a", alert="#ff9e96", warning="#ffcc80", ok="#a5e0a8", muted="#d0d0d0",
)
THEMES = {"clair": LIGHT, "sombre": DARK}

_current: Theme = LIGHT
#: The platform's style name and palette, kept when a theme is first applied ("systeme" goes back to them).
_system: tuple[str, QtGui.QPalette] | None = None


def theme_for(name: str) -> Theme | None:
    """The theme called ``name``; None for "systeme" (the platform palette) or an unknown name."""
    return THEMES.get(name)


def current() -> Theme:
    """The applied theme (the light one's meaning colours under "systeme")."""
    return _current


def colour(role: str) -> str:
    """A meaning colour of the current theme: ``colour("alert")`` → ``"#9b0000"`` in the light theme."""
    return getattr(_current, role)


def palette(theme: Theme) -> QtGui.QPalette:
    """The :class:`QPalette` of ``theme`` (active and inactive alike; disabled greyed)."""
    role, group = QtGui.QPalette.ColorRole, QtGui.QPalette.ColorGroup
    pal = QtGui.QPalette()
    pairs = {
        role.Window: theme.window, role.WindowText: theme.window_text, role.Base: theme.base,
        role.AlternateBase: theme.alternate_base, role.Text: theme.text, role.Button: theme.button,
        role.ButtonText: theme.button_text, role.Highlight: theme.highlight,
        role.HighlightedText: theme.highlighted_text, role.ToolTipBase: theme.tooltip_base,
        role.ToolTipText: theme.tooltip_text, role.Link: theme.link, role.LinkVisited: theme.link,
        role.PlaceholderText: theme.placeholder, role.BrightText: theme.alert,
    }
    for r, value in pairs.items():
        pal.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor(theme.disabled_text))
    return pal


def stylesheet(theme: Theme) -> str:
    """The few rules a palette cannot say: a thick focus frame, fields in error, tooltips."""
    return (
        f"QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QTableView:focus, QPushButton:focus "
        f"{{ border: 2px solid {theme.highlight}; }}"
        f"*[invalid=\"true\"] {{ border: 2px solid {theme.alert}; }}"
        f"QToolTip {{ color: {theme.tooltip_text}; background: {theme.tooltip_base}; "
        f"border: 1px solid {theme.window_text}; }}"
    )


def apply_theme(name: str, app: QApplication | None = None) -> Theme | None:
    """Apply theme ``name`` to the application; "systeme" keeps the platform's palette and style."""
    global _current, _system
    app = app or QApplication.instance()
    theme = theme_for(name)
    _current = theme or LIGHT
    if _system is None:
        _system = (app.style().name(), QtGui.QPalette(app.palette()))
    if theme is None:
        app.setStyle(_system[0])
        app.setPalette(_system[1])
        app.setStyleSheet("")
        return None
    app.setStyle("Fusion")
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    return theme
