"""The one place the console imports Qt from.

Every other module of ``app.ui`` takes its Qt names from here, so a binding or
version change touches one file.  Importing this module checks the minimum Qt
version the console was tested with.
"""

from __future__ import annotations

import PySide6
from PySide6 import QtCore, QtGui, QtWebChannel, QtWebEngineCore, QtWebEngineWidgets, QtWidgets
from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QKeySequence, QShortcut, QValidator
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStatusBar,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

MIN_QT = (6, 5)

_qt_version = tuple(int(p) for p in QtCore.qVersion().split(".")[:2])
if _qt_version < MIN_QT:  # pragma: no cover - depends on the installed wheel
    raise ImportError(f"Qt {QtCore.qVersion()} is too old; the console needs Qt >= {MIN_QT}")

__all__ = [
    "PySide6", "QtCore", "QtGui", "QtWidgets", "QtWebChannel", "QtWebEngineCore", "QtWebEngineWidgets",
    "QAbstractTableModel", "QByteArray", "QEvent", "QModelIndex", "QObject", "QPersistentModelIndex",
    "QSettings", "QSize", "QSortFilterProxyModel", "QStringListModel", "Qt", "QTimer", "QUrl", "Signal", "Slot",
    "QAction", "QColor", "QFont", "QIcon", "QKeySequence", "QShortcut", "QValidator",
    "QWebChannel", "QWebEnginePage", "QWebEngineProfile", "QWebEngineSettings", "QWebEngineView",
    "QAbstractItemView", "QApplication", "QComboBox", "QCompleter", "QDialog", "QDialogButtonBox",
    "QFormLayout", "QFrame", "QGridLayout", "QGroupBox", "QHBoxLayout", "QHeaderView", "QLabel", "QLineEdit",
    "QListView", "QMainWindow", "QMessageBox", "QPlainTextEdit", "QPushButton", "QSizePolicy", "QSplitter",
    "QStatusBar", "QTableView", "QTextBrowser", "QVBoxLayout", "QWidget",
]

# --- added for the intake panel, slot table, journal view and login dialog ---------------------
from PySide6.QtCore import QCoreApplication, QItemSelectionModel  # noqa: E402
from PySide6.QtGui import QKeyEvent, QPainter, QPixmap, QStandardItem, QStandardItemModel  # noqa: E402

__all__ += [
    "QCoreApplication", "QItemSelectionModel",
    "QKeyEvent", "QPainter", "QPixmap", "QStandardItem", "QStandardItemModel",
]

# --- added for the regulation workflow (issue 3): details, patients, queue, dialogs -------------------
from PySide6.QtWidgets import QCheckBox, QInputDialog, QListWidget  # noqa: E402

__all__ += ["QCheckBox", "QInputDialog", "QListWidget"]

# --- added for the supervisor wall (issue 7): background work, dock, charts, export -----------------
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis  # noqa: E402
from PySide6.QtCore import QRunnable, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QDockWidget, QFileDialog, QProgressBar  # noqa: E402

__all__ += ["QBarCategoryAxis", "QBarSeries", "QBarSet", "QChart", "QChartView", "QValueAxis", "QRunnable",
            "QThreadPool", "QDockWidget", "QFileDialog", "QProgressBar"]

# --- added for translations (issue 8): marks module-level French strings for pyside6-lupdate ---------
from PySide6.QtCore import QT_TRANSLATE_NOOP, QTranslator  # noqa: E402

__all__ += ["QT_TRANSLATE_NOOP", "QTranslator"]

# --- added for the shift review and the PDF shift report (issue 7) ---------------------------------
from PySide6.QtCore import QDateTime, QMargins, QMarginsF, QRectF, QSizeF  # noqa: E402
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtWidgets import QDateTimeEdit, QProgressDialog  # noqa: E402

__all__ += ["QDateTime", "QMargins", "QMarginsF", "QRectF", "QSizeF", "QImage", "QPageLayout", "QPageSize",
            "QPdfWriter", "QTextDocument", "QPdfDocument", "QDateTimeEdit", "QProgressDialog"]

# --- added for room time (issue 13): date pickers show the room's wall clock, not the computer's ----
from PySide6.QtCore import QDate, QTime, QTimeZone  # noqa: E402

__all__ += ["QDate", "QTime", "QTimeZone"]

# --- added for the case view and the per-role workspaces (issue 13) ----------------------------------
from PySide6.QtWidgets import QScrollArea, QStackedWidget  # noqa: E402

__all__ += ["QScrollArea", "QStackedWidget"]

# --- added for the desk phone (issue 15): the ringing panel's known cases ------------------------------
from PySide6.QtWidgets import QListWidgetItem  # noqa: E402

__all__ += ["QListWidgetItem"]
