"""The map page's HTML, rendered with folium (slow to import: only when the page cache misses).

:mod:`app.ui.map.page` calls :func:`render_page` when its cache (keyed by every input of the
page) holds no page for the console's settings; see that module for what the page holds.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from functools import lru_cache

import folium
from folium.elements import MacroElement
from folium.template import Template

from app import paths
from app.ui.map.page import (
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    MAX_ZOOM,
    OUTLINE_STYLE,
    QWEBCHANNEL_JS,
    default_attribution,
    map_dir,
    script_json,
)


@lru_cache(maxsize=1)
def _outlines() -> dict:
    with paths.resource("geo", "departements.geojson").open(encoding="utf-8") as f:
        return json.load(f)


def _outline_style(_feature: dict) -> dict:
    return OUTLINE_STYLE


class _PageInit(MacroElement):
    """Script run after the map and its layers exist: hands them to map.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.sasMap.init({{ this.map_name }}, {
            outlines: {{ this.outlines_name }},
            tiles: {{ this.tiles_name }},
            territory: {{ this.territory_json }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, outlines_name: str, tiles_name: str | None,
                 territory: Sequence[str] = ()) -> None:
        super().__init__()
        self._name = "SasPageInit"
        # folium variable names (identifiers such as "geo_json_1a2b"), not user data.
        self.map_name = map_name
        self.outlines_name = outlines_name
        self.tiles_name = tiles_name or "null"
        self.territory_json = script_json([str(code) for code in territory])


def render_page(
    *,
    tile_url: str = "",
    tile_attribution: str = "",
    center: Sequence[float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    territory: Sequence[str] = (),
) -> str:
    """Return the page HTML (about 0.6 MB, mostly the outline GeoJSON).

    ``territory``: the SAMU's département codes; the page opens fitted on their
    outlines (drawn darker), else on ``center`` / ``zoom``.
    """
    vendor = map_dir() / "vendor"
    # No zoom animations: Leaflet silently drops a zoom requested while one runs (a
    # select() right after fit() was lost), and software rendering makes them costly.
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        zoom_animation=False,
        fade_animation=False,
        marker_zoom_animation=False,
    )
    # WORKAROUND: with tiles=None folium sets no maxZoom, and markercluster then
    # fails with "Map has no maxZoom specified".
    m.options["max_zoom"] = MAX_ZOOM
    # Instance lists shadow folium's CDN defaults (jQuery, Bootstrap, ...) for this map only.
    m.default_js = [
        ("leaflet", (vendor / "leaflet.js").as_uri()),
        ("leaflet_markercluster", (vendor / "leaflet.markercluster.js").as_uri()),
        ("qwebchannel", QWEBCHANNEL_JS),
        ("sas_map", (map_dir() / "map.js").as_uri()),
    ]
    m.default_css = [
        ("leaflet_css", (vendor / "leaflet.css").as_uri()),
        ("markercluster_css", (vendor / "MarkerCluster.css").as_uri()),
        ("markercluster_default_css", (vendor / "MarkerCluster.Default.css").as_uri()),
        ("sas_map_css", (map_dir() / "map.css").as_uri()),
    ]
    tiles = None
    if tile_url:
        # Attribution is rendered as HTML by Leaflet: escape it, it is plain text here.
        tiles = folium.TileLayer(
            tiles=tile_url,
            attr=html.escape(tile_attribution or default_attribution()),
            max_zoom=MAX_ZOOM,
            name="tuiles",
        )
        tiles.add_to(m)
    outlines = folium.GeoJson(
        _outlines(),
        name="departements",
        style_function=_outline_style,
        interactive=False,
        smooth_factor=1.0,
    )
    outlines.add_to(m)
    _PageInit(m.get_name(), outlines.get_name(), tiles.get_name() if tiles else None, territory).add_to(m)
    return m.get_root().render()
