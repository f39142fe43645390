"""A hidden caller's number (« numéro masqué »): accepted, and then a callback number is required."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.services.intake import form as intake
from app.services.interop.hub import rs_eda, schemas
from app.services.reference.communes import default_index
from app.services.intake.form import IntakeForm

NOW = datetime(2024, 1, 18, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def _form(**changes) -> IntakeForm:
    strasbourg = default_index().get("67482")
    form = IntakeForm(caller_phone="", caller_hidden=True, callback_phone="03 88 11 22 33",
                      commune_insee=strasbourg.insee, commune_name=strasbourg.name, lat=strasbourg.lat,
                      lon=strasbourg.lon, motive_code="M03.14", motive_label="Fièvre", priority="P2")
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def _errors(form: IntakeForm) -> dict[str, str]:
    return {e.field: e.message for e in intake.validate(form)}


def test_hidden_number_with_a_callback_number_validates():
    assert _errors(_form()) == {}


@pytest.mark.parametrize("typed", ["masqué", "MASQUE", "Numéro masqué", "n° inconnu", "anonyme", "privé"])
def test_typing_a_hidden_word_is_a_hidden_number(typed):
    assert _errors(_form(caller_phone=typed, caller_hidden=False)) == {}


@pytest.mark.parametrize("typed", ["masqué 06", "inconnu de la police", "numéro"])
def test_other_text_is_still_an_invalid_number(typed):
    assert _errors(_form(caller_phone=typed, caller_hidden=False))["caller_phone"].startswith(
        "Téléphone de l'appelant invalide")


@pytest.mark.parametrize("callback", ["", "  ", "masqué"])
def test_hidden_number_requires_a_callback_number_named_in_french(callback):
    errors = _errors(_form(callback_phone=callback))
    assert list(errors) == ["callback_phone"]
    assert errors["callback_phone"] == "Numéro de rappel obligatoire : le numéro de l'appelant est masqué"


def test_hidden_number_with_a_bad_callback_number_names_the_callback_field():
    assert _errors(_form(callback_phone="03 88"))["callback_phone"].startswith("Numéro de rappel invalide")


def test_without_hidden_number_the_caller_phone_stays_required():
    errors = _errors(_form(caller_hidden=False, callback_phone=""))
    assert list(errors) == ["caller_phone"] and "obligatoire" in errors["caller_phone"]


def test_error_on_leaving_waits_for_the_submit_only_for_an_empty_caller_phone():
    assert intake.error_on_leaving(_form(caller_hidden=False), "caller_phone") is None
    assert "invalide" in intake.error_on_leaving(_form(caller_hidden=False, caller_phone="06 12"), "caller_phone")
    assert "obligatoire" in intake.error_on_leaving(_form(callback_phone=""), "callback_phone")
    assert intake.error_on_leaving(_form(), "callback_phone") is None


def test_case_doc_of_a_hidden_caller_has_no_caller_phone_and_the_callback_number():
    doc = intake.build_case_doc(_form(caller_phone="masqué", caller_hidden=False), uuid="u-1",
                                case_id="fr.health.samu670.DRFR15670240180010001", owner="fr.health.samu670",
                                now=NOW, author="arm")
    assert doc.caller_phone is None and doc.callback_phone == "+33388112233"


def test_hub_message_of_a_hidden_caller_is_schema_valid_and_reaches_the_callback_number():
    doc = intake.build_case_doc(_form(), uuid="4b2f6c1e-1d7a-4c55-9f1c-6a0e8e0e8e01",
                                case_id="fr.health.samu670.DRFR15670240180010001", owner="fr.health.samu670",
                                now=NOW, author="arm")
    payload = rs_eda.case_to_rs_eda(doc)
    assert schemas.validate_message({"createCaseHealth": payload}) == []
    caller = payload["initialAlert"]["caller"]
    assert caller["callerContact"]["detail"] == "+33388112233"
    assert "masqué" in caller["freetext"]
