"""Typed, versioned user settings stored as JSON in the data directory.

Each setting has one declaration here with its default.  The file carries a
``version``; :func:`_upgrade` turns older files into the current shape, so a
console updated on a desk keeps what its user had set.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from app import paths

log = logging.getLogger(__name__)

SETTINGS_VERSION = 3
SETTINGS_FILE = "settings.json"


@dataclass
class Settings:
    """What a desk can configure.  Defaults give the embedded demo room."""

    #: Central server URL; empty means "start the embedded local server".
    server_url: str = ""
    #: SAMU code used in case identifiers (fr.health.samu<code>.DRFR15<code>...).
    samu_code: str = "670"
    #: This desk's number (10-99), part of every case id it creates so desks never collide.
    desk_number: int = 0
    #: Département of the embedded demo territory.
    departement: str = "67"
    #: Raster tile URL template for the map; empty keeps the offline outline layer only.
    tile_url: str = ""
    tile_attribution: str = ""
    #: Default search radius (km) when the département table gives none.
    default_radius_km: float = 15.0
    #: Seconds between two sync rounds when nothing new is queued.
    sync_interval_s: float = 2.0
    #: CA bundle used to verify the server's TLS certificate (empty: system CAs).
    ca_file: str = ""
    #: Interface language: "fr" (the source language) or "en" (takes effect at the next start).
    language: str = "fr"
    #: Colour theme: "clair", "sombre" (both high contrast) or "systeme" (the platform's own palette).
    theme: str = "clair"
    #: Minutes without a key or mouse event before the session locks (0: never).
    lock_after_min: float = 10.0
    version: int = field(default=SETTINGS_VERSION)

    @property
    def owner(self) -> str:
        """The Hub Santé organisation id of this SAMU (``fr.health.samu670``)."""
        return f"fr.health.samu{self.samu_code}"


def _upgrade(raw: dict) -> dict:
    """Bring a settings dict of any earlier version to :data:`SETTINGS_VERSION`."""
    version = int(raw.get("version", 0))
    if version < 1:
        # Version 0 (unversioned) had "server" instead of "server_url".
        if "server" in raw and "server_url" not in raw:
            raw["server_url"] = raw.pop("server")
        version = 1
    if version < 2:
        # Version 2 added the interface language and the colour theme; a v1 desk keeps French, light.
        raw.setdefault("language", "fr")
        raw.setdefault("theme", "clair")
        version = 2
    if version < 3:
        # Version 3 added the session lock after inactivity (issue 8).
        raw.setdefault("lock_after_min", 10.0)
        version = 3
    raw["version"] = version
    return raw


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def load() -> Settings:
    """Read the settings file; a missing or unreadable file gives the defaults."""
    path = settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    raw = _upgrade(raw)
    known = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{k: v for k, v in raw.items() if k in known})


def save(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(settings), indent=2), encoding="utf-8")
    tmp.replace(path)
