"""« Transférer au SAMU voisin… » (Ctrl+Maj+H): hand the open case over to another SAMU through Hub Santé.

Asks the recipient's Hub client id in an editable list (the SAMU of the neighbouring
départements first, any id may be typed), then calls ``POST /api/v1/cases/{uuid}/hub/send``
through :meth:`app.services.sync.api_client.ApiClient.send_case_to_hub`; the server builds the
RS-EDA and sends it over AMQP.  The status bar says what happened; the neighbour's
acknowledgement later shows as a note in the case's history.  The question goes through
:class:`RecipientPrompt`, whose class method tests replace.
"""

from __future__ import annotations

import re

from app.services.security import permissions
from app.services.sync.api_client import ApiError, NotFound
from app.ui.qt import QT_TRANSLATE_NOOP, QInputDialog, QObject, Signal, Slot
from app.ui.shell.shortcuts import bind_window_shortcuts
from app.ui.shell.tasks import spawn

#: (keys, French description) for the F1 sheet (translated when shown).
SHORTCUTS = [(QT_TRANSLATE_NOOP("Shortcuts", "Ctrl+Maj+H"),
              QT_TRANSLATE_NOOP("Shortcuts", "Transférer le dossier au SAMU voisin (Hub Santé)"))]
CLIENT_ID = re.compile(r"^fr(\.[a-z0-9][a-z0-9-]*){2,4}$")
#: Neighbouring départements of the demo territories (the list stays editable).
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "67": ("68", "57", "88", "54"), "68": ("67", "88", "90"), "57": ("67", "54", "55", "88"),
    "75": ("92", "93", "94"), "69": ("01", "38", "42", "71"), "13": ("83", "84", "30", "04"),
}


def neighbour_ids(departement: str) -> list[str]:
    """Hub client ids of the SAMU around ``departement`` (``fr.health.samu680``…)."""
    return [f"fr.health.samu{code}0" for code in NEIGHBOURS.get(departement, ())]


class RecipientPrompt:
    """The question; tests patch :meth:`ask`."""

    @classmethod
    def ask(cls, parent, title: str, label: str, choices: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(parent, title, label, choices, 0, True)
        return value.strip() if ok else None


class HubSendAction(QObject):
    """Ctrl+Maj+H on the main window.

    Signals:
        sent(str): the server queued the case for the Hub (its distributionID).
    """

    sent = Signal(str)

    def __init__(self, window, desk):
        super().__init__(window)
        self._w, self._desk = window, desk
        bind_window_shortcuts(window, (("Ctrl+Shift+H", self.send_current),))

    def _say(self, text: str, error: bool = False) -> None:
        self._w.status.show_message(text, error=error)

    @Slot()
    def send_current(self) -> None:
        if not permissions.is_allowed(permissions.HUB_SEND, self._desk.user.role):
            self._say(self.tr("Le transfert au SAMU voisin est réservé à l'ARM et aux médecins régulateurs"), True)
            return
        case = self._desk.current_case
        if case is None:
            self._say(self.tr("Ouvrez d'abord le dossier (Ctrl+Entrée)"), error=True)
            return
        recipient = RecipientPrompt.ask(self._w, self.tr("Transférer au SAMU voisin"),
                                        self.tr("Identifiant Hub Santé du SAMU destinataire :"),
                                        neighbour_ids(self._desk.settings.departement))
        if recipient is None:
            return
        if not CLIENT_ID.match(recipient):
            self._say(self.tr("Destinataire invalide : identifiant Hub Santé attendu (ex. fr.health.samu680)"), True)
            return
        if recipient == self._desk.settings.owner:
            self._say(self.tr("Destinataire invalide : c'est ce SAMU"), error=True)
            return
        self._say(self.tr("Transfert du dossier à %s…") % recipient)
        spawn(self._send(case.uuid, recipient), on_error=self._on_error, name="hub-send")

    async def _send(self, case_uuid: str, recipient: str) -> None:
        answer = await self._desk.client.send_case_to_hub(case_uuid, recipient)
        if answer.get("message") == "RS-EDA-MAJ":
            self._say(self.tr("Mise à jour du dossier transmise à %s (RS-EDA-MAJ) ; l'accusé de réception "
                              "s'affichera dans l'historique") % recipient)
        elif answer.get("hub_connected", True):
            self._say(self.tr("Dossier transmis à %s par le Hub Santé ; l'accusé de réception s'affichera "
                              "dans l'historique") % recipient)
        else:
            self._say(self.tr("Hub Santé injoignable : le dossier pour %s partira dès son retour") % recipient)
        self.sent.emit(answer.get("distributionID", ""))

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, NotFound):
            text = self.tr("Le serveur n'a pas encore ce dossier (synchronisation en cours) : réessayez dans un instant")  # noqa: E501
        elif isinstance(exc, ApiError) and exc.code == "hub_unavailable":
            text = self.tr("Ce serveur n'est pas relié au Hub Santé : transfert impossible")
        elif isinstance(exc, ApiError):
            text = exc.message
        else:
            text = self.tr("Transfert impossible : %s") % exc
        self._say(text, error=True)
