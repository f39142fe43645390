"""The desk phone in the window: its keys, the ringing panel, the status bar, the intake and the case it fills.

:class:`DeskPhone` is the thin Qt glue over :class:`app.services.desk.telephony_desk.TelephonyDesk`
(which owns the softphone and the call events): F3 answers the ringing call and opens a new
intake with its number and callback number, and the phone's clocks; Maj+F3 answers and
attaches the call to the known case chosen in the panel (opened); saving the intake links the
call to the new case.  F4 hangs up, Ctrl+F3 holds or resumes, Ctrl+Maj+T transfers to a
doctor's desk (the accompanied hand-over: the open case is handed over too).  Ctrl+Maj+A calls
out: the effecteur selected in the slot list, the patient of the « à rappeler » worklist, else
the open case's callback number; without a working phone the number is shown to dial by hand
and the call is logged as typed.  The status bar says « Téléphone prêt » or « Téléphone
indisponible : saisie manuelle »; a desk without telephony shows nothing of it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from app.services.desk.telephony_desk import DeskCall, NoPhone, TelephonyDesk
from app.services.intake import phones
from app.services.intake.form import IntakeForm
from app.services.sync.api_client import ApiError
from app.ui.qt import QT_TRANSLATE_NOOP, QApplication, QObject, QTableView
from app.ui.shell.shortcuts import bind_window_shortcuts
from app.ui.shell.tasks import spawn
from app.ui.telephony.prompts import PhonePrompts
from app.ui.telephony.ringing import RingingPanel, caller_text

log = logging.getLogger(__name__)

#: (keys, French description) of the desk phone's keys, for the F1 sheet (translated when shown).
SHORTCUTS = [
    ("F3", QT_TRANSLATE_NOOP("Shortcuts", "Décrocher : nouveau dossier avec le numéro et le rappel remplis")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Maj+F3"),
     QT_TRANSLATE_NOOP("Shortcuts", "Décrocher et rattacher l'appel au dossier connu choisi (Alt+↑/↓)")),
    ("F4", QT_TRANSLATE_NOOP("Shortcuts", "Raccrocher")),
    ("Ctrl+F3", QT_TRANSLATE_NOOP("Shortcuts", "Mettre l'appel en attente / le reprendre")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+T"),
     QT_TRANSLATE_NOOP("Shortcuts", "Transférer l'appel au poste d'un médecin (transfert accompagné)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+A"),
     QT_TRANSLATE_NOOP("Shortcuts", "Appeler : l'effecteur choisi, le patient « à rappeler » ou l'appelant")),
]


class DeskPhone(QObject):
    """The desk phone's keys and views in ``window`` (a desk workspace)."""

    def __init__(self, window, desk, telephony: TelephonyDesk, clock=None):
        super().__init__(window)
        self._w, self._desk, self.tel = window, desk, telephony
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.panel = RingingPanel(window, clock=self._clock)
        #: The call the intake form is being typed for (linked to the case when it is saved).
        self.intake_call: DeskCall | None = None
        telephony.listener = self._on_call
        telephony.state_listener = self._on_state
        bind_window_shortcuts(window, [
            ("F3", self.answer), ("Shift+F3", self.answer_attach), ("F4", self.hangup),
            ("Ctrl+F3", self.toggle_hold), ("Ctrl+Shift+T", self.transfer), ("Ctrl+Shift+A", self.call_out),
            ("Alt+Up", lambda: self.panel.move_selection(-1)), ("Alt+Down", lambda: self.panel.move_selection(1)),
        ])
        window.intake.caseSubmitted.connect(self._after_submit)  # after the window's own: the case is open
        self._on_state(telephony.state)

    def _say(self, text: str, error: bool = False) -> None:
        self._w.status.show_message(text, error=error)

    def _run(self, coro, name: str) -> None:
        spawn(coro, name=name, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, NoPhone):
            self._say(self.tr("Téléphone indisponible : saisie manuelle"), error=True)
        elif isinstance(exc, ApiError):
            self._say(self.tr("Téléphone : %s") % exc.message, error=True)
        else:
            log.error("desk phone command failed", exc_info=exc)
            self._say(self.tr("Téléphone : la commande a échoué"), error=True)

    # --- what the phone says -----------------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        self._w.status.set_phone(state if self.tel.configured else None)

    def _on_call(self, call: DeskCall, what: str) -> None:
        if what == "ringing":
            if self.panel.call is None or self.panel.call.state == "ringing":
                self._show_ringing()
            else:
                self._say(self.tr("Un autre appel sonne (F3 pour le prendre)"))
        elif what in ("active", "held", "dialling"):
            if self.intake_call is call and call.answered_at is not None:
                self._w.intake.set_answered(call.answered_at)
            if what != "active" or self.panel.call is None or self.panel.call is call \
                    or self.panel.call.state == "ringing":
                self.panel.show_conversation(call)
        elif what in ("gone", "taken"):
            if what == "taken":
                self._say(self.tr("Appel pris par un autre poste"))
            elif call.answered_at is not None or not call.incoming:
                self._say(self.tr("Appel terminé"))
            if self.panel.call is None or self.panel.call.call_id == call.call_id:
                self._show_next()

    def _show_ringing(self) -> None:
        ringing = self.tel.ringing()
        if not ringing:
            return
        call = ringing[0]
        self.panel.show_ringing(call, others=len(ringing) - 1)
        spawn(self._lookup(call), name="call-lookup", on_error=self._failed)

    async def _lookup(self, call: DeskCall) -> None:
        found = await self.tel.lookup(call.number)
        self.panel.set_lookup(call.room_id, found)

    def _show_next(self) -> None:
        current = self.tel.current()
        if current is not None:
            self.panel.show_conversation(current)
        elif self.tel.ringing():
            self._show_ringing()
        else:
            self.panel.clear_call()

    # --- the ARM's keys ----------------------------------------------------------------------------
    def _ringing_call(self) -> DeskCall | None:
        call = self.panel.call if self.panel.call is not None and self.panel.call.state == "ringing" else None
        ringing = self.tel.ringing()
        call = call or (ringing[0] if ringing else None)
        if call is None:
            self._say(self.tr("Aucun appel ne sonne"), error=True)
        return call

    def answer(self) -> None:
        """F3: take the call, a new intake with its number and the phone's clocks."""
        call = self._ringing_call()
        if call is None:
            return
        self._run(self.tel.answer(call.call_id), "call-answer")  # the call is this desk's at once
        intake = self._w.intake
        if intake.form().reception is not None and intake.case_label.isHidden():
            intake.request_draft()  # a call being typed is kept as a draft (Ctrl+Maj+R takes it back)
        intake.clear()
        self._w.new_call()
        intake.take_call(call.number, presented=call.presented_at, answered=self._clock())
        self.intake_call = call
        self.panel.show_conversation(call)
        self._say(self.tr("Appel de %s décroché : nouveau dossier") % caller_text(call.number))

    def answer_attach(self) -> None:
        """Maj+F3: take the call and attach it to the known case chosen in the panel (the case opens)."""
        case = self.panel.selected_case() if self.panel.call is not None else None
        call = self._ringing_call()
        if call is None:
            return
        if case is None or not case.get("uuid"):
            self._say(self.tr("Aucun dossier connu à rattacher : F3 pour un nouveau dossier"), error=True)
            return
        self._run(self.tel.answer(call.call_id), "call-answer")
        self.tel.link(call, case["uuid"])
        self.panel.show_conversation(call)
        local = self._w._store.get_case(case["uuid"])
        if local is None:
            self._say(self.tr("Appel rattaché au dossier %s (pas encore sur ce poste)") % case.get("case_id", ""))
            return
        self._w.regulation.open_case(local.uuid)
        try:
            self._desk.regulation.attach_call(local, IntakeForm(caller_phone=call.number or "",
                                                                caller_hidden=call.hidden))
        except Exception as exc:  # noqa: BLE001 - the link is made; the note is a courtesy
            log.info("note of the attached call not written: %s", type(exc).__name__)
        self._w.regulation.refresh()
        self._w.refresh_journal()
        self._say(self.tr("Appel rattaché au dossier %s") % local.case_id)

    def hangup(self) -> None:
        call = self.tel.current() or (self.panel.call if self.panel.call is not None else None)
        if call is None:
            self._say(self.tr("Aucun appel en cours"), error=True)
            return
        self._run(self.tel.hangup(call.call_id), "call-hangup")

    def toggle_hold(self) -> None:
        call = self.tel.current()
        if call is None:
            self._say(self.tr("Aucun appel en cours"), error=True)
            return
        self._run(self.tel.toggle_hold(call.call_id), "call-hold")

    def transfer(self) -> None:
        """Ctrl+Maj+T: the call to a doctor's desk; the open case of that call is handed over with it."""
        call = self.tel.current()
        if call is None:
            self._say(self.tr("Aucun appel en cours à transférer"), error=True)
            return
        desks = self._desk.settings.transfer_desks
        if not desks:
            self._say(self.tr("Aucun poste médecin configuré (Paramètres, Téléphonie)"), error=True)
            return
        target = PhonePrompts.transfer_target(self._w, desks)
        if target is None:
            return
        self._run(self.tel.transfer(call.call_id, target), "call-transfer")
        case = self._desk.current_case
        if case is not None and call.case_uuid == case.uuid:
            self._w.regulation.hand_over()
        self._say(self.tr("Appel transféré au poste %s") % target)

    def call_out(self) -> None:
        """Ctrl+Maj+A: call whom the focus points at, through the phone, or show the number to dial by hand."""
        found = self._call_target()
        if found is None:
            return
        who, number, case_uuid = found
        if self.tel.phone is not None and self.tel.state == "ready":
            self._run(self._dial(who, number, case_uuid), "call-out")
            return
        shown = phones.format_phone(number) or number
        if PhonePrompts.dial_by_hand(self._w, who, shown):
            self.tel.log_typed_dial(number, case_uuid=case_uuid)
            self._say(self.tr("Appel de %s composé à la main (%s) : noté au dossier") % (who, shown))

    async def _dial(self, who: str, number: str, case_uuid: str | None) -> None:
        await self.tel.dial(number, case_uuid=case_uuid)
        self._say(self.tr("Appel de %s en cours (%s)") % (who, phones.format_phone(number) or number))

    def _call_target(self) -> tuple[str, str, str | None] | None:
        """(who, E.164 number, case uuid) for the focused list: slot list, « à rappeler », else the open case."""
        focus = QApplication.focusWidget()
        case = self._desk.current_case
        case_uuid = case.uuid if case is not None else None
        table = self._w.slot_table
        if focus is table or (focus is not None and table.isAncestorOf(focus)):
            effecteur = (table.current_result() or {}).get("effecteur") or {}
            if effecteur.get("phone"):
                return effecteur.get("name") or self.tr("l'effecteur"), effecteur["phone"], case_uuid
            self._say(self.tr("Pas de numéro pour cet effecteur"), error=True)
            return None
        dock = getattr(self._w, "appointments_dock", None)
        view = dock.widget() if dock is not None else None
        if view is not None and isinstance(focus, QTableView) and focus is view.follow_up_table:
            item = view.current_follow_up()
            if item and item["case"].get("phone"):
                return self.tr("le patient"), item["case"]["phone"], item["case"].get("uuid")
        if case is None:
            self._say(self.tr("Rien à appeler : choisissez un effecteur, un patient à rappeler ou un dossier"),
                      error=True)
            return None
        number = case.callback_phone or case.caller_phone
        if not number:
            self._say(self.tr("Pas de numéro de rappel dans ce dossier"), error=True)
            return None
        return self.tr("l'appelant"), number, case.uuid

    # --- the intake saved ----------------------------------------------------------------------------
    def _after_submit(self, _form) -> None:
        """The intake of a call answered here became a case (or was attached to one): link the call to it."""
        call, case = self.intake_call, self._desk.current_case
        if call is None or case is None or self._w.intake.case_label.isHidden():
            return
        self.tel.link(call, case.uuid)
        self.intake_call = None
