"""One source per code list: départements, INSEE codes, priorities, field lengths and settings agree everywhere.

Each oracle is the official file itself, read here with the csv module (the
communes of the COG, the Hub Santé code lists), or the database schema: no
test asks the module it checks for the answer.
"""

from __future__ import annotations

import csv
import json
import logging

import pytest
from sqlalchemy import String

from app import paths
from app import settings as settings_mod
from app.codes import places, priorities
from app.codes.fields import MAX_LENGTH
from app.models import Base
from app.services.records import documents

COMMUNES = paths.resource("communes", "communes_fr.csv")


def _official_departements() -> set[str]:
    """Départements of the current communes of France, without the overseas collectivities (975 aside)."""
    with open(COMMUNES, encoding="utf-8", newline="") as fh:
        deps = {row["code_departement"] for row in csv.DictReader(fh) if row["type"] == "commune-actuelle"}
    return {d for d in deps if not d.startswith("98") and d not in ("977", "978")}


def test_the_departements_are_those_of_the_official_communes():
    assert set(places.DEPARTEMENTS) == _official_departements()
    assert "20" not in places.DEPARTEMENTS and {"2A", "2B", "971", "976"} <= set(places.DEPARTEMENTS)


@pytest.mark.parametrize(("typed", "stored"), [("67", "67"), ("2a", "2A"), ("1", "01"), (" 974 ", "974")])
def test_a_departement_is_written_one_way(typed, stored):
    assert places.normalize_departement(typed) == stored


@pytest.mark.parametrize("bad", ["20", "00", "96", "99", "977", "984", "2C", "", "6A"])
def test_what_is_no_departement_is_refused_by_the_settings(bad):
    cfg, wrong = settings_mod.check({"departement": bad})
    assert cfg is None and list(wrong) == ["departement"]


def test_every_commune_code_of_france_is_a_valid_insee_code():
    with open(COMMUNES, encoding="utf-8", newline="") as fh:
        codes = [row["code_insee"] for row in csv.DictReader(fh)]
    assert len(codes) > 30_000
    assert [c for c in codes if not places.is_insee(c)] == []


@pytest.mark.parametrize("bad", ["20004", "00123", "96123", "99100", "6748", "674821", "2C004", "ABCDE"])
def test_what_no_commune_carries_is_no_insee_code(bad):
    assert not places.is_insee(bad)


@pytest.mark.parametrize(("dep", "zone"), [("67", "Europe/Paris"), ("2A", "Europe/Paris"),
                                           ("974", "Indian/Reunion"), ("971", "America/Guadeloupe"),
                                           ("976", "Indian/Mayotte"), ("973", "America/Cayenne")])
def test_the_room_lives_in_the_time_zone_of_its_departement(dep, zone):
    assert settings_mod.Settings(departement=dep).time_zone == zone


def test_the_priorities_are_the_official_list_in_its_order_each_with_a_colour():
    with open(paths.resource("hub-sante", "nomenclatures", "latest", "HubSante.priorite.csv"),
              encoding="utf-8", newline="") as fh:
        official = [row["code"] for row in csv.DictReader(fh)]
    assert list(priorities.CODES) == official
    assert set(priorities.COLOURS) == set(official)
    assert len(set(priorities.COLOURS.values())) == len(official)


def test_every_stored_text_column_holds_the_longest_text_the_api_accepts():
    """The database and the wire agree: a value the server validates is never cut by the database."""
    docs = {"cases": documents.CaseDoc, "patients": documents.PatientDoc, "case_notes": documents.NoteDoc,
            "orientations": documents.OrientationDoc, "case_events": documents.CaseEventDoc}
    checked = 0
    for table_name, doc in docs.items():
        table = Base.metadata.tables[table_name]
        for name, info in doc.model_fields.items():
            column = table.columns.get(name)
            if column is None or not isinstance(column.type, String) or column.type.length is None:
                continue
            schema = doc.model_json_schema()["properties"][name]
            variants = schema.get("anyOf", [schema])
            longest = max((v.get("maxLength") or max((len(e) for e in v.get("enum", [])), default=10 ** 9))
                          for v in variants if v.get("type") == "string")
            assert longest <= column.type.length, f"{table_name}.{name}: API {longest} > column {column.type.length}"
            checked += 1
    assert checked >= 40


def test_the_table_of_lengths_is_the_database_s():
    lengths = {c.name: c.type.length for t in Base.metadata.tables.values() for c in t.columns
               if t.name in ("cases", "patients", "case_notes", "orientations")
               and isinstance(c.type, String) and c.type.length}
    assert {n: lengths[n] for n in MAX_LENGTH if n in lengths} == {n: MAX_LENGTH[n] for n in MAX_LENGTH if n in lengths}


def test_a_wrong_setting_in_the_file_gets_its_default_and_the_others_are_kept(data_dir, caplog):
    settings_mod.settings_path().write_text(json.dumps(
        {"version": 3, "departement": "20", "samu_code": "750", "default_radius_km": 500, "theme": "sombre"}),
        encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        cfg = settings_mod.load()
    assert (cfg.departement, cfg.default_radius_km) == ("67", 15.0)
    assert (cfg.samu_code, cfg.theme) == ("750", "sombre")
    assert "departement" in caplog.text and "default_radius_km" in caplog.text and "500" not in caplog.text


def test_a_settings_file_that_is_no_object_gives_the_defaults(data_dir):
    settings_mod.settings_path().write_text("[1, 2]", encoding="utf-8")
    assert settings_mod.load() == settings_mod.Settings()


def test_every_departement_the_settings_take_the_embedded_start_builds():
    """The dialog and the embedded start apply one rule: what one accepts the other does."""
    from app.demo.territory import normalize_departement

    for dep in places.DEPARTEMENTS:
        cfg, wrong = settings_mod.check({"departement": dep})
        assert cfg is not None, (dep, wrong)
        assert normalize_departement(cfg.departement) == dep
