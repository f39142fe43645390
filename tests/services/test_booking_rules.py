"""The booking rules the server and the console both ask: role, a slot decision of the case, one booking per case."""

from __future__ import annotations

import pytest

from app.services.booking import rules


@pytest.mark.parametrize("role", ["OSNP", "MRL", "MRU"])
def test_the_booking_roles_may_book_a_slot_decision(role):
    assert rules.booking_refusal(role, decision_key="CONSULTATION_48H", booked=None, rebook=False) is None


@pytest.mark.parametrize("role", ["ARM", "SUPERVISEUR", "ADMIN", "HUB"])
def test_other_roles_may_not_book(role):
    refusal = rules.booking_refusal(role, decision_key="CONSULTATION_48H", booked=None, rebook=False)
    assert refusal.code == "forbidden"
    assert refusal.message == "Réservation : réservée à l'OSNP et aux médecins régulateurs"


def test_a_booking_carries_out_a_slot_decision_of_the_case():
    missing = rules.booking_refusal("OSNP", decision_key=None, booked=None, rebook=False)
    assert missing.code == "no_decision" and "le médecin décide avant la réservation" in missing.message
    advice = rules.booking_refusal("MRL", decision_key="CONSEIL", booked=None, rebook=False)
    assert advice.code == "not_a_slot_decision"
    for key in ("CONSULTATION_48H", "TELECONSULTATION", "VISITE_DOMICILE", "SOS_MEDECINS"):
        assert rules.booking_refusal("OSNP", decision_key=key, booked=None, rebook=False) is None


def test_a_second_booking_needs_an_explicit_rebooking():
    again = rules.booking_refusal("OSNP", decision_key="CONSULTATION_48H", booked="Dr Y, lun. 07/12 à 14:30",
                                  rebook=False)
    assert again.code == "already_booked"
    assert again.message == ("Ce dossier a déjà un rendez-vous (Dr Y, lun. 07/12 à 14:30) : « Re-réserver » "
                             "l'annule et réserve le créneau choisi")
    assert rules.booking_refusal("OSNP", decision_key="CONSULTATION_48H", booked="Dr Y", rebook=True) is None


def test_the_role_is_checked_before_the_case():
    refusal = rules.booking_refusal("ARM", decision_key=None, booked="Dr Y", rebook=False)
    assert refusal.code == "forbidden"
