"""What the map shows of the desk: the territory's effecteurs, the patient's place, and placing it.

:class:`MapWiring` ties a :class:`~app.ui.map.view.MapView` to the Qt-free
:class:`~app.services.desk.workflow.Desk` of the window:

* the territory's effecteurs (:mod:`app.services.search.territory`), fetched after
  login and every few minutes, so the map opens on the SAMU's département with
  its effecteurs coloured by their next free slot;
* the patient moves when the desk places the case's address (``ADRESSE``/``RUE``);
* a place confirmed on the map (:attr:`MapView.placeConfirmed`) is recorded as
  the exact place (``EXACTE``) through the regulation core; the search runs again
  from there when results are shown.  A role the core refuses cannot drag at all.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from app.services.desk.regulation import NotAllowed
from app.services.desk.workflow import NoCaseOpen
from app.services.regulation import rules
from app.services.search import territory
from app.services.sync.api_client import ApiError
from app.ui.qt import QObject, QTimer, Slot
from app.ui.shell.tasks import spawn

log = logging.getLogger("app.ui.map")
# How often the territory's effecteurs are fetched again (their next free slot changes).
REFRESH_MS = 5 * 60 * 1000


class MapWiring(QObject):
    """The map's link to the desk, for one window (see the module docstring)."""

    def __init__(self, window, desk) -> None:
        super().__init__(window)
        self._w, self._desk = window, desk
        self.map_view = window.map_view
        self.map_view.set_placing_enabled(desk.user.role in rules.ROUTING_ROLES)
        self.map_view.placeConfirmed.connect(self._on_place_confirmed)
        desk.placing.add_listener(self._on_located)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_territory)
        self._timer.start()
        self.refresh_territory()

    @Slot()
    def refresh_territory(self) -> None:
        """Fetch the territory's effecteurs again in the background (kept as they were when offline)."""
        spawn(self._load_territory(), on_error=self._on_territory_error, name="territory")

    async def _load_territory(self) -> None:
        markers = await territory.fetch_markers(self._desk.client, self._desk.settings.departement,
                                                datetime.now(timezone.utc))
        self.map_view.show_territory(markers)
        log.info("map: %d effecteur(s) of the territory", len(markers))

    def _on_territory_error(self, exc: BaseException) -> None:
        if not isinstance(exc, ApiError):
            log.error("map: territory not loaded", exc_info=exc)
        else:
            log.info("map: territory not loaded (%s)", type(exc).__name__)

    def _on_located(self, case) -> None:
        if case.lat is not None and case.lon is not None:
            self.map_view.show_patient(case.lat, case.lon, case.city_name or "")

    @Slot(float, float)
    def _on_place_confirmed(self, lat: float, lon: float) -> None:
        status = self._w.status
        try:
            self._desk.placing.set_exact(lat, lon)
        except (NotAllowed, NoCaseOpen, ValueError) as exc:
            status.show_message(self.tr("Position non enregistrée : %s") % exc, error=True)
            case = self._desk.current_case
            if case is not None and case.lat is not None:
                self.map_view.show_patient(case.lat, case.lon, case.city_name or "")
            return
        status.show_message(self.tr("Position exacte du patient enregistrée"))
        if self._w.results():
            self._w.start_search()  # distances from the new place
