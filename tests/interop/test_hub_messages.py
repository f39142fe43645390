"""Hub Santé messages without a server: schemas, envelopes, RS-EDA export and import, acks, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.interop.hub import ack, envelope, rs_eda, rs_eda_import, schemas
from tests.interop.conftest import base_case, load, samples

HUB_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _case() -> tuple[CaseDoc, list]:
    doc = CaseDoc.model_validate({
        "uuid": "0b9a3c1e-1111-4222-8333-444455556666", "case_id": "fr.health.samu670.DRFR15670240180001",
        "owner": "fr.health.samu670", "creation": "2024-01-18T10:15:00+01:00",
        "reception": "2024-01-18T10:14:30+01:00", "priority": "P2", "perimeter": "SNP",
        "attribution": "DRM.MRL.MG", "health_motive_code": "M02.07", "caller_name": "Jeanne Test",
        "caller_phone": "+33612345678", "callback_phone": "+33388000000", "caller_type": "FAMILLE",
        "address_complete": "1 place Kléber", "city_name": "Strasbourg", "city_insee_code": "67482",
        "lat": 48.5834, "lon": 7.7455, "coord_precision": "ADRESSE", "access_code": "1234A",
        "risk_threat_codes": ["R01"],
        "patients": [{"uuid": "p1", "patient_id": "fr.health.samu670.patient.DRFR15670240180001.1",
                      "last_name": "Test", "first_name": "Jeanne", "birth_date": "1950-02-03", "sex": "F",
                      "age": "P74Y"}],
        "notes": [{"uuid": "6f1c2b9a-2222-4333-8444-555566667777", "creation": "2024-01-18T10:16:00+01:00",
                   "author": "arm", "author_role": "ARM", "freetext": "Fièvre depuis 2 jours"}],
    })
    orientation = OrientationDoc(uuid="o1", case_uuid=doc.uuid, creation="2024-01-18T10:30:00+01:00",
                                 decision_key="CONSULTATION_48H", decision_type="ORIENT", resource_type="LIBERAL.MG",
                                 orientation_type="CABINET")
    return doc, [(orientation, "MRL")]


@pytest.mark.parametrize("path", samples("RS-EDA"), ids=lambda p: p.stem)
def test_every_rs_eda_sample_imports_and_reexports_valid(path):
    payload = load(path)["createCaseHealth"]
    imported = rs_eda_import.rs_eda_to_case(payload)
    assert imported.case.case_id == payload["caseId"]
    assert len(imported.case.patients) == len(payload.get("patient", []))
    exported = rs_eda.case_to_rs_eda(imported.case, imported.orientations)
    assert schemas.validate_message({"createCaseHealth": exported}) == []
    assert len(exported.get("decision", [])) == len(payload.get("decision", []))


@pytest.mark.parametrize("path", samples("RS-EDA-MAJ"), ids=lambda p: p.stem)
def test_every_rs_eda_maj_sample_reads_as_an_update(path):
    payload = load(path)["createCaseHealthUpdate"]
    assert schemas.validate_message({"createCaseHealthUpdate": payload}) == []
    update = rs_eda_import.rs_eda_update(payload, base_case(payload["caseId"]))
    assert len(update.patients) == len(payload.get("patient", []))
    assert len(update.orientations) == len(payload.get("decision", []))


def test_export_validates_and_round_trips():
    doc, orientations = _case()
    first = rs_eda.case_to_rs_eda(doc, orientations)
    assert schemas.validate_message({"createCaseHealth": first}) == []
    assert first["initialAlert"]["caller"]["callbackContact"]["detail"] == "+33388000000"
    assert first["decision"][0]["operator"]["role"] == "MEDECIN"
    imported = rs_eda_import.rs_eda_to_case(first)
    assert imported.case.notes[0].uuid == doc.notes[0].uuid
    assert rs_eda.case_to_rs_eda(imported.case, imported.orientations) == first


def test_envelope_header_ids_and_times():
    doc, orientations = _case()
    env = rs_eda.case_envelope(doc, orientations, recipient="fr.health.samu440")
    assert schemas.validate_envelope(env) == []
    assert env["distributionID"].startswith("fr.health.samu670_")
    assert env["descriptor"]["explicitAddress"] == {"explicitAddressScheme": "hubex",
                                                    "explicitAddressValue": "fr.health.samu440"}
    message = env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    assert message["messageId"] == env["distributionID"] and message["kind"] == "Report"
    for value in (env["dateTimeSent"], env["dateTimeExpires"], message["sentAt"]):
        assert HUB_TIME.match(value) and not value.endswith("Z")
    read = envelope.read_envelope(env)
    assert read.root_key == "createCaseHealth" and envelope.distribution_id_matches_sender(read)


def test_ack_and_error_envelopes_validate_with_official_codes():
    env = ack.ack_envelope("fr.health.samu440_x", sender="fr.health.samu670", recipient="fr.health.samu440")
    assert env["distributionKind"] == "Ack"
    assert envelope.read_envelope(env).payload == {"distributionID": "fr.health.samu440_x", "step": "INTEGRE"}
    for code in ack.ERROR_CODES:
        err = ack.error_envelope(code, "cause", sender="fr.health.samu670", recipient="fr.health.samu440",
                                 referenced_distribution_id="fr.health.samu440_x", source={"a": 1})
        assert err["distributionKind"] == "Error" and schemas.validate_envelope(err) == []
    assert sorted(ack.ERROR_CODES) == [100, 101, 102, 200, 300, 301, 400, 500, 501, 600, 700, 701, 702, 703, 704]


def test_invalid_messages_give_readable_errors_without_values():
    errors = schemas.validate_message({"createCaseHealth": {"caseId": "x", "creation": "2024-01-18T10:00:00Z",
                                                            "owner": "o", "qualification": {}, "location": {}}})
    paths = {e.path for e in errors}
    assert {"createCaseHealth/caseId", "createCaseHealth/creation"} <= paths
    assert all("2024-01-18" not in e.message for e in errors)
    assert schemas.validate_message({"unknownRoot": {}})[0].path == "unknownRoot"


def _sas(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=60)


def test_cli_validate_exit_codes(tmp_path: Path):
    doc, orientations = _case()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(rs_eda.case_envelope(doc, orientations)), encoding="utf-8")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"createCaseHealth": rs_eda.case_to_rs_eda(doc)}), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"createCaseHealth": {"caseId": "x"}}), encoding="utf-8")
    result = _sas("hub", "validate", str(good), str(bare))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("VALIDE") == 2
    result = _sas("hub", "validate", str(good), str(bad))
    assert result.returncode == 1
    assert "INVALIDE" in result.stdout and "createCaseHealth" in result.stdout


def test_cli_validates_the_official_samples():
    files = [str(p) for p in samples("RS-EDA")]
    assert _sas("hub", "validate", *files).returncode == 0


def test_changes_export_as_rs_eda_maj_that_the_receiver_reads_as_news_only():
    from app.services.records.documents import NoteDoc
    from app.services.interop.hub import rs_eda_update

    doc, orientations = _case()
    received = rs_eda_import.rs_eda_to_case(rs_eda.case_to_rs_eda(doc, orientations)).case  # the neighbour's copy
    later = doc.model_copy(update={"priority": "P1", "notes": [*doc.notes, NoteDoc(
        uuid="7a1c2b9a-2222-4333-8444-555566667777", creation="2024-01-18T10:41:00+01:00", author="mrl",
        author_role="MRL", freetext="Aggravation : dyspnée"), NoteDoc(
        uuid="8a1c2b9a-2222-4333-8444-555566667777", creation="2024-01-18T10:42:00+01:00", author="mrl",
        author_role="MRL", freetext="Hub Santé : dossier transmis à fr.health.samu680 (x)")]})
    update = rs_eda_update.case_to_rs_eda_update(later, orientations)
    sent = ack.checked(envelope.build_envelope("fr.health.samu670", "fr.health.samu680",
                                               rs_eda_update.ROOT_KEY, update))  # schema-valid or raises
    assert envelope.read_envelope(sent).root_key == "createCaseHealthUpdate"
    assert "location" not in update and "initialAlert" not in update  # the update schema has no room for them
    changes = rs_eda_import.rs_eda_update(update, received)
    assert changes.fields == {"priority": "P1"}
    assert [n.freetext for n in changes.notes] == ["Aggravation : dyspnée"]  # the transport's own note stays home
    assert changes.patients == []
