"""Call intake without Qt: raw form input → a valid :class:`CaseDoc`, or errors naming each field.

The intake panel collects an :class:`IntakeForm` exactly as typed; :func:`validate`
returns one :class:`FieldError` per bad field (French messages, in the panel's
tab order, so the first error is the first field to fix) and
:func:`build_case_doc` turns a valid form into the wire document.  The official
code lists come from the shipped Hub Santé nomenclatures (``HubSante.motif.csv``,
``HubSante.priorite.csv``).  Phone numbers are normalised to E.164 with
``phonenumbers`` (region FR, with the overseas départements tried for national
numbers that are not metropolitan).
"""

from __future__ import annotations

import csv
import re
import unicodedata
import uuid as uuid_mod
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import phonenumbers

from app import paths
from app.services.documents import CaseDoc, NoteDoc

PHONE_INVALID = "Numéro de téléphone invalide"
#: Overseas regions inside the French 10-digit plan (0590…, 0696…, 0262…, 0269…), tried before FR
#: for a 10-digit national number: phonenumbers' FR data accepts some of their ranges (0269 Mayotte)
#: as +33, while each region's data only accepts its own prefixes.  Saint-Pierre-et-Miquelon (+508,
#: 6 digits) is not in the plan: "06 12 34 5" must stay a truncated mobile, not a valid +508 number.
_DOM_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "BL", "MF")
_PHONE_CHARS = re.compile(r"^[0-9+\s().\-/]+$")
#: Form fields in the ARM's interview (and tab) order; errors come back in this order.
FIELD_ORDER = ("caller_phone", "callback_phone", "caller_name", "address", "commune", "motive", "priority", "notes")
_MAX_LENGTHS = {"caller_name": 200, "address": 300, "notes": 10000}
_NOMENCLATURES = ("hub-sante", "nomenclatures", "latest")


@dataclass(frozen=True)
class FieldError:
    """One problem with one form field; ``field`` is a name from :data:`FIELD_ORDER`."""

    field: str
    message: str


class InvalidIntake(ValueError):
    """Raised by :func:`build_case_doc` for a form that does not validate."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass
class IntakeForm:
    """The intake form as typed by the ARM (raw text; normalised by :func:`build_case_doc`)."""

    caller_phone: str = ""
    callback_phone: str = ""
    callback_confirmed: bool = False
    caller_name: str = ""
    address: str = ""
    commune_insee: str = ""
    commune_name: str = ""
    lat: float | None = None
    lon: float | None = None
    motive_code: str = ""
    motive_label: str = ""
    priority: str = ""
    notes: str = ""
    #: ``coord.precision`` of ``lat``/``lon`` when they do not come from the commune (e.g. "ADRESSE").
    coord_precision: str = ""
    #: When the call was presented (aware); defaults to the opening time.
    reception: datetime | None = None


@dataclass(frozen=True)
class Priority:
    code: str
    label: str
    description: str
    colour: str


# --- phone numbers ---------------------------------------------------------------------------

def normalize_phone(text: str) -> str:
    """``"06 12 34 56 78"`` → ``"+33612345678"``; raises ValueError(:data:`PHONE_INVALID`)."""
    raw = (text or "").strip()
    if not raw or not _PHONE_CHARS.match(raw):
        raise ValueError(PHONE_INVALID)
    national = re.fullmatch(r"0\d{9}", re.sub(r"\D", "", raw)) is not None and not raw.startswith("00")
    for region in (_DOM_REGIONS if national else ()) + ("FR",):
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            raise ValueError(PHONE_INVALID) from None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(PHONE_INVALID)


def format_phone(e164: str | None) -> str:
    """A number for display: national for France (``06 12 34 56 78``), else international."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 33 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


# --- case ids ---------------------------------------------------------------------------------

def new_case_id(samu_code: str, when: datetime, desk: int, counter: int) -> str:
    """``fr.health.samu670.DRFR1567024328420007``: SAMU, YY, day of year, desk, counter.

    The day is ``when``'s own calendar day (no time-zone conversion): the caller
    keys its daily counter on the same day, so two ids never collide.  A counter
    past 9999 simply widens the id, which still matches the Hub pattern.
    """
    if not re.fullmatch(r"[0-9A-Za-z]{3}", samu_code or ""):
        raise ValueError(f"code SAMU invalide : {samu_code!r}")
    if not 0 <= desk <= 99:
        raise ValueError(f"numéro de poste invalide : {desk}")
    if counter < 0:
        raise ValueError(f"compteur invalide : {counter}")
    day = when.timetuple().tm_yday
    return f"fr.health.samu{samu_code}.DRFR15{samu_code}{when:%y}{day:03d}{desk:02d}{counter:04d}"


# --- nomenclatures ----------------------------------------------------------------------------

def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _read_nomenclature(name: str) -> list[list[str]]:
    """Rows of a Hub code list without its header: [index, code, label_n1, label_n2, ...]."""
    with open(paths.resource(*_NOMENCLATURES, name), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [r + [""] * (4 - len(r)) for r in rows[1:] if len(r) > 1 and r[1].strip()]


@lru_cache(maxsize=1)
def _motive_table() -> tuple[tuple[str, str, str], ...]:
    """(code, label, group label) of every selectable motive, in the official order."""
    rows = _read_nomenclature("HubSante.motif.csv")
    groups = {r[1].strip()[:3]: _clean(r[2]) for r in rows if _clean(r[2])}
    has_children = {r[1].strip()[:3] for r in rows if not _clean(r[2])}
    table = []
    for r in rows:
        code, n1, n2 = r[1].strip(), _clean(r[2]), _clean(r[3])
        if n2:
            table.append((code, n2, groups.get(code[:3], "")))
        elif n1 and code[:3] not in has_children:  # a group with no sub-motive ("Non renseigné")
            table.append((code, n1, n1))
    return tuple(table)


def load_motives() -> list[tuple[str, str]]:
    """``[("M01.01", "M01.01 — Suspicion d’arrêt cardiaque, mort subite"), …]`` (official labels)."""
    return [(code, f"{code} — {label}") for code, label, _group in _motive_table()]


def motive_label(code: str) -> str | None:
    """The official label of a motive code (without the code), or None if unknown."""
    return next((label for c, label, _g in _motive_table() if c == code), None)


def motive_group(code: str) -> str | None:
    """The level-1 group of a motive ("Détresse vitale" for M01.01), or None."""
    return next((group for c, _l, group in _motive_table() if c == code), None)


def _fold(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", re.sub(r"[’'ʼ–—-]", " ", text.lower()))
    return re.sub(r"[^0-9a-z]+", " ", text.encode("ascii", "ignore").decode()).split()


def search_motives(text: str, limit: int | None = None) -> list[tuple[str, str]]:
    """Motives matching a code prefix (``M03.0``, ``m0306``, ``0306``) or words of the label/group."""
    compact = re.sub(r"[\s.]", "", text or "").upper()
    if not compact:
        return []
    found = []
    if re.fullmatch(r"M?\d*", compact):
        prefix = compact if compact.startswith("M") else "M" + compact
        found = [(c, lbl) for c, lbl in load_motives() if c.replace(".", "").startswith(prefix)]
    else:
        words = _fold(text)
        for code, label, group in _motive_table():
            target = _fold(f"{label} {group}")
            if all(any(t.startswith(w) for t in target) for w in words):
                found.append((code, f"{code} — {label}"))
        found.sort(key=lambda item: not _fold(item[1].split(" — ", 1)[1])[0].startswith(words[0]))
    return found[:limit] if limit else found


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


_COLOURS = {"P0": "#d32f2f", "P1": "#f57c00", "P2": "#fbc02d", "P3": "#388e3c", "NR": "#9e9e9e"}
PRIORITIES: tuple[Priority, ...] = tuple(
    Priority(r[1].strip(), _sentence_case(_clean(r[2])), _clean(r[5] if len(r) > 5 else ""),
             _COLOURS.get(r[1].strip(), "#9e9e9e"))
    for r in _read_nomenclature("HubSante.priorite.csv")
)
#: ``{"P0": "Urgence vitale", "P1": "Prioritaire", "P2": "Non urgent", "P3": "Différé", "NR": "Non régulé"}``
PRIORITY_LABELS: dict[str, str] = {p.code: p.label for p in PRIORITIES}
#: Swatch colours: P0 red, P1 orange, P2 yellow, P3 green, NR grey.
PRIORITY_COLOURS: dict[str, str] = {p.code: p.colour for p in PRIORITIES}


# --- validation and the case document ------------------------------------------------------------

def validate(form: IntakeForm, *, communes=None) -> list[FieldError]:
    """Every problem of the form, one per field, in :data:`FIELD_ORDER`.

    ``communes`` is a :class:`app.services.communes.CommuneIndex` (default: the shipped one).
    """
    errors: dict[str, str] = {}
    if not form.caller_phone.strip():
        errors["caller_phone"] = "Numéro de l'appelant obligatoire"
    else:
        _check_phone(form.caller_phone, "caller_phone", errors)
    if form.callback_phone.strip():
        _check_phone(form.callback_phone, "callback_phone", errors)
    for name, limit in _MAX_LENGTHS.items():
        if len(getattr(form, name).strip()) > limit:
            errors[name] = f"Texte trop long ({limit} caractères au plus)"
    if not form.commune_insee.strip():
        errors["commune"] = ("Commune inconnue : choisissez-la dans la liste" if form.commune_name.strip()
                             else "Commune obligatoire (lieu en France)")
    elif _commune(form, communes) is None:
        errors["commune"] = f"Commune inconnue (code INSEE {form.commune_insee.strip()})"
    elif form.lat is not None and form.lon is not None and not (-90 <= form.lat <= 90 and -180 <= form.lon <= 180):
        errors["commune"] = "Coordonnées du lieu invalides"
    if not form.motive_code.strip():
        errors["motive"] = ("Motif inconnu : choisissez-le dans la liste" if form.motive_label.strip()
                            else "Motif de recours obligatoire")
    elif motive_label(form.motive_code.strip()) is None:
        errors["motive"] = f"Motif inconnu : {form.motive_code.strip()}"
    if not form.priority:
        errors["priority"] = "Priorité obligatoire (P0 à P3, ou NR)"
    elif form.priority not in PRIORITY_LABELS:
        errors["priority"] = f"Priorité inconnue : {form.priority}"
    return [FieldError(f, errors[f]) for f in FIELD_ORDER if f in errors]


def _check_phone(text: str, field: str, errors: dict[str, str]) -> None:
    try:
        normalize_phone(text)
    except ValueError:
        errors[field] = PHONE_INVALID


def _commune(form: IntakeForm, communes):
    if communes is None:
        from app.services.communes import default_index

        communes = default_index()
    return communes.get(form.commune_insee.strip())


def build_case_doc(form: IntakeForm, *, uuid: str, case_id: str, owner: str, now: datetime, author: str,
                   author_role: str = "ARM", communes=None) -> CaseDoc:
    """The case document of a valid form; raises :class:`InvalidIntake` otherwise.

    The callback number defaults to the caller's; the place is the commune's
    centre (precision ``VILLE``) unless the form carries its own coordinates.
    """
    if now.tzinfo is None or (form.reception is not None and form.reception.tzinfo is None):
        raise ValueError("les heures doivent porter un fuseau horaire")
    errors = validate(form, communes=communes)
    if errors:
        raise InvalidIntake(errors)
    commune = _commune(form, communes)
    caller = normalize_phone(form.caller_phone)
    if form.lat is not None and form.lon is not None:
        lat, lon = form.lat, form.lon
        same = (lat, lon) == (commune.lat, commune.lon)
        precision = form.coord_precision or ("VILLE" if same else "INCONNUE")
    else:
        lat, lon = commune.lat, commune.lon
        precision = "VILLE" if commune.lat is not None else "INCONNUE"
    notes = []
    if form.notes.strip():
        notes.append(NoteDoc(uuid=str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, f"case/{uuid}/note/1")),
                             creation=now, author=author, author_role=author_role, freetext=form.notes.strip()))
    code = form.motive_code.strip()
    return CaseDoc(
        uuid=uuid, case_id=case_id, owner=owner, creation=now, reception=form.reception or now,
        priority=form.priority, health_motive_code=code, health_motive_label=motive_label(code),
        caller_name=form.caller_name.strip() or None, caller_phone=caller,
        callback_phone=normalize_phone(form.callback_phone) if form.callback_phone.strip() else caller,
        address_complete=form.address.strip() or None, city_name=commune.name, city_insee_code=commune.insee,
        lat=lat, lon=lon, coord_precision=precision, notes=notes,
    )
