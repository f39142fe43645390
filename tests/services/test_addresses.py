"""The address database: BAN import (streamed, idempotent) and the geocoder, against a hand-written sample.

The expected coordinates below are copied by hand from ``tests/data/ban/adresses-67-extrait.csv``
(and Strasbourg's centre from the communes file), not computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Address
from app.models.db import open_database
from app.services.reference import addresses, ban_import

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ban" / "adresses-67-extrait.csv"
STRASBOURG, SCHILTIGHEIM = "67482", "67447"


@pytest.fixture
def sessions(tmp_path):
    engine, factory = open_database(f"sqlite:///{tmp_path / 'server.db'}")
    yield factory
    engine.dispose()


@pytest.fixture
def loaded(sessions):
    ban_import.import_file(sessions, SAMPLE)
    return sessions


def test_import_reads_every_line_and_skips_the_one_without_coordinates(sessions):
    seen = []
    report = ban_import.import_file(sessions, SAMPLE, batch_size=4, progress=lambda r: seen.append(r.written))
    assert (report.read, report.written) == (15, 14)
    assert report.skipped == {"coordonnées ou numéro illisibles": 1}
    assert seen == [4, 8, 12, 14]  # progress after each batch of four
    with sessions() as s:
        bis = s.get(Address, "67482_2060_00012_bis")
        assert (bis.insee, bis.number, bis.rep, bis.street, bis.postal_code) == (
            STRASBOURG, 12, "bis", "Rue du Dôme", "67000")
        assert (bis.lat, bis.lon) == (48.584868, 7.749418)
        assert bis.street_key == "RUE DOME"


def test_reimport_updates_without_duplicating(sessions, tmp_path):
    ban_import.import_file(sessions, SAMPLE)
    moved = tmp_path / "adresses-67.csv"
    text = SAMPLE.read_text(encoding="utf-8").replace("7.749412;48.582870", "7.749500;48.582900")
    moved.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # with a BOM, as some downloads have
    ban_import.import_file(sessions, moved)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 14
        one = s.get(Address, "67482_2060_00001")
        assert (one.lat, one.lon) == (48.5829, 7.7495)


def test_a_file_that_is_not_the_ban_is_refused_naming_the_columns(sessions, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("id,numero,nom_voie\n1,2,Rue\n", encoding="utf-8")
    with pytest.raises(ban_import.BanFormatError, match="code_insee"):
        ban_import.import_file(sessions, other)


@pytest.mark.parametrize(("typed", "expected"), [
    ("12 rue du Dôme", (48.584754, 7.749448, "ADRESSE", "12 Rue du Dôme")),
    ("12 bis, rue du Dome, 67000 Strasbourg", (48.584868, 7.749418, "ADRESSE", "12 bis Rue du Dôme")),
    ("12B R. DU DÔME", (48.584868, 7.749418, "ADRESSE", "12 bis Rue du Dôme")),
    ("5 pl. Kléber", (48.584436, 7.745629, "ADRESSE", "5 Place Kléber")),
    ("14 av de la foret noire", (48.581083, 7.767128, "ADRESSE", "14 Avenue de la Forêt-Noire")),
    ("7 rue de l’Ail", (48.581521, 7.743071, "ADRESSE", "7 Rue de l'Ail")),
    ("6a quai des Bateliers", (48.580669, 7.752953, "ADRESSE", "6 a Quai des Bateliers")),
    # A number the street does not have: its nearest number, at street level.
    ("11 rue du Dôme", (48.584512, 7.749489, "RUE", "Rue du Dôme")),
    ("rue du Dôme", (48.582870, 7.749412, "RUE", "Rue du Dôme")),
    ("3 forêt noire", (48.581208, 7.766703, "RUE", "Avenue de la Forêt-Noire")),
])
def test_geocode_at_the_house_number_else_the_street(loaded, typed, expected):
    with loaded() as s:
        placed = addresses.geocode(s, STRASBOURG, typed)
    assert (placed.lat, placed.lon, placed.precision, placed.label) == expected


def test_the_commune_decides_which_rue_du_dome(loaded):
    with loaded() as s:
        placed = addresses.geocode(s, SCHILTIGHEIM, "12 rue du Dôme")
    assert (placed.lat, placed.lon, placed.precision) == (48.617345, 7.743910, "ADRESSE")


def test_unknown_street_or_empty_database_gives_the_commune_centre(loaded, sessions):
    with loaded() as s:
        placed = addresses.geocode(s, STRASBOURG, "4 rue Inconnue")
        assert placed.precision == "VILLE" and placed.label == "Strasbourg"
        assert abs(placed.lat - 48.58) < 0.03 and abs(placed.lon - 7.75) < 0.04  # Strasbourg's centre
        nowhere = addresses.geocode(s, "99999", "1 rue du Dôme")
        assert (nowhere.lat, nowhere.precision) == (None, "INCONNUE")


def test_precision_codes_are_the_hub_schema_enum():
    import json

    from app import paths

    schema = json.loads(paths.resource("hub-sante", "json-schema", "RS-EDA.schema.json").read_text(encoding="utf-8"))
    enum = schema["definitions"]["coord"]["properties"]["precision"]["enum"]
    assert {addresses.NUMBER, addresses.STREET, addresses.TOWN, addresses.EXACT, addresses.UNKNOWN} <= set(enum)
