"""Invented names, streets and numbers of the demo territory, and where and when they live.

First names, surnames, street names and pharmacies are common French ones;
phone numbers follow the numbering plan (landline zone by département, the
overseas country codes); identifiers carry their Luhn keys like RPPS, FINESS
and SIRET do.  Also: the demo room's accounts, the local time zone of a département, and a point
scattered around a commune centre.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import timedelta, timezone, tzinfo
from itertools import chain, count
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Role, User
from app.services.reference.communes import Commune
from app.services.search.geo import offset_km

#: (username, password, role, display name) of the demo room's accounts.
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("arm", "arm-demo", Role.ARM.value, "Camille Roussel (ARM)"),
    ("osnp", "osnp-demo", Role.OSNP.value, "Karim Benali (OSNP)"),
    ("mrl", "mrl-demo", Role.MRL.value, "Dr Claire Muller (MRL)"),
    ("mru", "mru-demo", Role.MRU.value, "Dr Antoine Lefèvre (MRU)"),
    ("superviseur", "superviseur-demo", Role.SUPERVISEUR.value, "Nathalie Weber (chef de salle)"),
    ("admin", "admin-demo", Role.ADMIN.value, "Administrateur démo"),
    ("hub", "hub-demo", Role.HUB.value, "Connecteur Hub Santé (démo)"),
]


WOMEN = ("Camille Léa Manon Chloé Emma Inès Sarah Julie Claire Anne Marie Sophie Isabelle Nathalie "
         "Céline Aurélie Élodie Pauline Laura Mathilde Louise Alice Hélène Juliette Lucie Yasmine").split()
MEN = ("Thomas Nicolas Julien Pierre Antoine Maxime Alexandre Guillaume Romain Hugo Lucas Louis Paul "
       "Mathieu François Olivier Laurent Sébastien Vincent Philippe Jérôme Arnaud Benoît Karim").split()
SURNAMES = ("Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Leroy "
            "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Muller "
            "Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier Legrand Gauthier Garcia "
            "Perrin Robin Clément Morin Henry Roussel Masson Marchand Duval Dumont Lemaire Noël Meyer "
            "Dufour Brun Blanchard Giraud Joly Rivière Brunet Gaillard Barbier Arnaud Roche Renard Roy "
            "Schmitt Colin Vidal Caron Picard Fabre Aubert Lemoine Renaud Dumas Lacroix Rey Leclerc Payet "
            "Hoarau Weber Klein Wagner Schneider Fischer Koch Haas Keller Zimmermann").split()
STREETS = ("rue de la Gare|rue Principale|Grand'Rue|rue de l'Église|avenue de la République|rue Pasteur|"
           "rue du Général-de-Gaulle|place de la Mairie|rue des Écoles|rue Victor-Hugo|rue Jean-Jaurès|"
           "boulevard Gambetta|rue du Moulin|rue des Vignes|rue des Tilleuls|rue de la Liberté|avenue Foch|"
           "rue du Château|rue des Jardins|rue du Marché|rue de la Paix|rue Jules-Ferry|rue des Lilas|"
           "rue du Stade|allée des Peupliers|rue de la Fontaine|rue Saint-Jean|place du Marché").split("|")
NUMBERS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 24, 30, 42)
PHARMACIES = ("Pharmacie de la Gare|Pharmacie du Marché|Pharmacie Centrale|Pharmacie des Écoles|"
              "Pharmacie du Centre|Pharmacie de l'Hôtel de Ville|Pharmacie du Parc|Pharmacie Pasteur|"
              "Grande Pharmacie|Pharmacie de la Poste").split("|")
_PHONE_ZONES = {  # leading digit of landlines by département (others: 4, the south-east)
    "1": "75 77 78 91 92 93 94 95",
    "2": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "3": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "5": "09 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87",
}
#: Two-digit blocks after the zone digit valid in every metropolitan zone (062, 0639 are overseas).
_METRO_BLOCKS = [n for n in range(10, 90) if n not in (39, 62)]
#: Overseas: (country code, landline block, mobile block), blocks the numbering plan allocates.
_OVERSEAS = {"971": ("590", "59020", "69020"), "972": ("596", "59630", "69620"),
             "973": ("594", "59420", "69420"), "974": ("262", "26220", "69220"),
             "976": ("262", "26960", "63920")}
_TIMEZONES = {"971": ("America/Guadeloupe", -4), "972": ("America/Martinique", -4),
              "973": ("America/Cayenne", -3), "974": ("Indian/Reunion", 4), "976": ("Indian/Mayotte", 3)}


def phone_number(rng: random.Random, dep: str, *, mobile: bool) -> str:
    """An E.164 number: +33 in metropolitan France, the overseas country codes elsewhere."""
    if dep in _OVERSEAS:
        country, landline, cell = _OVERSEAS[dep]
        return f"+{country}{cell if mobile else landline}{rng.randrange(10**4):04d}"
    zone = "6" if mobile else next((z for z, deps in _PHONE_ZONES.items() if dep in deps.split()), "4")
    return f"+33{zone}{rng.choice(_METRO_BLOCKS)}{rng.randrange(10**6):06d}"


def with_luhn(payload: str) -> str:
    """``payload`` followed by its Luhn check digit (letters, as in "2A", count as 0)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1) if ch.isdigit() else 0
        total += d - 9 if d > 9 else d
    return payload + str(-total % 10)


def of_place(name: str) -> str:
    """French "de" before a place name: "de Strasbourg", "d'Illkirch", "du Havre", "des Ulis"."""
    low = name.lower()
    if low.startswith(("le ", "les ")):
        return ("du " if low.startswith("le ") else "des ") + name.split(" ", 1)[1]
    return ("d'" if low[:1] in "aeiouyhéèêîôâû" else "de ") + name


def unique_name(name: str, used: set[str], city: str = "") -> str:
    """``name``, else ``name (city)``, else ``name (city) 2``... whichever is still free."""
    base = f"{name} ({city})" if city else name
    candidate = next(c for c in chain((name, base), (f"{base} {n}" for n in count(2))) if c not in used)
    used.add(candidate)
    return candidate


def local_timezone(dep: str) -> tzinfo:
    """The département's time zone; a fixed offset when the tz database is missing (no tzdata)."""
    name, hours = _TIMEZONES.get(dep, ("Europe/Paris", 1))
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=hours))


def jitter(rng: random.Random, commune: Commune) -> tuple[float, float]:
    """A point in a disc around the commune centre, wider for bigger communes (at most 2.5 km)."""
    radius = min(2.5, 0.3 + 0.004 * math.sqrt(commune.population))
    r, theta = radius * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    return offset_km(commune.lat, commune.lon, r * math.cos(theta), r * math.sin(theta))


def create_demo_users(session: Session, hash_password: Callable[[str], str]) -> list[str]:
    """Add the :data:`DEMO_ACCOUNTS` missing from the database; returns the usernames added."""
    existing = set(session.scalars(select(User.username)))
    created = [account for account in DEMO_ACCOUNTS if account[0] not in existing]
    for username, password, role, display_name in created:
        session.add(User(username=username, display_name=display_name, role=role,
                         password_hash=hash_password(password)))
    session.flush()
    return [account[0] for account in created]
