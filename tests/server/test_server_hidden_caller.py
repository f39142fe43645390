"""A case whose caller's number is hidden (« numéro masqué »), as the intake form builds it, is taken by the server."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app.services.intake import form as intake
from app.services.reference.communes import default_index
from tests.helpers.databases import BACKENDS

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)


def _hidden_caller_case() -> dict:
    strasbourg = default_index().get("67482")
    form = intake.IntakeForm(caller_phone="masqué", callback_phone="03 88 11 22 33", callback_confirmed=True,
                             commune_insee=strasbourg.insee, commune_name=strasbourg.name, lat=strasbourg.lat,
                             lon=strasbourg.lon, motive_code="M03.12", priority="P2")
    doc = intake.build_case_doc(form, uuid=str(uuid.uuid4()), case_id="fr.health.samu670.DRFR15670243400100001",
                                owner="fr.health.samu670", author="arm",
                                now=datetime(2024, 12, 5, 14, 30, tzinfo=timezone(timedelta(hours=1))))
    return doc.model_dump(mode="json")


def test_a_hidden_caller_case_is_stored_with_its_callback_number(client, auth):
    body = _hidden_caller_case()
    assert body["caller_phone"] is None
    created = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert created.status_code == 201, created.text
    fetched = client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("MRL")).json()
    assert fetched["caller_phone"] is None and fetched["callback_phone"] == "+33388112233"
