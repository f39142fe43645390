"""The compact filter bar above the slot list, driven from the keyboard.

Alt+1 "disponible sous" (0–4 h … 48–72 h), Alt+2 consultation mode, Alt+3
structure kind, Alt+4 SAS participants only, Alt+5 effecteurs accepting
patients "en sus".  Alt+1..3 put the focus on their list (arrows choose);
Alt+4 and Alt+5 toggle.  Every change emits :attr:`SearchBar.filtersChanged`
with the Qt-free :class:`app.services.search.model.SearchFilters`.
"""

from __future__ import annotations

from app.services.search.model import SearchFilters
from app.ui.qt import (
    QCheckBox, QComboBox, QHBoxLayout, QKeySequence, QLabel, QShortcut, QT_TRANSLATE_NOOP, Qt, QWidget, Signal,
    Slot,
)

# Labels are French source strings, marked for lupdate and translated (context "SearchBar") when shown.
WINDOW_CHOICES = [(QT_TRANSLATE_NOOP("SearchBar", "Toutes"), ()), ("0–4 h", ("0-4",)),
                  ("0–8 h", ("0-4", "4-8")), ("4–8 h", ("4-8",)),
                  ("8–12 h", ("8-12",)), ("12–24 h", ("12-24",)), ("0–24 h", ("0-4", "4-8", "8-12", "12-24")),
                  ("24–48 h", ("24-48",)), ("48–72 h", ("48-72",))]
MODE_CHOICES = [(QT_TRANSLATE_NOOP("SearchBar", "Tous"), ()),
                (QT_TRANSLATE_NOOP("SearchBar", "Cabinet"), ("AMB",)),
                (QT_TRANSLATE_NOOP("SearchBar", "Visite à domicile"), ("HH",)),
                (QT_TRANSLATE_NOOP("SearchBar", "Téléconsultation"), ("VR",))]
STRUCTURE_CHOICES = [(QT_TRANSLATE_NOOP("SearchBar", "Toutes"), ()),
                     (QT_TRANSLATE_NOOP("SearchBar", "Individuel"), ("individuel",)),
                     ("CPTS", ("cpts",)), ("MSP", ("msp",)),
                     (QT_TRANSLATE_NOOP("SearchBar", "Centre de santé"), ("cds",)), ("SOS Médecins", ("sos",)),
                     (QT_TRANSLATE_NOOP("SearchBar", "Maison médicale de garde"), ("mmg",))]


class SearchBar(QWidget):
    """Filters of the slot search.

    Signals:
        filtersChanged(object): the user changed a filter; carries a :class:`SearchFilters`.
    """

    filtersChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_combo = self._combo(WINDOW_CHOICES, self.tr("Disponible sous"))
        self.mode_combo = self._combo(MODE_CHOICES, self.tr("Mode de consultation"))
        self.structure_combo = self._combo(STRUCTURE_CHOICES, self.tr("Type de structure"))
        self.sas_check = QCheckBox(self.tr("SAS uniquement"), self)
        self.sas_check.setToolTip(self.tr("Participants au SAS seulement (Alt+4)"))
        self.extra_check = QCheckBox(self.tr("En sus"), self)
        self.extra_check.setToolTip(self.tr("Effecteurs acceptant des patients en sus des disponibilités (Alt+5)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Short labels keep the bar narrow; the Alt+1..5 keys are in the tooltips and the F1 sheet.
        for label, key, combo in ((self.tr("Disponible sous"), "Alt+1", self.window_combo),
                                  (self.tr("Mode"), "Alt+2", self.mode_combo),
                                  (self.tr("Structure"), "Alt+3", self.structure_combo)):
            text = QLabel(label, self)
            text.setBuddy(combo)
            combo.setToolTip(f"{label} ({key})")
            layout.addWidget(text)
            layout.addWidget(combo)
        layout.addWidget(self.sas_check)
        layout.addWidget(self.extra_check)
        layout.addStretch(1)
        for combo in (self.window_combo, self.mode_combo, self.structure_combo):
            combo.currentIndexChanged.connect(self._on_changed)
        for check in (self.sas_check, self.extra_check):
            check.toggled.connect(self._on_changed)
        keys = [("Alt+1", self.window_combo.setFocus), ("Alt+2", self.mode_combo.setFocus),
                ("Alt+3", self.structure_combo.setFocus), ("Alt+4", self.sas_check.toggle),
                ("Alt+5", self.extra_check.toggle)]
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _combo(self, choices: list[tuple[str, tuple]], name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for label, value in choices:
            combo.addItem(self.tr(label), value)
        # Size to a short label, not the longest choice, so the bar never widens the window.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        return combo

    def filters(self) -> SearchFilters:
        """The filters as chosen now."""
        return SearchFilters(
            windows=tuple(self.window_combo.currentData() or ()), modes=tuple(self.mode_combo.currentData() or ()),
            structures=tuple(self.structure_combo.currentData() or ()), sas_only=self.sas_check.isChecked(),
            extra_only=self.extra_check.isChecked(),
        )

    def reset(self) -> None:
        """Back to "everything" (a new call) without emitting a change per widget."""
        self.blockSignals(True)
        try:
            for combo in (self.window_combo, self.mode_combo, self.structure_combo):
                combo.setCurrentIndex(0)
            self.sas_check.setChecked(False)
            self.extra_check.setChecked(False)
        finally:
            self.blockSignals(False)

    @Slot()
    def _on_changed(self, *_args) -> None:
        self.filtersChanged.emit(self.filters())
