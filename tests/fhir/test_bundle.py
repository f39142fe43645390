"""Reading the guide's searchset Bundles: individual PS, CPTS (one and two CPTS), SOS, and quirks."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

import pytest

from app.services.interop.fhir.bundle import BundleError, parse_bundle
from tests.fhir.conftest import BUILT, EXAMPLES, example

ALL_BUNDLES = sorted({p.name for folder in (EXAMPLES, BUILT) for p in folder.glob("Bundle-*.json")})


def test_the_examples_are_there():
    assert {"Bundle-ExampleBundlePSIndiv.json", "Bundle-ExampleBundleCPTS1.json", "Bundle-ExampleBundleCPTS2.json",
            "Bundle-ExampleBundleAgregateurSOS.json"} <= set(ALL_BUNDLES)


@pytest.mark.parametrize("name", ALL_BUNDLES)
def test_every_example_bundle_parses_into_located_slots_with_their_effecteur(name):
    parsed = parse_bundle(example(name))
    assert parsed.slots and len(parsed.slots) == parsed.total
    assert not parsed.warnings and parsed.skipped == 0
    for slot in parsed.slots:
        assert slot.effecteur is not None and slot.place is not None and slot.place.located
        assert slot.end > slot.start and slot.start.tzinfo is not None


def test_individual_practitioners_modes_types_and_places():
    slots = {s.fhir_id: s for s in parse_bundle(example("Bundle-ExampleBundlePSIndiv.json")).slots}
    thomas, marcel = slots["ExampleSlotPSIndiv1"].effecteur, slots["ExampleSlotPSIndiv3"].effecteur
    assert (thomas.name, thomas.rpps, thomas.national_id, thomas.kind) == (
        "Dr Sébastien THOMAS", "10100050075", "810100050075", "MG")
    assert (marcel.name, marcel.rpps, marcel.phone) == ("Dr Guillaume MARCEL", "10002673899", "+33658913859")
    assert slots["ExampleSlotPSIndiv2"].effecteur.national_id == thomas.national_id
    assert slots["ExampleSlotPSIndiv1"].modes == ("AMB", "VR")
    assert slots["ExampleSlotPSIndiv3"].modes == ("VR",) and slots["ExampleSlotPSIndiv4"].modes == ("HH",)
    assert slots["ExampleSlotPSIndiv3"].slot_types == ("PUBLIC", "PRO")
    assert slots["ExampleSlotPSIndiv3"].slot_type == "PRO"
    assert slots["ExampleSlotPSIndiv2"].walk_in and not slots["ExampleSlotPSIndiv1"].walk_in
    assert slots["ExampleSlotPSIndiv1"].booking_url == "https://exemple.com/rdv/com/"
    assert slots["ExampleSlotPSIndiv3"].motives == ("Visite de contrôle", "Consultation de suivi pneumologie")
    place = slots["ExampleSlotPSIndiv2"].place
    assert (place.address, place.city, place.postal_code, place.insee, place.precision) == (
        "30 rue Mme DELMAS", "Agen", "47000", "47001", "commune")
    assert place.lat == pytest.approx(44.2, abs=0.05) and place.lon == pytest.approx(0.63, abs=0.05)
    assert slots["ExampleSlotPSIndiv1"].place.key != place.key  # two places of consultation
    assert slots["ExampleSlotPSIndiv1"].start == datetime(2021, 11, 5, 9, 0, tzinfo=timezone.utc)


def test_cpts_slot_names_its_cpts_and_keeps_its_timezone():
    [slot] = parse_bundle(example("Bundle-ExampleBundleCPTS1.json")).slots
    assert slot.slot_types == ("PUBLIC", "CPTS") and slot.slot_type == "CPTS"
    assert [(c.identifier, c.name) for c in slot.cpts] == [("1950047225", "CPTS AXE MAJEUR")]
    assert slot.effecteur.name == "Dr Pierre Foret" and slot.place.insee == "31032"  # Aussonne
    assert slot.start.utcoffset().total_seconds() == 7200
    assert slot.start == datetime(2024, 6, 12, 14, 40, tzinfo=timezone.utc)


def test_a_slot_shared_by_two_cpts():
    [slot] = parse_bundle(example("Bundle-ExampleBundleCPTS2.json")).slots
    assert [c.name for c in slot.cpts] == ["CPTS AXE MAJEUR", "CPTS VAL D OISE CENTRE"]
    assert slot.motives == ("Visite de contrôle",)


def test_sos_medecins_schedule_first_bundle():
    parsed = parse_bundle(example("Bundle-ExampleBundleAgregateurSOS.json"))
    associations = {s.effecteur.national_id: s.effecteur for s in parsed.slots}
    assert {(e.kind, e.id_kind, e.name) for e in associations.values()} == {
        ("SOS", "SIRET", "SOS Médecins de Rennes"), ("SOS", "SIRET", "SOS Médecins Saint-Malo")}
    assert len({s.place.key for s in parsed.slots}) == 3
    by_id = {s.fhir_id: s for s in parsed.slots}
    assert by_id["ExampleSlotSOS3"].modes == ("VR",) and by_id["ExampleSlotSOS2"].slot_type == "SNP"
    malo = by_id["ExampleSlotSOS3"].place
    assert (malo.precision, malo.lat, malo.insee) == ("position", 48.6493, "35288")
    assert by_id["ExampleSlotSOS1"].place.name == "Centre de consultation Rennes Nord"


def _ps_bundle() -> dict:
    return copy.deepcopy(example("Bundle-ExampleBundlePSIndiv.json"))


def test_duplicate_entries_and_unknown_extensions_change_nothing():
    bundle = _ps_bundle()
    bundle["entry"] = bundle["entry"] + copy.deepcopy(bundle["entry"])
    for entry in bundle["entry"]:
        entry["resource"].setdefault("extension", []).append({"url": "https://editeur.example/x", "valueString": "?"})
    bundle["unknownElement"] = {"a": 1}
    assert len(parse_bundle(bundle).slots) == 4


def test_absolute_and_urn_references_resolve():
    bundle = _ps_bundle()
    urns = {}
    for n, entry in enumerate(bundle["entry"]):
        if entry["resource"]["resourceType"] == "Practitioner":
            key = "Practitioner/" + entry["resource"]["id"]
            entry["fullUrl"] = urns[key] = f"urn:uuid:{n:08d}-0000-4000-8000-000000000000"
            del entry["resource"]["id"]
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Slot":
            ref = resource["schedule"]["reference"]
            resource["schedule"]["reference"] = f"https://exemple.com/ans-sas/{ref}/_history/3"
        for actor in resource.get("actor", []):
            actor["reference"] = urns.get(actor["reference"], actor["reference"])
    parsed = parse_bundle(bundle)
    assert [s.effecteur.rpps for s in parsed.slots] == ["10100050075", "10100050075", "10002673899", "10002673899"]
    assert not parsed.warnings


def test_missing_practitioner_falls_back_on_the_role_logical_identifier():
    bundle = _ps_bundle()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Practitioner"]
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "PractitionerRole":
            entry["resource"]["practitioner"] = {"identifier": {"system": "urn:oid:1.2.250.1.71.4.2.1",
                                                                "value": "810100050075"}}
    parsed = parse_bundle(bundle)
    assert {s.effecteur.rpps for s in parsed.slots} == {"10100050075"}
    assert parsed.slots[0].effecteur.name == "Professionnel 810100050075"


def test_missing_schedule_keeps_the_slot_without_effecteur_and_says_which():
    bundle = _ps_bundle()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"].get("id") != "ExampleSchedule2"]
    parsed = parse_bundle(bundle)
    orphan = next(s for s in parsed.slots if s.fhir_id == "ExampleSlotPSIndiv2")
    assert orphan.effecteur is None and orphan.place is None
    assert any("ExampleSlotPSIndiv2" in w and "Schedule" in w for w in parsed.warnings)


def test_naive_times_are_paris_time_and_bad_slots_are_skipped_with_a_reason():
    bundle = _ps_bundle()
    slots = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]
    slots[0]["start"], slots[0]["end"] = "2021-11-05T10:00:00", "2021-11-05T10:30:00"
    slots[1]["status"] = "busy"
    slots[2]["end"] = "demain"
    parsed = parse_bundle(bundle)
    assert [s.fhir_id for s in parsed.slots] == ["ExampleSlotPSIndiv1", "ExampleSlotPSIndiv4"]
    assert parsed.slots[0].start == datetime(2021, 11, 5, 9, 0, tzinfo=timezone.utc)  # 10:00 in Paris (CET)
    assert parsed.skipped == 2
    assert any("busy" in w for w in parsed.warnings) and any("heure de Paris" in w for w in parsed.warnings)


def test_a_place_without_known_commune_nor_position_is_not_located():
    bundle = _ps_bundle()
    for entry in bundle["entry"]:
        for contained in entry["resource"].get("contained", []):
            contained["address"] = {"line": ["1 rue X"], "city": "Nulle-Part", "postalCode": "00000"}
    parsed = parse_bundle(bundle)
    assert all(not s.place.located for s in parsed.slots)
    assert any("commune introuvable" in w for w in parsed.warnings)


@pytest.mark.parametrize("document, fragment", [
    ([], "objet JSON"),
    ({"resourceType": "Slot"}, "« Slot »"),
    ({"resourceType": "OperationOutcome", "issue": [{"diagnostics": "start obligatoire"}]}, "start obligatoire"),
    ({"resourceType": "Bundle", "entry": {"a": 1}}, "Bundle.entry"),
])
def test_not_a_bundle_is_refused_with_a_french_reason(document, fragment):
    with pytest.raises(BundleError, match=fragment):
        parse_bundle(document)


def test_the_guides_pieces_assembled_in_one_bundle_parse():
    """The guide's separate Slot/Schedule/Practitioner/… files, as one bundle (slot 5 is slot 2 again)."""
    pieces = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))
              if not p.name.startswith(("Bundle-", "Appointment-"))]
    assert len(pieces) == 25
    parsed = parse_bundle({"resourceType": "Bundle", "type": "collection",
                           "entry": [{"resource": r} for r in pieces]})
    ids = {s.fhir_id for s in parsed.slots}
    assert {"ExampleSlotPSIndiv1", "ExampleSlotPSIndiv3", "ExampleSlotCPTS1"} <= ids
    assert "ExampleSlotPSIndiv5" not in ids and any("doublon" in w for w in parsed.warnings)
    cpts = next(s for s in parsed.slots if s.fhir_id == "ExampleSlotCPTS1")
    assert [c.name for c in cpts.cpts] == ["CPTS AXE MAJEUR"]
