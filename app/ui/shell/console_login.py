"""Logging a console in: the login dialog or given credentials, the desk's cache key, the unlock check.

Part of :class:`app.ui.shell.console.Console` (a mixin it inherits).  A login
asks the server for a token (sent with this desk's number, so the server ends
the user's older tokens here), then for this desk's cache key, and opens the
encrypted offline cache with it (:class:`app.services.sync.desk_cache.DeskCache`,
whose engine alone holds the key); the cache is dropped here too, before a new
one opens and at logout.

The password is kept only as a hash in memory, computed off the event loop, so
that the lock screen (:mod:`app.ui.shell.session_lock`) can be unlocked while
the server is unreachable.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from app import paths
from app.services.desk.workflow import UserInfo
from app.services.security.auth import hash_password, verify_password
from app.services.sync import cache_crypto
from app.services.sync.api_client import ApiClient, ApiError, NotFound, Offline
from app.services.sync.desk_cache import DeskCache
from app.services.sync.local_store import LocalStore
from app.settings import Settings
from app.ui.shell.login_dialog import LoginDialog

log = logging.getLogger(__name__)

#: Password hashing off the event loop.  A plain Python pool, not ``asyncio.to_thread``: under qasync
#: that runs on QThreads, and a QThread still alive when Python exits aborts the process.
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sas-hash")


async def _off_loop(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(_HASHING, fn, *args)


class ConsoleLogin:
    """The console's login, cache opening and unlock check (the attributes are set by ``Console``)."""

    cfg: Settings
    client: ApiClient
    store: LocalStore | None
    cache: DeskCache | None
    _user: UserInfo | None
    _password_hash: str | None

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

    def _drop_cache(self) -> None:
        self.store = None
        if self.cache is not None:
            self.cache.close()
            self.cache = None

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
