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

Kept apart from :mod:`app.ui.shell.app` so that tests can drive a whole console
against a real server inside one process and one Qt application.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app import paths
from app.codes import room_time
from app.startup import process_age_s

from app.services.sync import cache_crypto
from app.services.sync.api_client import ApiClient, ApiError, NotFound, Offline
from app.services.security.auth import hash_password, verify_password
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.desk_cache import DeskCache
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.services.desk.telephony_desk import TelephonyDesk
from app.settings import Settings, load_sip_password
from app.ui.shell.login_dialog import LoginDialog
from app.ui.shell.main_window import MainWindow
from app.ui.map.preload import take_map_view
from app.ui.map.wiring import MapWiring
from app.ui.qt import QApplication, QTimer
from app.ui.shell.session_lock import SessionLock
from app.ui.shell.tasks import spawn

log = logging.getLogger(__name__)

#: Password hashing off the event loop.  A plain Python pool, not ``asyncio.to_thread``: under qasync
#: that runs on QThreads, and a QThread still alive when Python exits aborts the process.
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sas-hash")


async def _off_loop(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(_HASHING, fn, *args)


#: The longest wait for the first sync round before the window shows (the cache is shown after it).
FIRST_SYNC_S = 3.0

#: The demo account a screenshot of the embedded default logs in with.
SCREENSHOT_ACCOUNT = ("mrl", "mrl-demo")


async def wait_signal(signal, timeout: float = 30.0, predicate=None):
    """Await the next emission of a Qt signal (optionally one matching ``predicate``)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def _on_emit(*args):
        if not future.done() and (predicate is None or predicate(*args)):
            future.set_result(args)

    signal.connect(_on_emit)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(_on_emit)


class Console:
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

    # --- login ---------------------------------------------------------------------------
    async def login(self, user: str, password: str) -> UserInfo | None:
        """Log in without a dialog (``--user``, screenshots, tests)."""
        try:
            session = await self.client.login(user, password, desk_id=self._desk_id())
            await self._open_cache(password, session.username)
        except ApiError as exc:
            log.error("login failed for %s: %s", user, exc.message)
            print(f"Connexion impossible : {exc.message}")
            return None
        return UserInfo(session.username, session.role, session.display_name)

    async def _login_dialog(self) -> UserInfo | None:
        dialog = LoginDialog()
        dialog.show()
        loop = asyncio.get_running_loop()
        while True:
            attempt: asyncio.Future = loop.create_future()

            def _submitted(username, password, fut=attempt):
                if not fut.done():
                    fut.set_result((username, password))

            def _rejected(fut=attempt):
                if not fut.done():
                    fut.set_result(None)

            dialog.submitted.connect(_submitted)
            dialog.rejected.connect(_rejected)
            got = await attempt
            dialog.submitted.disconnect(_submitted)
            dialog.rejected.disconnect(_rejected)
            if got is None:
                return None
            try:
                session = await self.client.login(*got, desk_id=self._desk_id())
                await self._open_cache(got[1], session.username)
            except Offline:
                dialog.show_error("Serveur injoignable : vérifiez le réseau puis réessayez.")
                continue
            except ApiError as exc:
                dialog.show_error(exc.message)
                continue
            dialog.accept()
            return UserInfo(session.username, session.role, session.display_name)

    async def _open_cache(self, password: str, username: str) -> None:
        """Fetch this desk's key from the server and open the encrypted offline cache with it."""
        try:
            key = await self.client.cache_key(cache_crypto.desk_id())
        except NotFound:
            raise ApiError("Ce serveur ne fournit pas la clé du cache local : mettez-le à jour.") from None
        self._drop_cache()
        self.cache = DeskCache.open(paths.console_cache_path(), key)
        del key
        self.store = self.cache.store
        self.cache.purge_expired(username)
        self._password_hash = await _off_loop(hash_password, password)

    async def _verify_unlock(self, password: str) -> str | None:
        """None when ``password`` is the locked user's (server; offline, the login's); else the French reason."""
        try:
            await self.client.login(self._user.username, password, desk_id=self._desk_id())
            return None
        except Offline:
            ok = self._password_hash is not None and await _off_loop(
                verify_password, self._password_hash, password)
            return None if ok else "Mot de passe incorrect."
        except ApiError as exc:
            return exc.message

    def _desk_id(self) -> str | None:
        """This desk's number, sent at login so the server ends this user's older tokens here."""
        return str(self.cfg.desk_number) if self.cfg.desk_number else None

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

    def _drop_cache(self) -> None:
        self.store = None
        if self.cache is not None:
            self.cache.close()
            self.cache = None

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

    async def _wait_closed(self) -> bool:
        """Wait until the window is closed (False) or the user logged out (True)."""
        app = QApplication.instance()
        loop = asyncio.get_running_loop()
        closed: asyncio.Future = loop.create_future()
        self._session_end = closed
        app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(False))
        return await closed

    async def _take_screenshot(self, target: Path, panel: str = "appel") -> int:
        """Show a demo call around the territory's main town (or ``panel``), then write it to PNG."""
        if panel != "appel":
            from app.demo.panel_shots import shoot

            return await shoot(self, panel, target)
        await self.show_demo_call()
        ok = self.write_screenshot(target)
        return 0 if ok else 2

    async def show_demo_call(self, timeout: float = 60) -> int:
        """Wait for the map, type the demo call, let its search land on the map; the result count (-1: failed)."""
        from app.demo.call import fill_demo_call

        window = self.window
        if not window.map_view.is_ready():
            await wait_signal(window.map_view.ready, timeout=timeout)
        fill_demo_call(window, self.cfg.departement)
        (count,) = await wait_signal(window.searchFinished, timeout=timeout)
        for _ in range(100):
            if window.map_view.pending_commands() == 0:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.8)  # let Chromium paint the markers
        return count

    def write_screenshot(self, target: Path) -> bool:
        """Write the whole window to ``target`` (PNG); whether it was written."""
        target.parent.mkdir(parents=True, exist_ok=True)
        ok = self.window.grab().save(str(target))
        log.info("screenshot written to %s", target)
        return ok

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
