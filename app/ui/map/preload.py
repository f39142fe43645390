"""The console's map, built before its window so that QtWebEngine starts while the rest does.

QtWebEngine's start (Chromium's processes) and the map page's load take most of a second, mostly
in other processes.  :func:`preload` builds the console's :class:`~app.ui.map.view.MapView` right
after the Qt application exists, before the embedded server starts and the user logs in; the
console's window then takes it with :func:`take_map_view` (a new view is built when none was
preloaded for the same settings, e.g. after a logout).  The preloaded view emits ``ready`` only
once its window shows it, after its first paint on screen: "usable" keeps its meaning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from app.ui.map.view import MapView

log = logging.getLogger("app.ui.map")

_preloaded: tuple[tuple, MapView] | None = None


def _key(tile_url: str, tile_attribution: str, territory: Sequence[str]) -> tuple:
    return (tile_url, tile_attribution, tuple(str(code) for code in territory))


def preload(*, tile_url: str = "", tile_attribution: str = "", territory: Sequence[str] = ()) -> None:
    """Build the map view now (hidden, its page loading); the Qt application and translators must exist."""
    global _preloaded
    discard()
    view = MapView(tile_url=tile_url, tile_attribution=tile_attribution, territory=territory,
                   ready_when_shown=True)
    _preloaded = (_key(tile_url, tile_attribution, territory), view)


def take_map_view(*, tile_url: str = "", tile_attribution: str = "", territory: Sequence[str] = ()) -> MapView:
    """The preloaded view if it was built for these settings (handed out once), else a new view."""
    global _preloaded
    if _preloaded is not None and _preloaded[0] == _key(tile_url, tile_attribution, territory):
        view, _preloaded = _preloaded[1], None
        return view
    discard()
    return MapView(tile_url=tile_url, tile_attribution=tile_attribution, territory=territory)


def discard() -> None:
    """Drop a preloaded view nobody took (the login failed, the console closes)."""
    global _preloaded
    if _preloaded is not None:
        view, _preloaded = _preloaded[1], None
        view.deleteLater()
