"""The status bar: who is logged in, online or offline, the desk phone, items waiting to sync, messages."""

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
        self._phone = QLabel(self)  # the desk phone (issue 15), hidden when the desk has none
        self._phone.setAccessibleName(self.tr("État du téléphone"))
        self._phone.hide()
        self._message.setAccessibleName(self.tr("Message"))
        self._connection.setAccessibleName(self.tr("État de la connexion"))
        self._pending.setAccessibleName(self.tr("Éléments en attente de synchronisation"))
        self.addWidget(self._message, 1)
        for w in (self._user, self._connection, self._phone, self._pending):
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

    def set_phone(self, state: str | None) -> None:
        """The desk phone: ``ready``, ``starting``, ``down``/``off`` (work by hand), None: no telephony here."""
        if state is None:
            self._phone.clear()
            self._phone.hide()
            return
        if state == "ready":
            text, color = self.tr("☎ Téléphone prêt"), theme.colour("ok")
        elif state == "starting":
            text, color = self.tr("☎ Téléphone en démarrage…"), theme.colour("muted")
        else:
            text, color = self.tr("☎ Téléphone indisponible : saisie manuelle"), theme.colour("alert")
        self._phone.setText(text)
        self._phone.setStyleSheet(f"color: {color}; font-weight: bold;")
        self._phone.show()

    def phone_text(self) -> str:
        return self._phone.text() if not self._phone.isHidden() else ""

    def set_pending(self, count: int) -> None:
        self._pending.setText(self.tr("%d en attente de synchronisation") % count)
        self._pending.setStyleSheet(f"color: {theme.colour('warning')}; font-weight: bold;" if count
                                    else f"color: {theme.colour('muted')};")

    def pending_text(self) -> str:
        return self._pending.text()
