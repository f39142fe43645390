"""One console session: log in, open the encrypted cache, build the desk and the window, sync until closed.

The offline cache is opened only after login, with the key the server hands
this desk (:mod:`app.services.sync.cache_crypto`); logging out ("Changer
d'utilisateur" on the lock screen, :mod:`app.ui.shell.session_lock`) closes the
window, stops the sync and closes the cache
(:class:`app.services.sync.desk_cache.DeskCache`, whose engine alone held the
key), then shows the login dialog again.  The console reaches the cache only
through that services object: it holds no engine and opens no session.

A desk is complete on its first paint (issue 13): after login, :meth:`Console.start` runs
the first sync round — push what waited, pull the journal — for at most
:data:`FIRST_SYNC_S` seconds before the window is built and shown (offline, or slower
than that, the window shows the cache and the sync goes on behind it).

The desk phone (issue 15, :class:`app.services.desk.telephony_desk.TelephonyDesk`) starts its
softphone once the window shows and stops it at logout or quit (the call facts the server has not
acknowledged stay in the cache for the next session of that user); without telephony in the
settings it stays absent and the console works by hand.

This module holds the run loop and what is built after login; :class:`Console` inherits the
rest: logging in and the cache key (:mod:`app.ui.shell.console_login`), logout, stop signals
and close (:mod:`app.ui.shell.console_stop`), and the screenshot flows
(:mod:`app.ui.shell.console_shots`, also home of :func:`wait_signal` and
:data:`SCREENSHOT_ACCOUNT`, re-exported here).

Kept apart from :mod:`app.ui.shell.app` so that tests can drive a whole console
against a real server inside one process and one Qt application.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from app.codes import room_time
from app.startup import process_age_s

from app.services.sync.api_client import ApiClient
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.desk_cache import DeskCache
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.services.desk.telephony_desk import TelephonyDesk
from app.settings import Settings, load_sip_password
from app.ui.shell.console_login import ConsoleLogin
from app.ui.shell.console_shots import SCREENSHOT_ACCOUNT, ConsoleShots, wait_signal
from app.ui.shell.console_stop import ConsoleStop
from app.ui.shell.main_window import MainWindow
from app.ui.map.preload import take_map_view
from app.ui.map.wiring import MapWiring
from app.ui.qt import QApplication
from app.ui.shell.session_lock import SessionLock
from app.ui.shell.tasks import spawn

__all__ = ["Console", "FIRST_SYNC_S", "SCREENSHOT_ACCOUNT", "wait_signal"]

log = logging.getLogger(__name__)

#: The longest wait for the first sync round before the window shows (the cache is shown after it).
FIRST_SYNC_S = 3.0


class Console(ConsoleLogin, ConsoleStop, ConsoleShots):
    """Owns the services and the window of one running console."""

    def __init__(self, cfg: Settings, server_url: str, *, embedded: bool = False):
        self.cfg = cfg
        room_time.set_room(cfg.departement)  # every time shown is the room's, whatever the computer's clock
        self.embedded = embedded
        #: The offline cache, opened after login with the server's key (None before, and after logout).
        self.store: LocalStore | None = None
        #: The encrypted cache (its engine is the only holder of the key), closed on logout.
        self.cache: DeskCache | None = None
        self.lock: SessionLock | None = None
        self._user: UserInfo | None = None
        self._password_hash: str | None = None  # memory only: unlocking while the server is unreachable
        self._sync_task: asyncio.Task | None = None
        self._session_end: asyncio.Future | None = None
        self.client = ApiClient(server_url, verify=cfg.ca_file or True)
        self.desk: Desk | None = None
        self.window: MainWindow | None = None
        self.sync: SyncService | None = None
        #: This session's desk phone (started after login, stopped at logout); None before and after.
        self.telephony: TelephonyDesk | None = None
        #: Makes the softphone (tests give a fake); None: the real adapter, when telephony is configured.
        self.softphone_factory = None
        #: Process age when the window was first usable (map loaded): the cold-start measure.
        self.ready_after_s: float | None = None
        self._stopping = False  # SIGTERM/SIGINT: log out, then end the run with 0
        self._stop_task: asyncio.Task | None = None

    async def run(self, *, user: str | None = None, password: str | None = None,
                  screenshot: str | None = None, panel: str = "appel", open_case: str | None = None) -> int:
        try:
            if screenshot and not user and self.embedded:
                from app.demo.panel_shots import PANELS

                user, password = PANELS.get(panel, SCREENSHOT_ACCOUNT)
            while True:
                info = await (self.login(user, password or "") if user else self._login_dialog())
                if self._stopping:  # SIGTERM while logging in: the token just issued is revoked too
                    if info is not None:
                        await self.logout()
                    return 0
                if info is None:
                    return 1
                await self.start(info)
                if screenshot and open_case:
                    from app.ui.shell.case_shot import shoot_case

                    return await shoot_case(self, open_case, Path(screenshot))
                if screenshot:
                    return await self._take_screenshot(Path(screenshot), panel)
                ended = await self._wait_closed()
                if self._stopping:
                    if self._stop_task is not None:
                        await self._stop_task  # the logout's end: token revoked before the client closes
                    return 0
                if not ended:
                    return 0
                user = password = None  # logged out: the next user logs in with the dialog
        finally:
            await self.close()

    # --- the running console -------------------------------------------------------------------
    async def start(self, info: UserInfo, *, first_sync_s: float = FIRST_SYNC_S) -> bool:
        """Sync once (at most ``first_sync_s`` seconds), then :meth:`build`; whether that round completed."""
        self.sync = SyncService(self.store, self.client, interval=self.cfg.sync_interval_s)
        try:
            done = (await asyncio.wait_for(self.sync.sync_once(), first_sync_s)).ok
        except TimeoutError:
            done = False
        log.info("first sync round %s; journal at %d", "done" if done else "not finished (cache shown)",
                 self.store.journal_cursor())
        self.build(info)
        return done

    def build(self, info: UserInfo) -> None:
        """Build the desk, the window and the sync service (unless :meth:`start` made it) for the logged-in user."""
        self.desk = Desk(store=self.store, client=self.client, settings=self.cfg, user=info)
        map_view = take_map_view(tile_url=self.cfg.tile_url, tile_attribution=self.cfg.tile_attribution,
                                 territory=[self.cfg.departement])
        self.telephony = TelephonyDesk(self.client, self.cfg, password=load_sip_password() if
                                       self.cfg.telephony_configured else "", factory=self.softphone_factory,
                                       outbox=self.cache.call_outbox(info.username) if self.cache else None)
        self.window = MainWindow(self.desk, self.store, map_view, telephony=self.telephony)
        MapWiring(self.window, self.desk)  # territory, patient's place (a child of the window)
        if self.sync is None:
            self.sync = SyncService(self.store, self.client, interval=self.cfg.sync_interval_s)
        self.sync.add_listener(self._on_sync_status)
        self.sync.add_journal_listener(self._on_journal_entries)
        self.window.orientationRecorded.connect(lambda _uuid: self.sync.wake())
        self.window.intake.caseSubmitted.connect(lambda _form: self.sync.wake())
        self.window.map_view.ready.connect(self._on_map_ready)
        if info.role in ("SUPERVISEUR", "ADMIN"):  # issue 7: the live wall, docked (F9)
            from app.ui.supervisor.wall import attach_wall
            attach_wall(self.window, self.cache.supervision_reads(), self.sync, user=info.display_name or info.username)
        self._user = info
        self.lock = SessionLock(self.window, info.display_name or info.username, self.cfg.lock_after_min,
                                self._verify_unlock)
        self.lock.switchUserRequested.connect(lambda: spawn(self.logout(), name="logout"))
        QApplication.instance().setQuitOnLastWindowClosed(True)
        self._on_sync_status(self.sync.status)  # what the first round found, before any change
        self.window.show()
        self.window.intake.focus_first()
        self._sync_task = spawn(self.sync.run(), name="sync")
        if self.window.phone is not None:
            spawn(self.telephony.start(), name="telephony")

    def _on_journal_entries(self, entries: list[dict]) -> None:
        """Entries from other desks were stored (live or pulled): the journal and the queue show them now."""
        if self.window is None:
            return
        self.window.refresh_journal()
        self.window.regulation.refresh()
        self.window.search.take_journal_entries(entries)  # late slots for the open search (issue 14)

    def _on_map_ready(self) -> None:
        if self.ready_after_s is None:
            self.ready_after_s = process_age_s()
            log.info("console usable after %.0f ms", self.ready_after_s * 1000)

    def _on_sync_status(self, status) -> None:
        if self.window is None:
            return
        self.window.status.set_online(status.online)
        self.window.refresh_journal()
        if status.last_error and status.online:
            self.window.status.show_message(status.last_error, error=True)
