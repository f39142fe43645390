"""The console map: a Leaflet page in a QWebEngineView, driven by commands.

The page is built once (:mod:`app.ui.map.page`) and loaded from a file; after
that Python only sends commands (``window.sasMap.apply(cmdJson)``, arguments
serialised with :func:`json.dumps`) and the page answers through a small
QWebChannel bridge.  Commands sent before the page reported ready are queued.
Only this module knows about JavaScript; the rest of the UI uses the methods
and signals of :class:`MapView`.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from app.ui.map import page as map_page
from app.ui.map.bridge import MapBridge, MapPage
from app.ui.map.confirm import PlaceConfirmBar
from app.ui.qt import (
    QEvent,
    QObject,
    QUrl,
    QVBoxLayout,
    QWebChannel,
    QWebEnginePage,
    QWebEngineSettings,
    QWebEngineView,
    QWidget,
    Qt,
    Signal,
    Slot,
)

log = logging.getLogger("app.ui.map")

_MAX_RELOADS = 3
_STATE_OPS = ("show_territory", "show_patient", "show_radius", "show_effecteurs", "set_placing")
_KEPT_ON_CLEAR = ("show_territory", "set_placing")


class MapView(QWidget):
    """Map of the SAMU's territory, the patient, the search radius and the effecteurs.

    It opens on the territory (``territory``: département codes) with the
    effecteurs of :meth:`show_territory`; a search's results replace them until
    :meth:`clear`.  Command methods may be called at any time (queued until the
    page is ready) and return the command's sequence number, echoed by
    :attr:`commandApplied` once the page has applied and painted it.

    Dragging the patient's marker or clicking the map proposes a new place: a
    bar asks for one key (Entrée confirms, Échap cancels) and a confirmed place
    is emitted as :attr:`placeConfirmed`.

    Signals:
        ready: the page is loaded and the bridge is up (queued commands are sent).  A view built with
            ``ready_when_shown`` (loaded before its window exists) emits it once its window shows,
            after the map's first paint on screen (at once if the window keeps the map hidden).
        markerClicked(str): the user clicked an effecteur marker (its id).
        placeConfirmed(float, float): the user confirmed the patient's exact place (lat, lon).
        commandApplied(int, bool): the page applied command ``seq`` (and painted it); ``ok``.
    """

    ready = Signal()
    markerClicked = Signal(str)
    placeConfirmed = Signal(float, float)
    commandApplied = Signal(int, bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tile_url: str = "",
        tile_attribution: str = "",
        center: Sequence[float] = map_page.DEFAULT_CENTER,
        zoom: int = map_page.DEFAULT_ZOOM,
        territory: Sequence[str] = (),
        ready_when_shown: bool = False,
    ) -> None:
        super().__init__(parent)
        self._ready = False
        #: Preloaded before its window exists (:mod:`app.ui.map.preload`): ``ready`` waits for the window.
        self._hold_ready = ready_when_shown
        self._ready_held = False
        self._watched: QWidget | None = None
        self._seq = 0
        self._pending: list[str] = []
        self._state: dict[str, str] = {}
        self._reloads = 0
        self._loading = False

        page_dir = Path(tempfile.mkdtemp(prefix="sas-map-"))
        weakref.finalize(self, shutil.rmtree, page_dir, True)
        page_file = map_page.write_page(
            page_dir, tile_url=tile_url, tile_attribution=tile_attribution, center=center, zoom=zoom,
            territory=tuple(territory),
        )
        self._page_url = QUrl.fromLocalFile(str(page_file))

        self._bridge = MapBridge(self)
        self._bridge.readyReceived.connect(self._on_page_ready)
        self._bridge.clickReceived.connect(self.markerClicked)
        self._bridge.placeReceived.connect(self._on_place_requested)
        self._bridge.ackReceived.connect(self.commandApplied)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self._bridge)

        self._view = QWebEngineView(self)
        self._view.setAccessibleName(self.tr("Carte des effecteurs et du patient"))
        page = MapPage(self._page_url, self._view)
        page.setWebChannel(self._channel)
        if tile_url:
            # A file:// page may load remote tiles only with LocalContentCanAccessRemoteUrls.
            # WORKAROUND (measured, Qt 6.12): turning it on alone stops the page's own
            # file:// scripts loading, unless LocalContentCanAccessFileUrls is set explicitly too.
            settings = page.settings()
            settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
            settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        page.mapNavigation.connect(self._on_map_navigation)
        page.loadFinished.connect(self._on_load_finished)
        page.renderProcessTerminated.connect(self._on_render_process_terminated)
        self._view.setPage(page)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no Back/Reload/Save

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self._confirm = PlaceConfirmBar(self)
        self._confirm.answered.connect(self._on_place_answered)
        self._patient_label = ""
        log.info("map: loading %s (tiles: %s)", page_file, tile_url or "none")
        self._view.load(self._page_url)

    # -- commands -------------------------------------------------------------------------

    def show_patient(self, lat: float, lon: float, label: str = "") -> int:
        """Place the patient marker (with ``label`` as a permanent tooltip); a pending new place is dropped."""
        self._patient_label = str(label)
        self._confirm.dismiss()
        return self._send("show_patient", {"lat": float(lat), "lon": float(lon), "label": str(label)})

    def show_territory(self, items: Iterable[Mapping[str, Any]]) -> int:
        """The territory's effecteurs (same dicts as :meth:`show_effecteurs`), shown while no search is."""
        payload = [p for p in map(map_page.effecteur_payload, items) if p is not None]
        return self._send("show_territory", {"items": payload})

    def set_placing_enabled(self, enabled: bool) -> int:
        """Whether dragging the patient or clicking the map may propose a new place (the role may set it)."""
        return self._send("set_placing", {"enabled": bool(enabled)})

    def show_radius(self, km: float | None) -> int:
        """Draw the search ring around the patient; ``None`` or 0 removes it."""
        return self._send("show_radius", {"km": float(km) if km else None})

    def show_effecteurs(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Replace the effecteur markers; returns the command's sequence number.

        Args:
            items: dicts with ``id`` (str), ``lat``/``lon`` (float), ``name``,
                ``kind``, ``kind_label`` (French), ``phone`` (str or None),
                ``next_slots`` (French strings, already formatted) and
                ``freshness`` (``"lt4h"``, ``"lt24h"``, ``"lt72h"`` or ``"none"``,
                which sets the marker colour).  Items without an id or with
                invalid coordinates are skipped with a warning.
        """
        payload = [p for p in map(map_page.effecteur_payload, items) if p is not None]
        return self._send("show_effecteurs", {"items": payload})

    def select(self, effecteur_id: str) -> int:
        """Highlight an effecteur (marker style and a halo); pan only if it is off-screen, keeping the patient."""
        return self._send("select", {"id": str(effecteur_id)})

    def fit(self) -> int:
        """Fit the patient, the whole search ring and every effecteur shown (no popup opens)."""
        return self._send("fit", {})

    def clear(self) -> int:
        """Remove patient, ring and results: back to the territory and its effecteurs."""
        self._confirm.dismiss()
        return self._send("clear", {})

    def pending_place(self) -> tuple[float, float] | None:
        """The place waiting for the user's confirmation, if any."""
        return self._confirm.place()

    # -- state and helpers ----------------------------------------------------------------

    def is_ready(self) -> bool:
        """Whether the page reported ready (commands now run at once) and :attr:`ready` was emitted."""
        return self._ready and not self._hold_ready

    def pending_commands(self) -> int:
        """How many commands wait for the page to be ready."""
        return len(self._pending)

    def web_view(self) -> QWebEngineView:
        """The embedded view (for grabbing and tests; do not drive the page through it)."""
        return self._view

    def run_js_json(self, expr: str, callback: Callable[[Any], None]) -> None:
        """Evaluate ``expr`` in the page and call ``callback`` with its value decoded from JSON.

        ``runJavaScript`` may return arrays as ``''``; going through
        ``JSON.stringify`` gives every JSON value (``undefined`` becomes ``None``).
        For tests and diagnostics: ``expr`` is trusted JavaScript.
        """

        def done(result: Any) -> None:
            callback(json.loads(result) if isinstance(result, str) and result else None)

        self._view.page().runJavaScript(f"JSON.stringify(({expr}))", 0, done)

    def _send(self, op: str, args: dict[str, Any]) -> int:
        self._seq += 1
        cmd = json.dumps({"seq": self._seq, "op": op, "args": args}, allow_nan=False)
        script = f"window.sasMap.apply({json.dumps(cmd)});"
        if op == "clear":  # the case's state goes; the territory and the role's placing stay
            self._state = {k: v for k, v in self._state.items() if k in _KEPT_ON_CLEAR}
        elif op in _STATE_OPS:
            self._state[op] = script
        if self._ready:
            self._view.page().runJavaScript(script, 0)
        else:
            self._pending.append(script)
        return self._seq

    @Slot(float, float)
    def _on_place_requested(self, lat: float, lon: float) -> None:
        self._confirm.ask(lat, lon)

    @Slot(bool)
    def _on_place_answered(self, confirmed: bool) -> None:
        place = self._confirm.place()
        self._confirm.dismiss()
        if place is None:
            return
        if confirmed:
            self.show_patient(place[0], place[1], self._patient_label)
            self.placeConfirmed.emit(place[0], place[1])
        else:
            self._send("place_cancel", {})

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._confirm.place_over(self.rect())

    @Slot()
    def _on_page_ready(self) -> None:
        self._ready = True
        pending, self._pending = self._pending, []
        log.info("map: page ready, sending %d queued command(s)", len(pending))
        for script in pending:
            self._view.page().runJavaScript(script, 0)
        if self._hold_ready and not self.window().isVisible():
            self._ready_held = True  # loaded before the window shows: `ready` when it does
            self._watch_window()
            return
        self._hold_ready = False
        self.ready.emit()

    # -- a view preloaded before its window: `ready` once the window shows it ---------------

    def event(self, event) -> bool:  # noqa: D102 (Qt override)
        if event.type() == QEvent.Type.ParentChange and getattr(self, "_ready_held", False):
            self._watch_window()
        return super().event(event)

    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 (Qt override)
        if watched is getattr(self, "_watched", None) and event.type() == QEvent.Type.Show and self._ready_held:
            self._release_ready()
        return False

    def _watch_window(self) -> None:
        if self._watched is not None:
            self._watched.removeEventFilter(self)
        self._watched = self.window()
        self._watched.installEventFilter(self)
        if self._watched is not self and self._watched.isVisible():
            self._release_ready()

    def _release_ready(self) -> None:
        self._ready_held = False
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None
        if self.isVisible():  # the page reports again after its first paint on screen (map.js reportPainted)
            self._view.page().runJavaScript("window.sasMap.reportPainted();", 0)
        else:  # the window keeps the map hidden (a supervisor's): loaded is ready
            self._hold_ready = False
            self.ready.emit()

    @Slot()
    def _on_map_navigation(self) -> None:
        self._ready = False
        self._loading = True

    @Slot(bool)
    def _on_load_finished(self, ok: bool) -> None:
        # Blocked navigations also end in loadFinished(False): only our own load counts.
        if self._loading:
            self._loading = False
            if not ok:
                log.error("map: page %s failed to load", self._page_url.toLocalFile())

    @Slot(QWebEnginePage.RenderProcessTerminationStatus, int)
    def _on_render_process_terminated(self, status, exit_code: int) -> None:
        """Reload after a renderer crash and replay the patient, ring and results shown."""
        log.error("map: render process ended (%s, code %d)", status, exit_code)
        self._ready = False
        if self._reloads >= _MAX_RELOADS:
            return
        self._reloads += 1
        # Replay the last patient/radius/results before what was still queued.
        replay = [s for s in self._state.values() if s not in self._pending]
        self._pending[:0] = replay
        self._view.reload()
