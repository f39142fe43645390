"""MapView against the real page in an offscreen QtWebEngine (no network).

Synchronous tests with ``qtbot.waitUntil``/``waitSignal`` only (see
docs/qt-headless.md: no per-test event loops once a web view exists).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.ui.map.view import MapView
from app.ui.qt import QtCore, QtGui, QtWebEngineCore, Qt

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_KIND = "<script>window.__pwned=2</script>"


def effecteur(i: int, lat: float, lon: float, **extra) -> dict:
    item = {
        "id": f"e{i}",
        "lat": lat,
        "lon": lon,
        "name": f"Dr Martin {i}",
        "kind": "mg",
        "kind_label": "Médecin généraliste",
        "phone": "03 88 00 00 %02d" % i,
        "next_slots": ["lun. 24 nov. 10:30", "lun. 24 nov. 11:00"],
        "freshness": ("lt4h", "lt24h", "lt72h", "none")[i % 4],
    }
    item.update(extra)
    return item


# Five towns far apart: unclustered at the national zoom.
SPREAD = [
    effecteur(0, 48.58, 7.75),
    effecteur(1, 43.30, 5.37),
    effecteur(2, 47.22, -1.55),
    effecteur(3, 45.76, 4.84),
    effecteur(4, 50.63, 3.06),
]
# Twenty effecteurs within a few hundred metres: one cluster until zoomed in.
CLUSTERED = [effecteur(10 + i, 48.58 + 0.002 * (i % 5), 7.75 + 0.003 * (i // 5)) for i in range(20)]


def js(qtbot, view: MapView, expr: str):
    """Evaluate ``expr`` in the page and return its JSON-decoded value."""
    box: list = []
    view.run_js_json(expr, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def inspect(qtbot, view: MapView) -> dict:
    return js(qtbot, view, "window.sasMap.inspect()")


def settled(qtbot, view: MapView) -> dict:
    """The page state once the view stopped moving (a resize reaches Leaflet a moment after Qt)."""
    states = [inspect(qtbot, view)]

    def still() -> bool:
        qtbot.wait(150)
        states.append(inspect(qtbot, view))
        return states[-1]["view"] == states[-2]["view"]

    qtbot.waitUntil(still, timeout=5000)
    return states[-1]


def make_view(qtbot, **kwargs) -> MapView:
    view = MapView(**kwargs)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    return view


@pytest.fixture
def map_view(qtbot) -> MapView:
    view = make_view(qtbot)
    if not view.is_ready():
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
    return view


def apply_and_wait(qtbot, view: MapView, send) -> int:
    """Run ``send()`` (a command method) and wait until the page acknowledged it."""
    acks: dict[int, bool] = {}

    def on_ack(seq: int, ok: bool) -> None:
        acks[seq] = ok

    view.commandApplied.connect(on_ack)
    try:
        seq = send()
        qtbot.waitUntil(lambda: seq in acks, timeout=10000)
    finally:
        view.commandApplied.disconnect(on_ack)
    assert acks[seq] is True
    return seq


class _RequestRecorder(QtWebEngineCore.QWebEngineUrlRequestInterceptor):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt override)
        self.urls.append(info.requestUrl().toString())


def test_page_ready_offline_with_leaflet_and_outlines(qtbot):
    recorder = _RequestRecorder()
    profile = QtWebEngineCore.QWebEngineProfile.defaultProfile()
    profile.setUrlRequestInterceptor(recorder)
    try:
        view = make_view(qtbot)
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
    finally:
        profile.setUrlRequestInterceptor(None)
    assert view.is_ready()
    assert js(qtbot, view, "typeof L") == "object"
    assert js(qtbot, view, "typeof L.markerClusterGroup") == "function"
    state = inspect(qtbot, view)
    assert state["outlines"] == 101  # every département (and DROM) outline
    assert state["tiles"] is False
    assert js(qtbot, view, "document.querySelectorAll('.leaflet-overlay-pane path').length") > 50
    assert recorder.urls, "the interceptor saw no request"
    remote = [u for u in recorder.urls if not u.startswith(("file:", "qrc:", "data:"))]
    assert remote == [], f"the page asked the network for {remote}"


def test_commands_before_ready_are_queued_then_applied(qtbot):
    view = make_view(qtbot)
    assert not view.is_ready()
    view.show_patient(48.58, 7.75, "Strasbourg")
    view.show_radius(15)
    view.show_effecteurs(SPREAD)
    assert view.pending_commands() == 3
    with qtbot.waitSignal(view.ready, timeout=15000):
        pass
    assert view.pending_commands() == 0
    qtbot.waitUntil(lambda: inspect(qtbot, view)["markers"] == len(SPREAD), timeout=5000)
    state = inspect(qtbot, view)
    assert state["patient"] == [48.58, 7.75]
    assert state["radiusKm"] == 15


def test_show_effecteurs_replaces_markers_and_skips_bad_items(qtbot, map_view, caplog):
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD + CLUSTERED))
    assert inspect(qtbot, map_view)["markers"] == 25
    bad = [effecteur(90, float("nan"), 2.0), {"name": "sans coordonnées"}, effecteur(91, 95.0, 2.0)]
    with caplog.at_level(logging.WARNING, logger="app.ui.map"):
        apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD[:3] + bad))
    assert inspect(qtbot, map_view)["markers"] == 3
    assert len([r for r in caplog.records if r.name == "app.ui.map"]) == 3


def test_js_fired_marker_click_emits_marker_clicked(qtbot, map_view):
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD))
    with qtbot.waitSignal(map_view.markerClicked, timeout=5000) as blocker:
        map_view.run_js_json("window.sasMap.marker('e3').fire('click', {}, true) && null", lambda _: None)
    assert blocker.args == ["e3"]
    assert inspect(qtbot, map_view)["selected"] == "e3"


def test_real_mouse_click_on_marker_emits_marker_clicked(qtbot, map_view):
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD))
    x, y = js(qtbot, map_view, "(function (p) { return [p.x, p.y]; })(window.sasMap.marker('e1')"
              "._map.latLngToContainerPoint(window.sasMap.marker('e1').getLatLng()))")
    target = map_view.web_view().focusProxy()
    with qtbot.waitSignal(map_view.markerClicked, timeout=5000) as blocker:
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(round(x), round(y)))
    assert blocker.args == ["e1"]
    qtbot.waitUntil(lambda: inspect(qtbot, map_view)["popupId"] == "e1", timeout=5000)


def test_select_highlights_even_inside_a_cluster_without_zooming_or_a_popup(qtbot, map_view):
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD + CLUSTERED))
    assert js(qtbot, map_view, "!!window.sasMap.marker('e17')._map") is False  # clustered
    apply_and_wait(qtbot, map_view, map_view.fit)
    before = settled(qtbot, map_view)
    apply_and_wait(qtbot, map_view, lambda: map_view.select("e17"))
    state = inspect(qtbot, map_view)
    assert state["selected"] == "e17" and state["popupId"] is None
    assert (state["zoom"], state["view"]) == (before["zoom"], before["view"])  # it was on screen: no move
    e17 = CLUSTERED[7]
    assert state["halo"] == [e17["lat"], e17["lon"]]  # the choice shows even inside its cluster


def test_hostile_text_stays_inert(qtbot, map_view):
    hostile = effecteur(
        66, 48.58, 7.75, name=HOSTILE_NAME, kind_label=HOSTILE_KIND,
        next_slots=['<img src=x onerror="window.__pwned=3">'], phone="<b>0</b>",
    )
    apply_and_wait(qtbot, map_view, lambda: map_view.show_patient(48.6, 7.7, HOSTILE_NAME))
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs([hostile]))
    map_view.run_js_json("window.sasMap.marker('e66').openPopup() && null", lambda _: None)
    qtbot.waitUntil(lambda: inspect(qtbot, map_view)["popupId"] == "e66", timeout=10000)
    # An injected <img src=x> would fail to load and run its onerror asynchronously: give it time.
    qtbot.wait(300)
    name = js(qtbot, map_view, "document.querySelector('.sas-popup-name').textContent")
    assert name == HOSTILE_NAME
    assert js(qtbot, map_view, "document.querySelector('.sas-popup-kind').textContent") == HOSTILE_KIND
    assert HOSTILE_NAME in js(qtbot, map_view, "document.querySelector('.sas-patient-label').textContent")
    assert js(qtbot, map_view, "document.querySelectorAll('img[src=x]').length") == 0
    assert js(qtbot, map_view, "document.querySelectorAll('.leaflet-pane script, .leaflet-pane b').length") == 0
    assert js(qtbot, map_view, "typeof window.__pwned") == "undefined"


def test_fit_and_clear(qtbot, map_view):
    map_view.show_patient(48.58, 7.75, "Strasbourg")
    map_view.show_radius(10)
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(CLUSTERED))
    assert inspect(qtbot, map_view)["zoom"] == 6
    map_view.fit()
    qtbot.waitUntil(lambda: inspect(qtbot, map_view)["zoom"] >= 10, timeout=5000)
    assert inspect(qtbot, map_view)["ringInView"] is True
    apply_and_wait(qtbot, map_view, map_view.clear)
    state = inspect(qtbot, map_view)
    assert (state["markers"], state["patient"], state["radiusKm"]) == (0, None, None)


def test_console_messages_reach_logging(qtbot, map_view, caplog):
    with caplog.at_level(logging.INFO, logger="app.ui.map"):
        map_view.run_js_json("console.warn('alerte depuis la page') && null", lambda _: None)
        qtbot.waitUntil(lambda: any("alerte depuis la page" in r.getMessage() for r in caplog.records))
    record = next(r for r in caplog.records if "alerte depuis la page" in r.getMessage())
    assert (record.name, record.levelno) == ("app.ui.map", logging.WARNING)


def test_navigation_away_is_blocked(qtbot, map_view, caplog):
    with caplog.at_level(logging.WARNING, logger="app.ui.map"):
        map_view.run_js_json("(location.href = 'https://example.org/') && null", lambda _: None)
        qtbot.waitUntil(lambda: any("blocked" in r.getMessage() for r in caplog.records), timeout=5000)
    assert js(qtbot, map_view, "typeof window.sasMap") == "object"
    assert map_view.is_ready()


def _png_tile() -> bytes:
    image = QtGui.QImage(256, 256, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("#cfe8cf"))
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def test_tile_layer_only_when_configured_and_loads_from_local_server(qtbot):
    tile = _png_tile()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        view = make_view(qtbot, tile_url=url, tile_attribution="<b>Tuiles</b> locales")
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
        assert inspect(qtbot, view)["tiles"] is True
        qtbot.waitUntil(lambda: js(qtbot, view, "document.querySelectorAll('img.leaflet-tile-loaded').length") > 0,
                        timeout=10000)
        # The offline outlines stay, drawn as lines above the streets, never filled over them.
        assert inspect(qtbot, view)["outlines"] == 101
        assert js(qtbot, view, "Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))"
                               ".every(function (p) { return p.getAttribute('fill') === 'none'; })") is True
        assert js(qtbot, view, "+getComputedStyle(document.querySelector('.leaflet-tile-pane')).zIndex"
                               " < +getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex") is True
        attribution = js(qtbot, view, "document.querySelector('.leaflet-control-attribution').textContent")
        assert "<b>Tuiles</b> locales" in attribution  # shown as text, not markup
    finally:
        server.shutdown()
        server.server_close()


def _colour_count(view: MapView) -> int:
    image = view.grab().toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)})


def test_grab_shows_the_map(qtbot, map_view, tmp_path):
    map_view.show_patient(48.58, 7.75, "Strasbourg")
    map_view.show_radius(15)
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD + CLUSTERED))
    apply_and_wait(qtbot, map_view, map_view.fit)
    # Offscreen grab() works, but Chromium's frame reaches Qt a moment (~30 ms) after it painted.
    qtbot.waitUntil(lambda: _colour_count(map_view) > 20, timeout=5000)
    assert map_view.grab().save(str(tmp_path / "map.png"))


def test_renderer_crash_reloads_and_replays_state(qtbot, map_view, caplog):
    map_view.show_patient(48.58, 7.75, "Strasbourg")
    apply_and_wait(qtbot, map_view, lambda: map_view.show_effecteurs(SPREAD))
    pid = map_view.web_view().page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(map_view.ready, timeout=15000):
        os.kill(pid, signal.SIGKILL)  # the renderer is a child of this test process
    qtbot.waitUntil(lambda: inspect(qtbot, map_view)["markers"] == len(SPREAD), timeout=5000)
    assert inspect(qtbot, map_view)["patient"] == [48.58, 7.75]
    assert any("render process ended" in r.getMessage() for r in caplog.records)
