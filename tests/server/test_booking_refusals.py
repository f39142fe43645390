"""The server refuses a booking with the words the console shows: both ask app/services/booking/rules.py."""

from __future__ import annotations

from tests.server.test_regulation_core import _book, _case, _decide


def test_the_servers_refusals_read_as_the_desks(client, auth, case_body, orientation_body, add_slot):
    case = _case(client, auth, case_body)
    first, second = add_slot(), add_slot(site="site-2")
    advice = _decide(client, auth, orientation_body, case["uuid"], key="CONSEIL")
    refused = _book(client, auth, first, advice["uuid"], case["uuid"])
    assert refused.status_code == 422
    assert refused.json()["fields"] == [{"field": "orientation_id",
                                         "message": "cette décision ne se réalise pas par un créneau"}]
    decision = _decide(client, auth, orientation_body, case["uuid"])
    arm = _book(client, auth, first, decision["uuid"], case["uuid"], role="ARM")
    assert arm.status_code == 403
    assert _book(client, auth, first, decision["uuid"], case["uuid"]).status_code == 201
    again = _book(client, auth, second, decision["uuid"], case["uuid"])
    assert again.status_code == 409 and again.json()["error"] == "already_booked"
    assert again.json()["message"] == (f"Ce dossier a déjà un rendez-vous (créneau {first}) : « Re-réserver » "
                                       "l'annule et réserve le créneau choisi")
