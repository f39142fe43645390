"""Layout pieces of the intake panel: the opened case's banner, and the scroll area the form lives in.

The form scrolls inside the panel, so showing the details (Ctrl+Maj+D) or a
small screen never grows the window beyond the screen; the scroll area itself
is no tab stop (Tab goes from field to field, :meth:`IntakePanel._build`).
"""

from __future__ import annotations

from app.ui.qt import QCoreApplication, QFrame, QLabel, QSize, Qt, QtWidgets, QVBoxLayout, QWidget


def case_banner(panel: QWidget) -> QLabel:
    """The hidden green banner naming the case once it is opened (selectable, by mouse or keyboard)."""
    label = QLabel(panel)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setStyleSheet("background: #e8f5e9; color: #1b5e20; padding: 6px; font-weight: bold;")
    label.setWordWrap(True)  # a long case number never widens the form
    label.setAccessibleName(QCoreApplication.translate("IntakePanel", "Dossier ouvert"))
    label.hide()
    return label


class FormScroll(QtWidgets.QScrollArea):
    """A frameless scroll area for a form: it scrolls up and down only, and is never narrower than the form
    (its minimum width follows the form's, whatever styles, fonts or a banner shown later make it)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        body = self.widget()
        width = body.minimumSizeHint().width() if body is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth(),
                     super().minimumSizeHint().height())


def scrolled(panel: QWidget, body: QWidget) -> FormScroll:
    """Put ``body`` in a :class:`FormScroll` filling ``panel``; returns the area."""
    area = FormScroll(panel)
    area.setObjectName("intakeScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(body)
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return area
