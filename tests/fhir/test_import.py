"""``sas fhir import`` and the importer on real SQLite files: counts, no duplicates, on the map."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.models import AuthToken, ConsultationSite, Effecteur, Role, Slot, User
from app.models.db import open_database, sqlite_url
from app.services.security.auth import new_token
from app.services.interop.fhir.bundle import parse_bundle
from app.services.interop.fhir.client import AgendaClient, Editor
from app.services.interop.fhir.importer import import_slots
from tests.fhir.conftest import ROOT, example, example_path
from tests.fhir.fake_editor import FakePractitioner, FakeSlot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

AGEN = (44.20105, 0.6302)


def _sas(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def db(tmp_path):
    url = sqlite_url(tmp_path / "fhir.db")
    engine, sessions = open_database(url)
    yield url, sessions
    engine.dispose()


def _count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_cli_import_adds_slots_once(db):
    url, sessions = db
    path = str(example_path("Bundle-ExampleBundlePSIndiv.json"))
    first = _sas("fhir", "import", path, "--db", url, "--editeur", "editeur-test")
    assert first.returncode == 0, first.stderr
    assert "4 créneau(x) libre(s) lu(s)" in first.stdout
    assert "Créneaux : 4 ajouté(s)" in first.stdout and "Effecteurs : 2 ajouté(s)" in first.stdout
    again = _sas("fhir", "import", path, "--db", url, "--editeur", "editeur-test")
    assert again.returncode == 0 and "Créneaux : 0 ajouté(s), 0 mis à jour, 4 inchangé(s)" in again.stdout
    assert "Effecteurs : 0 ajouté(s)" in again.stdout
    assert (_count(sessions, Slot), _count(sessions, Effecteur), _count(sessions, ConsultationSite)) == (4, 2, 3)
    with sessions() as s:
        sources = set(s.scalars(select(Slot.source)))
        thomas = s.scalar(select(Effecteur).where(Effecteur.rpps_id == "10100050075"))
    assert sources == {"editeur-test"} and thomas.name == "Dr Sébastien THOMAS" and thomas.sas_participant


@pytest.mark.parametrize("content, message", [
    ("{pas du json", "JSON invalide (ligne 1"),
    ('{"resourceType": "Slot"}', "un Bundle FHIR est attendu, pas « Slot »"),
    ('{"resourceType": "OperationOutcome", "issue": [{"diagnostics": "trop d\'identifiants"}]}',
     "l'éditeur a répondu une erreur : trop d'identifiants"),
])
def test_cli_refuses_a_bad_file_naming_the_problem(db, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = _sas("fhir", "import", str(bad), "--db", db[0])
    assert result.returncode == 1 and message in result.stderr
    assert _count(db[1], Slot) == 0


def test_cli_missing_file(db, tmp_path):
    result = _sas("fhir", "import", str(tmp_path / "absent.json"), "--db", db[0])
    assert result.returncode == 1 and "fichier introuvable" in result.stderr


def test_sos_and_cpts_bundles_import(db):
    _, sessions = db
    with sessions() as s:
        sos = import_slots(s, parse_bundle(example("Bundle-ExampleBundleAgregateurSOS.json")).slots, source="sos")
        cpts = import_slots(s, parse_bundle(example("Bundle-ExampleBundleCPTS2.json")).slots, source="cpts")
        s.commit()
        kinds = dict(s.execute(select(Effecteur.organization_id, Effecteur.kind)).all())
        cpts_type = s.scalar(select(Slot.slot_type).where(Slot.source == "cpts"))
    assert (sos.slots_added, sos.effecteurs_added, sos.sites_added) == (4, 2, 3)
    assert kinds["334173748400020"] == "SOS" and cpts.slots_added == 1 and cpts_type == "CPTS"


def test_a_changed_free_slot_is_replaced_and_a_booked_one_is_left_alone(db):
    _, sessions = db
    slots = parse_bundle(example("Bundle-ExampleBundlePSIndiv.json")).slots
    with sessions() as s:
        import_slots(s, slots)
        s.commit()
        first = {r.start: r for r in s.scalars(select(Slot))}
        booked = first[slots[1].start]
        booked.status, booked.booked_orientation_uuid = "booked", "6f1c1f7e-2f55-4a39-9d5e-4b8c33c4f3a1"
        s.commit()
    changed = [slots[0].__class__(**{**slots[0].__dict__, "modes": ("VR",)}),
               slots[1].__class__(**{**slots[1].__dict__, "modes": ("HH",)}), *slots[2:]]
    with sessions() as s:
        counts = import_slots(s, changed)
        s.commit()
        rows = {r.start: r for r in s.scalars(select(Slot))}
    assert (counts.slots_added, counts.slots_updated, counts.slots_unchanged) == (0, 1, 3)
    assert rows[slots[0].start].mode == "VR" and rows[slots[0].start].id > max(r.id for r in first.values())
    assert rows[slots[1].start].mode == "AMB" and rows[slots[1].start].status == "booked"


def test_an_effecteur_already_known_by_rpps_gets_the_slots(db):
    _, sessions = db
    with sessions() as s:
        s.add(Effecteur(id="annuaire-1", kind="MG", name="Dr S. Thomas", rpps_id="10100050075"))
        s.commit()
        counts = import_slots(s, parse_bundle(example("Bundle-ExampleBundlePSIndiv.json")).slots)
        s.commit()
        owners = set(s.scalars(select(Slot.effecteur_id)))
    assert counts.effecteurs_added == 1 and counts.effecteurs_updated == 1
    assert "annuaire-1" in owners and len(owners) == 2


def test_an_sos_association_known_by_its_bare_siret_gets_the_slots(db):
    """The directory (and the demo) store an SOS association's SIRET without the ``3`` prefix of the guide."""
    _, sessions = db
    with sessions() as s:
        s.add(Effecteur(id="334173748400020", kind="SOS", name="SOS Médecins", organization_id="34173748400020"))
        s.commit()
        counts = import_slots(s, parse_bundle(example("Bundle-ExampleBundleAgregateurSOS.json")).slots, source="sos")
        s.commit()
        owners = {r.organization_id: r.id for r in s.scalars(select(Effecteur).join(
            Slot, Slot.effecteur_id == Effecteur.id))}
    assert owners["34173748400020"] == "334173748400020"  # the association of the directory, not a copy
    assert "334173748400020" not in owners and counts.effecteurs_added == 1  # the other association of the bundle


def _osnp_header(sessions) -> dict[str, str]:
    token, digest = new_token()
    with sessions() as s:
        user = User(username="osnp", display_name="OSNP", role=Role.OSNP.value, password_hash="x")
        s.add(user)
        s.flush()
        s.add(AuthToken(token_hash=digest, user_id=user.id, expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
        s.commit()
    return {"Authorization": f"Bearer {token}"}


def test_imported_slots_appear_in_the_running_servers_search(db):
    """The server is up (index loaded, empty); ``sas fhir import`` runs; the next search shows the slots."""
    from app.server.app import create_app

    url, sessions = db
    app = create_app(url)
    headers = _osnp_header(sessions)
    params = {"lat": AGEN[0], "lon": AGEN[1], "radius_km": 10, "start": "2021-11-04T00:00:00+00:00",
              "end": "2021-11-07T00:00:00+00:00"}
    try:
        with TestClient(app) as client:
            before = client.get("/api/v1/slots/search", params=params, headers=headers)
            assert before.status_code == 200 and before.json()["results"] == []
            result = _sas("fhir", "import", str(example_path("Bundle-ExampleBundlePSIndiv.json")), "--db", url)
            assert result.returncode == 0, result.stderr
            body = client.get("/api/v1/slots/search", params=params, headers=headers).json()
            home_visits = client.get("/api/v1/slots/search", params={**params, "mode": "HH"}, headers=headers).json()
    finally:
        app.state.sas.engine.dispose()
    assert len(body["results"]) == 4
    names = {r["effecteur"]["name"] for r in body["results"]}
    assert names == {"Dr Sébastien THOMAS", "Dr Guillaume MARCEL"}
    assert all(r["effecteur"]["city_name"] == "Agen" for r in body["results"])
    assert [r["effecteur"]["name"] for r in home_visits["results"]] == ["Dr Guillaume MARCEL"]


@pytest.mark.asyncio
async def test_slots_fetched_from_an_editor_are_stored(db, editors):
    _, sessions = db
    start = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    state = editors.editor("alpha")
    state.add(FakePractitioner(rpps="10000000042", family="DURAND", given="Luc",
                               slots=[FakeSlot(start=start, mode="VR"), FakeSlot(start=start + timedelta(hours=1))]))
    async with AgendaClient() as client:
        result = await client.search_slots([Editor("alpha", editors.url("alpha"))], ["10000000042"],
                                           start - timedelta(hours=1), start + timedelta(hours=48))
    with sessions() as s:
        counts = import_slots(s, result.slots, source="alpha")
        s.commit()
        modes = sorted(s.scalars(select(Slot.mode)))
    assert counts.slots_added == 2 and modes == ["AMB", "VR"]
