"""What regulation does to cases after intake, without Qt: route, hand over, note, close, surge, queue.

:class:`Regulation` belongs to a :class:`~app.services.desk.workflow.Desk` and works on its
current case.  Every change is a case event written to the cache with its outbox
item (:meth:`LocalStore.save_case_event`); the role rules of
:mod:`app.services.regulation.rules` are checked here first, so the console refuses
at once what the server would refuse with a 403.
"""

from __future__ import annotations

from datetime import datetime

from app.models import new_uuid
from app.services.regulation import rules, queue, routing
from app.services.intake import duplicates, form as intake
from app.services.sync.case_store import CaseStore, SurgeState
from app.services.records.documents import CaseDoc, CaseEventDoc, SurgeDoc
from app.services.regulation.actor import Actor


class NotAllowed(Exception):
    """The user's role may not make this change (the French reason is the message)."""


class Regulation:
    def __init__(self, desk):
        self._desk = desk
        self.cases = CaseStore(desk._store.session_factory)

    @property
    def _store(self):
        return self._desk._store

    def _now(self) -> datetime:
        return self._desk._clock()

    # --- the room ----------------------------------------------------------------------------
    def queue(self) -> list[queue.QueueEntry]:
        return queue.build(self._store.open_cases(), self._now())

    def surge(self) -> SurgeState:
        return self.cases.surge()

    def set_surge(self, active: bool, reason: str) -> SurgeDoc:
        """Turn the surge switch on or off; the reason is required and logged with the user."""
        if not reason.strip():
            raise ValueError("Indiquez la raison du changement de mode")
        doc = SurgeDoc(uuid=new_uuid(), created_at=self._now(), active=active, reason=reason.strip())
        user = self._desk.user
        self._store.save_surge(doc, author=user.username, author_role=user.role)
        return doc

    def suggestion(self, form: intake.IntakeForm) -> routing.Suggestion:
        """The route for ``form`` given the room: surge switch and P0/P1 cases waiting."""
        form.surge = self.surge().active
        return form.suggestion(urgent_waiting=self._store.urgent_waiting())

    def duplicates(self, form: intake.IntakeForm) -> list[duplicates.Duplicate]:
        phones = []
        for text in (form.caller_phone, form.callback_phone):
            try:
                phones.append(intake.normalize_phone(text))
            except ValueError:
                pass
        return duplicates.find(self._store.cases(limit=1000), phones=phones, address=form.address,
                               insee=form.commune_insee, now=self._now())

    # --- changes to the current case -------------------------------------------------------------
    def record(self, type_: str, case: CaseDoc | None = None, **fields) -> CaseEventDoc:
        """Write one event on ``case`` (default: the desk's current case); raises :class:`NotAllowed`."""
        case = case or self._desk._require_case()
        doc = CaseEventDoc(uuid=new_uuid(), case_uuid=case.uuid, created_at=self._now(), type=type_, **fields)
        if doc.missing_fields():
            raise ValueError(f"champ manquant : {', '.join(doc.missing_fields())}")
        user = self._desk.user
        reason = rules.event_refusal(Actor(user.username, user.role), event_type=doc.type, status=doc.status,
                                     attribution=doc.attribution, case_attribution=case.attribution,
                                     case_status=case.status)
        if reason:
            raise NotAllowed(reason)
        self._store.save_case_event(doc, author=user.username, author_role=user.role)
        refreshed = self._store.get_case(case.uuid)
        if self._desk.current_case is not None and self._desk.current_case.uuid == case.uuid:
            self._desk.current_case = refreshed
        return doc

    def hand_over(self) -> CaseEventDoc:
        """Hand the case to its stream's doctor; a P0 hand-over is accompanied."""
        case = self._desk._require_case()
        to_role = "MRU" if (case.perimeter or "AMU") == "AMU" else "MRL"
        return self.record("handover", to_role=to_role, accompanied=case.priority == "P0")

    def override_route(self, perimeter: str, reason: str, attribution: str | None = None) -> CaseEventDoc:
        return self.record("routing_override", perimeter=perimeter, freetext=reason,
                           attribution=attribution or routing.default_attribution(perimeter))

    def add_note(self, text: str) -> CaseEventDoc:
        return self.record("note", freetext=text)

    def close(self, attribution: str | None = None, status: str = "CLOTURE") -> CaseEventDoc:
        return self.record("status", status=status, attribution=attribution)

    def attach_call(self, case: CaseDoc, form: intake.IntakeForm) -> CaseEventDoc:
        """Attach a new call to an existing case instead of opening a second one (a note says who called)."""
        who = " ".join(p for p in (form.caller_name.strip(), form.caller_phone.strip()) if p) or "appelant"
        text = f"Nouvel appel rattaché ({who})" + (f" : {form.notes.strip()}" if form.notes.strip() else "")
        doc = self.record("note", case=case, freetext=text)
        self._desk.current_case = self._store.get_case(case.uuid)
        return doc
