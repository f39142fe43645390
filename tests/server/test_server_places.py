"""The map's server routes: the territory's effecteurs, and placing an address (BAN sample)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.models import ConsultationSite, Effecteur, Slot
from app.services.reference import ban_import

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ban" / "adresses-67-extrait.csv"
TERRITORY = "/api/v1/territory/effecteurs"
GEOCODE = "/api/v1/addresses/geocode"


def _colmar(sessions) -> None:
    """An effecteur of Haut-Rhin (68), outside the Bas-Rhin territory."""
    start = datetime.now(timezone.utc) + timedelta(hours=1)
    with sessions() as s:
        s.add(Effecteur(id="eff-colmar", kind="MG", name="Dr Colmar", sas_participant=True, accepts_extra=False))
        s.add(ConsultationSite(id="colmar", effecteur_id="eff-colmar", name="Cabinet", address="1 rue",
                               city_name="Colmar", city_insee_code="68066", lat=48.08, lon=7.36))
        s.flush()
        s.add(Slot(site_id="colmar", effecteur_id="eff-colmar", start=start, end=start + timedelta(minutes=20),
                   mode="AMB", slot_type="SNP", status="free", source="test"))
        s.commit()


def test_territory_lists_each_effecteur_once_with_its_soonest_free_slot(client, auth, add_slot, sessions):
    now = datetime.now(timezone.utc)
    add_slot(site="a", start=now + timedelta(hours=30))
    add_slot(site="a", start=now + timedelta(hours=2))
    add_slot(site="a", start=now + timedelta(hours=80))  # beyond 72 h: not counted
    add_slot(site="b", start=now + timedelta(hours=5), status="booked")  # b has no free slot
    _colmar(sessions)
    response = client.get(TERRITORY, params={"departement": "67"}, headers=auth("OSNP"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["departements"] == ["67"]
    by_id = {e["id"]: e for e in body["effecteurs"]}
    assert set(by_id) == {"eff-a", "eff-b"}  # Colmar is in 68
    soonest = datetime.fromisoformat(by_id["eff-a"]["next_start"])
    assert abs((soonest - (now + timedelta(hours=2))).total_seconds()) < 1
    assert by_id["eff-a"]["free_slots"] == 2
    assert (by_id["eff-b"]["next_start"], by_id["eff-b"]["free_slots"]) == (None, 0)
    both = client.get(TERRITORY, params=[("departement", "67"), ("departement", "68")], headers=auth("ARM")).json()
    assert {e["id"] for e in both["effecteurs"]} == {"eff-a", "eff-b", "eff-colmar"}


def test_territory_refuses_a_bad_departement_and_the_hub_account(client, auth):
    bad = client.get(TERRITORY, params={"departement": "20"}, headers=auth("ARM"))
    assert bad.status_code == 422 and "departement" in bad.text
    assert client.get(TERRITORY, params={"departement": "67"}, headers=auth("HUB")).status_code == 403
    assert client.get(TERRITORY, params={"departement": "67"}).status_code == 401


def test_geocode_places_at_the_number_else_the_street_else_the_commune(client, auth, sessions):
    assert client.post(GEOCODE, json={"insee": "67482", "address": "12 bis rue du Dôme"},
                       headers=auth("ARM")).json()["precision"] == "VILLE"  # no address loaded yet
    ban_import.import_file(sessions, SAMPLE)
    cases = [("12 bis rue du Dôme", [48.584868, 7.749418, "ADRESSE", "12 bis Rue du Dôme"]),
             ("40 rue du Dôme", [48.585055, 7.749391, "RUE", "Rue du Dôme"]),
             ("3 rue Inconnue", [None, None, "VILLE", "Strasbourg"])]
    for typed, expected in cases:
        response = client.post(GEOCODE, json={"insee": "67482", "address": typed}, headers=auth("MRL"))
        assert response.status_code == 200, response.text
        body = response.json()
        got = [body["lat"], body["lon"], body["precision"], body["label"]]
        if expected[0] is None:  # the commune's centre: Strasbourg, roughly
            assert abs(got[0] - 48.58) < 0.03 and abs(got[1] - 7.75) < 0.04
            got[:2] = [None, None]
        assert got == expected


def test_geocode_checks_role_and_fields(client, auth):
    assert client.post(GEOCODE, json={"insee": "67482", "address": "1 rue"},
                       headers=auth("SUPERVISEUR")).status_code == 403
    bad = client.post(GEOCODE, json={"insee": "6748", "address": "1 rue"}, headers=auth("ARM"))
    assert bad.status_code == 422 and "insee" in bad.text
    empty = client.post(GEOCODE, json={"insee": "67482", "address": ""}, headers=auth("ARM"))
    assert empty.status_code == 422 and "address" in empty.text
