"""What the map shows around a search (issue 13 item 7), against the real page offscreen.

Before a search: the SAMU's territory (its département fitted, its effecteurs
clustered and coloured by their next free slot).  After a search: the patient,
the whole ring and every result in view, no popup.  Choosing an effecteur
highlights it without losing the patient.  A click or a drag proposes the
patient's exact place, confirmed with one key.
"""

from __future__ import annotations

import pytest

from app.ui.map.view import MapView
from app.ui.qt import QtCore, Qt
from tests.ui.test_map_view import apply_and_wait, effecteur, inspect, js, make_view, settled

# Bas-Rhin (67), from an atlas: roughly 48.12–49.08 N (Marckolsheim to Wissembourg), 6.94–8.23 E.
BAS_RHIN = (48.12, 6.94, 49.08, 8.23)
STRASBOURG = (48.5734, 7.7521)
PARIS = (48.8566, 2.3522)
# Effecteurs of the territory: twenty in Strasbourg (a cluster at the territory zoom), three towns apart.
TERRITORY = [effecteur(100 + i, 48.58 + 0.002 * (i % 5), 7.75 + 0.003 * (i // 5)) for i in range(20)]
TERRITORY += [effecteur(130, 48.75, 7.36, freshness="lt4h"), effecteur(131, 48.26, 7.45, freshness="lt24h"),
              effecteur(132, 49.03, 7.95, freshness="none")]
# Results of a search around Strasbourg with a 15 km ring: two near, one at the ring's edge.
RESULTS = [effecteur(1, 48.60, 7.78), effecteur(2, 48.55, 7.70), effecteur(3, 48.70, 7.90)]


@pytest.fixture
def territory_view(qtbot) -> MapView:
    view = make_view(qtbot, territory=["67"])
    with qtbot.waitSignal(view.ready, timeout=15000):
        pass
    return view


def _inside(box, lat, lon) -> bool:
    south, west, north, east = box
    return south <= lat <= north and west <= lon <= east


def test_opens_on_the_samu_territory_with_its_effecteurs_clustered_and_coloured(qtbot, territory_view):
    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_territory(TERRITORY))
    state = settled(qtbot, view)
    assert state["territory"] == ["67"] and state["showing"] == "territory"
    south, west, north, east = state["territoryBounds"]
    assert abs(south - BAS_RHIN[0]) < 0.15 and abs(west - BAS_RHIN[1]) < 0.15
    assert abs(north - BAS_RHIN[2]) < 0.15 and abs(east - BAS_RHIN[3]) < 0.15
    assert _inside(state["view"], *STRASBOURG) and not _inside(state["view"], *PARIS)  # not all of France
    assert state["zoom"] >= 8
    assert state["markers"] == len(TERRITORY)
    assert state["clusters"] >= 1 and state["singles"] >= 2  # Strasbourg's twenty are one cluster
    assert js(qtbot, view, "window.sasMap.marker('e130').options.fillColor") == "#2e7d32"  # green: < 4 h
    assert js(qtbot, view, "window.sasMap.marker('e131').options.fillColor") == "#ef6c00"  # orange: < 24 h
    assert js(qtbot, view, "window.sasMap.marker('e132').options.fillColor") == "#9e9e9e"  # grey: none in 72 h
    legend = js(qtbot, view, "document.querySelector('.sas-legend').textContent")
    assert "Prochain créneau libre" in legend and "< 4 h" in legend and "Aucun" in legend


def test_after_a_search_the_patient_the_ring_and_every_result_are_in_view(qtbot, territory_view):
    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_territory(TERRITORY))
    view.show_patient(*STRASBOURG, "Strasbourg")
    view.show_radius(15)
    view.show_effecteurs(RESULTS)
    apply_and_wait(qtbot, view, view.fit)
    state = settled(qtbot, view)
    assert state["showing"] == "results" and state["markers"] == 3
    assert (state["patientInView"], state["ringInView"], state["markersInView"]) == (True, True, True)
    assert state["popupId"] is None  # nothing opens by itself
    assert state["zoom"] <= 12  # a 15 km ring, not street level
    # Back to the territory when the case is left.
    apply_and_wait(qtbot, view, view.clear)
    state = settled(qtbot, view)
    assert (state["showing"], state["markers"], state["patient"]) == ("territory", len(TERRITORY), None)


def test_selecting_an_effecteur_off_screen_brings_it_in_and_keeps_the_patient(qtbot, territory_view):
    view = territory_view
    view.show_patient(*STRASBOURG, "Strasbourg")
    view.show_effecteurs(RESULTS + [effecteur(9, 48.95, 7.40)])
    # The user zoomed in on the patient: the effecteur e9 (Haguenau forest) is off-screen.
    view.run_js_json(f"window.sasMap.patient()._map.setView([{STRASBOURG[0]}, {STRASBOURG[1]}], 14) && null",
                     lambda _: None)
    qtbot.waitUntil(lambda: inspect(qtbot, view)["zoom"] == 14, timeout=5000)
    assert settled(qtbot, view)["view"] and not _inside(inspect(qtbot, view)["view"], 48.95, 7.40)
    apply_and_wait(qtbot, view, lambda: view.select("e9"))
    state = settled(qtbot, view)
    assert state["selected"] == "e9" and state["selectedInView"] is True
    assert state["patientInView"] is True and state["popupId"] is None
    # Selecting one already on screen moves nothing.
    apply_and_wait(qtbot, view, lambda: view.select("e1"))
    after = settled(qtbot, view)
    assert (after["selected"], after["view"], after["halo"]) == ("e1", state["view"], [48.60, 7.78])


def _click_map_at(qtbot, view, lat, lon):
    x, y = js(qtbot, view, f"(function (p) {{ return [p.x, p.y]; }})(window.sasMap.patient()._map"
                           f".latLngToContainerPoint([{lat}, {lon}]))")
    qtbot.mouseClick(view.web_view().focusProxy(), Qt.MouseButton.LeftButton, pos=QtCore.QPoint(round(x), round(y)))


def test_a_click_on_the_map_proposes_the_place_and_entree_confirms_it(qtbot, territory_view):
    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_patient(*STRASBOURG, "Strasbourg"))
    apply_and_wait(qtbot, view, view.fit)
    settled(qtbot, view)
    _click_map_at(qtbot, view, 48.5800, 7.7600)
    qtbot.waitUntil(lambda: view.pending_place() is not None, timeout=5000)
    lat, lon = view.pending_place()
    assert abs(lat - 48.58) < 0.002 and abs(lon - 7.76) < 0.002
    bar = view.findChild(QtCore.QObject, "placeConfirmBar")
    assert bar.isVisible() and "Entrée : confirmer" in bar.text.text() and "Échap : annuler" in bar.text.text()
    qtbot.waitUntil(bar.hasFocus, timeout=2000)
    with qtbot.waitSignal(view.placeConfirmed, timeout=5000) as placed:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert placed.args == [lat, lon]
    assert not bar.isVisible()
    qtbot.waitUntil(lambda: inspect(qtbot, view)["patient"] == [lat, lon], timeout=5000)


def test_a_dragged_patient_goes_back_when_echap_cancels(qtbot, territory_view):
    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_patient(*STRASBOURG, "Strasbourg"))
    view.run_js_json("(function (m) { m.setLatLng([48.59, 7.77]); m.fire('dragend'); })"
                     "(window.sasMap.patient()) && null", lambda _: None)
    qtbot.waitUntil(lambda: view.pending_place() == (48.59, 7.77), timeout=5000)
    bar = view.findChild(QtCore.QObject, "placeConfirmBar")
    with qtbot.assertNotEmitted(view.placeConfirmed):
        qtbot.keyClick(bar, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: inspect(qtbot, view)["patientMarker"] == list(STRASBOURG), timeout=5000)
    assert view.pending_place() is None and inspect(qtbot, view)["patient"] == list(STRASBOURG)


def test_placing_off_leaves_a_click_without_effect(qtbot, territory_view):
    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_patient(*STRASBOURG, "Strasbourg"))
    apply_and_wait(qtbot, view, lambda: view.set_placing_enabled(False))
    settled(qtbot, view)
    _click_map_at(qtbot, view, 48.58, 7.76)
    qtbot.wait(300)
    assert view.pending_place() is None


def test_the_territory_comes_back_after_a_renderer_crash(qtbot, territory_view):
    import os
    import signal

    view = territory_view
    apply_and_wait(qtbot, view, lambda: view.show_territory(TERRITORY))
    view.show_patient(*STRASBOURG, "Strasbourg")
    view.show_effecteurs(RESULTS)
    apply_and_wait(qtbot, view, view.clear)  # the case is left: back to the territory
    with qtbot.waitSignal(view.ready, timeout=15000):
        os.kill(view.web_view().page().renderProcessPid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: inspect(qtbot, view)["markers"] == len(TERRITORY), timeout=5000)
    state = inspect(qtbot, view)
    assert (state["showing"], state["patient"], state["territory"]) == ("territory", None, ["67"])
