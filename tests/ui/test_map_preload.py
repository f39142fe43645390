"""The console's map built before its window (a faster cold start), and the page cache.

A preloaded view's page loads while no window shows it; its ``ready`` (the console's
"usable") still waits until a window shows the map and the page painted it, and comes at
once when the window keeps the map hidden (a supervisor's workspace).  The page HTML comes
from the data dir's cache on the next start, without folium.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.ui.map import preload
from app.ui.qt import QMainWindow, QVBoxLayout, QWidget

ROOT = Path(__file__).resolve().parents[2]


def _page_reported(qtbot, view) -> None:
    """Wait until the hidden page took its queued commands (it reported to Python)."""
    view.set_placing_enabled(False)  # queued until the page reports
    qtbot.waitUntil(lambda: view.pending_commands() == 0, timeout=20_000)


def test_a_preloaded_map_is_ready_only_once_its_window_shows_it_painted(qtbot):
    preload.preload(territory=["67"])
    view = preload.take_map_view(territory=["67"])
    emitted: list[bool] = []
    view.ready.connect(lambda: emitted.append(True))
    _page_reported(qtbot, view)
    qtbot.wait(300)
    assert emitted == [] and not view.is_ready()  # loaded, but nobody sees it yet
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(view)
    window.resize(900, 700)
    with qtbot.waitSignal(view.ready, timeout=10_000):
        window.show()
    assert emitted == [True] and view.is_ready()
    box: list = []
    view.run_js_json("(function(){var s=window.sasMap.inspect(); return [s.outlines, "
                     "document.visibilityState, document.querySelectorAll('.leaflet-overlay-pane path').length]})()",
                     box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    outlines, visibility, paths_drawn = box[0]
    assert outlines == 101 and visibility == "visible" and paths_drawn > 50


def test_a_preloaded_map_the_window_keeps_hidden_is_ready_when_the_window_shows(qtbot):
    preload.preload(territory=["67"])
    view = preload.take_map_view(territory=["67"])
    _page_reported(qtbot, view)
    window = QMainWindow()
    qtbot.addWidget(window)
    unused = QWidget(window)
    QVBoxLayout(unused).addWidget(view)
    unused.hide()
    window.setCentralWidget(QWidget(window))
    assert not view.is_ready()
    with qtbot.waitSignal(view.ready, timeout=5000):
        window.show()
    assert view.is_ready()


def test_the_preloaded_view_goes_to_the_same_settings_once(qtbot):
    preload.preload(territory=["67"])
    first = preload.take_map_view(territory=["67"])
    again = preload.take_map_view(territory=["67"])  # a second window (after a logout): a new view
    qtbot.addWidget(first)
    qtbot.addWidget(again)
    assert again is not first
    preload.preload(territory=["67"])
    other = preload.take_map_view(territory=["68"])  # other settings: not the preloaded page
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.ready, timeout=20_000):  # an ordinary view: ready when loaded
        pass
    preload.discard()


_WRITE_PAGE = """
import sys
from pathlib import Path
from app.ui.qt import QApplication
app = QApplication([])
from app.ui.map import page
target = page.write_page(Path(sys.argv[1]), territory=tuple(sys.argv[2].split(",")), center=(46.6, 2.4), zoom=6)
print("folium" in sys.modules)
"""


def _write_page(tmp_path: Path, data_dir: Path, name: str, territory: str) -> tuple[bool, str]:
    env = dict(os.environ, SAS_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", _WRITE_PAGE, str(tmp_path / name), territory], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip().endswith("True"), (tmp_path / name / "map.html").read_text(encoding="utf-8")


def test_the_next_start_takes_the_page_from_the_cache_without_folium(tmp_path):
    data_dir = tmp_path / "data"
    used_folium, first = _write_page(tmp_path, data_dir, "one", "67")
    assert used_folium and "sasMap.init" in first and '"67"' in first
    used_folium, second = _write_page(tmp_path, data_dir, "two", "67")
    assert not used_folium and second == first
    used_folium, other = _write_page(tmp_path, data_dir, "three", "68")  # another territory: a new page
    assert used_folium and '"68"' in other and '"67"' not in other.split("sasMap.init", 1)[1]
