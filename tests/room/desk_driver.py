"""One desk of the room test: a whole console in its own process, driven by the keyboard over stdin.

``python -m tests.room.desk_driver --server URL --user NAME --data-dir DIR`` (the
password from ``SAS_PASSWORD``) logs a real console in — real widgets, its own
encrypted cache and sync — then reads one JSON command per line on stdin and
answers one JSON line on stdout, prefixed by ``@@``:

* ``{"op": "key", "key": "F6", "mods": ["ctrl", "shift"]}`` — one key, sent where a real keyboard
  would send it: the open popup, the modal dialog's focused widget, else the focused widget;
* ``{"op": "type", "text": "…"}`` — characters, the same way;
* ``{"op": "texts", "root": NAME}`` — what the window (or the widget with that object name) shows:
  every visible label, field, button and table, as ``[object name, accessible name, class, text]``;
* ``{"op": "table", "name": NAME}`` — the visible rows of a table or tree (object or accessible name);
* ``{"op": "focus"}`` — the focused widget; ``{"op": "dialog"}`` — the modal dialog's text, if any;
* ``{"op": "screenshot", "path": FILE}``; ``{"op": "wait", "ms": N}``; ``{"op": "quit"}``;
* ``{"op": "key", …, "later": true}`` — the key is pressed from the event loop after the answer (a key that
  opens a modal dialog: the dialog's own loop runs while the driver goes on reading commands);
* ``{"op": "phone"}`` — the desk phone (issue 15): its state and its softphone's process id.

With ``--sip-user`` (and ``--sip-proxy``, ``--sip-transfer-desks``; the password from ``SAS_SIP_PASSWORD``,
kept in the data dir's password file as the settings dialog keeps it) the desk runs its real softphone.

Nothing here calls the console's methods: a desk is used as a person uses it, by keys, and read
as a person reads it, from what the widgets show.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

MODIFIERS = {"ctrl": "ControlModifier", "shift": "ShiftModifier", "alt": "AltModifier"}


def _say(payload: dict) -> None:
    sys.stdout.write("@@" + json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _widget_text(w) -> str | None:
    from PySide6.QtWidgets import (
        QAbstractButton, QAbstractItemView, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QTextEdit,
    )

    if isinstance(w, QLabel):
        return w.text()
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, (QTextEdit, QPlainTextEdit)):
        return w.toPlainText()
    if isinstance(w, QAbstractButton):
        return w.text()
    if isinstance(w, QAbstractItemView):
        return "\n".join(" | ".join(row) for row in _rows(w))
    return None


def _rows(view) -> list[list[str]]:
    model = view.model()
    if model is None:
        return []
    from PySide6.QtCore import QModelIndex

    rows: list[list[str]] = []

    def columns(parent: QModelIndex) -> int:
        try:
            return model.columnCount(parent)
        except TypeError:  # list models keep columnCount private: one column
            return 1

    def walk(parent: QModelIndex) -> None:
        for r in range(model.rowCount(parent)):
            cells = []
            for c in range(columns(parent)):
                value = model.index(r, c, parent).data()
                cells.append("" if value is None else str(value))
            rows.append(cells)
            first = model.index(r, 0, parent)
            if hasattr(view, "isExpanded") and view.isExpanded(first):
                walk(first)

    walk(QModelIndex())
    return rows


def _describe(w) -> dict:
    return {"name": w.objectName(), "accessible": w.accessibleName(), "class": type(w).__name__,
            "text": _widget_text(w)}


class Driver:
    def __init__(self, console):
        self.console = console

    @property
    def window(self):
        return self.console.window

    def _target(self):
        from PySide6.QtWidgets import QApplication

        popup = QApplication.activePopupWidget()
        if popup is not None:
            return popup
        modal = QApplication.activeModalWidget()
        if modal is not None:
            return modal.focusWidget() or modal
        return QApplication.focusWidget() or self.window

    def _find(self, name: str):
        from PySide6.QtWidgets import QApplication, QWidget

        for top in QApplication.topLevelWidgets():
            for w in [top, *top.findChildren(QWidget)]:
                if name in (w.objectName(), w.accessibleName()) and w.isVisible():
                    return w
        return None

    def key(self, key: str, mods: list[str] | None = None, later: bool = False) -> dict:
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        modifier = Qt.KeyboardModifier.NoModifier
        for m in mods or []:
            modifier |= getattr(Qt.KeyboardModifier, MODIFIERS[m])
        from PySide6.QtWidgets import QApplication

        if QApplication.activeWindow() is None and QApplication.activeModalWidget() is None:
            # a modal dialog closed and the offscreen platform gave nothing the focus back (a window manager
            # gives it back to the window): as a person clicking back into it, then the key once it is active
            QApplication.setActiveWindow(self.window)
            self.window.activateWindow()
            later = True
        target = self._target()
        if later:
            QTimer.singleShot(50, lambda: QTest.keyClick(self._target(), getattr(Qt.Key, f"Key_{key}"), modifier))
            return {"sent_to": "later"}
        try:
            sent_to = _describe(target)["name"] or type(target).__name__
        except RuntimeError:  # a stale wrapper of a widget made in C++ (QInputDialog.getItem): the dialog takes it
            from PySide6.QtWidgets import QApplication

            target = QApplication.activeModalWidget() or self.window
            sent_to = type(target).__name__
        try:
            QTest.keyClick(target, getattr(Qt.Key, f"Key_{key}"), modifier)
        except RuntimeError as exc:  # the press closed (and deleted) a dialog: its release has nowhere to go
            if "already deleted" not in str(exc):
                raise
        return {"sent_to": sent_to}

    def phone(self) -> dict:
        """The desk phone's state (« absent » without telephony) and its softphone process id."""
        tel = self.console.telephony
        softphone = getattr(tel, "phone", None) if tel is not None else None
        return {"state": tel.state if tel is not None else None, "pid": getattr(softphone, "pid", None),
                "calls": sorted(c.state for c in tel.calls.values()) if tel is not None else []}

    def type(self, text: str) -> dict:
        from PySide6.QtTest import QTest

        for ch in text:
            QTest.keyClicks(self._target(), ch)
        return {}

    def texts(self, root: str | None = None) -> dict:
        from PySide6.QtWidgets import QWidget

        top = self._find(root) if root else self.window
        if top is None:
            return {"error": f"no visible widget {root!r}"}
        found = []
        for w in top.findChildren(QWidget):
            if w.isVisible() and (_widget_text(w) not in (None, "") or w.accessibleName()):
                found.append(_describe(w))
        return {"widgets": found}

    def table(self, name: str) -> dict:
        view = self._find(name)
        if view is None:
            return {"error": f"no visible table {name!r}"}
        return {"rows": _rows(view)}

    def debug(self) -> dict:
        from PySide6.QtWidgets import QApplication
        return {"modal": repr(QApplication.activeModalWidget()), "popup": repr(QApplication.activePopupWidget()),
                "focus": repr(QApplication.focusWidget()),
                "tops": [repr(w) for w in QApplication.topLevelWidgets() if w.isVisible()]}

    def focus(self) -> dict:
        from PySide6.QtWidgets import QApplication

        w = QApplication.focusWidget()
        return {"focus": _describe(w) if w is not None else None}

    def dialog(self) -> dict:
        from PySide6.QtWidgets import QApplication, QMessageBox

        modal = QApplication.activeModalWidget()
        if modal is None:
            return {"dialog": None}
        text = modal.text() if isinstance(modal, QMessageBox) else modal.windowTitle()
        return {"dialog": {"title": modal.windowTitle(), "text": text}}

    def map_marker(self, effecteur_id: str):
        """The desk map's marker of ``effecteur_id`` (position, popup text), or None: read from the page itself."""
        from app.ui.map.view import MapView

        view = self.window.findChild(MapView)
        if view is None:
            return {"marker": None}
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        expr = ("(function (m) { if (!m) { return null; } var p = m.getPopup(); var c = p && p.getContent();"
                " if (typeof c === 'function') { c = c(m); }"
                " return {lat: m.getLatLng().lat, lon: m.getLatLng().lng,"
                " popup: c ? String(c.textContent || c.innerText || c) : null}; })"
                f"(window.sasMap.marker({json.dumps(effecteur_id)}))")
        view.run_js_json(expr, lambda value: done.done() or done.set_result({"marker": value}))
        return done

    def screenshot(self, path: str) -> dict:
        from PySide6.QtWidgets import QApplication

        target = QApplication.activeModalWidget() or self.window
        return {"ok": bool(self.window.grab().save(path)) and bool(target)}


async def _main(args) -> int:
    from app import paths
    from app.settings import Settings, save_sip_password
    from app.ui.shell.console import Console

    paths.set_data_dir(args.data_dir)
    phone = {}
    if args.sip_user:
        save_sip_password(os.environ.get("SAS_SIP_PASSWORD", ""))
        phone = {"sip_enabled": True, "sip_user": args.sip_user, "sip_proxy": args.sip_proxy,
                 "sip_domain": args.sip_domain, "sip_transfer_desks": args.sip_transfer_desks}
    cfg = Settings.model_construct(server_url=args.server, desk_number=args.desk, sync_interval_s=0.5,
                                   departement=args.departement, **phone)
    console = Console(cfg, args.server)
    info = await console.login(args.user, os.environ.get("SAS_PASSWORD", ""))
    if info is None:
        _say({"ready": False, "error": "login failed"})
        return 1
    console.build(info)
    driver = Driver(console)
    _say({"ready": True, "role": info.role, "user": info.username})

    loop = asyncio.get_running_loop()
    lines: asyncio.Queue = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        line = await lines.get()
        if line is None:
            break
        try:
            command = json.loads(line)
        except ValueError:
            _say({"error": "bad json"})
            continue
        op = command.pop("op", None)
        if op == "quit":
            _say({"bye": True})
            break
        if op == "wait":
            await asyncio.sleep(command.get("ms", 100) / 1000)
            _say({})
            continue
        try:
            answer = getattr(driver, op)(**command)
            _say(await asyncio.wait_for(answer, 10) if isinstance(answer, asyncio.Future) else answer)
        except Exception as exc:  # noqa: BLE001 - reported to the test, the desk goes on
            _say({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-1500:]})
        await asyncio.sleep(0)
    await console.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--desk", type=int, default=11)
    parser.add_argument("--departement", default="67")
    parser.add_argument("--sip-user", default="")
    parser.add_argument("--sip-proxy", default="")
    parser.add_argument("--sip-domain", default="127.0.0.1")
    parser.add_argument("--sip-transfer-desks", default="")
    args = parser.parse_args()

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from app.ui.shell import i18n

    i18n.install_translators("fr", app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(_main(args))


if __name__ == "__main__":
    sys.exit(main())
