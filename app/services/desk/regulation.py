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
from app.services.calls import clocks
from app.services.regulation import case_view, rules, queue, routing
from app.services.intake import duplicates, form as intake
from app.services.sync.case_store import CaseStore, SurgeState
from app.services.records.documents import CaseDoc, CaseEventDoc, SurgeDoc
from app.services.regulation.actor import Actor
from app.services.regulation.queue import QueueEntry


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
    def queue(self) -> list[QueueEntry]:
        return queue.build(self._store.open_cases(), self._now())

    def worklist(self) -> list[QueueEntry]:
        """The OSNP's worklist: decided cases whose slot is still to book."""
        return queue.worklist(self.cases.booking_worklist(), self._now())

    def case_view(self, uuid: str) -> case_view.CaseView | None:
        """Everything known about one case, as the case view shows it to this user (None: unknown case)."""
        case = self._store.get_case(uuid)
        if case is None:
            return None
        held = self.cases.case_holder(uuid)
        phones = [p for p in (case.caller_phone, case.callback_phone) if p]
        key = duplicates.address_key(case.address_complete, case.city_insee_code)
        candidates = self.cases.cases_sharing(
            phones=phones, insee=case.city_insee_code if key else None,
            same_place=lambda address: duplicates.address_key(address, case.city_insee_code) == key)
        earlier = duplicates.find(candidates, phones=phones, address=case.address_complete,
                                  insee=case.city_insee_code, now=self._now(), exclude=case.uuid)
        user = self._desk.user
        holder = case_view.Holder(*held) if held else None
        orientations = self._store.orientations_for_case(uuid)
        with self._store.session_factory() as session:
            source = clocks.case_clock_source(session, uuid)  # the phone's clocks, or typed (issue 15)
        return case_view.build(case, events=self.cases.events(uuid), orientations=orientations,
                               holder=holder, earlier=earlier, role=user.role, username=user.username, now=self._now(),
                               clock_source=source)

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

    def take_charge(self, case: CaseDoc | None = None, *, taking_over: str | None = None) -> CaseEventDoc:
        """Take the case in charge (it shows as « pris en charge par » this user on every desk).

        ``taking_over``: the display name of the user who held it, said in the event (a journalled take-over).
        """
        reason = f"reprise du dossier de {taking_over}" if taking_over else None
        return self.record("take_charge", case=case, holder_name=self._desk.user.display_name or
                           self._desk.user.username, freetext=reason)

    def release(self, case: CaseDoc | None = None) -> CaseEventDoc:
        """Give the case back to the room (nobody holds it)."""
        return self.record("release", case=case)

    def close(self, attribution: str | None = None, status: str = "CLOTURE") -> CaseEventDoc:
        return self.record("status", status=status, attribution=attribution)

    def attach_call(self, case: CaseDoc, form: intake.IntakeForm) -> CaseEventDoc:
        """Attach a new call to an existing case instead of opening a second one (a note says who called)."""
        who = " ".join(p for p in (form.caller_name.strip(), form.caller_phone.strip()) if p) or "appelant"
        text = f"Nouvel appel rattaché ({who})" + (f" : {form.notes.strip()}" if form.notes.strip() else "")
        doc = self.record("note", case=case, freetext=text)
        self._desk.current_case = self._store.get_case(case.uuid)
        return doc
