"""Both themes keep every text at a WCAG contrast of 7:1 or more, P0 red included; the palette is applied."""

from __future__ import annotations

import pytest

from app.ui.shell import theme
from app.ui.qt import QApplication, QtGui

#: (text colour, background colour) pairs a user reads; each must reach 7:1 (WCAG AAA).
TEXT_PAIRS = [
    ("window_text", "window"), ("text", "base"), ("text", "alternate_base"), ("button_text", "button"),
    ("highlighted_text", "highlight"), ("tooltip_text", "tooltip_base"), ("link", "base"),
    ("placeholder", "base"),
    # Meaning colours: P0 and errors, waiting, online, hints, on both backgrounds they appear on.
    ("alert", "base"), ("alert", "window"), ("alert", "alternate_base"), ("warning", "base"),
    ("warning", "window"), ("ok", "base"), ("ok", "window"), ("muted", "window"), ("muted", "base"),
]


def luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", ["clair", "sombre"])
@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_every_text_reaches_7_to_1(name, fg, bg):
    t = theme.THEMES[name]
    ratio = contrast(getattr(t, fg), getattr(t, bg))
    assert ratio >= 7.0, f"{name}: {fg} on {bg} is only {ratio:.2f}:1"


@pytest.mark.parametrize("name", ["clair", "sombre"])
def test_disabled_text_stays_legible(name):
    t = theme.THEMES[name]
    assert contrast(t.disabled_text, t.window) >= 4.5


def test_applying_a_theme_sets_the_palette_and_system_gives_it_back(qapp):
    original = QtGui.QPalette(qapp.palette())
    try:
        theme.apply_theme("sombre", qapp)
        role = QtGui.QPalette.ColorRole
        assert QApplication.palette().color(role.Base).name() == theme.DARK.base
        assert QApplication.palette().color(role.Text).name() == theme.DARK.text
        assert theme.colour("alert") == theme.DARK.alert
        assert theme.DARK.alert in qapp.styleSheet()
        theme.apply_theme("systeme", qapp)
        assert QApplication.palette().color(role.Base) == original.color(role.Base)
        assert qapp.styleSheet() == ""
    finally:
        theme.apply_theme("systeme", qapp)
