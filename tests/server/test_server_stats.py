"""``GET /api/v1/stats``: the supervisor indicators over the server's database, and who may read them."""

from __future__ import annotations

import pytest

PERIOD = {"start": "2024-01-18T08:00:00+01:00", "end": "2024-01-18T20:00:00+01:00"}


def _put_cases(client, auth, case_body, answers: list[str]) -> list[str]:
    headers, uuids = auth("ARM"), []
    for answered in answers:
        body = case_body(answered_at=answered)
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=headers).status_code == 201
        uuids.append(body["uuid"])
    return uuids


def test_supervisor_reads_the_indicators_of_the_period(client, auth, case_body):
    # presented 10:14:30; answered after 10 s, 40 s, 60 s and 95 s → 3 of 4 within 60 s.
    _put_cases(client, auth, case_body, ["2024-01-18T10:14:40+01:00", "2024-01-18T10:15:10+01:00",
                                         "2024-01-18T10:15:30+01:00", "2024-01-18T10:16:05+01:00"])
    response = client.get("/api/v1/stats", params=PERIOD, headers=auth("SUPERVISEUR"))
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["calls"] == 4
    assert data["answered_60"] == {"numerator": 3, "denominator": 4, "ratio": 0.75}
    assert data["answered_30"]["numerator"] == 1
    assert len(data["hours"]) == 12 and data["hours"][2]["calls"] == 4  # the 10:00 (+01:00) hour
    assert data["notes"]["no_show"]


def test_stream_filter_and_an_empty_period(client, auth, case_body):
    _put_cases(client, auth, case_body, ["2024-01-18T10:14:40+01:00"])
    snp = client.get("/api/v1/stats", params={**PERIOD, "stream": "SNP"}, headers=auth("ADMIN")).json()
    amu = client.get("/api/v1/stats", params={**PERIOD, "stream": "AMU"}, headers=auth("ADMIN")).json()
    assert (snp["calls"], amu["calls"]) == (1, 0)
    empty = client.get("/api/v1/stats", params={"start": "2024-02-01T08:00:00+01:00",
                                                "end": "2024-02-01T20:00:00+01:00"}, headers=auth("ADMIN")).json()
    assert empty["calls"] == 0 and empty["answered_60"]["ratio"] is None


@pytest.mark.parametrize("role", ["ARM", "OSNP", "MRL", "MRU"])
def test_desk_roles_get_403(client, auth, role):
    response = client.get("/api/v1/stats", params=PERIOD, headers=auth(role))
    assert response.status_code == 403


def test_no_token_gets_401(client):
    assert client.get("/api/v1/stats", params=PERIOD).status_code == 401


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "hier", "end": PERIOD["end"]}, "start"),
    ({"start": PERIOD["start"], "end": "2024-13-01T00:00:00+01:00"}, "end"),
    ({"start": "2024-01-18T08:00:00", "end": PERIOD["end"]}, "start"),
    ({"start": PERIOD["start"], "end": "2024-01-18T07:00:00+01:00"}, "end"),
    ({"start": PERIOD["start"], "end": "2024-03-18T08:00:00+01:00"}, "end"),
    ({"start": "1900-01-01T00:00:00+01:00", "end": PERIOD["end"]}, "start"),
    ({"end": PERIOD["end"]}, "start"),
])
def test_bad_dates_get_422_naming_the_field(client, auth, params, field):
    response = client.get("/api/v1/stats", params=params, headers=auth("SUPERVISEUR"))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation"
    assert [f["field"] for f in body["fields"]] == [field]
