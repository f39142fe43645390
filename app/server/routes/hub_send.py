"""Handing a case over to another Hub Santé client: ``POST /api/v1/cases/{uuid}/hub/send``.

Body ``{"recipient": "fr.health.samu690"}``.  The case and its decisions become the same
RS-EDA ``createCaseHealth`` as ``GET /api/v1/cases/{uuid}/hub/rs-eda`` gives — or, once
the recipient has acknowledged the case (its RC-REF is noted on it), an RS-EDA-MAJ
``createCaseHealthUpdate`` with the case's current state (:mod:`app.services.interop.hub.rs_eda_update`)
— in an envelope sent by *this server's* Hub client id (the Dispatcher checks the sender
against the routing key), validated, then written to the durable Hub outbox in the
transaction that notes the send (:mod:`app.services.regulation.hub_outbox`), which the
AMQP client drains (:mod:`app.server.hub.broker`).

* **202** ``{"distributionID", "recipient", "message", "hub_connected"}`` (``message``:
  ``RS-EDA`` or ``RS-EDA-MAJ``): queued (committed: it survives a restart of the server);
  it leaves at once when the broker is connected (``hub_connected``), when it comes back
  otherwise, exactly once with that distributionID.  A note on the case
  records the send (journalled, audited); the neighbour's RC-REF or RS-ERROR later adds
  its own note (:mod:`app.server.hub.inbox`).
* **404** unknown case; **422** naming ``recipient`` (not a Hub client id, or ourselves);
  **503** ``hub_unavailable`` when this server has no Hub connection configured
  (``sas server --hub-url … --hub-client-id …``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut, invalid, not_found
from app.server.routes.records import UuidPath
from app.services.security import permissions
from app.services.regulation import hub_send

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

#: A Hub client id: ``fr.health.samu690``, ``fr.health.ptfsas``, ``fr.fire.sdis67``…
CLIENT_ID_PATTERN = r"^fr(\.[a-z0-9][a-z0-9-]*){2,4}$"


class HubSendIn(BaseModel):
    """Who receives the case."""

    recipient: str = Field(pattern=CLIENT_ID_PATTERN, max_length=64,
                           description="Identifiant Hub Santé du destinataire, ex. fr.health.samu690")


class HubSendOut(BaseModel):
    distributionID: str
    recipient: str
    #: ``RS-EDA`` (first send) or ``RS-EDA-MAJ`` (the recipient already integrated the case).
    message: str
    #: False: the broker is away, the message waits in the outbox (in the database) until it is back.
    hub_connected: bool


def _known(state: ServerState, uuid: str) -> bool:
    with state.read() as session:
        return hub_send.case_exists(session, uuid)


def _prepare(state: ServerState, principal: Principal, uuid: str, sender: str, recipient: str) -> tuple[dict, str]:
    """The validated envelope and its message name, the send recorded on the case and queued (404 if unknown)."""
    with state.write() as session:
        return hub_send.prepare_send(session, principal, uuid, sender, recipient)


@router.post("/cases/{uuid}/hub/send", tags=["hub santé"], status_code=202,
             summary="Transférer un dossier par le Hub Santé (RS-EDA, puis RS-EDA-MAJ)", response_model=HubSendOut,
             responses={404: {"model": ErrorOut, "description": "Dossier inconnu"},
                        503: {"model": ErrorOut, "description": "Pas de connexion au Hub Santé configurée"}})
async def send_case(
    uuid: UuidPath,
    body: HubSendIn,
    request: Request,
    principal: Principal = Depends(require(permissions.HUB_SEND)),
    state: ServerState = Depends(get_state),
) -> JSONResponse:
    broker = getattr(request.app.state, "hub_broker", None)
    if broker is not None and body.recipient == broker.config.client_id:
        raise invalid("recipient", "le destinataire est ce SAMU lui-même")
    if broker is None:
        # An unknown case is still a 404: there would be nothing to send either way.
        if not await run_in_threadpool(_known, state, uuid):
            raise not_found("Dossier inconnu")
        raise ApiError(503, "hub_unavailable", "Aucune connexion au Hub Santé n'est configurée sur ce serveur")
    sent, message = await run_in_threadpool(_prepare, state, principal, uuid, broker.config.client_id,
                                            body.recipient)
    broker.wake()
    out = HubSendOut(distributionID=sent["distributionID"], recipient=body.recipient, message=message,
                     hub_connected=broker.connected)
    return JSONResponse(status_code=202, content=out.model_dump())
