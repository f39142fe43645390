"""Ending a console session: logout, the stop signals, closing at quit, and waiting for the window's end.

Part of :class:`app.ui.shell.console.Console` (a mixin it inherits).  Logging
out ("Changer d'utilisateur" on the lock screen, :mod:`app.ui.shell.session_lock`)
stops the desk phone, the lock and the sync, closes the window and drops the
cache (and its key), then revokes the token when the server answers in time;
the login dialog comes next.  SIGTERM and SIGINT
(:func:`app.ui.shell.app.install_stop_signals`) log out the same way, after
which :meth:`Console.run` returns 0.  At quit, the desk phone stops first (its
last call events leave through the HTTP client), then the sync and its live
stream, then the client, then the window and the cache.
"""

from __future__ import annotations

import asyncio
import logging

from app.services.desk.telephony_desk import TelephonyDesk
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.api_client import ApiClient, ApiError
from app.services.sync.worker import SyncService
from app.ui.qt import QApplication, QTimer
from app.ui.shell.main_window import MainWindow
from app.ui.shell.session_lock import SessionLock
from app.ui.shell.tasks import spawn

log = logging.getLogger(__name__)


class ConsoleStop:
    """The console's logout, stop request and close (the attributes are set by ``Console``)."""

    client: ApiClient
    desk: Desk | None
    window: MainWindow | None
    sync: SyncService | None
    telephony: TelephonyDesk | None
    lock: SessionLock | None
    _user: UserInfo | None
    _password_hash: str | None
    _sync_task: asyncio.Task | None
    _session_end: asyncio.Future | None
    _stopping: bool
    _stop_task: asyncio.Task | None

    async def logout(self) -> None:
        """Close the window and drop everything decrypted: views, store, cache engine and key, token.

        The token is revoked on the server first when it answers within a few seconds; offline it
        simply expires.
        """
        if self._session_end is not None and not self._session_end.done():
            self._session_end.set_result(True)
        QApplication.instance().setQuitOnLastWindowClosed(False)  # the login dialog comes next
        await self._teardown()
        try:
            await asyncio.wait_for(self.client.logout(), timeout=3)
        except (ApiError, asyncio.TimeoutError):  # Offline is an ApiError
            log.info("logout: the server did not revoke the token (it expires by itself)")
        self.client.token = None
        log.info("logged out")

    def request_stop(self) -> None:
        """SIGTERM or SIGINT (:func:`app.ui.shell.app.install_stop_signals`): log out as « Changer d'utilisateur »
        does (layout saved, cache closed, token revoked), then :meth:`run` returns 0 instead of asking for the
        next user.  Before any login, the login dialog is closed."""
        if self._stopping:
            return
        self._stopping = True
        log.info("stop requested: logging out and closing")
        if self.window is not None:
            self._stop_task = spawn(self.logout(), name="stop")
        else:
            QApplication.closeAllWindows()  # the login dialog: rejected, run() ends

    async def _teardown(self) -> None:
        if self.telephony is not None:
            telephony, self.telephony = self.telephony, None
            await telephony.stop()
        if self.lock is not None:
            self.lock.stop()
            self.lock = None
        if self.sync is not None:
            self.sync.stop()
            if self._sync_task is not None and not self._sync_task.done():
                await asyncio.wait([self._sync_task], timeout=10)
        self.sync = self._sync_task = None
        if self.window is not None:
            self.window.close()
            QTimer.singleShot(0, self.window.deleteLater)
        self.window = self.desk = self._user = self._password_hash = None
        self._drop_cache()

    async def _wait_closed(self) -> bool:
        """Wait until the window is closed (False) or the user logged out (True)."""
        app = QApplication.instance()
        loop = asyncio.get_running_loop()
        closed: asyncio.Future = loop.create_future()
        self._session_end = closed
        app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(False))
        return await closed

    async def close(self) -> None:
        """Stop the desk phone and the sync, close the HTTP client, then the window and the cache (and its key).

        The phone stops first: its last call events (a call ended by the quit) leave through the client."""
        if self.telephony is not None:
            telephony, self.telephony = self.telephony, None
            await telephony.stop()
        if self.sync is not None:
            self.sync.stop()
            await self.sync.live_closed()  # its stream's connection closes in its own task, before the client
        await self.client.aclose()  # before the window closes: the last window closed stops the loop
        await self._teardown()
