"""The map page's two Qt helpers: the bridge object the page calls, and the page that guards navigation.

Only :class:`app.ui.map.view.MapView` uses them.
"""

from __future__ import annotations

import logging

from app.ui.qt import QObject, QUrl, QWebEnginePage, Signal, Slot

log = logging.getLogger("app.ui.map")

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


class MapBridge(QObject):
    """The one object the page sees (as ``bridge``): typed calls from JS to Python.

    Signals:
        readyReceived: the page finished initialising.
        clickReceived(str): an effecteur marker was clicked (its id).
        placeReceived(float, float): the user dragged the patient or clicked the map there.
        ackReceived(int, bool): a command (sequence number) was applied, and whether it succeeded.
    """

    readyReceived = Signal()
    clickReceived = Signal(str)
    placeReceived = Signal(float, float)
    ackReceived = Signal(int, bool)

    @Slot()
    def pageReady(self) -> None:
        """Called by the page once Leaflet, the layers and the channel are set up and painted."""
        self.readyReceived.emit()

    @Slot(str)
    def markerClicked(self, effecteur_id: str) -> None:
        """Called by the page when the user clicks an effecteur marker."""
        self.clickReceived.emit(effecteur_id)

    @Slot(float, float)
    def placeRequested(self, lat: float, lon: float) -> None:
        """Called by the page when the user drops the patient's marker or clicks the map."""
        self.placeReceived.emit(lat, lon)

    @Slot(int, bool)
    def commandApplied(self, seq: int, ok: bool) -> None:
        """Called by the page after command ``seq`` ran (and, if visible, was painted)."""
        self.ackReceived.emit(seq, ok)


class MapPage(QWebEnginePage):
    """Forwards console output to logging and keeps the view on the map page.

    Signals:
        mapNavigation: the map page itself is being (re)loaded (blocked navigations do not count).
    """

    mapNavigation = Signal()

    def __init__(self, page_url: QUrl, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page_url = page_url

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        """Page ``console.*`` output goes to the "app.ui.map" logger, level mapped."""
        log.log(_LEVELS.get(level, logging.INFO), "js: %s (%s:%d)", message, source.rsplit("/", 1)[-1], line)

    def acceptNavigationRequest(self, url, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        """Only the map page itself may load in this view (links and scripts cannot navigate away)."""
        url = QUrl(url)
        if url.isLocalFile() and url.toLocalFile() == self._page_url.toLocalFile():
            if is_main_frame:
                self.mapNavigation.emit()
            return True
        log.warning("map: navigation to %s blocked", url.toDisplayString())
        return False
