"""The room's FHIR endpoint for the agenda editors (INT_R03, domain.md B.4): appointments and their status.

* ``POST /fhir/Appointment`` — a ``FrAppointmentSAS``: **201** + ``Location:
  /fhir/Appointment/<id>`` when new; **200** (same ``Location``) when the room already
  holds that appointment (booked by the room at this editor, or known from the Hub);
* ``PUT /fhir/Appointment?identifier=<system>|<value>`` — conditional update: **200** for a
  known appointment, **201** for an unknown one (behaves as a create, as the guide asks of
  idempotent updates); the token must name one of the resource's identifiers;
* ``GET /fhir/Appointment/<id>`` — the appointment as the room holds it, to the editor
  that holds it (404 otherwise).

Bodies are ``application/fhir+json`` (``application/json`` accepted).  Errors are
``OperationOutcome`` resources whose ``diagnostics`` name the element in French:
**400** malformed (not JSON, nested too deep, ``identifier``/``status``/``start``/``end``
missing or malformed), **401** without or with an unknown bearer token, **404** unknown
id, **415** not JSON, **422** business refusal (unknown status, end before start, a
transition the room forbids, an appointment another editor holds).  413 for bodies over
the server's limit comes from :mod:`app.server.limits` in the API's error shape.

Authentication: ``Authorization: Bearer <token>``; its SHA-256 (hex) is compared in
constant time with every registry editor's ``push_token_sha256``
(:mod:`app.services.agendas.registry`): the match is the sender, written as
``editeur:<name>`` in the journal and the audit trail.  No user account may call these
routes (:data:`app.services.security.permissions.EDITOR_ROUTES`); the token is never
logged.  The rules live in :mod:`app.services.booking.appointment_updates`.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from app.server import limits
from app.server.deps import ServerState, get_state
from app.services.booking import appointment_updates
from app.services.interop.fhir.appointment_in import AppointmentInvalid, read_editor_appointment
from app.services.security import audit, permissions

#: Where editors post (the request limits leave its JSON depth check to this module).
APPOINTMENT_PATH = "/fhir/Appointment"
FHIR_JSON = "application/fhir+json"
_ISSUE_CODES = {400: "invalid", 401: "security", 404: "not-found", 415: "not-supported", 422: "business-rule"}

router = APIRouter(prefix="/fhir", tags=["FHIR éditeurs d'agenda (INT_R03)"])
_bearer = HTTPBearer(auto_error=False, scheme_name="EditorBearer",
                     description="Jeton d'un éditeur d'agenda du registre (sha256 = push_token_sha256)")


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


class FhirAppointmentOut(BaseModel):
    """A ``FrAppointmentSAS`` (documentation only: the SAS FHIR guide is the reference)."""

    model_config = ConfigDict(extra="allow")
    resourceType: str
    id: str | None = None
    identifier: list[dict]
    status: str
    start: str
    end: str | None = None


class OperationOutcomeOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    resourceType: str
    issue: list[dict]


def outcome(status: int, element: str, message: str, headers: dict[str, str] | None = None) -> FhirResponse:
    """An OperationOutcome answer naming ``element``."""
    issue = {"severity": "error", "code": _ISSUE_CODES.get(status, "processing"),
             "diagnostics": f"{element} : {message}", "expression": [element]}
    return FhirResponse(status_code=status, content={"resourceType": "OperationOutcome", "issue": [issue]},
                        headers=headers)


def _unauthorized(route: str) -> FhirResponse:
    audit.log("-", appointment_updates.EDITOR_ROLE, route, "-", "unauthorized")
    return outcome(401, "Authorization", "jeton d'éditeur d'agenda absent ou inconnu",
                   headers={"WWW-Authenticate": "Bearer"})


def sender(state: ServerState, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The registry editor whose push token this is, or None (every editor compared, in constant time)."""
    if credentials is None or not credentials.credentials:
        return None
    digest = hashlib.sha256(credentials.credentials.encode("utf-8")).hexdigest()
    found = None
    for editor in state.editors.editors:
        if editor.push_token_sha256 and hmac.compare_digest(digest, editor.push_token_sha256) and found is None:
            found = editor.name
    return found


def _document(request: Request, raw: bytes) -> tuple[object, FhirResponse | None]:
    kind = request.headers.get("content-type", FHIR_JSON).split(";")[0].strip().lower()
    if kind and not kind.endswith("json"):
        return None, outcome(415, "Content-Type", f"{FHIR_JSON} attendu")
    if limits.looks_like_json(raw) and limits.json_depth(raw) > limits.MAX_JSON_DEPTH:
        return None, outcome(400, "Appointment", limits.too_deep_message())
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, outcome(400, "Appointment", "JSON invalide")


def _store(state: ServerState, editor: str, document: object, conditional: str | None) -> FhirResponse:
    try:
        update = read_editor_appointment(document)
    except AppointmentInvalid as exc:
        route = permissions.FHIR_APPOINTMENTS_PUT if conditional is not None else permissions.FHIR_APPOINTMENTS_POST
        audit.log(appointment_updates.editor_actor(editor).author, appointment_updates.EDITOR_ROLE, route, "-",
                  f"refused {exc.status} {exc.element}")
        return outcome(exc.status, exc.element, exc.message)
    refused: AppointmentInvalid | None = None
    with state.write() as session:  # a refusal's audit row is committed, nothing else is written
        try:
            result = appointment_updates.receive_from_editor(session, editor, update, conditional=conditional)
            body, uuid = appointment_updates.as_resource(result.appointment), result.appointment.uuid
        except AppointmentInvalid as exc:
            refused = exc
    if refused is not None:
        return outcome(refused.status, refused.element, refused.message)
    return FhirResponse(status_code=result.status_code, content=body,
                        headers={"Location": f"{APPOINTMENT_PATH}/{uuid}"})


def _read(state: ServerState, editor: str, uuid: str) -> FhirResponse:
    refused: AppointmentInvalid | None = None
    with state.write(journal_lock=False) as session:
        try:
            body = appointment_updates.read_for_editor(session, editor, uuid)
        except AppointmentInvalid as exc:
            refused = exc
    if refused is not None:
        return outcome(refused.status, refused.element, refused.message)
    return FhirResponse(content=body)


_ERRORS = {code: {"model": OperationOutcomeOut, "content": {FHIR_JSON: {}}, "description": text} for code, text in (
    (400, "Requête mal formée (OperationOutcome nommant l'élément)"),
    (401, "Jeton d'éditeur absent ou inconnu"),
    (415, "Corps non JSON"),
    (422, "Refus métier (statut, transition, rendez-vous d'un autre éditeur)"))}


@router.post("/Appointment", response_model=FhirAppointmentOut, response_class=FhirResponse, status_code=201,
             summary="Éditeur d'agenda : créer un rendez-vous (FrAppointmentSAS)",
             responses={200: {"model": FhirAppointmentOut, "description": "Rendez-vous déjà connu, mis à jour"},
                        **_ERRORS})
async def create_appointment(request: Request, state: ServerState = Depends(get_state),
                             credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> FhirResponse:
    editor = sender(state, credentials)
    if editor is None:
        return _unauthorized(permissions.FHIR_APPOINTMENTS_POST)
    document, problem = _document(request, await request.body())
    if problem is not None:
        return problem
    return await run_in_threadpool(_store, state, editor, document, None)


@router.put("/Appointment", response_model=FhirAppointmentOut, response_class=FhirResponse,
            summary="Éditeur d'agenda : mise à jour conditionnelle d'un rendez-vous (?identifier=system|value)",
            responses={201: {"model": FhirAppointmentOut, "description": "Rendez-vous inconnu : créé"}, **_ERRORS})
async def update_appointment(request: Request, state: ServerState = Depends(get_state),
                             identifier: str | None = Query(None, max_length=300,
                                                            description="system|value de l'identifiant"),
                             credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> FhirResponse:
    editor = sender(state, credentials)
    if editor is None:
        return _unauthorized(permissions.FHIR_APPOINTMENTS_PUT)
    if not identifier or not identifier.strip("|"):
        return outcome(400, "identifier", "paramètre de recherche obligatoire (system|value)")
    document, problem = _document(request, await request.body())
    if problem is not None:
        return problem
    return await run_in_threadpool(_store, state, editor, document, identifier)


@router.get("/Appointment/{id}", response_model=FhirAppointmentOut, response_class=FhirResponse,
            summary="Éditeur d'agenda : relire un rendez-vous qu'il tient",
            responses={404: {"model": OperationOutcomeOut, "description": "Rendez-vous inconnu"}, **_ERRORS})
async def read_appointment(id: str, state: ServerState = Depends(get_state),  # noqa: A002 - FHIR's name
                           credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> FhirResponse:
    editor = sender(state, credentials)
    if editor is None:
        return _unauthorized(permissions.FHIR_APPOINTMENTS_GET)
    return await run_in_threadpool(_read, state, editor, id)
