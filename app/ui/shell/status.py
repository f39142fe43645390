"""The status bar: who is logged in, online or offline, items waiting to sync, messages."""

from __future__ import annotations

from app.ui.shell import theme
from app.ui.qt import QLabel, QStatusBar, QWidget


class ConsoleStatusBar(QStatusBar):
    """Shows the user and role, the connection state and the sync queue.

    Messages stay until the next one, so a user who looked away still reads
    the outcome of the last action; errors are shown in red.
    """

    def __init__(self, user, parent: QWidget | None = None):
        super().__init__(parent)
        self._message = QLabel(self)
        self._user = QLabel(f"{user.display_name} — {user.role}", self)
        self._connection = QLabel(self)
        self._pending = QLabel(self)
        self._message.setAccessibleName(self.tr("Message"))
        self._connection.setAccessibleName(self.tr("État de la connexion"))
        self._pending.setAccessibleName(self.tr("Éléments en attente de synchronisation"))
        self.addWidget(self._message, 1)
        for w in (self._user, self._connection, self._pending):
            self.addPermanentWidget(w)
        self.set_online(None)
        self.set_pending(0)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self._message.setStyleSheet(f"color: {theme.colour('alert')}; font-weight: bold;" if error else "")
        self._message.setText(text)

    def message(self) -> str:
        return self._message.text()

    def set_online(self, online: bool | None) -> None:
        if online is None:
            text, color = self.tr("● Connexion…"), theme.colour("muted")
        elif online:
            text, color = self.tr("● En ligne"), theme.colour("ok")
        else:
            text, color = self.tr("● Hors ligne"), theme.colour("alert")
        self._connection.setText(text)
        self._connection.setStyleSheet(f"color: {color}; font-weight: bold;")

    def connection_text(self) -> str:
        return self._connection.text()

    def set_pending(self, count: int) -> None:
        self._pending.setText(self.tr("%d en attente de synchronisation") % count)
        self._pending.setStyleSheet(f"color: {theme.colour('warning')}; font-weight: bold;" if count
                                    else f"color: {theme.colour('muted')};")

    def pending_text(self) -> str:
        return self._pending.text()
