"""The session lock: after a few idle minutes, or Ctrl+Maj+L, the window shows only who is logged in.

:class:`SessionLock` watches the console's windows for key, mouse and touch
events (an event filter on each top-level ``QWindow``, through which every
input event of its widgets passes first; see the WORKAROUND below).  After
``Settings.lock_after_min`` minutes without one, or at once on Ctrl+Maj+L, it
hides every view of the main window (and any other window of the console),
disables their shortcuts and covers the window with a :class:`LockScreen`:
"Session verrouillée — <user>", a password field, "Déverrouiller" and
"Changer d'utilisateur".  Nothing with patient data stays visible; the sync
goes on in the background.

Unlocking re-authenticates: the password goes to the ``verify`` coroutine the
console gives (the server, or when it is unreachable the password checked at
login); it returns None or the French reason for a refusal.
"Changer d'utilisateur" emits :attr:`SessionLock.switchUserRequested`; the
console then logs out (and drops the decrypted cache).

Ctrl+L stays "go to the slot list" (README, F1 sheet), hence Ctrl+Maj+L here.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from app.ui.shell.icons import with_icon
from app.ui.qt import (
    QAction, QApplication, QEvent, QHBoxLayout, QKeySequence, QLabel, QLineEdit, QObject, QPushButton, QShortcut,
    Qt, QTimer, QVBoxLayout, QWidget, Signal, Slot,
)
from app.ui.shell.tasks import spawn

LOCK_KEYS = "Ctrl+Shift+L"
_WATCHED = "sasSessionLockWatched"  # dynamic property marking a QWindow already filtered
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


#: Window property set while the session is locked (its docks are hidden, not closed by the user).
LOCKED_PROPERTY = "sasSessionLocked"


class LockScreen(QWidget):
    """What a locked window shows: the user, a password field, unlock and switch-user buttons.

    Signals:
        unlockRequested(str): the password typed to unlock.
        switchUserRequested(): the user chose "Changer d'utilisateur".
    """

    unlockRequested = Signal(str)
    switchUserRequested = Signal()

    def __init__(self, user_label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.title = QLabel(self.tr("Session verrouillée — %s") % user_label, self)
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Mot de passe"))
        self.password_edit.setAccessibleName(self.tr("Mot de passe"))
        self.password_edit.setMaximumWidth(320)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.hide()
        self.unlock_button = with_icon(QPushButton(self.tr("&Déverrouiller"), self), "lock")
        self.unlock_button.setDefault(True)
        self.switch_button = with_icon(QPushButton(self.tr("&Changer d'utilisateur"), self), "user")
        self.unlock_button.clicked.connect(self._on_unlock)
        self.password_edit.returnPressed.connect(self._on_unlock)
        self.switch_button.clicked.connect(self.switchUserRequested)

        self.password_edit.setMinimumWidth(320)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.password_edit, self.error_label):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def reset(self) -> None:
        self.password_edit.clear()
        self.error_label.hide()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self.password_edit.setReadOnly(busy)
        self.unlock_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        self.password_edit.clear()
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if not self.password_edit.text():
            self.show_error(self.tr("Saisissez votre mot de passe."))
            return
        self.set_busy(True)
        self.unlockRequested.emit(self.password_edit.text())


class SessionLock(QObject):
    """Locks ``window`` after ``lock_after_min`` idle minutes (0: never) or on Ctrl+Maj+L.

    Signals:
        locked(): the window was just covered.
        unlocked(): the right password was given; the views are back.
        switchUserRequested(): forwarded from the lock screen.
    """

    locked = Signal()
    unlocked = Signal()
    switchUserRequested = Signal()

    def __init__(self, window: QWidget, user_label: str, lock_after_min: float,
                 verify: Callable[[str], Awaitable[str | None]]):
        super().__init__(window)
        self._window = window
        self._verify = verify
        self._idle_s = max(0.0, float(lock_after_min)) * 60
        self._last_activity = time.monotonic()
        self._locked = False
        self._hidden: list[QWidget] = []
        self._disabled: list[QObject] = []
        self.screen = LockScreen(user_label, window)
        self.screen.hide()
        self.screen.unlockRequested.connect(self._on_unlock_requested)
        self.screen.switchUserRequested.connect(self.switchUserRequested)
        self._shortcut = QShortcut(QKeySequence(LOCK_KEYS), window)
        self._shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self._shortcut.activated.connect(self.lock)
        self._timer = QTimer(self)
        self._timer.setInterval(int(max(0.05, min(self._idle_s / 4, 5.0)) * 1000))
        self._timer.timeout.connect(self._check_idle)
        window.installEventFilter(self)
        self._watch_windows()
        if self._idle_s > 0:
            self._timer.start()

    def is_locked(self) -> bool:
        return self._locked

    def _watch_windows(self) -> None:
        """Filter the input of every shown top-level window (the main one, dialogs)."""
        # WORKAROUND: a Python event filter on the QApplication segfaults in PySide6 6.12 (shiboken
        # wraps QtWebEngine objects still under construction, __dynamic_cast crash); the QWindow of
        # each top-level sees the same input events and is always a complete object.
        for widget in QApplication.topLevelWidgets():
            handle = widget.windowHandle() if widget.isVisible() else None
            if handle is not None and not handle.property(_WATCHED):
                handle.setProperty(_WATCHED, True)
                handle.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind in _ACTIVITY:
            self._last_activity = time.monotonic()
        elif obj is self._window and kind == QEvent.Type.Show:
            self._watch_windows()
        elif obj is self._window and kind == QEvent.Type.Resize and self.screen.isVisible():
            self.screen.setGeometry(self._window.rect())
        return False

    @Slot()
    def _check_idle(self) -> None:
        self._watch_windows()
        if not self.is_locked() and time.monotonic() - self._last_activity >= self._idle_s:
            self.lock()

    @Slot()
    def lock(self) -> None:
        """Hide every view and shortcut of the console and show the lock screen."""
        if self.is_locked():
            return
        self._locked = True
        window = self._window
        window.setProperty(LOCKED_PROPERTY, True)  # the layout saved at close must not be the locked one
        others = [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible()]
        children = [w for w in window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                    if w is not self.screen and w.isVisible()]
        self._hidden = others + children
        for widget in self._hidden:
            widget.hide()
        self._disabled = [s for s in (*window.findChildren(QShortcut), *window.findChildren(QAction))
                          if s is not self._shortcut and s.isEnabled()]
        for item in self._disabled:
            item.setEnabled(False)
        self.screen.reset()
        self.screen.setGeometry(window.rect())
        self.screen.show()
        self.screen.raise_()
        self.screen.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.locked.emit()

    def unlock(self) -> None:
        """Bring the views back (after a verified password)."""
        self._locked = False
        self._window.setProperty(LOCKED_PROPERTY, False)
        self.screen.hide()
        self.screen.reset()
        for item in self._disabled:
            item.setEnabled(True)
        for widget in self._hidden:
            widget.show()
        self._hidden, self._disabled = [], []
        self._last_activity = time.monotonic()
        self.unlocked.emit()

    @Slot(str)
    def _on_unlock_requested(self, password: str) -> None:
        spawn(self._try_unlock(password), name="unlock",
              on_error=lambda _exc: self.screen.show_error(self.tr("Déverrouillage impossible : réessayez.")))

    async def _try_unlock(self, password: str) -> None:
        refusal = await self._verify(password)
        if refusal is None:
            self.unlock()
        else:
            self.screen.show_error(refusal)

    def stop(self) -> None:
        """Stop watching (logout, close): no more timer nor event filters."""
        self._timer.stop()
        self._window.removeEventFilter(self)
        for widget in QApplication.topLevelWidgets():
            handle = widget.windowHandle()
            if handle is not None and handle.property(_WATCHED):
                handle.removeEventFilter(self)
                handle.setProperty(_WATCHED, None)
