"""Regulation actions of the main window: queue, hand-over, notes, closing, surge, drafts, duplicates.

Kept out of :mod:`app.ui.shell.main_window` (which stays a thin shell): this object
installs its shortcuts on the window, calls the Qt-free
:class:`app.services.desk.regulation.Regulation`, and shows outcomes in the status
bar.  Questions to the user go through :class:`Prompt`, whose class methods
tests replace.
"""

from __future__ import annotations

from app.codes import case_codes
from app.services.regulation import case_view, decisions, queue, rules
from app.codes import nomenclatures, priorities
from app.services.desk.regulation import NotAllowed
from app.ui.qt import QT_TRANSLATE_NOOP, QInputDialog, QMessageBox, QObject, Qt, QTimer, Slot
from app.ui.shell.shortcuts import bind_window_shortcuts

#: (keys, French description) of the actions installed here, for the F1 sheet (translated when shown).
SHORTCUTS = [
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+D"),
     QT_TRANSLATE_NOOP("Shortcuts", "Détails de l'appel : appelant, accès, codes, patients")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+P"),
     QT_TRANSLATE_NOOP("Shortcuts", "Ajouter le patient saisi")),
    ("Ctrl+S",
     QT_TRANSLATE_NOOP("Shortcuts", "Garder le formulaire en brouillon")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+R"),
     QT_TRANSLATE_NOOP("Shortcuts", "Reprendre le dernier brouillon")),
    ("Ctrl+T",
     QT_TRANSLATE_NOOP("Shortcuts", "Transmettre le dossier au médecin (P0 : transfert accompagné)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+N"),
     QT_TRANSLATE_NOOP("Shortcuts", "Ajouter une note horodatée au dossier")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+W"),
     QT_TRANSLATE_NOOP("Shortcuts", "Clôturer le dossier")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+F"),
     QT_TRANSLATE_NOOP("Shortcuts", "Mode afflux : suspendre / rétablir la répartition MRU / MRL")),
    ("F6",
     QT_TRANSLATE_NOOP("Shortcuts", "Aller à la file d'attente (Entrée ouvre le dossier et le prend en charge)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+G"),
     QT_TRANSLATE_NOOP("Shortcuts", "Prendre en charge le dossier ouvert")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+U"),
     QT_TRANSLATE_NOOP("Shortcuts", "Libérer le dossier (il revient à la salle)")),
    (QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+O"),
     QT_TRANSLATE_NOOP("Shortcuts", "Changer la priorité du dossier ouvert")),
]


class Prompt:
    """Modal questions; tests patch these class methods."""

    @classmethod
    def text(cls, parent, title: str, label: str) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label)
        return value if ok else None

    @classmethod
    def item(cls, parent, title: str, label: str, items: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return value if ok else None

    @classmethod
    def choose(cls, parent, title: str, text: str, options: list[str]) -> int:
        """Index of the option chosen (each label carries its & mnemonic); -1 when cancelled."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
        buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
        box.setDefaultButton(buttons[0])
        box.exec()
        return buttons.index(box.clickedButton()) if box.clickedButton() in buttons else -1


class RegulationActions(QObject):
    """The regulation acts of one window, on the desk's open case; the case view shows their outcome."""

    def __init__(self, window, desk, queue_view, worklist_view=None):
        super().__init__(window)
        self._w, self._desk, self._queue, self._worklist = window, desk, queue_view, worklist_view
        self._reg = desk.regulation
        self._draft_uuid: str | None = None
        #: Why the open case is read-only at this desk (held by another user), or None.
        self._read_only: str | None = None
        self._read_only_uuid: str | None = None
        bind_window_shortcuts(window, (("Ctrl+T", self.hand_over), ("Ctrl+Shift+N", self.add_note),
                                       ("Ctrl+Shift+W", self.close_case), ("Ctrl+Shift+F", self.toggle_surge),
                                       ("Ctrl+Shift+R", self.restore_draft), ("F6", self.focus_queue),
                                       ("Ctrl+Shift+G", self.take_charge), ("Ctrl+Shift+U", self.release),
                                       ("Ctrl+Shift+O", self.change_priority)))
        if window.intake is not None:
            window.intake.draftRequested.connect(self.save_draft)
        queue_view.caseActivated.connect(self.open_case)
        if worklist_view is not None:
            worklist_view.caseActivated.connect(self.open_case)
        window.case_view.actRequested.connect(self._on_act)
        self._timer = QTimer(self)
        self._timer.setInterval(5000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _say(self, text: str, error: bool = False) -> None:
        self._w.status.show_message(text, error=error)

    @Slot()
    def refresh(self) -> None:
        """Recompute the queue and the room state the route suggestion depends on."""
        entries = self._reg.queue()
        self._queue.set_entries(entries)
        if self._worklist is not None:
            self._worklist.set_entries(self._reg.worklist())
        if self._w.intake is not None:
            self._w.intake.set_room(self._reg.surge().active, queue.urgent_waiting(entries))
        self.show_current()

    # --- intake ---------------------------------------------------------------------------
    def check_duplicates(self, form) -> bool:
        """Offer to attach the call to a matching case; True when it was attached (do not open a new one)."""
        found = self._reg.duplicates(form)
        if not found:
            return False
        first = found[0]
        text = self.tr("Dossier %s (%s, %s) : %s.\nRattacher cet appel à ce dossier ?") % (
            case_codes.short_number(first.case.case_id), first.case.health_motive_label or "",
            first.case.city_name or "", ", ".join(first.reasons))
        choice = Prompt.choose(self._w, self.tr("Doublon possible"), text,
                               [self.tr("&Rattacher"), self.tr("&Nouveau dossier")])
        if choice != 0:
            return False
        self._reg.attach_call(first.case, form)
        self._w.intake.set_case_opened(first.case.case_id)
        self._say(self.tr("Appel rattaché au dossier %s") % first.case.case_id)
        self._after_change()
        return True

    @Slot(object)
    def save_draft(self, form) -> None:
        self._draft_uuid = self._reg.cases.save_draft(form, author=self._desk.user.username, uuid=self._draft_uuid)
        self._say(self.tr("Brouillon enregistré : rien n'est perdu (Ctrl+Maj+R pour le reprendre)"))

    def forget_draft(self) -> None:
        """The case was opened: its draft is no longer needed."""
        if self._draft_uuid:
            self._reg.cases.delete_draft(self._draft_uuid)
            self._draft_uuid = None

    @Slot()
    def restore_draft(self) -> None:
        drafts = self._reg.cases.drafts(self._desk.user.username)
        if not drafts:
            self._say(self.tr("Aucun brouillon"), error=True)
            return
        uuid, _saved, form = drafts[0]
        self._w.intake.clear()
        self._w.intake.load_form(form)
        self._draft_uuid = uuid
        self._say(self.tr("Brouillon repris"))

    # --- the open case ----------------------------------------------------------------------------
    def _run(self, action, done: str) -> None:
        case = self._desk.current_case
        if self._read_only and case is not None and case.uuid == self._read_only_uuid:
            self._say(self._read_only, error=True)
            return
        try:
            action()
        except NotAllowed as exc:
            self._say(str(exc), error=True)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, the form keeps everything
            self._say(f"{exc}", error=True)
            return
        self._say(done)
        self._after_change()

    def _after_change(self) -> None:
        self.refresh()
        self._w.refresh_journal()
        self._w.orientationRecorded.emit("")  # wakes the sync

    @Slot()
    def hand_over(self) -> None:
        self._run(self._reg.hand_over, self.tr("Dossier transmis au médecin régulateur"))

    @Slot()
    def add_note(self) -> None:
        text = Prompt.text(self._w, self.tr("Note"), self.tr("Note horodatée :"))
        if text and text.strip():
            self._run(lambda: self._reg.add_note(text.strip()), self.tr("Note ajoutée"))

    @Slot()
    def close_case(self) -> None:
        doctor = self._desk.user.role in decisions.DOCTOR_ROLES
        codes = [c for c in nomenclatures.codes(nomenclatures.ATTRIBUTION)
                 if decisions.is_non_medical_attribution(c.code)]
        items = ([self.tr("Garder l'attribution actuelle")] if doctor else []) + [c.display for c in codes]
        chosen = Prompt.item(self._w, self.tr("Clôturer le dossier"), self.tr("Attribution de clôture :"), items)
        if chosen is None:
            return
        attribution = None if doctor and chosen == items[0] else chosen.split(" — ")[0]
        self._run(lambda: self._reg.close(attribution), self.tr("Dossier clôturé"))

    @Slot()
    def toggle_surge(self) -> None:
        active = not self._reg.surge().active
        title = self.tr("Mode afflux") if active else self.tr("Fin du mode afflux")
        reason = Prompt.text(self._w, title, self.tr("Raison (journalisée) :"))
        if reason is None:
            return
        self._run(lambda: self._reg.set_surge(active, reason),
                  self.tr("Mode afflux activé : répartition MRU/MRL suspendue") if active
                  else self.tr("Mode afflux terminé"))

    @Slot()
    def change_priority(self) -> None:
        if self._desk.current_case is None:
            self._say(self.tr("Aucun dossier ouvert"), error=True)
            return
        codes = list(priorities.CODES)
        chosen = Prompt.item(self._w, self.tr("Priorité"), self.tr("Nouvelle priorité :"), codes)
        if chosen:
            self._run(lambda: self._reg.record("priority", priority=chosen), self.tr("Priorité %s") % chosen)

    @Slot()
    def take_charge(self) -> None:
        """Take the open case in charge (a take-over when someone else holds it: journalled with their name)."""
        view = self._reg.case_view(self._desk.current_case.uuid) if self._desk.current_case else None
        if view is None:
            self._say(self.tr("Aucun dossier ouvert"), error=True)
            return
        taking_over = view.holder.name if view.held_by_other(self._desk.user.username) else None
        self._read_only = None
        self._run(lambda: self._reg.take_charge(taking_over=taking_over),
                  self.tr("Dossier pris en charge"))

    @Slot()
    def release(self) -> None:
        self._run(self._reg.release, self.tr("Dossier libéré : il revient à la salle"))

    @Slot(str)
    def _on_act(self, act: str) -> None:
        {"take_charge": self.take_charge, "release": self.release, "priority": self.change_priority,
         "note": self.add_note, "handover": self.hand_over, "close": self.close_case}[act]()

    @Slot()
    def focus_queue(self) -> None:
        view = self._worklist if self._worklist is not None and self._worklist.isVisible() else self._queue
        view.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        view.select_first()

    def show_current(self) -> None:
        """Show the desk's open case in the case view, as it now is (None: the empty view)."""
        case = self._desk.current_case
        view = self._reg.case_view(case.uuid) if case is not None else None
        if self._read_only and (view is None or view.uuid != self._read_only_uuid
                                or not view.held_by_other(self._desk.user.username)):
            self._read_only = None  # another case, or released meanwhile
        self._w.case_view.show_case(view, read_only_reason=self._read_only)

    @Slot(str)
    def open_case(self, uuid: str, ask: bool = True) -> None:
        """Open a case from a queue or a worklist: the case view shows it; a doctor or OSNP takes it in charge.

        A case another user holds: « pris en charge par X depuis HH:MM — le reprendre ? », one key to
        consult it read-only (default) or to take it over (journalled).  ``ask=False`` consults it without
        asking (``sas console --open-case``: a picture never takes a case from its holder).
        """
        view = self._reg.case_view(uuid)
        if view is None:
            return
        me = self._desk.user
        self._read_only = None
        take = rules.may_take_charge(me.role) and view.refusals.get("take_charge") is None
        taking_over = None
        if take and view.held_by_other(me.username):
            since = case_view.room_time(view.holder.since, seconds=False)
            text = self.tr("Dossier pris en charge par %s depuis %s — le reprendre ?") % (view.holder.name, since)
            options = [self.tr("&Consulter sans le prendre"), self.tr("&Reprendre le dossier")]
            choice = Prompt.choose(self._w, self.tr("Dossier déjà pris en charge"), text, options) if ask else 0
            if choice < 0:
                return
            if choice == 0:
                take = False
                self._read_only = self.tr("Consultation seule : dossier pris en charge par %s") % view.holder.name
                self._read_only_uuid = uuid
            else:
                taking_over = view.holder.name
        self._desk.current_case = self._w._store.get_case(uuid)
        self._w.show_case_page()
        if take:
            try:
                self._reg.take_charge(taking_over=taking_over)
            except (NotAllowed, ValueError) as exc:
                self._say(str(exc), error=True)
        case = self._desk.current_case
        self._w.map_view.show_patient(case.lat, case.lon, case.city_name or "")
        self._after_change()
        self._w.case_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._say(self.tr("Dossier %s : %s, %s") % (case.case_id, case.priority, case.health_motive_label or ""))
