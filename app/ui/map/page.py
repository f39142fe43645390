"""Builds the map page once, offline, with folium, and shapes the data it shows.

folium is only the page builder here: it writes the Leaflet map, the
département outline layer and (if configured) a raster tile layer into an HTML
file that :class:`app.ui.map.view.MapView` loads.  Everything dynamic (patient,
radius ring, effecteur markers, selection) is pushed later through the
QWebChannel bridge by ``resources/map/map.js``.

All scripts and styles are local files (``resources/map/vendor/`` fetched by
``scripts/fetch_map_assets.sh``) referenced by absolute ``file://`` URLs, plus
``qwebchannel.js`` from Qt's resources, so the page needs no network.
"""

from __future__ import annotations

import html
import json
import logging
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from folium.elements import MacroElement
from folium.template import Template

from app import paths
from app.ui.qt import QCoreApplication

log = logging.getLogger("app.ui.map")

#: Files the page needs from the vendor folder (see scripts/fetch_map_assets.sh).
VENDOR_FILES = (
    "leaflet.js",
    "leaflet.css",
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
)
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
PAGE_FILE = "map.html"

#: Metropolitan France: the opening view of a map without a territory (the console always gives one).
DEFAULT_CENTER = (46.6, 2.4)
DEFAULT_ZOOM = 6
MAX_ZOOM = 18

#: Availability freshness classes; map.js gives each its marker colour.
FRESHNESS_CLASSES = ("lt4h", "lt24h", "lt72h", "none")
OUTLINE_STYLE = {"color": "#9a9a9a", "weight": 1.0, "opacity": 0.9, "fill": False}


class MapAssetsMissingError(FileNotFoundError):
    """The vendored Leaflet files are not installed (run the fetch script)."""


def map_dir() -> Path:
    """Folder of the page assets (``map.js``, ``map.css``, ``vendor/``)."""
    return paths.resource("map")


def check_assets() -> None:
    """Raise :class:`MapAssetsMissingError` naming the missing files, if any."""
    vendor = map_dir() / "vendor"
    missing = [name for name in VENDOR_FILES if not (vendor / name).is_file()]
    missing += [name for name in ("map.js", "map.css") if not (map_dir() / name).is_file()]
    if missing:
        raise MapAssetsMissingError(
            f"map assets missing in {map_dir()}: {', '.join(missing)}; "
            "run scripts/fetch_map_assets.sh (make does it)"
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


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside an HTML ``<script>`` (no ``</script>`` or ``<!--`` can end it)."""
    return json.dumps(value, allow_nan=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


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
    check_assets()
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
            attr=html.escape(tile_attribution or QCoreApplication.translate("MapView", "Fond de carte")),
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


def write_page(directory: Path, **kwargs) -> Path:
    """Render the page into ``directory/map.html`` and return its path.

    The page goes through a file because ``QWebEngineView.setHtml`` is capped
    at 2 MB; keyword arguments are those of :func:`render_page`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / PAGE_FILE
    target.write_text(render_page(**kwargs), encoding="utf-8")
    return target


def effecteur_payload(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """Normalise one effecteur dict for the page; ``None`` if unusable."""
    try:
        lat, lon = float(item["lat"]), float(item["lon"])
        effecteur_id = str(item["id"])
    except (KeyError, TypeError, ValueError):
        log.warning("map: effecteur without id or coordinates skipped: %r", item.get("id"))
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        log.warning("map: effecteur %s has invalid coordinates (%s, %s)", effecteur_id, lat, lon)
        return None
    freshness = item.get("freshness") or "none"
    phone = item.get("phone")
    return {
        "id": effecteur_id,
        "lat": lat,
        "lon": lon,
        "name": str(item.get("name") or ""),
        "kind": str(item.get("kind") or ""),
        "kind_label": str(item.get("kind_label") or item.get("kind") or ""),
        "phone": str(phone) if phone else None,
        "next_slots": [str(s) for s in item.get("next_slots") or ()],
        "freshness": freshness if freshness in FRESHNESS_CLASSES else "none",
        "group_label": str(item.get("group_label") or ""),
        "stale": bool(item.get("stale")),
    }
