"""The window's layout, saved per role: an MRU's docks stay where the MRU put them, an ARM's where ARMs do.

:class:`WindowLayouts` remembers, for the logged-in role, the window geometry,
the dock and toolbar state (``QMainWindow.saveState``) and every named
splitter's sizes, in ``<data dir>/window-layouts.json`` (base64, one entry per
role, replaced atomically).  The window calls :meth:`WindowLayouts.first_show`
once it has its real size: the default layout is captured there (for
"Rétablir la disposition"), then the role's saved one restored.  The layout is
saved when the window closes.  :func:`add_dock` makes the side panels
movable, hideable docks.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from app import paths
from app.ui.qt import QApplication, QByteArray, QDockWidget, QEvent, QMainWindow, QObject, QSplitter, Qt, QWidget
from app.ui.shell.session_lock import LOCKED_PROPERTY

log = logging.getLogger(__name__)

LAYOUTS_FILE = "window-layouts.json"
#: Bumped when the docks change, so an old saved state is ignored rather than half-applied.
STATE_VERSION = 2


def layouts_path() -> Path:
    return paths.data_dir() / LAYOUTS_FILE


def _read_all() -> dict:
    try:
        return json.loads(layouts_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_all(data: dict) -> None:
    path = layouts_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64()).decode("ascii")


def _bytes(text: str) -> QByteArray:
    return QByteArray.fromBase64(text.encode("ascii"))


def add_dock(window: QMainWindow, name: str, title: str, widget: QWidget,
             area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
    """Dock ``widget`` in ``window`` under ``title``; ``name`` is its stable object name (saved states use it)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    window.addDockWidget(area, dock)
    return dock


class WindowLayouts(QObject):
    """Saves and restores one window's layout under the logged-in role."""

    def __init__(self, window: QMainWindow, role: str):
        super().__init__(window)
        self._window = window
        self.role = role
        self._default: dict | None = None
        window.installEventFilter(self)

    # --- capture and apply ----------------------------------------------------------------
    def _splitters(self) -> dict[str, QSplitter]:
        return {s.objectName(): s for s in self._window.findChildren(QSplitter) if s.objectName()}

    def capture(self) -> dict:
        """The window's current layout, as stored."""
        w = self._window
        return {"version": STATE_VERSION, "geometry": _b64(w.saveGeometry()),
                "state": _b64(w.saveState(STATE_VERSION)),
                "splitters": {name: _b64(s.saveState()) for name, s in self._splitters().items()}}

    def apply(self, layout: dict, *, geometry: bool = True) -> bool:
        """Apply a captured layout; False if it is from another version of the docks."""
        if layout.get("version") != STATE_VERSION:
            return False
        w = self._window
        # Not on the headless "offscreen" platform: its virtual screen is 800×800, and a geometry clamped to it
        # would shrink every later screenshot (``sas console --screenshot``) and test window.
        if geometry and layout.get("geometry") and QApplication.platformName() != "offscreen":
            w.restoreGeometry(_bytes(layout["geometry"]))
            # Lay the window out at its restored size now, so the splitters below keep their saved sizes.
            QApplication.sendPostedEvents(w)
            w.layout().activate()
        ok = w.restoreState(_bytes(layout.get("state", "")), STATE_VERSION)
        splitters = self._splitters()
        for name, state in (layout.get("splitters") or {}).items():
            if name in splitters:
                splitters[name].restoreState(_bytes(state))
        return ok

    # --- per role ---------------------------------------------------------------------------
    def saved(self) -> dict | None:
        return _read_all().get(self.role)

    def save(self) -> None:
        data = _read_all()
        data[self.role] = self.capture()
        try:
            _write_all(data)
        except OSError as exc:
            log.warning("window layout not saved: %s", exc)

    def first_show(self) -> None:
        """Capture the default layout, then restore the role's saved one (if any)."""
        self._default = self.capture()
        saved = self.saved()
        if saved and self.apply(saved):
            log.info("window layout of role %s restored", self.role)

    def reset(self) -> None:
        """Back to the default layout ("Rétablir la disposition"); the saved one is forgotten."""
        if self._default is not None:
            self.apply(self._default, geometry=False)
        data = _read_all()
        if data.pop(self.role, None) is not None:
            _write_all(data)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # getattr: Qt may still send events while Python tears this object down at exit.
        if event.type() == QEvent.Type.Close and watched is getattr(self, "_window", None) \
                and getattr(self, "_default", None) is not None and not watched.property(LOCKED_PROPERTY):
            # Only a layout that was shown (and so restored first) is worth keeping; a locked window's
            # docks are hidden by the lock, not by the user.
            self.save()
        return False
