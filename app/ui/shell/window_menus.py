"""The main window's menus: Console (settings, Ctrl+,), Affichage (docks, reset layout), Aide (F1 sheet).

Every action here also has a key, so the menus are where a user discovers
them rather than how they reach them.  :func:`build_menus` returns the actions
by name for the window and the tests.
"""

from __future__ import annotations

from app.settings import Settings
from app.ui.shell.layouts import WindowLayouts
from app.ui.qt import QAction, QDockWidget, QKeySequence, QMainWindow, QObject, Slot


class WindowMenus(QObject):
    """Builds the menu bar of a :class:`~app.ui.shell.main_window.MainWindow` and runs its entries."""

    def __init__(self, window: QMainWindow, layouts: WindowLayouts, docks: list[QDockWidget], cfg: Settings):
        super().__init__(window)
        self._window = window
        self._layouts = layouts
        self._cfg = cfg
        bar = window.menuBar()
        console = bar.addMenu(self.tr("&Console"))
        self.settings_action = self._action(self.tr("&Paramètres…"), "Ctrl+,", self.open_settings)
        console.addAction(self.settings_action)
        view = bar.addMenu(self.tr("&Affichage"))
        for dock in docks:
            toggle = dock.toggleViewAction()
            toggle.setText(dock.windowTitle())
            view.addAction(toggle)
        view.addSeparator()
        self.reset_layout_action = self._action(self.tr("&Rétablir la disposition"), "", layouts.reset)
        view.addAction(self.reset_layout_action)
        help_menu = bar.addMenu(self.tr("Ai&de"))
        self.shortcuts_action = self._action(self.tr("&Raccourcis clavier (F1)"), "", window.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.menus = {"console": console, "view": view, "help": help_menu}

    def _action(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self._window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    @Slot()
    def open_settings(self) -> None:
        """The settings dialog on the desk's settings; what waits for a restart is said in the status bar."""
        from app.ui.shell.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._cfg, self._window)
        if dialog.exec():
            self._window.status.show_message(dialog.restart_message())
