"""Builds the map page once, offline, with folium, and shapes the data it shows.

folium is only the page builder here: it writes the Leaflet map, the
département outline layer and (if configured) a raster tile layer into an HTML
file that :class:`app.ui.map.view.MapView` loads.  Everything dynamic (patient,
radius ring, effecteur markers, selection) is pushed later through the
QWebChannel bridge by ``resources/map/map.js``.

All scripts and styles are local files (``resources/map/vendor/`` fetched by
``scripts/fetch_map_assets.sh``) referenced by absolute ``file://`` URLs, plus
``qwebchannel.js`` from Qt's resources, so the page needs no network.

The page is rendered (:mod:`app.ui.map.page_render`, which alone imports folium) only when the
data dir's cache has none for the same inputs: a console's start then skips folium altogether.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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
#: The rendered pages' cache, in the data dir; the version changes when the page's make-up does.
PAGE_CACHE_DIR = "map-page-cache"
PAGE_CACHE_VERSION = 1

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


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside an HTML ``<script>`` (no ``</script>`` or ``<!--`` can end it)."""
    return json.dumps(value, allow_nan=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def default_attribution() -> str:
    """The tile layer's attribution when the settings give none (translated)."""
    return QCoreApplication.translate("MapView", "Fond de carte")


def render_page(
    *,
    tile_url: str = "",
    tile_attribution: str = "",
    center: Sequence[float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    territory: Sequence[str] = (),
) -> str:
    """Return the page HTML (about 0.6 MB, mostly the outline GeoJSON), rendered with folium now.

    ``territory``: the SAMU's département codes; the page opens fitted on their
    outlines (drawn darker), else on ``center`` / ``zoom``.
    """
    check_assets()
    from app.ui.map import page_render  # folium (~0.3 s to import): only when a page is rendered

    return page_render.render_page(tile_url=tile_url, tile_attribution=tile_attribution, center=center,
                                   zoom=zoom, territory=territory)


def _cache_key(kwargs: dict) -> str | None:
    """A digest of everything the page is made of (None: a source cannot be read, e.g. frozen: no cache)."""
    try:
        folium_spec = importlib.util.find_spec("folium")
        parts: list[Any] = [PAGE_CACHE_VERSION, sorted((k, repr(v)) for k, v in kwargs.items()),
                            str(map_dir()), QWEBCHANNEL_JS]
        if kwargs.get("tile_url") and not kwargs.get("tile_attribution"):
            parts.append(default_attribution())
        for path in (Path(__file__), Path(__file__).with_name("page_render.py")):
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
        for spec in (folium_spec, importlib.util.find_spec("branca")):
            parts.append(spec.origin)
        for path in (paths.resource("geo", "departements.geojson"), Path(folium_spec.origin),
                     Path(importlib.util.find_spec("jinja2").origin)):
            stat = path.stat()
            parts += [str(path), stat.st_size, stat.st_mtime_ns]
    except (OSError, AttributeError, TypeError, ValueError):
        return None
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def cached_page(**kwargs) -> str:
    """The page HTML for these :func:`render_page` arguments, from the data dir's cache when it holds it.

    Rendering costs the folium import and the render (half a second on a console's start); the cache
    is keyed by every input of the page (arguments, the sources of this module and its renderer, the
    outlines file, the folium install), so a changed input renders a new page.
    """
    check_assets()
    key = _cache_key(kwargs)
    cache = paths.data_dir() / PAGE_CACHE_DIR
    cached = cache / f"map-{key}.html" if key else None
    if cached is not None:
        try:
            return cached.read_text(encoding="utf-8")
        except OSError:
            pass
    text = render_page(**kwargs)
    if cached is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            for old in cache.glob("map-*.html"):  # one page per set of settings: older ones go
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache, prefix=".map-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, cached)
        except OSError as exc:
            log.info("map: page not cached (%s)", exc)
    return text


def write_page(directory: Path, **kwargs) -> Path:
    """Write the page (:func:`cached_page`) into ``directory/map.html`` and return its path.

    The page goes through a file because ``QWebEngineView.setHtml`` is capped
    at 2 MB; keyword arguments are those of :func:`render_page`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / PAGE_FILE
    target.write_text(cached_page(**kwargs), encoding="utf-8")
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
