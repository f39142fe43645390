"""Placing an address within a commune: house number, else street, else the commune's centre.

The address database is the Base Adresse Nationale imported by ``sas address
import`` (:mod:`app.services.reference.ban_import`) into the ``addresses`` table.
A lookup is plain SQL on the indexed (commune, street key, number):

* the number (and its ``bis``/``ter``) on that street → precision ``ADRESSE``;
* the street without that number → its nearest number, precision ``RUE``;
* otherwise the commune's centre → ``VILLE`` (``INCONNUE`` if the commune has none).

The precisions are the Hub Santé's ``coord.precision`` codes (RS-EDA schema:
VILLE, RUE, ADRESSE, EXACTE, INCONNUE).  Street names are compared through
:func:`street_key`: no accents, no case, no punctuation, common abbreviations
expanded (« r. » → RUE, « bd » → BOULEVARD) and little words dropped (« du »,
« de la »), so « 12 r. du Dome » finds « 12 Rue du Dôme ».  Plain Python, no Qt;
never logs the address (patient data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Address
from app.services.reference.communes import default_index, normalize

#: The Hub Santé's coord.precision codes this geocoder answers with (RS-EDA ``coord.precision`` enum).
NUMBER, STREET, TOWN, EXACT, UNKNOWN = "ADRESSE", "RUE", "VILLE", "EXACTE", "INCONNUE"
#: Street-type abbreviations as written by callers and ARMs → the BAN's words.
_ABBREVIATIONS = {
    "r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard",
    "pl": "place", "fg": "faubourg", "fbg": "faubourg", "chem": "chemin", "ch": "chemin", "rte": "route",
    "imp": "impasse", "all": "allee", "sq": "square", "crs": "cours", "pass": "passage", "qu": "quai",
    "st": "saint", "ste": "sainte", "gal": "general", "mal": "marechal", "res": "residence", "lot": "lotissement",
}
#: Little words dropped from keys, so « rue du Dôme » and « rue Dôme » meet.
_STOP_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "et", "en", "sur"})
_REPS = ("bis", "ter", "quater", "quinquies")
#: A leading number and its repetition (a single letter but « r », which is « rue »: « 12 r. du Dôme »).
_NUMBER = re.compile(r"^\s*(\d{1,5})\s*(bis|ter|quater|quinquies|[a-qs-z](?![a-z]))?\s*,?\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    """Where an address was placed, and how precisely (a Hub ``coord.precision`` code)."""

    lat: float | None
    lon: float | None
    precision: str
    #: What was found, for the user: « 12 bis Rue du Dôme », « Rue du Dôme », the commune's name.
    label: str


@dataclass(frozen=True)
class ParsedAddress:
    number: int | None
    rep: str
    street_key: str


@lru_cache(maxsize=65536)  # an import meets each street name once per house number
def street_key(name: str) -> str:
    """The search key of a street name: « Rue du Dôme » → ``RUE DOME``, « bd de la Paix » → ``BOULEVARD PAIX``."""
    words = normalize(name).split()
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(w for w in words if w not in _STOP_WORDS).upper()


def normalize_rep(rep: str) -> str:
    """``"B"`` → ``"bis"``, ``"Ter"`` → ``"ter"``, ``"a"`` → ``"a"``: the BAN's ``rep`` and a caller's alike."""
    text = normalize(rep or "").replace(" ", "")
    return {"b": "bis", "t": "ter", "q": "quater"}.get(text, text) if text else ""


def parse(address: str) -> ParsedAddress:
    """``"12 bis, rue du Dôme, 67000 Strasbourg"`` → (12, "bis", ``RUE DOME``).

    The street ends at the first comma after it (postal code and town follow);
    an address without a leading number has ``number`` None.
    """
    text = (address or "").strip()
    number, rep = None, ""
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1))
        rep = normalize_rep(match.group(2) or "")
        text = match.group(3)
    street = text.split(",", 1)[0]
    return ParsedAddress(number, rep, street_key(street))


def geocode(session: Session, insee: str, address: str) -> Placement:
    """Place ``address`` in the commune ``insee``: number, else street, else the commune's centre."""
    parsed = parse(address)
    if parsed.street_key:
        found = _on_street(session, insee, parsed)
        if found is not None:
            return found
    return town_placement(insee)


def town_placement(insee: str) -> Placement:
    """The commune's centre (``VILLE``), or no place at all (``INCONNUE``) for an unknown commune."""
    commune = default_index().get(insee)
    if commune is None or not commune.has_coordinates:
        return Placement(None, None, UNKNOWN, commune.name if commune else "")
    return Placement(commune.lat, commune.lon, TOWN, commune.name)


def _on_street(session: Session, insee: str, parsed: ParsedAddress) -> Placement | None:
    key = _street_key_in(session, insee, parsed.street_key)
    if key is None:
        return None
    street = select(Address).where(Address.insee == insee, Address.street_key == key)
    if parsed.number is not None:
        rows = session.scalars(street.where(Address.number == parsed.number)).all()
        exact = next((r for r in rows if r.rep == parsed.rep), None)
        if exact is not None:
            return Placement(exact.lat, exact.lon, NUMBER, _label(exact.number, exact.rep, exact.street))
        target = parsed.number
    else:
        target = 0
    # The street's nearest number (the same number without its bis first): a point on the right street.
    nearest = session.scalars(street.order_by(func.abs(Address.number - target), Address.rep, Address.id)
                              .limit(1)).first()
    return Placement(nearest.lat, nearest.lon, STREET, nearest.street)


def _street_key_in(session: Session, insee: str, key: str) -> str | None:
    """The stored key of the street: the same key, else the one street whose key contains every word."""
    exists = select(Address.street_key).where(Address.insee == insee, Address.street_key == key).limit(1)
    if session.scalar(exists) is not None:
        return key
    words = key.split()
    query = select(Address.street_key).where(Address.insee == insee).distinct().limit(2)
    for word in words:
        query = query.where(Address.street_key.contains(word, autoescape=True))
    candidates = session.scalars(query).all()
    return candidates[0] if len(candidates) == 1 else None


def _label(number: int, rep: str, street: str) -> str:
    return " ".join(x for x in (str(number) if number else "", rep, street) if x)


def address_count(session: Session, insee: str | None = None) -> int:
    """How many address points are loaded (in one commune, if given)."""
    query = select(func.count()).select_from(Address)
    if insee:
        query = query.where(Address.insee == insee)
    return int(session.scalar(query) or 0)
