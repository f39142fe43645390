"""``sas server --workers N``: uvicorn's supervisor, whose workers end their event streams first when stopping.

uvicorn's supervisor (:class:`uvicorn.supervisors.multiprocess.Multiprocess`) binds the port,
spawns the worker processes, restarts one that dies and, told to stop (SIGTERM, Ctrl+C), sends
SIGTERM to each and waits for them.  Each worker serves with a plain ``uvicorn.Server``, which
waits for open responses before it stops: a desk's event stream never finishes by itself, so
a worker holding one would wait for its graceful timeout (10 s).  :class:`Supervisor` is the
same supervisor whose workers serve with :class:`app.server.live.Server` instead, which ends
the streams as soon as it is asked to stop (each desk reads ``shutdown`` and reconnects).

A worker's class travels to its process by reference (``spawn`` pickles the worker object whose
``target`` the process runs), so the worker process, too, serves with :class:`Worker`.
"""

from __future__ import annotations

import uvicorn
from uvicorn.supervisors import multiprocess

from app.server import live


class Worker(multiprocess.Process):
    """One worker process of :class:`Supervisor`: uvicorn's, serving with :class:`live.Server`."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = live.Server(config=self.config)
        return self._server


class Supervisor(multiprocess.Multiprocess):
    """uvicorn's supervisor whose every worker is a :class:`Worker`.

    uvicorn creates its workers in several places (the first ones, a dead one's replacement,
    SIGHUP's restart, SIGTTIN's extra worker), each by the name ``Process`` of its module: while
    this supervisor runs, that name is :class:`Worker`, so each of them serves with ``live.Server``.
    """

    def run(self) -> None:
        plain = multiprocess.Process  # fails loudly should uvicorn rename it
        multiprocess.Process = Worker  # type: ignore[misc]
        try:
            super().run()
        finally:
            multiprocess.Process = plain  # type: ignore[misc]


def run(config: uvicorn.Config) -> None:
    """Serve ``config`` (an import string, ``workers`` > 1) with :class:`Supervisor` until told to stop.

    What ``uvicorn.run`` does with several workers: bind the socket here, hand it to each worker.
    """
    sock = config.bind_socket()
    try:
        Supervisor(config, sockets=[sock]).run()
    except KeyboardInterrupt:  # a second Ctrl+C while the workers stop
        pass
    finally:
        sock.close()
