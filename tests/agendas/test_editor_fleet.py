"""The local editor fleet against the SAS guide, through the project's own FHIR client.

Six real editor processes answer at once (one slow past a 1 s limit, one broken, one that only
shows slots, one CPTS, one SOS Médecins); pages, CPTS shared slots and the SOS bundle parse;
bookings take a slot (201) and a taken slot is refused (409); a cancelled one frees it; a killed
editor comes back with its agenda; a status change is pushed to the platform with its token.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from app.services.agendas import registry
from app.services.interop.fhir.appointment import AppointmentRequest
from app.services.interop.fhir.client import AgendaClient, Editor, FhirRequestError
from tests.agendas.fleet import EditorSpec, Fleet

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)
WINDOW = (T0, T0 + timedelta(hours=72))
SYSTEM = "https://sas.sante.fr/rendez-vous"


def editor(fleet: Fleet, name: str) -> Editor:
    return Editor(name, fleet[name].base_url, cpts=fleet[name].spec.cpts)


def request(rpps: str, start: datetime, **kwargs) -> AppointmentRequest:
    return AppointmentRequest(identifier_system=SYSTEM, identifier_value=str(uuid.uuid4()), start=start,
                              end=start + timedelta(minutes=20), practitioner_id=rpps, regulator_id="810000099999",
                              **kwargs)


async def search(fleet: Fleet, name: str, rpps: list[str], time_limit: float = 7.0):
    async with AgendaClient(time_limit=time_limit) as client:
        return await client.search_slots([editor(fleet, name)], rpps, *WINDOW)


@pytest.fixture
def fleet(editor_fleet: Fleet) -> Fleet:
    editor_fleet.reset()
    return editor_fleet


def test_registry_file_describes_the_six_editors(fleet, tmp_path):
    loaded = registry.load(fleet.write_registry(tmp_path / "editors.toml", refresh_s=60))
    assert [e.name for e in loaded.editors] == ["ps-a", "ps-slow", "ps-broken", "ps-show", "cpts", "sos"]
    assert loaded.refresh_s == 60 and loaded.by_name("ps-a").base_url == fleet["ps-a"].base_url
    assert loaded.by_name("ps-slow").time_limit_s == 1.0 and loaded.by_name("ps-a").time_limit_s == 7.0
    assert not loaded.by_name("ps-show").booking and loaded.by_name("cpts").booking
    assert loaded.by_name("cpts").client_editor().cpts and [e.name for e in loaded.serving("sos")] == ["sos"]
    assert loaded.by_name("ps-a").push_token_sha256 == hashlib.sha256(b"token-ps-a").hexdigest()


@pytest.mark.asyncio
async def test_six_editors_at_once_the_slow_one_cut_at_one_second_the_broken_one_reported(fleet):
    for name in ("ps-a", "ps-slow", "ps-broken", "ps-show", "cpts"):
        fleet[name].add_slot("10000000001", T0 + timedelta(hours=2))
    fleet["sos"].add_slot("33417374840002", T0 + timedelta(hours=3))
    async with AgendaClient(time_limit=1.0) as client:  # the communes are read before the clock starts
        began = time.monotonic()
        ps, sos = await asyncio.gather(
            client.search_slots([editor(fleet, n) for n in ("ps-a", "ps-slow", "ps-broken", "ps-show", "cpts")],
                                ["10000000001"], *WINDOW),
            client.search_sos([editor(fleet, "sos")], ["33417374840002"], *WINDOW))
        elapsed = time.monotonic() - began
    assert 1.0 <= elapsed < 2.0  # the limit is held: the slow editor is dropped, not waited for
    assert sorted(s.editor for s in ps.slots) == ["cpts", "ps-a", "ps-show"]
    failures = {f.editor: f for f in ps.failures}
    assert set(failures) == {"ps-slow", "ps-broken"} and failures["ps-slow"].timed_out
    assert "500" in failures["ps-broken"].reason and "panne" in failures["ps-broken"].reason
    assert [s.effecteur.national_id for s in sos.slots] == ["333417374840002"] and not sos.partial
    assert all(fleet[n].requests() for n in ("ps-a", "ps-slow", "ps-broken", "ps-show", "cpts", "sos"))


@pytest.mark.asyncio
async def test_pages_are_chained_by_next_links(fleet):
    fleet["ps-a"].configure(page_size=2)
    for h in range(5):
        fleet["ps-a"].add_slot("10000000002", T0 + timedelta(hours=1 + h))
    fleet["ps-a"].add_slot("10000000002", T0 + timedelta(hours=80))  # after the window
    result = await search(fleet, "ps-a", ["10000000002"])
    assert result.requests == 3 and [s.start for s in result.slots] == [T0 + timedelta(hours=1 + h) for h in range(5)]
    slot = result.slots[0]
    assert slot.effecteur.rpps == "10000000002" and slot.effecteur.phone.startswith("+33")
    assert slot.place.insee == "67482" and slot.place.precision == "position"
    assert abs(slot.place.lat - 48.58) < 0.05 and abs(slot.place.lon - 7.75) < 0.07
    assert slot.specialties == ("SM54",) and slot.slot_type == "SNP" and slot.mode == "AMB"


@pytest.mark.asyncio
async def test_a_slot_removed_at_the_editor_is_no_longer_returned(fleet):
    kept, removed = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    fleet["ps-a"].add_slot("10000000010", kept)
    fleet["ps-a"].remove_slot(fleet["ps-a"].add_slot("10000000010", removed))
    assert [s.start for s in (await search(fleet, "ps-a", ["10000000010"])).slots] == [kept]


@pytest.mark.asyncio
async def test_a_cpts_slot_shared_by_two_cpts(fleet):
    two = (("1950047225", "CPTS AXE MAJEUR"), ("1950046227", "CPTS VAL D OISE CENTRE"))
    fleet["cpts"].add_slot("10000000003", T0 + timedelta(hours=5), types=("PUBLIC", "CPTS"), cpts=two, mode="VR")
    [slot] = (await search(fleet, "cpts", ["10000000003"])).slots
    assert [(c.identifier, c.name) for c in slot.cpts] == list(two)
    assert slot.slot_type == "CPTS" and slot.modes == ("VR",)
    params = fleet["cpts"].requests()[-1]["params"]
    assert ["_include", "Slot:service-type-reference"] in params
    assert ["_include:iterate", "HealthcareService:organization"] in params


@pytest.mark.asyncio
async def test_the_sos_bundle_is_schedule_primary_with_the_site_and_its_hours(fleet):
    fleet["sos"].add_structure("39208046630001", name="SOS Médecins Strasbourg", site_name="Point fixe de garde")
    fleet["sos"].add_slot("339208046630001", T0 + timedelta(hours=4))
    async with AgendaClient() as client:
        result = await client.search_sos([editor(fleet, "sos")], ["39208046630001"], *WINDOW)
    [slot] = result.slots
    assert slot.effecteur.kind == "SOS" and slot.effecteur.name == "SOS Médecins Strasbourg"
    assert slot.place.name == "Point fixe de garde" and slot.place.insee == "67482"
    params = [tuple(p) for p in fleet["sos"].requests()[-1]["params"]]
    raw = httpx.get(f"{fleet['sos'].base_url}Schedule", params=params).json()
    modes = {e["resource"]["resourceType"]: e["search"]["mode"] for e in raw["entry"]}
    assert modes == {"Schedule": "match", "Location": "include", "Organization": "include", "Slot": "include"}
    location = next(e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "Location")
    assert location["hoursOfOperation"][0]["openingTime"] == "08:00:00" and raw["total"] == 1


@pytest.mark.asyncio
async def test_an_sos_appointment_without_its_doctor_books_the_site_slot(fleet):
    start = T0 + timedelta(hours=12)
    fleet["sos"].add_slot("33417374840002", start)
    pending = request("", start, status="pending")
    async with AgendaClient() as client:
        answer = await client.create_appointment(editor(fleet, "sos"), pending)
    assert answer.created and answer.resource["participant"] == [{"status": "needs-action"}]
    [slot] = fleet["sos"].slots()
    assert slot["status"] == "busy" and slot["taken_by"] == answer.resource["id"]


def test_bad_searches_answer_400_with_an_operation_outcome(fleet):
    ids = ",".join(f"urn:oid:1.2.250.1.71.4.2.1|8{10000000000 + i}" for i in range(26))
    base = [("start", "ge2026-12-02T08:00:00+01:00"), ("start", "le2026-12-05T08:00:00+01:00"), ("status", "free")]
    one = ids.split(",")[0]
    cases = {"26 identifiants": base + [("schedule.actor:Practitioner.identifier", ids)],
             "start=ge": base[1:] + [("schedule.actor:Practitioner.identifier", one)],
             "free": base[:2] + [("schedule.actor:Practitioner.identifier", one)],
             "non pris en charge": base + [("schedule.actor:Practitioner.identifier", one), ("_include", "Slot:x")]}
    for text, params in cases.items():
        answer = httpx.get(f"{fleet['ps-a'].base_url}Slot", params=params)
        assert answer.status_code == 400 and answer.json()["resourceType"] == "OperationOutcome"
        assert text in answer.json()["issue"][0]["diagnostics"]


@pytest.mark.asyncio
async def test_booking_takes_the_slot_and_the_same_slot_again_is_409(fleet):
    start = T0 + timedelta(hours=6)
    fleet["ps-a"].add_slot("10000000004", start)
    first = request("10000000004", start)
    async with AgendaClient() as client:
        answer = await client.create_appointment(editor(fleet, "ps-a"), first)
        with pytest.raises(FhirRequestError) as refused:
            await client.create_appointment(editor(fleet, "ps-a"), request("10000000004", start))
    assert answer.created and answer.location.startswith(f"{fleet['ps-a'].base_url}Appointment/")
    assert refused.value.status_code == 409
    [received] = fleet["ps-a"].appointments()
    assert received["identifier"] == f"{SYSTEM}|{first.identifier_value}" and received["status"] == "booked"
    assert received["body"]["extension"][0]["valueReference"]["identifier"]["value"] == "810000099999"
    assert (await search(fleet, "ps-a", ["10000000004"])).slots == []


@pytest.mark.asyncio
async def test_a_slot_taken_elsewhere_is_409_and_a_show_only_editor_is_405(fleet):
    start = T0 + timedelta(hours=7)
    fleet["ps-a"].take_slot(fleet["ps-a"].add_slot("10000000005", start))
    fleet["ps-show"].add_slot("10000000005", start)
    async with AgendaClient() as client:
        for name, status in (("ps-a", 409), ("ps-show", 405)):
            with pytest.raises(FhirRequestError) as refused:
                await client.create_appointment(editor(fleet, name), request("10000000005", start))
            assert refused.value.status_code == status
    assert fleet["ps-a"].appointments() == [] and fleet["ps-show"].appointments() == []


def test_an_appointment_without_its_regulator_or_with_end_before_start_is_refused(fleet):
    start = T0 + timedelta(hours=8)
    fleet["ps-a"].add_slot("10000000006", start)
    url = f"{fleet['ps-a'].base_url}Appointment"
    body = {"resourceType": "Appointment", "identifier": [{"system": SYSTEM, "value": "x1"}], "status": "booked",
            "start": start.isoformat(), "end": (start + timedelta(minutes=20)).isoformat(),
            "participant": [{"actor": {"identifier": {"system": "urn:oid:1.2.250.1.71.4.2.1",
                                                      "value": "810000000006"}}, "status": "accepted"}]}
    assert httpx.post(url, json=body).status_code == 422  # no appointmentOperator
    assert httpx.post(url, json={**body, "start": None}).status_code == 400
    assert httpx.post(url, json={**body, "end": start.isoformat()}).status_code == 422


@pytest.mark.asyncio
async def test_cancelling_frees_the_slot(fleet):
    start = T0 + timedelta(hours=9)
    fleet["cpts"].add_slot("10000000007", start)
    booked = request("10000000007", start)
    async with AgendaClient() as client:
        await client.create_appointment(editor(fleet, "cpts"), booked)
        assert (await search(fleet, "cpts", ["10000000007"])).slots == []
        answer = await client.update_appointment(
            editor(fleet, "cpts"), AppointmentRequest(**{**booked.__dict__, "status": "cancelled"}))
    assert answer.status_code == 200 and answer.resource["status"] == "cancelled"
    assert [s.start for s in (await search(fleet, "cpts", ["10000000007"])).slots] == [start]
    assert [a["status"] for a in fleet["cpts"].appointments()] == ["cancelled"]


@pytest.mark.asyncio
async def test_a_killed_editor_comes_back_with_its_slots_and_appointments(fleet):
    start = T0 + timedelta(hours=10)
    ps_a = fleet["ps-a"]
    ps_a.add_slot("10000000008", start)
    ps_a.add_slot("10000000008", start + timedelta(hours=1))
    async with AgendaClient() as client:
        await client.create_appointment(editor(fleet, "ps-a"), request("10000000008", start))
    ps_a.kill()
    gone = await search(fleet, "ps-a", ["10000000008"], time_limit=2)
    assert gone.partial and "injoignable" in gone.failures[0].reason
    ps_a.start()
    back = await search(fleet, "ps-a", ["10000000008"])
    assert [s.start for s in back.slots] == [start + timedelta(hours=1)] and len(ps_a.appointments()) == 1


class Receiver(BaseHTTPRequestHandler):
    got: list[dict] = []

    def do_PUT(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.got.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.asyncio
async def test_a_status_change_is_pushed_to_the_platform_with_the_bearer_token(fleet):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fleet.set_platform(f"http://127.0.0.1:{server.server_port}")
        start = T0 + timedelta(hours=11)
        fleet["ps-a"].add_slot("10000000009", start)
        booked = request("10000000009", start)
        async with AgendaClient() as client:
            await client.create_appointment(editor(fleet, "ps-a"), booked)
        answer = fleet["ps-a"].push_status(booked.identifier_value, "fulfilled")
    finally:
        server.shutdown()
        server.server_close()
    assert answer["pushed"] and answer["status_code"] == 200
    [got] = Receiver.got
    assert got["path"].startswith("/fhir/Appointment?identifier=") and booked.identifier_value in got["path"]
    assert httpx.URL(got["path"]).params["identifier"] == f"{SYSTEM}|{booked.identifier_value}"
    assert got["headers"]["Authorization"] == "Bearer token-ps-a"
    assert got["headers"]["Content-Type"] == "application/fhir+json"
    assert got["body"]["status"] == "fulfilled" and got["body"]["identifier"][0]["value"] == booked.identifier_value
    assert got["body"]["participant"][0]["actor"]["identifier"]["value"] == "810000000009"


@pytest.mark.asyncio
async def test_synthetic_editors_share_the_practitioners_and_answer_the_same_way_twice(editor_fleet_factory):
    specs = tuple(EditorSpec(f"synth-{i}", page_size=1000, extra=(
        "--synthetic-per-practitioner", "10", "--bbox", "48.0,7.0,49.0,8.0", "--synthetic-share", f"{i}/2"))
        for i in range(2))
    synth = editor_fleet_factory(specs)
    ids = [f"{20000000000 + i}" for i in range(30)]
    async with AgendaClient() as client:
        first, again = (await asyncio.gather(*(client.search_slots(
            [editor(synth, "synth-0"), editor(synth, "synth-1")], ids, *WINDOW) for _ in range(2))))
    assert 300 <= len(first.slots) <= 330 and first.requests == 4 and not first.partial
    assert [(s.fhir_id, s.start) for s in first.slots] == [(s.fhir_id, s.start) for s in again.slots]
    assert all(48.0 <= s.place.lat <= 49.0 and 7.0 <= s.place.lon <= 8.0 for s in first.slots)
    holders = {(s.effecteur.rpps, s.editor) for s in first.slots}
    assert {rpps for rpps, _ in holders} == set(ids) and len(holders) == len(ids)  # each at one editor
    assert {name for _, name in holders} == {"synth-0", "synth-1"}
    taken = first.slots[0]
    async with AgendaClient() as client:
        answer = await client.create_appointment(editor(synth, taken.editor),
                                                 request(taken.effecteur.rpps, taken.start))
    assert answer.created
    assert taken.fhir_id not in {s.fhir_id for s in (await search(synth, taken.editor, ids)).slots}
