"""Running the server: :func:`serve` for ``sas server``, :class:`EmbeddedServer` in-process.

The embedded server is the console's default (design.md, "Embedded default")
and the tests' real server: uvicorn runs the app in a daemon thread, on
127.0.0.1, on a port the OS picks (a socket bound to port 0 is handed to
uvicorn, so there is no window in which another process could take the port).
``start()`` returns once ``/healthz`` answers; ``stop()`` asks uvicorn to
finish its requests and waits for the thread.

Both key the journal and anchor its head at start and stop
(:func:`app.server.routes.journal.install_seal`).

Access logs never show query strings: a search URL carries the patient's
coordinates; no log line shows SQL parameters or request bodies (:func:`app.logs.install_redaction`).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time

import httpx
import uvicorn

from app import logs
from app.server import limits, live
from app.server.app import create_app
from app.server.hub.broker import HubConfig
from app.server.routes.journal import install_seal

log = logging.getLogger(__name__)


class RedactQueryString(logging.Filter):
    """Strip the query string from uvicorn access-log lines (patient coordinates)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8765, *, tls_cert: str | None = None,
          tls_key: str | None = None, hub: HubConfig | None = None, journal_key: str | None = None,
          max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES) -> None:
    """Run the server in the foreground until interrupted (``sas server``); HTTPS with a certificate and key.

    ``hub``: connect to the Hub Santé broker as that client (:mod:`app.server.hub.broker`);
    ``journal_key``: the journal's key file (default: ``SAS_JOURNAL_KEY_FILE`` or the data dir's);
    ``max_body_bytes``: the request body limit (413 beyond).
    """
    app = create_app(db_url, hub=hub, max_body_bytes=max_body_bytes)
    install_seal(app, journal_key)  # keyed journal, anchored at start and stop (issue 12)
    # A graceful stop that still waited for a response after 10 s cancels it (live.Server ends the streams first).
    config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=True,
                            ssl_certfile=tls_cert, ssl_keyfile=tls_key, timeout_graceful_shutdown=10)
    logging.getLogger("uvicorn.access").addFilter(RedactQueryString())
    logs.install_redaction()  # again: uvicorn's logging configuration has just created its handlers
    scheme = "https" if tls_cert else "http"
    log.info("SAS server on %s://%s:%d (API documentation at /docs)", scheme, host, port)
    live.Server(config).run()  # ends the event streams first when stopping


class EmbeddedServer:
    """The server in a background thread of this process, on a free local port.

    Usable as a context manager::

        with EmbeddedServer(sqlite_url(path)) as server:
            httpx.get(server.url + "/healthz")
    """

    def __init__(self, db_url: str, *, host: str = "127.0.0.1", startup_timeout: float = 30.0,
                 tls_cert: str | None = None, tls_key: str | None = None, ca_file: str | None = None,
                 journal_key: str | None = None):
        self.db_url = db_url
        self.journal_key = journal_key  # None: SAS_JOURNAL_KEY_FILE or the data dir's key file
        self.tls_cert, self.tls_key, self.ca_file = tls_cert, tls_key, ca_file
        self.host = host
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (only once started)."""
        if self.port is None:
            raise RuntimeError("embedded server not started")
        return f"{'https' if self.tls_cert else 'http'}://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> EmbeddedServer:
        """Open the database, start uvicorn and return once ``/healthz`` answers."""
        if self._thread is not None:
            raise RuntimeError("embedded server already started")
        app = create_app(self.db_url)
        install_seal(app, self.journal_key)
        # proto=IPPROTO_TCP matters: asyncio disables Nagle (TCP_NODELAY) only on sockets whose
        # proto says TCP; with proto 0 every small response waited ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind((self.host, 0))
        self._socket = sock
        self.port = sock.getsockname()[1]
        # log_config=None: leave the host program's logging alone, just quiet uvicorn.
        config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False,
                                timeout_graceful_shutdown=5, ssl_certfile=self.tls_cert, ssl_keyfile=self.tls_key)
        self._server = live.Server(config)
        self._thread = threading.Thread(target=self._run, args=(sock,), name="sas-embedded-server", daemon=True)
        self._thread.start()
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        log.info("embedded server listening on %s", self.url)
        return self

    def _run(self, sock: socket.socket) -> None:
        try:
            self._server.run(sockets=[sock])
        except BaseException as exc:  # SystemExit from uvicorn on a startup failure, too
            self._error = exc
            log.error("embedded server stopped on an error", exc_info=exc)

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        # trust_env=False: an HTTP(S)_PROXY of the workstation must not catch 127.0.0.1.
        verify = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else not self.tls_cert
        with httpx.Client(timeout=2.0, trust_env=False, verify=verify) as client:
            while time.monotonic() < deadline:
                if not self._thread.is_alive():
                    raise RuntimeError(f"embedded server failed to start: {self._error!r}")
                try:
                    if client.get(self.url + "/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.02)
        raise TimeoutError(f"embedded server did not answer within {self.startup_timeout:g} s")

    def stop(self, timeout: float = 10.0) -> None:
        """Finish in-flight requests, stop uvicorn and close the database (idempotent)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("embedded server slow to stop; forcing")
            server.force_exit = True
            thread.join(2.0)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        log.info("embedded server stopped")

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
