"""Storing an RS-SAS-RDV appointment received through ``POST /api/v1/hub/messages``.

The route has validated the envelope against the official schemas; here the
``appointment`` object is read (:mod:`app.services.interop.hub.rs_sas_rdv`), stored and
matched to its case (:mod:`app.services.booking.appointments`) inside the route's write
transaction, so a refusal (701 repeated creation, 704 impossible date) stores
nothing.  Who posted (the Hub connector's account) is the journal's author; the
write is audited with the appointment's uuid only.
"""

from __future__ import annotations

from app.models import Appointment
from app.server.deps import Principal, audit
from app.services.booking import appointments
from app.services.security import permissions
from app.services.interop.hub import rs_sas_rdv


def store_appointment(session, payload: dict, principal: Principal) -> Appointment:
    """Store (or update) the appointment of an RS-SAS-RDV; :class:`HubMessageError` when refused."""
    message = rs_sas_rdv.read_appointment(payload)
    received = appointments.receive(session, message, author=principal.username, author_role=principal.role)
    appt = received.appointment
    if not received.changed:
        outcome = "replay"
    else:
        outcome = ("created" if received.created else f"updated {appt.status}") + \
            (", attached" if received.attached else "") + (", follow-up" if received.follow_up else "")
    audit(principal, permissions.HUB_MESSAGES_POST, appt.uuid, f"rs-sas-rdv {outcome}")
    return appt
