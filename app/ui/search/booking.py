"""Booking from the slot list: « Réserver » (Entrée, Ctrl+B) and « Re-réserver » (Ctrl+Maj+B), each confirmed.

The rules are not here: :meth:`app.services.desk.workflow.Desk.check_booking` asks
the core's booking rules over the desk's cache (the list must be the open case's,
the case needs a slot decision, one booking per case) before anything is shown or
sent, and :meth:`Desk.book` asks them again before it calls the server.  This object
turns the answer into what the user sees: the refusal in the status bar, or the
one-key confirmation (:class:`~app.ui.search.booking_confirm.BookingConfirmDialog`)
naming the patient, the effecteur and the time; then the booked row marked
« Réservé » and the buttons that fit the case (Réserver without a booking,
Re-réserver with one).

Live agendas (issue 14): a slot of an agenda that only shows slots opens the call flow
(:class:`~app.ui.search.phone_booking.PhoneBookingDialog`) instead of the confirmation, and
books with ``confirmed_by_phone`` once the effecteur said yes.  The editors' refusals are
shown with the server's French message: the slot given away at the editor meanwhile (the
list is searched again), the editor not answering (the list is kept); nothing is booked.
Offline, a phone confirmation is kept as a note of the case and the operator is told that
nothing is booked (see :meth:`app.services.desk.booking.SlotBooking.book_by_phone`).
"""

from __future__ import annotations

from app.services.booking import case_booking
from app.services.desk.regulation import NotAllowed
from app.services.desk import live_agendas
from app.services.desk.booking import BookingRefused, PhoneBookingNotSent
from app.services.desk.workflow import NoCaseOpen
from app.services.security import permissions
from app.services.sync.api_client import (
    ApiError, EditorUnavailable, Offline, PhoneConfirmationRequired, SlotTaken, SlotTakenAtEditor,
)
from app.ui.qt import QLabel, QObject, QPushButton, Qt, Signal, Slot
from app.ui.search.booking_confirm import BookingConfirmDialog, patient_text
from app.ui.search.phone_booking import PhoneBookingDialog
from app.ui.shell.icons import with_icon
from app.ui.shell.shortcuts import bind_window_shortcuts
from app.ui.shell.tasks import spawn


class BookingActions(QObject):
    """The booking buttons and what they do, for the window's open case.

    Signals:
        booked(str): a booking (or re-booking) was made; carries the decision's uuid.
        refused(str): a booking was refused before anything was sent; carries the French reason.
    """

    booked = Signal(str)
    refused = Signal(str)

    def __init__(self, window, desk, search):
        super().__init__(window)
        self._w, self._desk, self._search = window, desk, search
        self._in_flight = False
        self._booked_rows: dict[int, dict] = {}  # slot id → the search row it was booked from (this session)
        # The confirmation (or phone call flow) being shown, if any (tests read its text).
        self.confirmation: BookingConfirmDialog | PhoneBookingDialog | None = None
        self.book_button = with_icon(QPushButton(self.tr("Ré&server (Entrée)"), window), "book")
        self.rebook_button = QPushButton(self.tr("Re-réser&ver (Ctrl+Maj+B)"), window)
        self.rebook_button.setAccessibleName(self.tr("Re-réserver le créneau choisi"))
        self.rebook_button.setToolTip(self.tr("Annuler le rendez-vous du dossier et réserver le créneau choisi"))
        self.rebook_button.clicked.connect(self.rebook_selected)
        self.booking_label = QLabel(window)
        self.booking_label.setTextFormat(Qt.TextFormat.PlainText)
        bind_window_shortcuts(window, (("Ctrl+Shift+B", self.rebook_selected),))
        self.refresh()

    # --- state ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Réserver while the case has no booking, Re-réserver once it has one; neither before its search lands."""
        allowed = permissions.is_allowed(permissions.SLOTS_BOOK, self._desk.user.role)
        case = self._desk.current_case
        bound = case is not None and self._desk.search_results() is not None
        booking = self._desk.case_booking() if case is not None else None
        self.book_button.setEnabled(allowed and bound and booking is None and not self._in_flight)
        self.rebook_button.setEnabled(allowed and bound and booking is not None and not self._in_flight)
        self.booking_label.setText(self.tr("✔ Réservé : %s") % case_booking.describe(booking) if booking else "")

    def rows_with_booking(self, results: list[dict]) -> tuple[list[dict], int | None]:
        """``results`` with the case's booking first, marked « Réservé » (and the booked slot id)."""
        booking = self._desk.case_booking() if self._desk.current_case is not None else None
        if booking is None:
            return list(results), None
        seen = self._booked_rows.get(booking.slot_id) or next(
            (r for r in results if r.get("slot_id") == booking.slot_id), None)
        row = {**seen, "booked": True} if seen else case_booking.booking_row(booking)
        return [row, *(r for r in results if r.get("slot_id") != booking.slot_id)], booking.slot_id

    # --- Entrée / Ctrl+B, Ctrl+Maj+B ------------------------------------------------------------
    @Slot()
    def book_selected(self) -> None:
        self._ask(rebook=False)

    @Slot()
    def rebook_selected(self) -> None:
        self._ask(rebook=True)

    def _say(self, text: str, error: bool = False) -> None:
        self._w.status.show_message(text, error=error)

    def _refuse(self, text: str) -> None:
        self._say(text, error=True)
        self.refused.emit(text)

    def _ask(self, *, rebook: bool) -> None:
        if not permissions.is_allowed(permissions.SLOTS_BOOK, self._desk.user.role):
            self._refuse(self.tr("Action non autorisée pour le rôle %s") % self._desk.user.role)
            return
        if self._in_flight or self.confirmation is not None:
            self._refuse(self.tr("Réservation en cours : attendez la réponse du serveur"))
            return
        result = self._w.slot_table.current_result()
        if result is None:
            self._refuse(self.tr("Sélectionnez un créneau dans la liste"))
            return
        if result.get("slot_id") is None:  # an effecteur to phone: no slot to book
            if not rebook:
                self._search.decisions.call_effecteur(result)
            return
        booking = self._desk.case_booking() if self._desk.current_case is not None else None
        if rebook and booking is None:
            self._refuse(self.tr("Ce dossier n'a pas de rendez-vous à remplacer : Réserver (Entrée)"))
            return
        try:
            case, _decision, _kind = self._desk.check_booking(result, rebook=rebook)
        except (BookingRefused, NoCaseOpen, NotAllowed) as exc:
            self._refuse(str(exc))
            return
        replaced = case_booking.describe(booking) if rebook and booking else None
        by_phone = live_agendas.booking_mode(result) == live_agendas.BOOK_BY_PHONE
        dialog: BookingConfirmDialog | PhoneBookingDialog
        if by_phone:
            dialog = PhoneBookingDialog(self._w, patient=patient_text(*case_booking.patient_of(case)), result=result,
                                        replaced=replaced)
        else:
            dialog = BookingConfirmDialog(self._w, patient=case_booking.patient_of(case), result=result,
                                          replaced=replaced)
        dialog.confirmed.connect(lambda: self._confirmed(result, rebook, case.uuid, by_phone))
        dialog.finished.connect(self._on_confirmation_closed)
        self.confirmation = dialog
        dialog.open()

    @Slot(int)
    def _on_confirmation_closed(self, _code: int) -> None:
        if self.confirmation is not None:
            self.confirmation.deleteLater()
            self.confirmation = None
        self._w.activateWindow()  # the keys go back to the list
        self._w.slot_table.setFocus()

    def _confirmed(self, result: dict, rebook: bool, case_uuid: str, by_phone: bool = False) -> None:
        current = self._desk.current_case
        if current is None or current.uuid != case_uuid:
            self._refuse(self.tr("Le dossier a changé : rien n'est réservé"))
            return
        self._in_flight = True
        self.refresh()
        self._say(self.tr("Réservation en cours…"))
        spawn(self._book(result, rebook, by_phone), on_error=self._on_error, name="book")

    async def _book(self, result: dict, rebook: bool, by_phone: bool = False) -> None:
        try:
            if by_phone:
                doc = await self._desk.book_by_phone(result, rebook=rebook)
            else:
                doc = await self._desk.book(result, rebook=rebook)
        finally:
            self._in_flight = False
        self._booked_rows[result["slot_id"]] = result
        text = self.tr("Rendez-vous remplacé (le précédent est annulé) : %s") if rebook \
            else self.tr("Créneau réservé : %s")
        self._say(text % case_booking.describe(doc))
        self._search.show_booking(rebook)
        self.booked.emit(doc.uuid)

    def _on_error(self, exc: BaseException) -> None:
        self.refresh()
        if isinstance(exc, BookingRefused):
            self._refuse(str(exc))
        elif isinstance(exc, PhoneBookingNotSent):
            self._refuse(self.tr("Serveur injoignable : le rendez-vous confirmé par téléphone n'est PAS réservé. "
                                 "Il est noté dans le dossier ; réservez-le (Entrée) au retour du réseau."))
            self._w.refresh_journal()
        elif isinstance(exc, SlotTakenAtEditor):
            self._refuse(self.tr("Rien n'est réservé : %s La liste est mise à jour.") % exc.message)
            self._search.search_again_keeping_message()
        elif isinstance(exc, EditorUnavailable):
            self._refuse(self.tr("Rien n'est réservé : %s") % exc.message)
        elif isinstance(exc, PhoneConfirmationRequired):
            self._refuse(self.tr("Rien n'est réservé : %s") % exc.message)
        elif isinstance(exc, SlotTaken):
            self._refuse(self.tr("Créneau déjà pris : la liste est mise à jour"))
            self._search.search_again_keeping_message()
        elif isinstance(exc, Offline):
            self._refuse(self.tr("Réservation impossible hors ligne : un créneau ne se réserve qu'avec le serveur. "
                                 "Rien n'a été envoyé ; réessayez au retour du réseau, ou enregistrez une "
                                 "décision sans créneau (Ctrl+D)."))
        elif isinstance(exc, ApiError):
            self._refuse(self.tr("Réservation impossible : %s") % exc.message)
        else:
            self._search.report(exc, self.tr("Réservation impossible"))
