"""One regulation desk's workflow, without Qt: open a case, search, book, record.

:class:`Desk` is what the main window calls.  It ties the intake rules, the
local store (every write lands in SQLite with its outbox row first) and the
server API together; each operation returns the document it wrote, which the
UI shows.  Nothing here blocks on the network except the awaited search and
booking, which need the server by nature.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from app.models import new_uuid
from app.services.desk import live_agendas
from app.services.desk.booking import SLOT_ALREADY_HELD, STALE_RESULTS, BookingRefused, SlotBooking
from app.services.regulation import decisions, rules
from app.services.regulation.actor import Actor
from app.services.intake import form as intake
from app.services.search import model as search_model, radius as search_radius
from app.services.sync.api_client import ApiClient
from app.services.records.documents import SEARCH_EFFECTEURS_KEPT, CaseDoc, NoteDoc, OrientationDoc
from app.services.search.model import SearchFilters
from app.services.sync.local_store import LocalStore
from app.settings import Settings

__all__ = ["BookingRefused", "Desk", "NoCaseOpen", "SearchOutcome", "SLOT_ALREADY_HELD", "STALE_RESULTS", "UserInfo"]
log = logging.getLogger(__name__)
#: Slot search window: the SAS looks 72 h ahead (domain.md B.9).
SEARCH_HORIZON = timedelta(hours=72)
RADIUS_STEP_KM = 5.0
#: Who the OSNP looks for when a doctor must see the patient (pharmacies and nurses are reached by phone).
CONSULTATION_KINDS = ("MG", "SOS", "MSP", "CDS", "CPTS", "MMG")


class NoCaseOpen(Exception):
    """An action needs an open case and there is none."""


@dataclass(frozen=True)
class UserInfo:
    username: str
    role: str
    display_name: str


@dataclass(frozen=True)
class SearchOutcome:
    results: list[dict]
    total: int
    radius_km: float
    lat: float
    lon: float
    #: Effecteurs without a matching slot who can be phoned (``to_call`` of the API).
    to_call: list[dict] = field(default_factory=list)
    #: The server's explanation when nothing was found (names the wider radius).
    message: str | None = None
    #: The case these results were searched for: a booking from them is for that case only.
    case_uuid: str = ""
    #: Agenda editors that failed or were late for this search: ``[{"editor", "reason"}]`` (issue 14).
    missing_editors: list[dict] = field(default_factory=list)

    @property
    def empty_reason(self) -> str:
        return self.message or (f"Aucun créneau libre à moins de {self.radius_km:g} km dans les 72 h : "
                                "élargissez le rayon (Ctrl+E).")


class Desk(SlotBooking):
    """The workflow of one desk for one logged-in user (booking: :class:`~app.services.desk.booking.SlotBooking`)."""

    def __init__(self, *, store: LocalStore, client: ApiClient, settings: Settings, user: UserInfo, clock=None):
        self._store = store
        self._client = client
        self._settings = settings
        self.user = user
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._case: CaseDoc | None = None
        self._search: SearchOutcome | None = None
        self._case_listeners: list[Callable[[CaseDoc | None], None]] = []
        self.radius_km = settings.default_radius_km
        from app.services.desk.regulation import Regulation

        #: Routing, hand-over, notes, closing, surge and the queue (issue 3).
        self.regulation = Regulation(self)
        from app.services.desk.placing import Placing

        #: The patient's place: the address at opening, the exact point on the map (issue 13).
        self.placing = Placing(self)

    @property
    def current_case(self) -> CaseDoc | None:
        """The case open at this desk (None between calls)."""
        return self._case

    @current_case.setter
    def current_case(self, case: CaseDoc | None) -> None:
        """Open ``case`` (or none); another case drops the search results and tells the listeners.

        A new version of the same case (an event recorded on it) keeps the results.
        """
        before = self._case.uuid if self._case is not None else None
        self._case = case
        if (case.uuid if case is not None else None) != before:
            self._search = None
            for listener in list(self._case_listeners):
                listener(case)

    def on_case_changed(self, listener: Callable[[CaseDoc | None], None]) -> None:
        """Call ``listener(case)`` whenever another case (or none) becomes the current one."""
        self._case_listeners.append(listener)

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def client(self) -> ApiClient:
        """The server API client (the appointments worklists read through it)."""
        return self._client

    # --- cases -------------------------------------------------------------------------
    def open_case(self, form: intake.IntakeForm) -> CaseDoc:
        """Validate the form, give the case its Hub id, store it with its outbox row."""
        errors = intake.validate(form)
        if errors:
            raise intake.InvalidIntake(errors)
        now = self._clock()
        suggestion = self.regulation.suggestion(form)

        def build(counter: int) -> CaseDoc:
            case_id = intake.new_case_id(self._settings.samu_code, now, self._settings.desk_number, counter)
            return intake.build_case_doc(
                form, uuid=new_uuid(), case_id=case_id, owner=self._settings.owner, now=now,
                author=self.user.username, author_role=self.user.role, suggestion=suggestion,
            )

        doc = self._store.save_new_case(f"case:{now:%Y-%j}", build, author=self.user.username)
        self.current_case = doc
        if form.perimeter and (doc.perimeter, doc.attribution) != (suggestion.perimeter, suggestion.attribution):
            # The override of the suggestion is logged with who and why.
            self.regulation.record("routing_override", perimeter=doc.perimeter, attribution=doc.attribution,
                                   freetext=form.routing_reason.strip() or "choix de l'ARM")
        self.radius_km = self._settings.default_radius_km
        self.placing.start(doc)  # the address, placed in the background (≤ 1 s)
        return doc

    def _require_case(self) -> CaseDoc:
        if self.current_case is None:
            raise NoCaseOpen("Aucun dossier ouvert : ouvrez d'abord le dossier (Ctrl+Entrée).")
        return self.current_case

    # --- search and booking --------------------------------------------------------------
    async def search(self, *, widen: bool = False, filters: SearchFilters | None = None) -> SearchOutcome:
        """Search free slots around the current case's place (72 h ahead), ranked by the server.

        The radius starts at the département's default (resources/search) for
        each new case and ``widen`` adds the département's enlargement step.
        """
        await self.placing.settled()  # from the address's place when the server found it
        case = self._require_case()
        rule = search_radius.rule_for(insee=case.city_insee_code)
        if getattr(self, "_radius_case", None) != case.uuid:
            self._radius_case, self.radius_km = case.uuid, rule.radius_km
        if widen:
            self.radius_km = rule.widened(self.radius_km)
        filters = filters or SearchFilters()
        now = self._clock()
        body = await self._client.search_slots(
            case.lat, case.lon, self.radius_km, start=now, end=now + SEARCH_HORIZON, limit=200,
            kinds=filters.kinds or CONSULTATION_KINDS, extra=filters.query_params(self._practitioner(case)),
        )
        self._record_search(case, filters, body)
        outcome = SearchOutcome(body["results"], body["total"], self.radius_km, case.lat, case.lon,
                                to_call=body.get("to_call", []), message=body.get("message"), case_uuid=case.uuid,
                                missing_editors=live_agendas.missing_editors(body))
        if self._case is not None and self._case.uuid == case.uuid:
            self._search = outcome  # the case changed while the server answered: these results are not kept
        return outcome

    def search_results(self) -> SearchOutcome | None:
        """The last search's results, if they were searched for the current case."""
        current = self._case
        if self._search is None or current is None or self._search.case_uuid != current.uuid:
            return None
        return self._search

    def late_slots_concern_search(self, entries: list[dict]) -> bool:
        """True when journal ``entries`` bring late slots for the open search (then it is searched again)."""
        shown = self.search_results()
        return shown is not None and live_agendas.concerns_search(
            entries, [*shown.results, *shown.to_call], shown.missing_editors)

    def _record_search(self, case: CaseDoc, filters: SearchFilters, body: dict) -> None:
        """One ``search`` case event per search (criteria, count, effecteurs shown), synced like the others.

        It lets an appointment booked on the SAS platform find this case
        (:mod:`app.services.booking.appointments`); failing to record it never fails the search.
        """
        shown = [r["effecteur"]["id"] for r in [*body.get("results", []), *body.get("to_call", [])]]
        criteria = {"radius_km": self.radius_km, "horizon_h": int(SEARCH_HORIZON.total_seconds() // 3600),
                    "kinds": list(filters.kinds or CONSULTATION_KINDS),
                    "filters": filters.query_params(self._practitioner(case))}
        try:
            self.regulation.record("search", case=case, search={
                "criteria": criteria, "result_count": int(body.get("total", 0)),
                "effecteur_ids": list(dict.fromkeys(shown))[:SEARCH_EFFECTEURS_KEPT]})
        except Exception:  # noqa: BLE001 - the search itself succeeded
            log.warning("search event not recorded", exc_info=True)

    @staticmethod
    def _practitioner(case: CaseDoc) -> str | None:
        """The médecin traitant's RPPS of the case's first patient, if known."""
        return next((p.general_practitioner_rpps for p in case.patients if p.general_practitioner_rpps), None)

    def record_call_outcome(self, effecteur: dict, outcome: str) -> str:
        """Record the outcome of a call to an effecteur "en sus" in the case; returns the note text.

        The note is a case event (its own UUID, synced and shown in the journal)
        when the regulation service is there, so a case already on the server is
        never rewritten; an "accepté" also records the orientation to that
        effecteur, without a slot, like a booking.
        """
        case = self._require_case()
        text = search_model.note_text(effecteur.get("name") or "?", outcome)
        regulation = getattr(self, "regulation", None)
        if regulation is not None:
            regulation.add_note(text)
        else:  # before case events existed: a note inside the case document (synced with the case)
            note = NoteDoc(uuid=new_uuid(), creation=self._clock(), author=self.user.username,
                           author_role=self.user.role, freetext=text)
            self.current_case = case.model_copy(update={"notes": [*case.notes, note]})
            self._store.save_case(self.current_case, author=self.user.username)
        if outcome == search_model.ACCEPTED:
            kind = decisions.get("SOS_MEDECINS" if effecteur.get("kind") == "SOS" else "CONSULTATION_48H")
            self._save_orientation(case, kind, effecteur_id=effecteur.get("id"),
                                   effecteur_name=effecteur.get("name"), freetext=text)
        return text

    def record_decision(self, key: str, freetext: str | None = None) -> OrientationDoc:
        """Record a decision without a booked slot (works offline); only MRU and MRL take medical ones."""
        case = self._require_case()
        kind = decisions.get(key)
        reason = rules.decision_refusal(Actor(self.user.username, self.user.role), kind.key, case.attribution)
        if reason is not None:
            from app.services.desk.regulation import NotAllowed

            raise NotAllowed(reason)
        doc = self._save_orientation(case, kind, freetext=freetext or None)
        self._mark_decided(doc)
        return doc

    def _save_orientation(self, case: CaseDoc, kind: decisions.DecisionKind, uuid: str | None = None,
                          **details: object) -> OrientationDoc:
        """Store (with its outbox row) an orientation of ``case`` to ``kind``, made now by this desk's user.

        ``details`` are the other fields of the orientation (slot, effecteur, free text...).
        """
        doc = self._new_orientation(case, kind, uuid, **details)
        self._store.save_orientation(doc, author=self.user.username, author_role=self.user.role)
        return doc

    def _new_orientation(self, case: CaseDoc, kind: decisions.DecisionKind, uuid: str | None = None,
                         **details: object) -> OrientationDoc:
        return OrientationDoc(
            uuid=uuid or new_uuid(),
            case_uuid=case.uuid,
            creation=self._clock(),
            decision_key=kind.key,
            decision_type=kind.decision_type,
            resource_type=kind.resource_type,
            orientation_type=kind.orientation_type,
            medical_transport=kind.medical_transport,
            **details,
        )

    def _mark_decided(self, doc: OrientationDoc, case: CaseDoc | None = None) -> None:
        """Stop the case's decision clock (a ``decision`` event) when a doctor decided."""
        if self.user.role in decisions.DOCTOR_ROLES:
            self.regulation.record("decision", case=case, orientation_uuid=doc.uuid)
