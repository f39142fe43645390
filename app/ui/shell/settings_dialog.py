"""The settings dialog (Ctrl+,): every desk setting, checked field by field, saved atomically.

:func:`validate` checks the typed values and returns a French message per
wrong field (invalid URL, radius out of range, CA file not found…);
:class:`SettingsDialog` shows them under the fields and saves nothing until
all are right.  On OK the :class:`~app.settings.Settings` object the console
runs on is updated in place and written with :func:`app.settings.save`
(temporary file, then rename): the radius, the SAMU code and the desk number
apply to the next case, the theme at once; the server, the map tiles, the
CA file, the sync interval and the language at the next start, which
:attr:`SettingsDialog.restart_needed` lists for the caller to say so.  The
« Téléphonie » rows (issue 15) apply at the next login, when the softphone
starts; the SIP password goes to its own owner-only file, never to the
settings file (left empty, the saved one is kept).
"""

from __future__ import annotations

from app import settings as settings_mod
from app.settings import Settings
from app.ui.shell import theme as theme_mod
from app.ui.shell.form_rows import add_row, error_label
from app.ui.shell.i18n import LANGUAGES
from app.ui.qt import (
    QCheckBox, QComboBox, QCoreApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QT_TRANSLATE_NOOP, Qt, QVBoxLayout, QWidget,
)

#: Settings that only take effect when the console starts again.
RESTART_FIELDS = ("server_url", "departement", "tile_url", "tile_attribution", "sync_interval_s", "ca_file",
                  "language", "lock_after_min", "sip_enabled", "sip_user", "sip_domain", "sip_proxy",
                  "sip_local_port", "sip_ctrl_port")
RADIUS_RANGE, SYNC_RANGE, LOCK_RANGE = settings_mod.RADIUS_RANGE, settings_mod.SYNC_RANGE, settings_mod.LOCK_RANGE
#: The French message of each wrong field (translated when shown), naming the field first.
MESSAGES = {
    "server_url": QT_TRANSLATE_NOOP("SettingsDialog", "Adresse du serveur invalide : attendu "
                                    "http(s)://hôte[:port], ou vide pour le serveur local intégré."),
    "samu_code": QT_TRANSLATE_NOOP("SettingsDialog", "Code SAMU invalide : trois chiffres (670 pour le SAMU 67)."),
    "desk_number": QT_TRANSLATE_NOOP("SettingsDialog", "Numéro de poste invalide : un nombre de 10 à 99."),
    "departement": QT_TRANSLATE_NOOP("SettingsDialog", "Département invalide : 01 à 95, 2A, 2B ou 971 à 976."),
    "tile_url": QT_TRANSLATE_NOOP("SettingsDialog", "URL des tuiles invalide : http(s)://… contenant {z}, {x} "
                                  "et {y}, ou vide."),
    "default_radius_km": QT_TRANSLATE_NOOP("SettingsDialog", "Rayon de recherche hors limites : de %g à %g km."),
    "sync_interval_s": QT_TRANSLATE_NOOP("SettingsDialog", "Intervalle de synchronisation hors limites : "
                                         "de %g à %g s."),
    "ca_file": QT_TRANSLATE_NOOP("SettingsDialog", "Fichier CA introuvable : %s"),
    "lock_after_min": QT_TRANSLATE_NOOP("SettingsDialog", "Verrouillage après inactivité hors limites : "
                                        "de %g à %g min."),
    "sip_user": QT_TRANSLATE_NOOP("SettingsDialog", "Compte SIP invalide : lettres, chiffres, « . _ + - » "
                                  "(64 au plus)."),
    "sip_domain": QT_TRANSLATE_NOOP("SettingsDialog", "Domaine SIP invalide : un nom d'hôte ou une adresse IP."),
    "sip_proxy": QT_TRANSLATE_NOOP("SettingsDialog", "Proxy SIP invalide : hôte[:port], ou vide."),
    "sip_local_port": QT_TRANSLATE_NOOP("SettingsDialog", "Port SIP local invalide : de 0 (au choix) à 65535."),
    "sip_ctrl_port": QT_TRANSLATE_NOOP("SettingsDialog", "Port de contrôle invalide : de 0 (au choix) à 65535."),
    "sip_transfer_desks": QT_TRANSLATE_NOOP("SettingsDialog", "Postes médecins invalides : comptes SIP séparés "
                                            "par des virgules."),
}
#: The « Téléphonie » rows (issue 15), after the others.
SIP_FIELDS = ("sip_user", "sip_domain", "sip_proxy", "sip_local_port", "sip_ctrl_port", "sip_transfer_desks")
_PORTS = ("sip_local_port", "sip_ctrl_port")


def _message(name: str) -> str:
    return QCoreApplication.translate("SettingsDialog", MESSAGES[name])


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


#: Fields whose message shows their range.
_RANGES = {"default_radius_km": RADIUS_RANGE, "sync_interval_s": SYNC_RANGE, "lock_after_min": LOCK_RANGE}


def validate(values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Typed settings from the dialog's texts, and a French message for each wrong field.

    The rules are :class:`app.settings.Settings`'s (the same that check the file at start);
    this only turns texts into values and pydantic's findings into the field's message.
    """
    typed: dict = {name: text.strip() for name, text in values.items()}
    typed["departement"] = typed["departement"].upper()
    desk = typed["desk_number"]
    typed["desk_number"] = int(desk) if desk.isdigit() else -1  # empty or not a number: refused
    typed["sip_enabled"] = typed.get("sip_enabled") == "1"
    for name in _PORTS:
        port = typed.get(name, "0") or "0"
        typed[name] = int(port) if port.isdigit() else -1
    for name in _RANGES:
        typed[name] = _number(values[name])
    _cfg, wrong = settings_mod.check(typed)
    errors: dict[str, str] = {}
    for name in (n for n in values if n in wrong):
        if name in _RANGES:
            errors[name] = _message(name) % _RANGES[name]
        elif name == "ca_file":
            errors[name] = _message(name) % typed[name]
        else:
            errors[name] = _message(name)
    if _cfg is not None:
        typed = {name: getattr(_cfg, name) for name in typed}
    else:
        for name in ("desk_number", *_PORTS):
            if typed[name] == -1:
                typed[name] = 0
    return typed, errors


class SettingsDialog(QDialog):
    """Edits a :class:`Settings` in place; ``restart_needed`` names what waits for the next start."""

    def __init__(self, cfg: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paramètres du poste"))
        self._cfg = cfg
        self.restart_needed: list[str] = []
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        rows = [
            ("server_url", self.tr("Adresse du &serveur"), self.tr("vide : serveur local intégré")),
            ("samu_code", self.tr("Code &SAMU"), "670"),
            ("desk_number", self.tr("&Numéro de poste"), "10–99"),
            ("departement", self.tr("&Département"), "67"),
            ("default_radius_km", self.tr("&Rayon de recherche par défaut (km)"), "15"),
            ("sync_interval_s", self.tr("Intervalle de s&ynchronisation (s)"), "2"),
            ("lock_after_min", self.tr("&Verrouillage après inactivité (min)"), "10"),
            ("tile_url", self.tr("URL des &tuiles de carte"), "https://…/{z}/{x}/{y}.png"),
            ("tile_attribution", self.tr("&Attribution des tuiles"), ""),
            ("ca_file", self.tr("&Fichier CA (certificat du serveur)"), self.tr("vide : autorités du système")),
        ]
        for name, label, placeholder in rows:
            self._edit_row(form, name, label, placeholder)
        self._telephony_rows(form)
        self.language_box = self._combo(list(LANGUAGES.items()), cfg.language, self.tr("Langue de l'interface"))
        add_row(form, self, self.tr("&Langue (au prochain démarrage)"), self.language_box)
        themes = [("clair", self.tr("Clair, contraste élevé")), ("sombre", self.tr("Sombre, contraste élevé")),
                  ("systeme", self.tr("Celui du système"))]
        self.theme_box = self._combo(themes, cfg.theme, self.tr("Thème"))
        add_row(form, self, self.tr("T&hème"), self.theme_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        for which, text, name in ((QDialogButtonBox.StandardButton.Ok, self.tr("OK"), self.tr("Enregistrer")),
                                  (QDialogButtonBox.StandardButton.Cancel, self.tr("Annuler"), self.tr("Annuler"))):
            self.buttons.button(which).setText(text)
            self.buttons.button(which).setAccessibleName(name)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _telephony_rows(self, form: QFormLayout) -> None:
        """The « Téléphonie » section: on/off, the SIP account, its password (its own file), proxy and ports."""
        title = QLabel(self.tr("Téléphonie (à la prochaine connexion)"), self)
        title.setStyleSheet("font-weight: bold;")
        form.addRow(title)
        self.sip_enabled = QCheckBox(self.tr("Téléphonie activée (softphone du poste)"), self)
        self.sip_enabled.setChecked(self._cfg.sip_enabled)
        self.sip_enabled.setAccessibleName(self.tr("Téléphonie activée"))
        form.addRow(self.sip_enabled)
        rows = [("sip_user", self.tr("&Compte SIP du poste"), "arm1"),
                ("sip_domain", self.tr("D&omaine SIP"), self.tr("vide : l'hôte du serveur")),
                ("sip_proxy", self.tr("&Proxy SIP (hôte:port)"), "127.0.0.1:5060"),
                ("sip_local_port", self.tr("Port SIP &local"), self.tr("0 : au choix")),
                ("sip_ctrl_port", self.tr("Port de contrôle du softphone"), self.tr("0 : au choix")),
                ("sip_transfer_desks", self.tr("Postes médecins (transfert)"), "mru1, mrl1")]
        for name, label, placeholder in rows:
            self._edit_row(form, name, label, placeholder)
            if name == "sip_user":
                self.sip_password = QLineEdit(self)
                self.sip_password.setEchoMode(QLineEdit.EchoMode.Password)
                self.sip_password.setPlaceholderText(self.tr("vide : inchangé"))
                self.sip_password.setAccessibleName(self.tr("Mot de passe SIP"))
                add_row(form, self, self.tr("Mot de &passe SIP"), self.sip_password)

    def _edit_row(self, form: QFormLayout, name: str, label: str, placeholder: str) -> None:
        """A line edit for the setting ``name``, with its French error line under it."""
        edit = QLineEdit(self._text(name), self)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(label.replace("&", ""))
        self.edits[name] = edit
        self.errors[name] = error_label(self, f"{name}Error", word_wrap=True)
        self.errors[name].setTextFormat(Qt.TextFormat.PlainText)
        add_row(form, self, label, edit, self.errors[name])

    def _text(self, name: str) -> str:
        value = getattr(self._cfg, name)
        if name == "desk_number" and not value:
            return ""
        return f"{value:g}" if isinstance(value, float) else str(value)

    def _combo(self, items: list[tuple[str, str]], current: str, accessible: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(accessible)
        for key, text in items:
            box.addItem(text, key)
        box.setCurrentIndex(max(0, box.findData(current)))
        return box

    def values(self) -> dict[str, str]:
        """The dialog's raw texts, by setting name."""
        values = {name: edit.text() for name, edit in self.edits.items()}
        values["language"] = self.language_box.currentData()
        values["theme"] = self.theme_box.currentData()
        values["sip_enabled"] = "1" if self.sip_enabled.isChecked() else ""
        return values

    def accept(self) -> None:
        """Save if every field is right; otherwise show each message and focus the first wrong field."""
        typed, errors = validate(self.values())
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
            self.edits[name].setProperty("invalid", name in errors)
            self.edits[name].style().polish(self.edits[name])
        if errors:
            self.edits[next(n for n in self.edits if n in errors)].setFocus()
            return
        before = self._cfg.model_dump()
        for name, value in typed.items():
            setattr(self._cfg, name, value)
        settings_mod.save(self._cfg)
        if self.sip_password.text():
            settings_mod.save_sip_password(self.sip_password.text())
            self.sip_password.clear()
        self.restart_needed = [n for n in RESTART_FIELDS if before.get(n) != typed.get(n)]
        if before.get("theme") != self._cfg.theme:
            theme_mod.apply_theme(self._cfg.theme)
        super().accept()

    def restart_message(self) -> str:
        """A French sentence for the status bar, empty when everything applied at once."""
        if not self.restart_needed:
            return self.tr("Paramètres enregistrés.")
        return self.tr("Paramètres enregistrés ; certains (%s) prendront effet au prochain démarrage.") % ", ".join(
            self._label(n) for n in self.restart_needed)

    def _label(self, name: str) -> str:
        if name == "language":
            return self.tr("langue")
        if name == "sip_enabled":
            return self.tr("téléphonie")
        return self.edits[name].accessibleName().lower()
