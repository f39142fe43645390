"""Booking from a desk, without Qt: the case's booking in the cache, the core's rules asked first, then the server.

:class:`SlotBooking` is the booking half of :class:`app.services.desk.workflow.Desk`
(a mixin over the desk's store, client, user, open case and search results).  A slot
is booked only from the results of a search for the case open now
(:meth:`Desk.search_results`), and only when the core's booking rules
(:mod:`app.services.booking.rules`: role, a slot decision of the case, one booking
per case) allow it over what the cache knows; otherwise :class:`BookingRefused`
says why in French and nothing is sent.  The server asks the same rules again.

A slot of an agenda editor that only shows slots (``booking: "phone"``, issue 14) is
booked by :meth:`SlotBooking.book_by_phone` once the effecteur confirmed on the phone
(``confirmed_by_phone``).  Offline, a booking needs the server and is refused; for a
phone confirmation the appointment is already agreed with the doctor, so it is not lost:
a note of the case (local, synced like any note) says it must be booked, and the caller
is told (:class:`PhoneBookingNotSent`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.services.booking import case_booking, rules as booking_rules
from app.services.desk import live_agendas
from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.regulation import decisions, rules
from app.services.regulation.actor import Actor

if TYPE_CHECKING:
    from app.services.sync.api_client import ApiClient
    from app.services.sync.local_store import LocalStore


class BookingRefused(Exception):
    """A booking the desk refuses before sending anything: ``code`` names the rule, the message is French."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class PhoneBookingNotSent(Exception):
    """A phone-confirmed booking could not reach the server; the French message says the case note kept it."""


#: :class:`BookingRefused` codes of the desk's own checks (the others are :mod:`app.services.booking.rules`').
STALE_RESULTS = "stale_results"
SLOT_ALREADY_HELD = "slot_already_held"


class SlotBooking:
    """Booking and cancelling the open case's slot (mixed into :class:`~app.services.desk.workflow.Desk`)."""

    # What the desk provides.
    _store: LocalStore
    _client: ApiClient
    _case: CaseDoc | None
    user: Any

    if TYPE_CHECKING:
        def _require_case(self) -> CaseDoc: ...

        def search_results(self) -> Any: ...

        def _new_orientation(self, case: CaseDoc, kind: decisions.DecisionKind) -> OrientationDoc: ...

        def _mark_decided(self, doc: OrientationDoc, case: CaseDoc | None = None) -> None: ...

    def slot_decision(self, case: CaseDoc) -> OrientationDoc | None:
        """The case's latest decision that is carried out by booking a slot, if any."""
        found = [o for o in self._store.orientations_for_case(case.uuid) if decisions.BY_KEY[o.decision_key].books_slot]
        return max(found, key=lambda o: o.creation) if found else None

    def case_booking(self, case: CaseDoc | None = None) -> OrientationDoc | None:
        """The booked decision of ``case`` (default: the current one) in this desk's cache, or None."""
        case = case or self._case
        return case_booking.active_booking(self._store.orientations_for_case(case.uuid)) if case else None

    def check_booking(self, result: dict, *, rebook: bool = False
                      ) -> tuple[CaseDoc, OrientationDoc | None, decisions.DecisionKind]:
        """What booking ``result`` would carry out: (case, its slot decision or None, the decision kind).

        Raises :class:`BookingRefused` (nothing is sent) when the result does not come from a search for
        the current case, or when the core's booking rules (:mod:`app.services.booking.rules`) refuse it:
        role, a slot decision of the case (a doctor without one decides by booking), one booking per case.
        """
        case = self._require_case()
        booking = self.case_booking(case)
        if booking is not None and result.get("slot_id") == booking.slot_id:
            raise BookingRefused(SLOT_ALREADY_HELD, "Ce créneau est déjà réservé pour ce dossier "
                                                    f"({case_booking.describe(booking)})")
        shown = self.search_results()
        if shown is None or result.get("booked") or all(r.get("slot_id") != result.get("slot_id")
                                                        for r in shown.results):
            raise BookingRefused(STALE_RESULTS, "Cette liste de créneaux n'est pas celle du dossier ouvert : "
                                                "rien n'est envoyé ; attendez la nouvelle recherche (F5)")
        decision = self.slot_decision(case)
        kind = decisions.get(decision.decision_key) if decision is not None else self._kind_for(result)
        key = decision.decision_key if decision is not None else None
        if key is None and rules.decision_refusal(Actor(self.user.username, self.user.role), kind.key,
                                                  case.attribution) is None:
            key = kind.key  # a doctor decides by booking
        refusal = booking_rules.booking_refusal(
            self.user.role, decision_key=key, rebook=rebook,
            booked=case_booking.describe(booking) if booking is not None else None)
        if refusal is not None:
            raise BookingRefused(refusal.code, refusal.message)
        return case, decision, kind

    @staticmethod
    def _kind_for(result: dict) -> decisions.DecisionKind:
        """The decision a doctor takes by booking this slot (by its mode; SOS Médecins for their visits)."""
        kind = decisions.get(decisions.DECISION_FOR_SLOT_MODE.get(result.get("mode") or "", "CONSULTATION_48H"))
        if (result.get("effecteur") or {}).get("kind") == "SOS" and kind.key == "VISITE_DOMICILE":
            kind = decisions.get("SOS_MEDECINS")
        return kind

    async def book(self, result: dict, *, rebook: bool = False, confirmed_by_phone: bool = False) -> OrientationDoc:
        """Book the slot of a search result for the case's slot decision (see :mod:`app.services.booking.slots`).

        Checked first by :meth:`check_booking` (nothing is sent when it refuses).  An OSNP books the
        decision the MRL took; a doctor without one decides by booking: the decision is sent first
        (the server needs it; offline, nothing is stored nor sent) and then kept like any other.
        ``rebook`` replaces the case's booking: the server cancels it and books this slot, in one go.
        ``confirmed_by_phone``: the effecteur confirmed on the phone (see :meth:`book_by_phone`).
        """
        case, decision, kind = self.check_booking(result, rebook=rebook)
        if decision is None:
            decision = self._new_orientation(case, kind)
            await self._client.put_orientation(decision.model_dump(mode="json"))
            self._store.keep_sent_orientation(decision, author=self.user.username, author_role=self.user.role)
            self._mark_decided(decision, case)
        answer = await self._client.book_slot(result["slot_id"], decision.uuid, case.uuid, rebook=rebook,
                                              confirmed_by_phone=confirmed_by_phone)
        doc = OrientationDoc.model_validate(answer["orientation"])
        self._store.accept_server_orientation(doc)
        return doc

    async def book_by_phone(self, result: dict, *, rebook: bool = False) -> OrientationDoc:
        """Book a slot the effecteur confirmed on the phone; offline, keep it as a case note and say so.

        Raises :class:`PhoneBookingNotSent` when the server cannot be reached (the note is stored with its
        outbox row and the operator books it again once back online); other refusals as :meth:`book`.
        """
        from app.services.sync.api_client import Offline

        try:
            return await self.book(result, rebook=rebook, confirmed_by_phone=True)
        except Offline:
            note = live_agendas.phone_note(result)
            regulation = getattr(self, "regulation", None)
            if regulation is not None:
                regulation.add_note(note)
            raise PhoneBookingNotSent(
                "Serveur injoignable : le rendez-vous confirmé par téléphone n'est PAS réservé. Il est noté dans le "
                "dossier ; réservez-le (Entrée) au retour du réseau.") from None

    async def cancel_booking(self) -> OrientationDoc | None:
        """Cancel the current case's booking on the server; the decision as it now stands."""
        case = self._require_case()
        answer = await self._client.cancel_booking(case.uuid)
        doc = OrientationDoc.model_validate(answer["orientation"]) if answer.get("orientation") else None
        if doc is not None:
            self._store.accept_server_orientation(doc)
        return doc
