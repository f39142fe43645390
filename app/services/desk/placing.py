"""Placing the patient of the open case, without Qt: the address at opening, the exact point on the map.

When a case opens with an address, :meth:`Placing.start` asks the server's
address database (``POST /api/v1/addresses/geocode``) in the background.  If it
answers within :data:`TIMEOUT_S` with the house number (``ADRESSE``) or the street
(``RUE``), the case's place changes through a ``location`` case event (the
regulation core's rules: ARM and doctors, not on a closed case); otherwise —
offline, slow, no address database — the patient stays at the commune's centre
(``VILLE``).  A search waits for this first (:meth:`settled`), so distances are
measured from the best place known.  :meth:`set_exact` records the point the user
confirmed on the map (``EXACTE``).  Listeners hear of each new place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from app.services.desk.regulation import NotAllowed
from app.services.records.documents import CaseDoc, CaseEventDoc
from app.services.regulation import rules
from app.services.regulation.actor import Actor
from app.services.sync.api_client import ApiError

log = logging.getLogger(__name__)
#: How long the opening of a case waits for the server to place its address.
TIMEOUT_S = 1.0
#: Places better than the commune's centre, the only answers worth a change.
USEFUL = ("ADRESSE", "RUE")


class Placing:
    """The patient's place for one :class:`~app.services.desk.workflow.Desk`."""

    def __init__(self, desk) -> None:
        self._desk = desk
        self._task: asyncio.Task | None = None
        self._listeners: list[Callable[[CaseDoc], None]] = []

    def add_listener(self, callback: Callable[[CaseDoc], None]) -> None:
        """Call ``callback(case)`` after each change of the open case's place."""
        self._listeners.append(callback)

    def start(self, case: CaseDoc) -> None:
        """Place ``case``'s address in the background (needs a running event loop; else it stays as is)."""
        if not (case.address_complete and case.city_insee_code) or case.coord_precision not in ("VILLE", "INCONNUE"):
            return
        user = self._desk.user
        if rules.event_refusal(Actor(user.username, user.role), event_type="location", status=None, attribution=None,
                               case_attribution=case.attribution, case_status=case.status):
            return  # this role does not place patients: the case keeps the commune
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self.locate(case), name="locate-case")

    async def settled(self) -> None:
        """Wait until the address being placed (if any) is placed or given up."""
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await task
        except Exception:  # noqa: BLE001 (placing the address must never stop the search)
            log.exception("placing the address failed: the patient stays at the commune")

    async def locate(self, case: CaseDoc, timeout: float = TIMEOUT_S) -> CaseEventDoc | None:
        """Ask the server where ``case``'s address is; record it when it beats the commune's centre."""
        try:
            found = await asyncio.wait_for(self._desk.client.geocode(case.city_insee_code, case.address_complete),
                                           timeout)
        except (asyncio.TimeoutError, ApiError) as exc:
            log.info("address not placed (%s): the patient stays at the commune", type(exc).__name__)
            return None
        if found.get("precision") not in USEFUL or found.get("lat") is None:
            return None
        try:
            return self._record(case, found["lat"], found["lon"], found["precision"])
        except (NotAllowed, ValueError) as exc:
            log.warning("address placed but not recorded: %s", exc)
            return None

    def set_exact(self, lat: float, lon: float) -> CaseEventDoc:
        """The point the user confirmed on the map (``EXACTE``); raises ``NotAllowed`` with the core's reason."""
        return self._record(self._desk._require_case(), lat, lon, "EXACTE")

    def _record(self, case: CaseDoc, lat: float, lon: float, precision: str) -> CaseEventDoc:
        doc = self._desk.regulation.record("location", case=case, lat=float(lat), lon=float(lon),
                                           coord_precision=precision)
        current = self._desk.current_case
        if current is not None and current.uuid == case.uuid:
            for callback in self._listeners:
                callback(current)
        return doc
