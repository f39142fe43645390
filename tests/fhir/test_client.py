"""The FHIR client against a real local fake editor: batching, paging, time limit, failures, appointments."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest

from app.services.interop.fhir.appointment import AppointmentRequest
from app.services.interop.fhir.client import AgendaClient, Editor, FhirRequestError
from tests.fhir.fake_editor import FakePractitioner, FakeSlot

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)
WINDOW = (T0, T0 + timedelta(hours=72))
ID_PARAM = "schedule.actor:Practitioner.identifier"


def _doctor(n: int, slots: int = 1, **slot_args) -> FakePractitioner:
    return FakePractitioner(rpps=f"{10000000000 + n}", family=f"MARTIN{n}", given="Jeanne",
                            slots=[FakeSlot(start=T0 + timedelta(hours=1 + i), **slot_args) for i in range(slots)])


def _populate(state, count: int, **kwargs) -> list[str]:
    for n in range(count):
        state.add(_doctor(n, **kwargs))
    return [f"{10000000000 + n}" for n in range(count)]


@pytest.mark.asyncio
async def test_sixty_practitioners_make_three_requests_of_at_most_25(editors):
    state = editors.editor("alpha")
    rpps = _populate(state, 60)
    async with AgendaClient() as client:
        result = await client.search_slots([Editor("alpha", editors.url("alpha"))], rpps, *WINDOW)
    assert not result.partial and result.message is None
    assert len(result.slots) == 60 and result.requests == 3
    sizes = sorted(len(dict(r)[ID_PARAM].split(",")) for r in state.requests)
    assert sizes == [10, 25, 25]
    first = state.requests[0]
    assert ("status", "free") in first and ("_include", "Slot:schedule") in first
    assert ("_include:iterate", "Schedule:actor") in first
    assert sorted(v[:2] for k, v in first if k == "start") == ["ge", "le"]
    assert dict(first)[ID_PARAM].startswith("urn:oid:1.2.250.1.71.4.2.1|8100000000")
    assert {s.effecteur.rpps for s in result.slots} == set(rpps)
    assert all(s.editor == "alpha" and s.place.insee == "67482" for s in result.slots)


@pytest.mark.asyncio
async def test_next_links_are_followed_until_the_last_page(editors):
    state = editors.editor("alpha")
    state.page_size = 2
    rpps = _populate(state, 1, slots=5)
    async with AgendaClient() as client:
        result = await client.search_slots([Editor("alpha", editors.url("alpha"))], rpps, *WINDOW)
    assert len(state.requests) == 3 and result.requests == 3
    assert [s.start for s in result.slots] == [T0 + timedelta(hours=1 + i) for i in range(5)]


@pytest.mark.asyncio
async def test_slots_outside_the_window_are_not_asked_for(editors):
    state = editors.editor("alpha")
    rpps = _populate(state, 1, slots=100)  # one slot an hour: 72 in the window... and more after it
    async with AgendaClient() as client:
        result = await client.search_slots([Editor("alpha", editors.url("alpha"))], rpps, *WINDOW)
    assert len(result.slots) == 72


@pytest.mark.asyncio
async def test_cpts_editor_gets_the_cpts_includes_and_a_slot_in_two_cpts(editors):
    state = editors.editor("cpts")
    state.add(_doctor(1, types=("PUBLIC", "CPTS"),
                      cpts=(("1950047225", "CPTS AXE MAJEUR"), ("1950046227", "CPTS VAL D OISE CENTRE"))))
    async with AgendaClient() as client:
        result = await client.search_slots([Editor("cpts", editors.url("cpts"), cpts=True)], ["10000000001"], *WINDOW)
    assert ("_include", "Slot:service-type-reference") in state.requests[0]
    assert ("_include:iterate", "HealthcareService:organization") in state.requests[0]
    [slot] = result.slots
    assert slot.slot_type == "CPTS" and [c.identifier for c in slot.cpts] == ["1950047225", "1950046227"]


@pytest.mark.asyncio
async def test_slow_and_failing_editors_give_partial_results_naming_them(editors):
    rpps = _populate(editors.editor("rapide"), 3)
    _populate(editors.editor("lent"), 3)
    _populate(editors.editor("en-panne"), 3)
    editors.editor("lent").delay = 8.0  # longer than the limit, even on a busy machine
    editors.editor("en-panne").fail_status = 503
    targets = [Editor(name, editors.url(name)) for name in ("rapide", "lent", "en-panne")]
    async with AgendaClient(time_limit=2.0) as client:  # the guide's 7 s, shortened for the test
        result = await client.search_slots(targets, rpps, *WINDOW)
    assert {s.editor for s in result.slots} == {"rapide"} and len(result.slots) == 3
    assert result.partial
    failures = {f.editor: f for f in result.failures}
    assert set(failures) == {"lent", "en-panne"}
    assert failures["lent"].timed_out and not failures["en-panne"].timed_out
    assert "erreur HTTP 503" in failures["en-panne"].reason and "panne simulée" in failures["en-panne"].reason
    assert result.message.startswith("Résultats partiels")
    assert "« lent »" in result.message and "2 s" in result.message and "« en-panne »" in result.message


@pytest.mark.asyncio
async def test_an_unreachable_editor_is_named():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nobody listens there
    async with AgendaClient(time_limit=2) as client:
        result = await client.search_slots([Editor("absent", f"http://127.0.0.1:{port}/fhir")], ["10000000001"],
                                           *WINDOW)
    assert result.slots == [] and "injoignable" in result.failures[0].reason


@pytest.mark.asyncio
async def test_appointment_create_then_update_round_trip(editors):
    state = editors.editor("alpha")
    editor = Editor("alpha", editors.url("alpha"))
    request = AppointmentRequest(
        identifier_system="urn:oid:1.2.250.1.213.3.6", identifier_value="b6e39355-8a61-4556-b340-36f7b95fec6a",
        start=T0, end=T0 + timedelta(minutes=15), practitioner_id="10100050075",
        regulator_id="3456780581/11242343", created=T0 - timedelta(hours=1))
    async with AgendaClient() as client:
        created = await client.create_appointment(editor, request)
        assert created.created and "/alpha/Appointment/" in created.location
        [stored] = state.appointments.values()
        assert stored["start"] == "2026-12-02T09:00:00+01:00" and stored["status"] == "booked"
        assert stored["participant"][0]["actor"]["identifier"]["value"] == "810100050075"
        operator = stored["extension"][0]
        assert operator["url"].endswith("FrAppointmentOperator")
        assert operator["valueReference"]["identifier"]["value"] == "3456780581/11242343"

        cancelled = AppointmentRequest(**{**request.__dict__, "status": "cancelled"})
        updated = await client.update_appointment(editor, cancelled)
        assert updated.status_code == 200 and updated.resource["id"] == stored["id"]
        assert len(state.appointments) == 1 and state.appointments[stored["id"]]["status"] == "cancelled"
        assert state.appointments[stored["id"]]["meta"]["versionId"] == "2"

        unknown = AppointmentRequest(**{**request.__dict__, "identifier_value": "another-uuid"})
        assert (await client.update_appointment(editor, unknown)).created  # conditional update creates
        assert len(state.appointments) == 2


@pytest.mark.asyncio
async def test_a_refused_appointment_raises_a_french_error_naming_the_editor(editors):
    editors.editor("alpha")
    async with AgendaClient() as client:
        with pytest.raises(FhirRequestError, match=r"« alpha » : erreur HTTP 400 .*participant") as error:
            await client.create_appointment(Editor("alpha", editors.url("alpha")), {
                "resourceType": "Appointment", "identifier": [{"value": "x"}], "status": "booked",
                "start": "2026-12-02T09:00:00+01:00", "end": "2026-12-02T09:15:00+01:00"})
    assert error.value.status_code == 400


def test_sos_appointment_without_known_doctor_needs_action():
    from app.services.interop.fhir.appointment import build_appointment

    resource = build_appointment(AppointmentRequest("urn:oid:1.1", "u-1", T0, T0 + timedelta(minutes=15),
                                                    status="pending", regulator_id="abc", regulator_is_national=False))
    assert resource["participant"] == [{"status": "needs-action"}]
    assert resource["extension"][0]["valueReference"]["identifier"]["system"] == "urn:oid:1.2.250.1.213.3.6"
    with pytest.raises(ValueError, match="^end"):
        build_appointment(AppointmentRequest("s", "v", T0, T0))
