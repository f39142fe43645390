"""A case's booking as the desk's cache knows it: the worklist condition, the booked row, the words shown."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app.models import Case
from app.services.booking import case_booking
from app.services.records.documents import PatientDoc
from tests.services.test_local_store import make_case, make_orientation, open_store

#: Monday 7 December 2026, 14:30 UTC: 15:30 in Strasbourg (winter time, UTC+1).
START = datetime(2026, 12, 7, 14, 30, tzinfo=timezone.utc)


def _awaiting(store) -> list[str]:
    with store.session_factory() as session:
        return list(session.scalars(select(Case.uuid).where(case_booking.awaiting_booking())))


def test_a_case_decided_for_a_slot_waits_for_its_booking_and_leaves_once_booked(tmp_path):
    store, engine = open_store(tmp_path / "desk.db")
    consultation, advice = make_case(1), make_case(2)
    for case in (consultation, advice):
        store.save_case(case, author="arm")
    decided = make_orientation(consultation, decision_key="CONSULTATION_48H", decision_type="ORIENT")
    store.save_orientation(decided, author="mrl", author_role="MRL")
    store.save_orientation(make_orientation(advice), author="mrl", author_role="MRL")
    assert _awaiting(store) == [consultation.uuid]
    assert case_booking.active_booking(store.orientations_for_case(consultation.uuid)) is None

    # The server's answer to the booking: the decision's next version holds the slot.
    booked = decided.model_copy(update={"version": 2, "slot_id": 41, "effecteur_id": "eff-1",
                                        "effecteur_name": "Dr Alice Schweitzer", "appointment_start": START})
    store.accept_server_orientation(booked)
    assert _awaiting(store) == []
    held = case_booking.active_booking(store.orientations_for_case(consultation.uuid))
    assert held.slot_id == 41
    assert case_booking.describe(held) == "Dr Alice Schweitzer, lun. 07/12 à 15:30"
    row = case_booking.booking_row(held)
    assert row["booked"] and row["slot_id"] == 41 and row["effecteur"]["name"] == "Dr Alice Schweitzer"

    # Cancelled (the decision without its slot): the case waits again.
    store.accept_server_orientation(booked.model_copy(update={"version": 3, "slot_id": None,
                                                              "appointment_start": None}))
    assert _awaiting(store) == [consultation.uuid]
    engine.dispose()


def test_the_patient_named_in_a_confirmation():
    case = make_case(1, caller_name="Mme Martin", patients=[
        PatientDoc(uuid="p1", patient_id="fr.health.samu670.patient.1", first_name="Jean", last_name="Dupont",
                   sex="M")])
    assert case_booking.patient_of(case) == ("M", "Jean Dupont")
    assert case_booking.patient_of(make_case(2, caller_name="Mme Martin", patients=[])) == (None, "Mme Martin")
