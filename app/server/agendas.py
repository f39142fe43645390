"""The live agendas in the server's lifespan: one :class:`~app.services.agendas.live.LiveAgendas` per process.

With an editors' registry (``sas server --editors FILE``), :func:`running` starts the
periodic refresh on the app's event loop and stops it at shutdown; routes reach it with
:func:`live_agendas` (None without editors).  The territory is the server's
département (``--departement``, :func:`app.codes.room_time.room_departement`).

``app.state.agendas_first_delay_s`` (set before start) changes how soon the first full
refresh runs (2 s by default); ``app.state.agendas_departements`` names other départements.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.codes import room_time
from app.server.deps import ServerState
from app.services.agendas.live import LiveAgendas

log = logging.getLogger(__name__)


def live_agendas(app: FastAPI) -> LiveAgendas | None:
    return getattr(app.state, "agendas", None)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    """Run the live agendas while the app runs (nothing without editors)."""
    state: ServerState = app.state.sas
    if not state.editors:
        app.state.agendas = None
        yield
        return
    departements = getattr(app.state, "agendas_departements", None) or [room_time.room_departement()]
    live = LiveAgendas(state.engine, state.sessions, state.editors, departements,
                       first_delay_s=getattr(app.state, "agendas_first_delay_s", 2.0))
    await live.start()
    app.state.agendas = live
    log.info("live agendas: %d editor(s), refresh every %g s, territory %s", len(state.editors.editors),
             state.editors.refresh_s, ", ".join(departements))
    try:
        yield
    finally:
        app.state.agendas = None
        await live.stop()
