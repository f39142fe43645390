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

import json
import logging
import os
import socket
import ssl
import sys
import threading
import time

import httpx
import uvicorn

from app import logs
from app.codes import room_time
from app.server import limits, live
from app.server.app import create_app
from app.server.hub.broker import HubConfig
from app.server.routes.journal import install_seal
from app.server.workers import run as run_workers
from app.services.agendas import registry
from app.services.agendas.registry import Registry

log = logging.getLogger(__name__)


class RedactQueryString(logging.Filter):
    """Strip the query string from uvicorn access-log lines (patient coordinates)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


#: Seconds an idle keep-alive connection stays open.  Longer than any client keeps one for reuse
#: (httpx: 5 s, load balancers: 60 s): with equal timeouts, a client reusing a connection just as
#: the server closes it gets "server disconnected" instead of an answer.
KEEP_ALIVE_S = 65

#: How long a thread may hold the GIL while another waits for it (CPython's default is 5 ms).
GIL_SWITCH_S = 0.001


def _server_process() -> None:
    """What a server process sets before it serves: log filters, and a short GIL switch interval.

    Each request's thread takes the GIL again after every database round trip; while a
    CPU-bound request (the stats) runs, each of those waits up to the switch interval, and a
    write holds the journal lock through a dozen of them.  1 ms instead of 5 ms keeps those
    waits short, for a little more switching in the CPU-bound request.
    """
    sys.setswitchinterval(GIL_SWITCH_S)
    logging.getLogger("uvicorn.access").addFilter(RedactQueryString())
    logs.install_redaction()  # again: uvicorn's logging configuration has just created its handlers


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8765, *, tls_cert: str | None = None,
          tls_key: str | None = None, hub: HubConfig | None = None, journal_key: str | None = None,
          max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES, departement: str | None = None,
          workers: int = 1, editors: Registry | None = None) -> None:
    """Run the server in the foreground until interrupted (``sas server``); HTTPS with a certificate and key.

    ``departement``: the SAMU's département, whose time zone every time the server writes for people
    and partners is in (:mod:`app.codes.room_time`; Hub messages, FHIR appointments); by default the
    one of the Hub client id (``fr.health.samu974`` → 974), else 67.

    ``hub``: connect to the Hub Santé broker as that client (:mod:`app.server.hub.broker`);
    ``journal_key``: the journal's key file (default: ``SAS_JOURNAL_KEY_FILE`` or the data dir's);
    ``max_body_bytes``: the request body limit (413 beyond); ``workers``: server processes sharing
    the port (see :func:`serve_workers`); ``editors``: the agenda editors' registry
    (``--editors FILE``, :mod:`app.services.agendas.registry`; each worker reads its file again).
    """
    room_time.set_room(departement or room_time.departement_of_owner(hub.client_id if hub else None)
                       or room_time.DEFAULT_DEPARTEMENT)
    log.info("room time: département %s, %s", room_time.room_departement(), room_time.zone_name())
    scheme = "https" if tls_cert else "http"
    if workers > 1:
        log.info("SAS server on %s://%s:%d, %d worker processes (API documentation at /docs)",
                 scheme, host, port, workers)
        serve_workers(db_url, host, port, workers=workers, tls_cert=tls_cert, tls_key=tls_key,
                      journal_key=journal_key, max_body_bytes=max_body_bytes, hub=hub,
                      editors_file=editors.source if editors else None)
        return
    app = create_app(db_url, hub=hub, max_body_bytes=max_body_bytes, editors=editors)
    install_seal(app, journal_key)  # keyed journal, anchored at start and stop (issue 12)
    # A graceful stop that still waited for a response after 10 s cancels it (live.Server ends the streams first).
    config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=True,
                            ssl_certfile=tls_cert, ssl_keyfile=tls_key, timeout_keep_alive=KEEP_ALIVE_S,
                            timeout_graceful_shutdown=10)
    _server_process()
    log.info("SAS server on %s://%s:%d (API documentation at /docs)", scheme, host, port)
    live.Server(config).run()  # ends the event streams first when stopping


#: How ``sas server --workers N`` hands its options to each worker process (JSON).
WORKER_ENV = "SAS_SERVER_WORKER"


def serve_workers(db_url: str, host: str, port: int, *, workers: int, tls_cert: str | None = None,
                  tls_key: str | None = None, journal_key: str | None = None,
                  max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES, hub: HubConfig | None = None,
                  editors_file: str | None = None) -> None:
    """``workers`` server processes on one port (uvicorn's supervisor, :mod:`app.server.workers`), all over ``db_url``.

    With ``hub``, each worker is a client of the Hub: they share the consumption of its
    queues (the broker hands each message to one of them) and drain the one outbox of the
    database, each row held by one process at a time (:mod:`app.services.regulation.hub_outbox`).

    The server is stateless over its database (design.md, "Scale-out"): the journal lock, the
    login throttle and token revocation live in the database; each process has its own slot
    index (checked against the database at each search) and its own token cache (a revocation
    made by another process is honoured within ``SAS_TOKEN_CACHE_S``).  Before the workers
    start, this process migrates the schema and creates the journal key, so they never race
    to do either.
    """
    from app.models.db import open_database
    from app.services.records import journal_key as journal_keys

    engine, _sessions = open_database(db_url)
    engine.dispose()
    journal_keys.load_seal(journal_key, create=True)
    os.environ[WORKER_ENV] = json.dumps({"db_url": db_url, "journal_key": journal_key,
                                         "departement": room_time.room_departement(),
                                         "max_body_bytes": max_body_bytes, "editors_file": editors_file,
                                         "hub": [hub.url, hub.client_id] if hub else None,
                                         "log_level": logging.getLogger().getEffectiveLevel()})
    # Each worker ends its event streams first when stopping (app.server.workers), as one process does.
    run_workers(uvicorn.Config("app.server.run:worker_app", factory=True, workers=workers, host=host, port=port,
                               log_level="info", access_log=True, ssl_certfile=tls_cert, ssl_keyfile=tls_key,
                               timeout_keep_alive=KEEP_ALIVE_S, timeout_graceful_shutdown=10))


def worker_app():
    """The app of one worker process of :func:`serve_workers` (uvicorn calls it in each process)."""
    options = json.loads(os.environ[WORKER_ENV])
    room_time.set_room(options.get("departement") or room_time.DEFAULT_DEPARTEMENT)
    # A spawned process: the logging of ``sas`` (app.cli.main) is set up again, as in the parent.
    logging.basicConfig(level=options.get("log_level", logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    editors = registry.load(options["editors_file"]) if options.get("editors_file") else None
    hub = HubConfig(url=options["hub"][0], client_id=options["hub"][1]) if options.get("hub") else None
    app = create_app(options["db_url"], hub=hub, max_body_bytes=options["max_body_bytes"], editors=editors)
    install_seal(app, options["journal_key"])
    _server_process()
    return app


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
                                timeout_graceful_shutdown=5, ssl_certfile=self.tls_cert, ssl_keyfile=self.tls_key,
                                timeout_keep_alive=KEEP_ALIVE_S)
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
