"""The API's code lists: ``/openapi.json`` declares each as an enum, and the server applies the same lists.

The expected values are read here from the official Hub Santé CSV files with the
csv module, not asked of the application.
"""

from __future__ import annotations

import csv

import pytest

from app import paths

NOMENCLATURES = ("hub-sante", "nomenclatures", "latest")


def _official(name: str) -> list[str]:
    with open(paths.resource(*NOMENCLATURES, f"HubSante.{name}.csv"), encoding="utf-8", newline="") as fh:
        return [row["code"].strip() for row in csv.DictReader(fh) if row["code"].strip()]


def _enum(schema: dict, components: dict) -> list[str]:
    """The enum of a property, through ``anyOf`` (optional fields) and ``$ref``."""
    for variant in schema.get("anyOf", [schema]):
        if "$ref" in variant:
            variant = components[variant["$ref"].rsplit("/", 1)[-1]]
        if "enum" in variant:
            return variant["enum"]
    raise AssertionError(f"no enum in {schema}")


@pytest.fixture
def openapi(client) -> dict:
    return client.get("/openapi.json").json()


@pytest.mark.parametrize(("model", "field", "official"), [
    ("CaseDoc", "attribution", "attribution"), ("CaseDoc", "caller_type", "typeAppelant"),
    ("CaseDoc", "status", "etat"), ("CaseDoc", "priority", "priorite"), ("CaseDoc", "perimeter", "filiere"),
    ("CaseDoc", "caller_communication", "communication"), ("CaseDoc", "coord_precision", "precision"),
    ("OrientationDoc", "decision_type", "typeDecision"), ("OrientationDoc", "orientation_type", "typeOrientation"),
    ("PatientDoc", "sex", "sexe"), ("CaseEventDoc", "priority", "priorite"),
])
def test_each_official_code_list_is_an_enum_in_the_openapi(openapi, model, field, official):
    schemas = openapi["components"]["schemas"]
    assert _enum(schemas[model]["properties"][field], schemas) == _official(official)


def test_decision_keys_and_effecteur_kinds_are_enums(openapi):
    schemas = openapi["components"]["schemas"]
    keys = _enum(schemas["OrientationDoc"]["properties"]["decision_key"], schemas)
    assert {"CONSULTATION_48H", "VISITE_DOMICILE", "SMUR", "CONSEIL"} <= set(keys)
    kinds = _enum(schemas["EffecteurSearchOut"]["properties"]["kind"], schemas)
    assert {"MG", "SOS", "MSP", "CDS", "PHARM", "INF"} <= set(kinds)
    search = openapi["paths"]["/api/v1/slots/search"]["get"]["parameters"]
    kind_param = next(p for p in search if p["name"] == "kind")
    assert set(_enum(kind_param["schema"]["anyOf"][0]["items"], schemas)) == set(kinds)


@pytest.mark.parametrize(("insee", "status"), [("2A004", 201), ("97411", 201), ("20004", 422), ("99100", 422)])
def test_a_case_takes_only_a_real_commune_code(client, auth, case_body, insee, status):
    body = case_body(city_insee_code=insee)
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["fields"][0]["field"] == "city_insee_code"


@pytest.mark.parametrize(("param", "value"), [("insee", "20004"), ("departement", "20"), ("departement", "977")])
def test_the_slot_search_refuses_a_place_code_that_does_not_exist(client, auth, param, value):
    response = client.get("/api/v1/slots/search", params={"lat": 48.58, "lon": 7.75, param: value},
                          headers=auth("MRL"))
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == param


def test_a_caller_name_longer_than_the_database_column_is_422_naming_it(client, auth, case_body):
    body = case_body(caller_name="N" * 201)
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "caller_name"
    body = case_body(caller_name="N" * 200)
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201


def test_nobody_but_the_hub_records_a_decision_received_from_the_hub(client, auth, case_body, orientation_body):
    case = case_body()
    assert client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM")).status_code == 201
    body = orientation_body(case["uuid"], decision_key="HUB", decision_type="INTER", resource_type="SMUR")
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("MRU"))
    assert response.status_code == 403 and "Hub" in response.json()["message"]
