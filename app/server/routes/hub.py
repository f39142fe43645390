"""Hub Santé interoperability routes (issue 6): receive an EDXL-DE envelope, export a case as RS-EDA.

* ``POST /api/v1/hub/messages`` — one EDXL-DE envelope (JSON).  Valid and stored →
  **200** with the Ack envelope (RC-REF, step ``INTEGRE``); refused → **400** with an
  Error envelope carrying the RS-ERROR: 102 not JSON, 300 not schema-valid (the
  schema errors in ``errorCause``), 200 distributionID not prefixed by the sender,
  101 a message type this console does not take, 701 case already known (or appointment
  created twice), 702 update of an unknown case, 704 unusable data, 700 any unexpected
  error while processing (logged by exception type only, never the payload).  A body
  that is JSON but not an object (``[]``, ``null``, ``1``) is 300; one nested deeper than
  :data:`app.server.limits.MAX_JSON_DEPTH` is 102, refused before it is parsed.
  Nothing is stored when refused (one transaction).  Storage: :mod:`app.server.hub.records`; RS-SAS-RDV
  appointments (``appointment``): :mod:`app.server.hub.appointments`.
* ``GET /api/v1/cases/{uuid}/hub/rs-eda`` — the case and its decisions as an RS-EDA
  envelope, validated before it is sent; the read is audited like any case read.

The answer's sender is the recipient the message was addressed to (our CRRA).
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server import limits
from app.server.errors import ERROR_RESPONSES, ErrorOut, describe_unexpected
from app.server.routes.records import UuidPath
from app.services.regulation import commands, hub_outbox, hub_send
from app.services.regulation.errors import Refused
from app.services.security import permissions
from app.services.interop.hub import ack, envelope, schemas

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class HubEnvelopeOut(BaseModel):
    """An EDXL-DE envelope (documentation only: the official schema is the reference)."""

    model_config = ConfigDict(extra="allow")
    distributionID: str
    senderID: str
    dateTimeSent: str
    dateTimeExpires: str
    distributionStatus: str
    distributionKind: str
    descriptor: dict
    content: list[dict]


#: Where envelopes are posted (the request limits leave its JSON depth check to this route).
MESSAGES_PATH = "/api/v1/hub/messages"
#: Use cases this console stores.
HANDLED = ("createCaseHealth", "createCaseHealthUpdate", "appointment")


def _refuse(code: int, cause: str, document, principal: Principal, state: ServerState | None = None,
            answer_as: str | None = None) -> JSONResponse:
    """The RS-ERROR answer (400); with ``answer_as``, sent as that client and queued in the Hub outbox."""
    distribution_id, sender, recipient = envelope.header_fields(document)
    audit(principal, permissions.HUB_MESSAGES_POST, distribution_id[:64] or "-", f"refused {code}")
    body = ack.error_envelope(code, cause, sender=answer_as or recipient or None, recipient=sender or None,
                              referenced_distribution_id=distribution_id or "inconnu", source=document)
    if state is not None and answer_as:
        with state.write(journal_lock=False) as session:
            hub_outbox.add(session, body, sender=answer_as)
    return JSONResponse(status_code=400, content=body)


class AnswerNotQueued(RuntimeError):
    """The answer to a message received over AMQP could not be put in the Hub outbox (cause logged by type)."""


def process_envelope(state: ServerState, document, principal: Principal, *,
                     answer_as: str | None = None) -> JSONResponse:
    """Validate, store (one committed transaction) and answer one envelope: Ack (200) or Error (400).

    Shared by this route and the AMQP inbox (:mod:`app.server.hub.inbox`), which gives
    ``answer_as`` (its client id): the answer is then sent as that client through the Hub
    outbox — the Ack in the very transaction that stores the message, an Error in its own —
    and a redelivered message already acknowledged changes nothing
    (:func:`app.services.regulation.hub_outbox.import_and_acknowledge`).  Never raises over
    HTTP: an unexpected error is answered with RS-ERROR 700 and logged by type and frames
    only; over AMQP, an answer that cannot be queued raises :class:`AnswerNotQueued`.
    """
    try:
        return _process(state, document, principal, answer_as)
    except Exception as exc:  # noqa: BLE001 - every message gets an answer, never a 500
        log.error("Hub Santé: unexpected error while processing a message: %s", describe_unexpected(exc))
        try:
            return _refuse(ack.INTERNAL_CLIENT_ERROR, "Erreur interne du destinataire lors du traitement du message",
                           document, principal, state, answer_as)
        except Exception as again:  # noqa: BLE001 - e.g. the audit table itself is broken
            log.error("Hub Santé: could not record the refusal: %s", describe_unexpected(again))
            if answer_as:  # the message stays with the broker, to be processed again
                raise AnswerNotQueued(type(again).__name__) from None
            distribution_id, sender, recipient = envelope.header_fields(document)
            body = ack.error_envelope(ack.INTERNAL_CLIENT_ERROR, "Erreur interne du destinataire",
                                      sender=recipient or None, recipient=sender or None,
                                      referenced_distribution_id=distribution_id or "inconnu")
            return JSONResponse(status_code=400, content=body)


def _process(state: ServerState, document, principal: Principal, answer_as: str | None) -> JSONResponse:
    def refuse(code: int, cause: str) -> JSONResponse:
        return _refuse(code, cause, document, principal, state, answer_as)

    if not isinstance(document, dict):
        return refuse(ack.INVALID_MESSAGE, "Message non conforme au schéma : / : objet EDXL-DE attendu")
    errors = schemas.validate_envelope(document)
    if errors:
        return refuse(ack.INVALID_MESSAGE, ack.describe_errors(errors))
    received = envelope.read_envelope(document)
    if not envelope.distribution_id_matches_sender(received):
        return refuse(ack.SENDER_INCONSISTENCY, "Le distributionID doit commencer par « <senderID>_ »")
    if received.root_key not in HANDLED or received.kind not in ("Report", "Update"):
        return refuse(101, f"Message {received.root_key} ({received.kind}) non pris en charge par la console")
    try:
        with state.write() as session:
            if answer_as:
                body, again = hub_outbox.import_and_acknowledge(session, principal, received, answer_as)
                if again:
                    log.info("Hub Santé: %s received again, already stored and acknowledged",
                             received.distribution_id[:200])
            else:
                commands.import_hub_message(session, principal, received)
                body = ack.ack_envelope(received.distribution_id, sender=received.recipient,
                                        recipient=received.sender_id)
    except ack.HubMessageError as exc:
        return refuse(exc.code, exc.cause)
    except Refused as exc:
        return refuse(ack.INSUFFICIENT_DATA, exc.message)
    return JSONResponse(status_code=200, content=body)


def parse_body(raw: bytes) -> tuple[object, str | None]:
    """(document, None) or (None, French cause of a 102): not JSON, or nested too deep to parse safely."""
    if limits.looks_like_json(raw) and limits.json_depth(raw) > limits.MAX_JSON_DEPTH:
        return None, f"Corps de requête : {limits.too_deep_message()}"
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "Corps de requête : JSON attendu"


@router.post(MESSAGES_PATH.removeprefix("/api/v1"), tags=["hub santé"],
             summary="Recevoir un message Hub Santé (enveloppe EDXL-DE)",
             response_model=HubEnvelopeOut,
             responses={200: {"description": "Enveloppe d'acquittement (RC-REF)"},
                        400: {"model": HubEnvelopeOut,
                              "description": "Enveloppe d'erreur (RS-ERROR, codes officiels)"}})
async def post_hub_message(
    request: Request,
    principal: Principal = Depends(require(permissions.HUB_MESSAGES_POST)),
    state: ServerState = Depends(get_state),
) -> JSONResponse:
    """Validate, store and acknowledge one envelope; refuse it with an RS-ERROR otherwise."""
    document, problem = parse_body(await request.body())
    if problem is not None:
        return _refuse(ack.UNRECOGNIZED_MESSAGE_FORMAT, problem, None, principal)
    return await run_in_threadpool(process_envelope, state, document, principal)


@router.get("/cases/{uuid}/hub/rs-eda", tags=["hub santé"], summary="Exporter un dossier en RS-EDA (EDXL-DE)",
            response_model=HubEnvelopeOut, responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def get_case_rs_eda(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.HUB_RS_EDA_GET)),
    state: ServerState = Depends(get_state),
) -> JSONResponse:
    with state.write(journal_lock=False) as session:
        return JSONResponse(content=hub_send.export_case(session, principal, uuid))
