"""Typed, versioned user settings stored as JSON in the data directory: one pydantic model.

:class:`Settings` declares every setting once, with its default and its rule
(a département of :mod:`app.codes.places`, a radius in range, a server URL…).
The same model checks the file on :func:`load` and the settings dialog's
fields (:func:`check`), so the dialog can never save what the next start
refuses.  A wrong value in the file is logged by name (never its value) and
replaced by its default; the other settings are kept.  The file carries a
``version``; :func:`_upgrade` turns older files into the current shape, so a
console updated on a desk keeps what its user had set.

The « Téléphonie » section (``sip_*``, issue 15) describes this desk's softphone
account; telephony stays off until ``sip_enabled`` and ``sip_user`` are set.  The
SIP password is a secret: it is never in the settings file, but in its own file
of the data directory readable by the owner only (:func:`save_sip_password`).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app import paths
from app.codes import places

log = logging.getLogger(__name__)

SETTINGS_VERSION = 4
SETTINGS_FILE = "settings.json"
#: The desk's SIP password, alone in a file readable by the owner only (never in settings.json, never logged).
SIP_SECRET_FILE = "sip-password"
PORT_RANGE = (0, 65535)
#: Interface languages (French is the source language) and colour themes.
LANGUAGE_CODES = ("fr", "en")
THEME_CODES = ("clair", "sombre", "systeme")
RADIUS_RANGE = (1.0, 100.0)
SYNC_RANGE = (0.5, 300.0)
LOCK_RANGE = (1.0, 120.0)


def _is_http_url(text: str) -> bool:
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class Settings(BaseModel):
    """What a desk can configure.  Defaults give the embedded demo room."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    #: Central server URL; empty means "start the embedded local server".
    server_url: str = ""
    #: SAMU code used in case identifiers (fr.health.samu<code>.DRFR15<code>...).
    samu_code: str = Field(default="670", pattern=r"^[0-9]{3}$")
    #: This desk's number (10-99), part of every case id it creates so desks never collide; 0 until drawn.
    desk_number: int = 0
    #: Département of the room (its territory, its time zone): 01–95, 2A, 2B, 971–976.
    departement: str = "67"
    #: Raster tile URL template for the map; empty keeps the offline outline layer only.
    tile_url: str = ""
    tile_attribution: str = Field(default="", max_length=300)
    #: Default search radius (km) when the département table gives none.
    default_radius_km: float = Field(default=15.0, ge=RADIUS_RANGE[0], le=RADIUS_RANGE[1])
    #: Seconds between two sync rounds when nothing new is queued.
    sync_interval_s: float = Field(default=2.0, ge=SYNC_RANGE[0], le=SYNC_RANGE[1])
    #: CA bundle used to verify the server's TLS certificate (empty: system CAs).
    ca_file: str = ""
    #: Interface language (takes effect at the next start).
    language: Literal[LANGUAGE_CODES] = "fr"  # type: ignore[valid-type]
    #: Colour theme: "clair", "sombre" (both high contrast) or "systeme" (the platform's own palette).
    theme: Literal[THEME_CODES] = "clair"  # type: ignore[valid-type]
    #: Minutes without a key or mouse event before the session locks.
    lock_after_min: float = Field(default=10.0, ge=LOCK_RANGE[0], le=LOCK_RANGE[1])
    # --- Téléphonie (issue 15): this desk's softphone; off, the console works by hand as before ---
    sip_enabled: bool = False
    #: The desk's SIP account (« arm1 »).
    sip_user: str = Field(default="", pattern=r"^[A-Za-z0-9._+-]{0,64}$")
    #: The room's SIP domain (empty: the server's host).
    sip_domain: str = Field(default="", pattern=r"^[A-Za-z0-9.:\[\]-]{0,255}$")
    #: Outbound proxy « hôte:port » (the room's SIP proxy, e.g. kamailio); empty: the domain itself.
    sip_proxy: str = Field(default="", pattern=r"^([A-Za-z0-9.\[\]-]+(:[0-9]{1,5})?)?$")
    #: Local SIP port and baresip's control port (0: any free port).
    sip_local_port: int = Field(default=0, ge=PORT_RANGE[0], le=PORT_RANGE[1])
    sip_ctrl_port: int = Field(default=0, ge=PORT_RANGE[0], le=PORT_RANGE[1])
    #: The doctors' desks a call may be transferred to (Ctrl+Maj+T), « mru1, mrl1 »: SIP users of the room.
    sip_transfer_desks: str = Field(default="", pattern=r"^[A-Za-z0-9._+,; -]{0,300}$")
    version: int = SETTINGS_VERSION

    @field_validator("server_url")
    @classmethod
    def _server(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v and not _is_http_url(v):
            raise ValueError("attendu http(s)://hôte[:port]")
        return v

    @field_validator("desk_number")
    @classmethod
    def _desk(cls, v: int) -> int:
        if v != 0 and not 10 <= v <= 99:
            raise ValueError("de 10 à 99")
        return v

    @field_validator("departement")
    @classmethod
    def _departement(cls, v: str) -> str:
        code = places.normalize_departement(v)
        if code is None:
            raise ValueError("01 à 95, 2A, 2B ou 971 à 976")
        return code

    @field_validator("tile_url")
    @classmethod
    def _tiles(cls, v: str) -> str:
        v = v.strip()
        if v and not (_is_http_url(v.replace("{", "").replace("}", ""))
                      and all(k in v for k in ("{z}", "{x}", "{y}"))):
            raise ValueError("http(s)://… contenant {z}, {x} et {y}")
        return v

    @field_validator("ca_file")
    @classmethod
    def _ca(cls, v: str) -> str:
        v = v.strip()
        if v and not Path(v).expanduser().is_file():
            raise ValueError("fichier introuvable")
        return v

    @property
    def telephony_configured(self) -> bool:
        """Whether this desk runs a softphone (telephony on and an account named)."""
        return self.sip_enabled and bool(self.sip_user)

    @property
    def transfer_desks(self) -> list[str]:
        """The doctors' desks of Ctrl+Maj+T, in the order typed."""
        return [d for d in (p.strip() for p in self.sip_transfer_desks.replace(";", ",").split(",")) if d]

    @property
    def owner(self) -> str:
        """The Hub Santé organisation id of this SAMU (``fr.health.samu670``)."""
        return f"fr.health.samu{self.samu_code}"

    @property
    def time_zone(self) -> str:
        """The IANA time zone of the room (from its département)."""
        return places.time_zone_of(self.departement)


def check(values: dict) -> tuple[Settings | None, dict[str, str]]:
    """The settings ``values`` give, or None and the wrong field names with pydantic's reason."""
    try:
        return Settings.model_validate(values), {}
    except ValidationError as exc:
        return None, {str(e["loc"][0]): e["msg"] for e in exc.errors() if e["loc"]}


def _upgrade(raw: dict) -> dict:
    """Bring a settings dict of any earlier version to :data:`SETTINGS_VERSION`."""
    version = int(raw.get("version", 0) or 0)
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
    if version < 4:
        # Version 4 added the « Téléphonie » section (issue 15): off, as every desk was before.
        raw.setdefault("sip_enabled", False)
        version = 4
    raw["version"] = version
    return raw


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def load() -> Settings:
    """Read the settings file; a missing or unreadable file gives the defaults, a wrong value its default."""
    path = settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        raw = _upgrade(raw)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, type(exc).__name__)
        return Settings()
    cfg, wrong = check(raw)
    if cfg is None:
        log.warning("settings file %s: wrong %s, defaults used for them", path, ", ".join(sorted(wrong)))
        cfg, _ = check({k: v for k, v in raw.items() if k not in wrong})
    return cfg or Settings()


def save(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.model_dump(), indent=2), encoding="utf-8")
    tmp.replace(path)


def sip_password_path() -> Path:
    return paths.data_dir() / SIP_SECRET_FILE


def load_sip_password() -> str:
    """The desk's SIP password ("" when none was saved)."""
    try:
        return sip_password_path().read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def save_sip_password(password: str) -> None:
    """Keep the SIP password in its own owner-only file (written aside, then renamed); "" removes it."""
    path = sip_password_path()
    if not password:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(password)
    tmp.replace(path)
