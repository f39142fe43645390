"""Intake rules without Qt: phone numbers, case ids, code lists, validation and the case document."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app.services.intake import form as intake
from app.services.reference.communes import default_index
from app.services.records.documents import CASE_ID, CaseDoc
from app.services.intake.form import FieldError, IntakeForm

HUB_CASE_ID = re.compile(r"^([a-zA-Z0-9_-]+\.?){4,10}$")
NOW = datetime(2024, 1, 18, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def good_form(**changes) -> IntakeForm:
    strasbourg = default_index().get("67482")
    form = IntakeForm(
        caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
        commune_insee=strasbourg.insee, commune_name=strasbourg.name, lat=strasbourg.lat, lon=strasbourg.lon,
        motive_code="M03.06", motive_label="Douleur thoracique", priority="P2",
    )
    for name, value in changes.items():
        setattr(form, name, value)
    return form


@pytest.mark.parametrize("text, expected", [
    ("06 12 34 56 78", "+33612345678"),
    ("0612345678", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("03 88 11 22 33", "+33388112233"),
    ("0696 12 34 56", "+596696123456"),   # Martinique mobile, dialled nationally
    ("0262 12 34 56", "+262262123456"),   # La Réunion
    ("0590 12 34 56", "+590590123456"),   # Guadeloupe
    ("0594 30 00 00", "+594594300000"),   # Guyane
    ("0269 61 00 00", "+262269610000"),   # Mayotte
    ("0639 69 12 34", "+262639691234"),   # Mayotte mobile
    ("0692 12 34 56", "+262692123456"),   # La Réunion mobile
    ("+590 690 12 34 56", "+590690123456"),
    ("+44 20 7946 0958", "+442079460958"),  # a foreign mobile calling the 15
])
def test_normalize_phone_accepts_french_dom_and_international_numbers(text, expected):
    assert intake.normalize_phone(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "123", "06 12 34 56 7", "06 12 34 56 78 9", "06 12 34 56 ab",
                                  "bonjour", "+33 1", "06 12 34 5", "0612345"])
def test_normalize_phone_rejects_with_a_french_message(text):
    with pytest.raises(ValueError, match="Numéro de téléphone invalide"):
        intake.normalize_phone(text)


def test_format_phone_is_national_for_france():
    assert intake.format_phone("+33612345678") == "06 12 34 56 78"
    assert intake.format_phone("+442079460958").startswith("+44 ")
    assert intake.format_phone(None) == ""


def test_new_case_id_layout_and_hub_pattern():
    case_id = intake.new_case_id("670", NOW, 42, 7)
    assert case_id == "fr.health.samu670.DRFR1567024018420007"
    assert HUB_CASE_ID.match(case_id) and CASE_ID.match(case_id)
    assert intake.new_case_id("76A", datetime(2025, 12, 31, tzinfo=timezone.utc), 3, 1234).endswith(
        "DRFR1576A25365031234")
    assert HUB_CASE_ID.match(intake.new_case_id("670", NOW, 99, 123456))  # widens, still valid


@pytest.mark.parametrize("args", [("67", NOW, 1, 1), ("670", NOW, 100, 1), ("670", NOW, 1, -1)])
def test_new_case_id_refuses_bad_parts(args):
    with pytest.raises(ValueError):
        intake.new_case_id(*args)


def test_motives_come_from_the_official_list():
    motives = intake.load_motives()
    assert ("M01.01", "M01.01 — Suspicion d’arrêt cardiaque, mort subite") in motives
    codes = [c for c, _ in motives]
    assert "M01.00" not in codes  # a group heading, not a motive
    assert "M07.00" in codes  # "Non renseigné" has no sub-motive: selectable as is
    assert all(re.fullmatch(r"M\d{2}\.\d{2}", c) for c in codes)
    assert intake.motive_group("M01.01") == "Détresse vitale"
    assert intake.motive_label("M03.22") == "Autre douleur"  # trailing no-break space removed
    assert intake.motive_label("M99.99") is None


def test_search_motives_by_code_or_words():
    assert [c for c, _ in intake.search_motives("m0306")] == ["M03.06"]
    assert [c for c, _ in intake.search_motives("M03.0")][:3] == ["M03.01", "M03.02", "M03.03"]
    assert "M01.01" in [c for c, _ in intake.search_motives("arret card")]
    assert "M01.01" in [c for c, _ in intake.search_motives("détresse vitale")]  # by group label
    assert intake.search_motives("") == []
    assert len(intake.search_motives("M", limit=5)) == 5


def test_priorities_labels_and_colours():
    assert intake.PRIORITY_LABELS == {"P0": "Urgence vitale", "P1": "Prioritaire", "P2": "Non urgent",
                                      "P3": "Différé", "NR": "Non régulé"}
    assert intake.PRIORITY_COLOURS["P0"] == "#d32f2f" and intake.PRIORITY_COLOURS["NR"] == "#9e9e9e"


def test_a_good_form_validates():
    assert intake.validate(good_form()) == []


def test_empty_form_names_every_required_field_in_interview_order():
    errors = intake.validate(IntakeForm())
    assert [e.field for e in errors] == ["caller_phone", "commune", "motive", "priority"]
    assert all(isinstance(e, FieldError) and e.message for e in errors)
    assert "obligatoire" in errors[0].message


def test_bad_values_get_french_messages():
    errors = intake.validate(good_form(caller_phone="12", callback_phone="abc", commune_insee="",
                                       commune_name="Strasb", motive_code="", motive_label="douleur",
                                       priority="P7", caller_name="x" * 201))
    by_field = {e.field: e.message for e in errors}
    # Each message names its field.
    assert by_field["caller_phone"].startswith("Téléphone de l'appelant invalide")
    assert by_field["callback_phone"].startswith("Numéro de rappel invalide")
    assert "choisissez-la dans la liste" in by_field["commune"]
    assert "choisissez-le dans la liste" in by_field["motive"]
    assert "Priorité inconnue" in by_field["priority"]
    assert "trop long" in by_field["caller_name"]


def test_unknown_insee_and_motive_are_refused():
    by_field = {e.field: e.message for e in intake.validate(good_form(commune_insee="99999", motive_code="M42.00"))}
    assert "Commune inconnue" in by_field["commune"] and "Motif inconnu" in by_field["motive"]


def test_build_case_doc_normalises_and_defaults():
    doc = intake.build_case_doc(good_form(notes="  Douleur depuis 1 h  "), uuid="u-1",
                                case_id=intake.new_case_id("670", NOW, 42, 7), owner="fr.health.samu670",
                                now=NOW, author="arm1")
    assert isinstance(doc, CaseDoc)
    assert doc.caller_phone == doc.callback_phone == "+33612345678"
    assert (doc.city_insee_code, doc.city_name, doc.coord_precision) == ("67482", "Strasbourg", "VILLE")
    assert doc.lat == pytest.approx(48.569, abs=0.01)
    assert (doc.health_motive_code, doc.health_motive_label) == ("M03.06", "Douleur thoracique")
    assert doc.priority == "P2" and doc.reception == NOW and doc.creation.utcoffset() == timedelta(hours=1)
    assert [n.freetext for n in doc.notes] == ["Douleur depuis 1 h"] and doc.notes[0].author == "arm1"
    assert "+01:00" in doc.model_dump_json()


def test_build_case_doc_distinct_callback_reception_and_missing_coordinates():
    reception = NOW - timedelta(seconds=40)
    doc = intake.build_case_doc(good_form(callback_phone="03 88 11 22 33", lat=None, lon=None, reception=reception),
                                uuid="u-2", case_id="fr.health.samu670.DRFR1567024018420008",
                                owner="fr.health.samu670", now=NOW, author="arm1")
    assert doc.callback_phone == "+33388112233" and doc.reception == reception
    assert doc.coord_precision == "VILLE" and doc.lat is not None  # taken from the commune


def test_build_case_doc_refuses_invalid_forms_and_naive_times():
    with pytest.raises(intake.InvalidIntake) as info:
        intake.build_case_doc(good_form(caller_phone=""), uuid="u", case_id="a.b.c.d", owner="fr.health.samu670",
                              now=NOW, author="a")
    assert info.value.errors[0].field == "caller_phone"
    with pytest.raises(ValueError, match="fuseau"):
        intake.build_case_doc(good_form(), uuid="u", case_id="a.b.c.d", owner="fr.health.samu670",
                              now=datetime(2024, 1, 18, 9, 30), author="a")
