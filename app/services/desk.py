"""One regulation desk's workflow, without Qt: open a case, search, book, record.

:class:`Desk` is what the main window calls.  It ties the intake rules, the
local store (every write lands in SQLite with its outbox row first) and the
server API together; each operation returns the document it wrote, which the
UI shows.  Nothing here blocks on the network except the awaited search and
booking, which need the server by nature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from app.models import new_uuid
from app.services import decisions, intake
from app.services.api_client import ApiClient
from app.services.documents import CaseDoc, OrientationDoc
from app.services.local_store import LocalStore
from app.settings import Settings

#: Slot search window: the SAS looks 72 h ahead (domain.md B.9).
SEARCH_HORIZON = timedelta(hours=72)
RADIUS_STEP_KM = 5.0
#: Who the OSNP looks for when a doctor must see the patient (pharmacies and nurses are reached by phone).
CONSULTATION_KINDS = ("MG", "SOS", "MSP", "CDS")


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

    @property
    def empty_reason(self) -> str:
        return f"Aucun créneau libre à moins de {self.radius_km:g} km dans les 72 h : élargissez le rayon (Ctrl+E)."


class Desk:
    """The workflow of one desk for one logged-in user."""

    def __init__(self, *, store: LocalStore, client: ApiClient, settings: Settings, user: UserInfo, clock=None):
        self._store = store
        self._client = client
        self._settings = settings
        self.user = user
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.current_case: CaseDoc | None = None
        self.radius_km = settings.default_radius_km

    @property
    def settings(self) -> Settings:
        return self._settings

    # --- cases -------------------------------------------------------------------------
    def open_case(self, form: intake.IntakeForm) -> CaseDoc:
        """Validate the form, give the case its Hub id, store it with its outbox row."""
        errors = intake.validate(form)
        if errors:
            raise intake.InvalidIntake(errors)
        now = self._clock()
        counter = self._store.next_counter(f"case:{now:%Y-%j}")
        case_id = intake.new_case_id(self._settings.samu_code, now, self._settings.desk_number, counter)
        doc = intake.build_case_doc(
            form, uuid=new_uuid(), case_id=case_id, owner=self._settings.owner, now=now,
            author=self.user.username, author_role=self.user.role,
        )
        self._store.save_case(doc, author=self.user.username)
        self.current_case = doc
        self.radius_km = self._settings.default_radius_km
        return doc

    def _require_case(self) -> CaseDoc:
        if self.current_case is None:
            raise NoCaseOpen("Aucun dossier ouvert : ouvrez d'abord le dossier (Ctrl+Entrée).")
        return self.current_case

    # --- search and booking --------------------------------------------------------------
    async def search(self, *, widen: bool = False) -> SearchOutcome:
        """Search free slots around the current case's place (72 h ahead)."""
        case = self._require_case()
        if widen:
            self.radius_km += RADIUS_STEP_KM
        now = self._clock()
        body = await self._client.search_slots(
            case.lat, case.lon, self.radius_km, start=now, end=now + SEARCH_HORIZON, limit=200,
            kinds=CONSULTATION_KINDS,
        )
        return SearchOutcome(body["results"], body["total"], self.radius_km, case.lat, case.lon)

    async def book(self, result: dict) -> OrientationDoc:
        """Book the slot of a search result on the server, then record the orientation."""
        case = self._require_case()
        orientation_uuid = new_uuid()
        await self._client.book_slot(result["slot_id"], orientation_uuid, case.uuid)
        kind = decisions.get(decisions.DECISION_FOR_SLOT_MODE.get(result["mode"], "CONSULTATION_48H"))
        if result["effecteur"]["kind"] == "SOS" and kind.key == "VISITE_DOMICILE":
            kind = decisions.get("SOS_MEDECINS")
        doc = OrientationDoc(
            uuid=orientation_uuid,
            case_uuid=case.uuid,
            creation=self._clock(),
            decision_key=kind.key,
            decision_type=kind.decision_type,
            resource_type=kind.resource_type,
            orientation_type=kind.orientation_type,
            medical_transport=kind.medical_transport,
            slot_id=result["slot_id"],
            effecteur_id=result["effecteur"]["id"],
            effecteur_name=result["effecteur"]["name"],
            appointment_start=datetime.fromisoformat(result["start"]),
            appointment_end=datetime.fromisoformat(result["end"]),
            appointment_mode=result["mode"],
        )
        self._store.save_orientation(doc, author=self.user.username, author_role=self.user.role)
        return doc

    def record_decision(self, key: str, freetext: str | None = None) -> OrientationDoc:
        """Record a decision without a booked slot (works offline)."""
        case = self._require_case()
        kind = decisions.get(key)
        doc = OrientationDoc(
            uuid=new_uuid(),
            case_uuid=case.uuid,
            creation=self._clock(),
            decision_key=kind.key,
            decision_type=kind.decision_type,
            resource_type=kind.resource_type,
            orientation_type=kind.orientation_type,
            medical_transport=kind.medical_transport,
            freetext=freetext or None,
        )
        self._store.save_orientation(doc, author=self.user.username, author_role=self.user.role)
        return doc
