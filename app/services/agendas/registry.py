"""The registry of agenda editors, read from the TOML file given to ``sas server --editors FILE``.

::

    refresh_s = 300          # the periodic pull of every editor (seconds, default 300)
    max_age_s = 60           # a search refreshes effecteurs whose slots are older (default 60)

    [[editor]]
    name = "Doctolib"
    base_url = "https://fhir.example.fr/sas/"   # its FHIR base
    serves = ["ps", "cpts"]                     # any of "ps", "cpts", "sos"
    booking = true                              # takes bookings (POST [base]/Appointment)
    time_limit_s = 7                            # default 7 (SAS guide, annexes)
    concurrency = 4                             # its requests in flight at once during the periodic
                                                # refresh (default 4, at most 64): what it agreed to bear
    cert = "/etc/sas/igc-sante.pem"             # optional mTLS (IGC-Santé in production)
    key = "/etc/sas/igc-sante.key"
    ca = "/etc/sas/ac-igc-sante.pem"
    push_token_sha256 = "…"                     # optional: SHA-256 (hex) of the bearer token the
                                                # editor presents when it sends Appointment updates

A wrong file is refused at start with a French message naming the field
(``editor[2].base_url : …``): a server never runs on half a registry.  Relative
``cert``/``key``/``ca`` paths are read from the file's folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.services.interop.fhir import codes
from app.services.interop.fhir.client import Editor

SERVES = ("ps", "cpts", "sos")
DEFAULT_REFRESH_S = 300.0
DEFAULT_MAX_AGE_S = 60.0
#: An editor's requests in flight at once during the periodic refresh, unless its entry says otherwise.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 64
_KEYS = {"name", "base_url", "serves", "booking", "time_limit_s", "concurrency", "cert", "key", "ca",
         "push_token_sha256"}


class RegistryError(ValueError):
    """The editors file is unusable; the message (French) names the field."""


@dataclass(frozen=True)
class EditorConfig:
    """One agenda editor's FHIR server and what it offers."""

    name: str
    base_url: str
    serves: frozenset[str]
    booking: bool = False
    time_limit_s: float = codes.EDITOR_TIME_LIMIT_S
    concurrency: int = DEFAULT_CONCURRENCY
    cert: str | None = None
    key: str | None = None
    ca: str | None = None
    push_token_sha256: str | None = None

    def client_editor(self) -> Editor:
        """The FHIR client's view of this editor (mTLS files included)."""
        cert = (self.cert, self.key) if self.cert and self.key else None
        return Editor(name=self.name, base_url=self.base_url, cpts="cpts" in self.serves, cert=cert,
                      verify=self.ca or True)

    @property
    def serves_practitioners(self) -> bool:
        return bool(self.serves & {"ps", "cpts"})


@dataclass(frozen=True)
class Registry:
    """Every editor of the room's server; empty when no file was given."""

    editors: tuple[EditorConfig, ...] = ()
    refresh_s: float = DEFAULT_REFRESH_S
    max_age_s: float = DEFAULT_MAX_AGE_S
    source: str | None = field(default=None, compare=False)

    def by_name(self, name: str | None) -> EditorConfig | None:
        return next((e for e in self.editors if e.name == name), None) if name else None

    def serving(self, what: str) -> list[EditorConfig]:
        """The editors that serve ``what`` (``ps``, ``cpts`` or ``sos``)."""
        return [e for e in self.editors if what in e.serves]

    def __bool__(self) -> bool:
        return bool(self.editors)


def _number(value: object, where: str, default: float, *, maximum: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= maximum:
        raise RegistryError(f"{where} : nombre de secondes attendu, entre 0 et {maximum:g}")
    return float(value)


def _text(table: dict, key: str, where: str, *, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise RegistryError(f"{where}.{key} : obligatoire")
        return None
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}.{key} : texte non vide attendu")
    return value.strip()


def _file(table: dict, key: str, where: str, folder: Path | None) -> str | None:
    value = _text(table, key, where)
    if value is None:
        return None
    path = Path(value) if folder is None or Path(value).is_absolute() else folder / value
    if not path.is_file():
        raise RegistryError(f"{where}.{key} : fichier introuvable ({path})")
    return str(path)


def _editor(table: object, index: int, folder: Path | None) -> EditorConfig:
    where = f"editor[{index}]"
    if not isinstance(table, dict):
        raise RegistryError(f"{where} : table [[editor]] attendue")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise RegistryError(f"{where}.{unknown[0]} : clé inconnue (attendues : {', '.join(sorted(_KEYS))})")
    name = _text(table, "name", where, required=True) or ""
    if len(name) > 40:
        raise RegistryError(f"{where}.name : 40 caractères au plus")
    base_url = _text(table, "base_url", where, required=True) or ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"{where}.base_url : adresse http(s) attendue")
    serves = table.get("serves", ["ps"])
    if isinstance(serves, str):
        serves = [serves]
    if not isinstance(serves, list) or not serves or any(s not in SERVES for s in serves):
        raise RegistryError(f"{where}.serves : liste parmi {', '.join(SERVES)} attendue")
    booking = table.get("booking", False)
    if not isinstance(booking, bool):
        raise RegistryError(f"{where}.booking : true ou false attendu")
    cert, key = _file(table, "cert", where, folder), _file(table, "key", where, folder)
    if bool(cert) != bool(key):
        raise RegistryError(f"{where}.{'key' if cert else 'cert'} : cert et key vont ensemble (mTLS)")
    concurrency = table.get("concurrency", DEFAULT_CONCURRENCY)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise RegistryError(f"{where}.concurrency : nombre entier de requêtes simultanées attendu, "
                            f"entre 1 et {MAX_CONCURRENCY}")
    token = _text(table, "push_token_sha256", where)
    if token is not None and (len(token) != 64 or any(c not in "0123456789abcdef" for c in token.lower())):
        raise RegistryError(f"{where}.push_token_sha256 : empreinte SHA-256 hexadécimale (64 caractères) attendue")
    return EditorConfig(
        name=name, base_url=base_url, serves=frozenset(serves), booking=booking,
        time_limit_s=_number(table.get("time_limit_s"), f"{where}.time_limit_s", codes.EDITOR_TIME_LIMIT_S,
                             maximum=60),
        concurrency=concurrency, cert=cert, key=key, ca=_file(table, "ca", where, folder),
        push_token_sha256=token and token.lower())


def parse(document: dict, *, folder: Path | None = None, source: str | None = None) -> Registry:
    """The registry described by a parsed TOML ``document``; raises :class:`RegistryError`."""
    unknown = sorted(set(document) - {"refresh_s", "max_age_s", "editor"})
    if unknown:
        raise RegistryError(f"{unknown[0]} : clé inconnue (attendues : refresh_s, max_age_s, [[editor]])")
    tables = document.get("editor", [])
    if not isinstance(tables, list):
        raise RegistryError("editor : tables [[editor]] attendues")
    editors = tuple(_editor(t, i + 1, folder) for i, t in enumerate(tables))
    names = [e.name for e in editors]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        raise RegistryError(f"editor.name : « {twice} » figure deux fois")
    return Registry(editors=editors,
                    refresh_s=_number(document.get("refresh_s"), "refresh_s", DEFAULT_REFRESH_S, maximum=86400),
                    max_age_s=_number(document.get("max_age_s"), "max_age_s", DEFAULT_MAX_AGE_S, maximum=86400),
                    source=source)


def load(path: str | Path) -> Registry:
    """Read the editors file; raises :class:`RegistryError` (French, naming the field or the file)."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"--editors : fichier illisible ({path}: {exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"--editors : le fichier n'est pas en UTF-8 ({path})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"--editors : TOML invalide ({exc})") from exc
    return parse(document, folder=path.parent, source=str(path))
