"""One consistent icon set: every icon exists and draws; the main acts carry theirs beside their text."""

from __future__ import annotations

import pytest

from app import paths
from app.ui.shell import icons
from app.ui.qt import QPushButton


@pytest.mark.parametrize("name", sorted(icons.ICONS))
def test_every_icon_is_shipped_and_draws(qapp, name):
    assert paths.resource("icons", f"{name}.svg").is_file()
    image = icons.icon(name).pixmap(icons.SIZE).toImage()
    assert not image.isNull()
    # Something is drawn: not every pixel transparent.
    assert any(image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(image.height()))


def test_an_unknown_icon_name_is_an_error(qapp):
    with pytest.raises(KeyError):
        icons.icon("nope")


def test_the_main_window_buttons_show_text_and_icon(make_window):
    window = make_window("MRL")
    buttons = {b.text().replace("&", ""): b for b in window.findChildren(QPushButton)}
    for label in ("Rechercher (F5)", "Réserver (Entrée)", "Ouvrir le dossier (Ctrl+Entrée)",
                  "Enregistrer la décision (Ctrl+D)"):
        assert label in buttons, sorted(buttons)
        assert not buttons[label].icon().isNull(), label
