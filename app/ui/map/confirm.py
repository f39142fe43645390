"""The one-key confirmation of the patient's new place, shown over the map.

Dragging the patient's marker or clicking the map only proposes a place: this
bar takes the keyboard focus and asks « Placer le patient ici ? » — Entrée
confirms, Échap cancels (or the two buttons, for the mouse).  It never decides
anything itself: :class:`app.ui.map.view.MapView` acts on :attr:`answered`.
"""

from __future__ import annotations

from app.ui.qt import QFrame, QHBoxLayout, QKeyEvent, QLabel, QPushButton, Qt, QWidget, Signal, Slot


class PlaceConfirmBar(QFrame):
    """A bar across the top of the map: the proposed place and its keys.

    Signals:
        answered(bool): Entrée (True) or Échap (False) while a place is proposed.
    """

    answered = Signal(bool)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._place: tuple[float, float] | None = None
        self.setObjectName("placeConfirmBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Confirmer la position du patient"))
        self.setStyleSheet("#placeConfirmBar { background: #fff8e1; border: 1px solid #ef6c00; }")
        self.text = QLabel(self)
        self.confirm_button = QPushButton(self.tr("Confirmer (Entrée)"), self)
        self.cancel_button = QPushButton(self.tr("Annuler (Échap)"), self)
        for button in (self.confirm_button, self.cancel_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the bar keeps the keys
        self.confirm_button.clicked.connect(lambda: self._answer(True))
        self.cancel_button.clicked.connect(lambda: self._answer(False))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.cancel_button)
        self.hide()

    def place(self) -> tuple[float, float] | None:
        return self._place

    def ask(self, lat: float, lon: float) -> None:
        """Propose (lat, lon), take the focus and wait for Entrée or Échap."""
        self._place = (lat, lon)
        self.text.setText(self.tr("Placer le patient ici (%s, %s), position exacte ? "
                                  "Entrée : confirmer · Échap : annuler")
                          % (f"{lat:.5f}".replace(".", ","), f"{lon:.5f}".replace(".", ",")))
        self.place_over(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def dismiss(self) -> None:
        self._place = None
        self.hide()

    def place_over(self, rect) -> None:
        """Span the top of ``rect`` (the map's area), right of the zoom buttons."""
        height = max(self.sizeHint().height(), 36)
        self.setGeometry(rect.x() + 56, rect.y() + 8, max(rect.width() - 64, 200), height)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self._place is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._answer(True)
            event.accept()
        elif self._place is not None and event.key() == Qt.Key.Key_Escape:
            self._answer(False)
            event.accept()
        else:
            super().keyPressEvent(event)

    @Slot()
    def _answer(self, confirmed: bool) -> None:
        if self._place is not None:
            self.answered.emit(confirmed)
