"""The booking rules, as pure functions: who may book, what a booking carries out, one booking per case.

The server's booking command (:func:`app.services.booking.slots.book_slot`) and the
console (:meth:`app.services.desk.workflow.Desk.book`) both ask these functions, the
server over its database rows and the desk over its cache, so a desk refuses at once,
with the same words, what the server would refuse — and sends nothing.

* Only the roles of ``POST /api/v1/slots/{id}/booking`` book (OSNP, MRL, MRU).
* A booking carries out a decision already taken on that case, one that is
  carried out by a slot (consultation within 48 h, teleconsultation, home visit,
  SOS Médecins); the OSNP books the slot the doctor decided.
* A case holds at most one active booking: a second one is a re-booking, asked
  for explicitly (``rebook``), which cancels the first.
* How a slot is booked depends on where it comes from (:func:`channel`): an agenda
  editor that takes bookings books it in its own agenda (``editor``); one that only
  shows slots needs the operator's « RDV confirmé par téléphone » (``phone``,
  :func:`channel_refusal`); a slot of ours alone (demo, manual import) books here (``local``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.agendas.registry import EditorConfig
from app.services.regulation import decisions
from app.services.security import permissions

#: Refusal codes (the server's ``error`` field for the 409 one).
FORBIDDEN = "forbidden"
NO_DECISION = "no_decision"
NOT_A_SLOT_DECISION = "not_a_slot_decision"
ALREADY_BOOKED = "already_booked"
PHONE_CONFIRMATION_REQUIRED = "phone_confirmation_required"
PHONE_CONFIRMATION_NOT_ALLOWED = "phone_confirmation_not_allowed"
SLOT_TAKEN_AT_EDITOR = "slot_taken_at_editor"
EDITOR_UNAVAILABLE = "editor_unavailable"

#: How a booking was confirmed (``Slot.booked_via``), and the words the journal gives it.
VIA_EDITOR, VIA_PHONE = "editor", "phone"
BOOKED_VIA_NOTES = {VIA_EDITOR: "RDV pris dans l'agenda de l'éditeur", VIA_PHONE: "RDV confirmé par téléphone"}
#: Booking channels: at the editor, by phone confirmation, or in our records alone.
EDITOR, PHONE, LOCAL = "editor", "phone", "local"

ROLE_REFUSED = "Réservation : réservée à l'OSNP et aux médecins régulateurs"
NO_DECISION_REFUSED = ("Aucune décision de consultation du médecin régulateur sur ce dossier : "
                       "le médecin décide avant la réservation")
NOT_A_SLOT_DECISION_REFUSED = "cette décision ne se réalise pas par un créneau"


@dataclass(frozen=True)
class Refusal:
    """Why a booking is refused: a ``code`` above and the French ``message``."""

    code: str
    message: str


def role_refusal(role: str) -> Refusal | None:
    """May ``role`` book a slot at all?"""
    if permissions.is_allowed(permissions.SLOTS_BOOK, str(role)):
        return None
    return Refusal(FORBIDDEN, ROLE_REFUSED)


def decision_refusal(decision_key: str | None) -> Refusal | None:
    """Is there a decision of the case, carried out by a slot (``decision_key``, None when there is none)?"""
    if decision_key is None:
        return Refusal(NO_DECISION, NO_DECISION_REFUSED)
    kind = decisions.BY_KEY.get(decision_key)
    if kind is None or not kind.books_slot:
        return Refusal(NOT_A_SLOT_DECISION, NOT_A_SLOT_DECISION_REFUSED)
    return None


def rebooking_refusal(booked: str | None, rebook: bool) -> Refusal | None:
    """One active booking per case: ``booked`` describes the case's booking (None: it has none)."""
    if booked is None or rebook:
        return None
    return Refusal(ALREADY_BOOKED, f"Ce dossier a déjà un rendez-vous ({booked}) : « Re-réserver » "
                                   f"l'annule et réserve le créneau choisi")


def booking_refusal(role: str, *, decision_key: str | None, booked: str | None, rebook: bool) -> Refusal | None:
    """The first rule a booking breaks, or None: role, then the case's decision, then its one booking."""
    return role_refusal(role) or decision_refusal(decision_key) or rebooking_refusal(booked, rebook)


def channel(editor: EditorConfig | None) -> str:
    """``editor``, ``phone`` or ``local``: how a slot of ``editor`` (None: not a registered editor's) is booked."""
    if editor is None:
        return LOCAL
    return EDITOR if editor.booking else PHONE


def channel_refusal(editor: EditorConfig | None, confirmed_by_phone: bool, *, effecteur: str,
                    phone: str | None) -> Refusal | None:
    """Does the phone confirmation fit the slot's channel?  ``effecteur``/``phone`` name whom to call."""
    kind = channel(editor)
    if kind == PHONE and not confirmed_by_phone:
        number = f"au {phone}" if phone else "(numéro inconnu : voir l'annuaire)"
        return Refusal(PHONE_CONFIRMATION_REQUIRED,
                       f"L'agenda de {effecteur} ne prend pas de réservation : appelez {effecteur} {number}, "
                       f"puis réservez avec « RDV confirmé par téléphone ».")
    if kind == EDITOR and confirmed_by_phone and editor is not None:
        return Refusal(PHONE_CONFIRMATION_NOT_ALLOWED,
                       f"Ce créneau se réserve dans l'agenda de {effecteur} (éditeur « {editor.name} ») : "
                       f"pas de confirmation par téléphone, réservez-le directement.")
    return None
