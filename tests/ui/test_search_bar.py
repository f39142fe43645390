"""The filter bar: every filter reachable by keyboard, each change announced as SearchFilters."""

from __future__ import annotations

from app.services.search.model import SearchFilters
from app.ui.qt import Qt
from app.ui.search.bar import SearchBar


def test_filters_by_keyboard_only(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    with qtbot.waitExposed(bar):
        bar.show()
    bar.activateWindow()
    assert bar.filters() == SearchFilters()
    qtbot.keyClick(bar, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert bar.window_combo.hasFocus()
    with qtbot.waitSignal(bar.filtersChanged) as changed:
        qtbot.keyClick(bar.window_combo, Qt.Key.Key_Down)
    assert changed.args[0].windows == ("0-4",)
    qtbot.keyClick(bar, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(bar.mode_combo, Qt.Key.Key_Down)
    qtbot.keyClick(bar.mode_combo, Qt.Key.Key_Down)
    qtbot.keyClick(bar, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(bar.structure_combo, Qt.Key.Key_End)
    with qtbot.waitSignal(bar.filtersChanged):
        qtbot.keyClick(bar, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(bar, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert bar.filters() == SearchFilters(windows=("0-4",), modes=("HH",), structures=("mmg",), sas_only=True,
                                          extra_only=True)
    assert bar.filters().query_params("10000000001") == {
        "window": ["0-4"], "mode": ["HH"], "structure": ["mmg"], "sas_only": "true", "en_sus": "true",
        "practitioner": "10000000001"}
    with qtbot.assertNotEmitted(bar.filtersChanged):
        bar.reset()
    assert bar.filters() == SearchFilters()
