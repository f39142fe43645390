"""The FastAPI application of the central server: :func:`create_app`.

One app per database.  It opens the database (creating or migrating the
schema), installs the structured error handlers and mounts the routers:

==========================================  =====================================
``GET  /healthz``                            liveness, no authentication
``POST /api/v1/auth/login``                  bearer token for a user
``GET  /api/v1/auth/me``                     the token's user
``GET  /api/v1/slots/search``                free slots around a point
``POST /api/v1/slots/{slot_id}/booking``     book a slot (atomic, 409 if taken)
``PUT  /api/v1/cases/{uuid}``                create a case (idempotent)
``GET  /api/v1/cases/{uuid}``                read a case
``PUT  /api/v1/orientations/{uuid}``         record an orientation (idempotent)
``GET  /api/v1/orientations/{uuid}``         read an orientation
``PUT  /api/v1/cases/{case_uuid}/events/…`` a change to a case (idempotent)
``GET  /api/v1/cases/{case_uuid}/events``    a case's changes
``PUT  /api/v1/surge/{uuid}``                the surge switch (idempotent)
``GET  /api/v1/journal``                     the shared journal by cursor
``GET  /api/v1/events``                      the journal pushed live (server-sent events)
``POST /api/v1/sync/batch``                  many outbox items in one transaction
``GET  /api/v1/stats``                       supervisor indicators of a period
``GET  /api/v1/journal/verify``              whether the journal's hash chain holds
``POST /api/v1/hub/messages``                receive a Hub Santé envelope (RS-EDA…)
``GET  /api/v1/cases/{uuid}/hub/rs-eda``      a case as an RS-EDA envelope
``POST /api/v1/cases/{uuid}/hub/send``        send a case over AMQP (Hub Santé)
``GET  /api/v1/appointments``                 SAS appointments: unattached / follow-up worklists
``POST /api/v1/appointments/{uuid}/…``        attach to a case, mark the patient called back
``GET  /api/v1/desk/cache-key``               the desk's offline-cache key
``GET  /api/v1/editors``                      the agenda editors' health (ADMIN)
``POST|PUT /fhir/Appointment``                agenda editors: appointments and their status (FHIR)
==========================================  =====================================

Endpoints are plain ``def`` functions over synchronous SQLAlchemy sessions;
FastAPI runs them in its thread pool.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__, logs
from app.models.db import open_database
from app.server import agendas, errors, limits, live
from app.services.agendas.registry import Registry
from app.server.routes import auth as routes_auth, case_events as routes_case_events, records as routes_records
from app.server.routes import slots as routes_slots, stats as routes_stats, sync as routes_sync
from app.server.routes import desk as routes_desk, hub as routes_hub
from app.server.hub import inbox as hub_inbox
from app.server.routes import hub_send as routes_hub_send
from app.server.hub.broker import HubConfig
from app.server.routes import events as routes_events, journal as routes_journal
from app.server.routes import appointments as routes_appointments
from app.server.routes import admin as routes_admin
from app.server.routes import places as routes_places
from app.server.routes import editors as routes_editors
from app.server.routes import fhir_inbox as routes_fhir_inbox
from app.server.routes import calls as routes_calls
from app.server.deps import ServerState
from app.server.schemas import HealthOut

log = logging.getLogger(__name__)

TITLE = "SAS — serveur central"
DESCRIPTION = (
    "API de la console de régulation SAMU / SAS : authentification, recherche et réservation de "
    "créneaux, dossiers et orientations (écritures idempotentes par UUID client), journal partagé. "
    "Toutes les erreurs ont la forme `{error, message, fields?}`."
)


def create_app(db_url: str, hub: HubConfig | None = None, *,
               max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES, editors: Registry | None = None) -> FastAPI:
    """The server app over the database at ``db_url`` (opened and migrated now); ``hub``: its AMQP client.

    ``max_body_bytes``: the largest request body accepted (413 beyond, :mod:`app.server.limits`).
    ``editors``: the agenda editors' registry (:mod:`app.services.agendas.registry`).
    """
    logs.install_redaction()
    engine, sessions = open_database(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with hub_inbox.connected(_app, hub), agendas.running(_app):
            yield
        live.close_streams(_app)
        engine.dispose()
        log.info("server stopped, database closed")

    app = FastAPI(title=TITLE, description=DESCRIPTION, version=__version__, lifespan=lifespan)
    app.state.sas = ServerState(engine=engine, sessions=sessions, editors=editors or Registry())
    live.install(app, sessions)  # app.state.live: wakes GET /api/v1/events on each journal commit
    errors.install(app)
    # Last added is outermost: the limits run first, then unexpected errors are contained.
    app.add_middleware(errors.ContainErrors)
    app.add_middleware(limits.RequestLimits, max_body_bytes=max_body_bytes,
                       own_depth_check=(routes_hub.MESSAGES_PATH, routes_fhir_inbox.APPOINTMENT_PATH))

    @app.get("/healthz", response_model=HealthOut, tags=["supervision"], summary="Le serveur répond")
    def healthz() -> HealthOut:
        return HealthOut()

    for module in (routes_auth, routes_slots, routes_records, routes_case_events, routes_sync, routes_stats, routes_hub,
                   routes_journal, routes_events):
        app.include_router(module.router)
    app.include_router(routes_desk.router)
    app.include_router(routes_appointments.router)
    app.include_router(routes_hub_send.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_places.router)
    app.include_router(routes_editors.router)
    app.include_router(routes_fhir_inbox.router)
    app.include_router(routes_calls.router)
    return app
