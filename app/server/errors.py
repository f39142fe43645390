"""Structured JSON errors: one shape for every failure the API reports.

Every error body is ``{"error": code, "message": French text}``; validation
errors (422) add ``fields``, a list of ``{"field": "patients.0.birth_date",
"message": ...}``.  Routes raise :class:`ApiError`; :func:`install` maps
FastAPI's own errors (bad JSON, bad query, unknown route, busy database,
unexpected exception) to the same shape, so a client never has to parse
anything else and bad input never turns into a 500.

:class:`ContainErrors` turns an exception that no handler took into the same
structured 500 *inside* the app: Starlette's outermost error middleware re-raises
after answering, and uvicorn then closes the client's keep-alive connection.
Unexpected errors are logged by exception type and traceback frames only: an
exception's message may quote the request (a patient's name).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.services.regulation.errors import VALIDATION_MESSAGE, Refused

log = logging.getLogger(__name__)



class FieldErrorOut(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    error: str
    message: str
    fields: list[FieldErrorOut] | None = None
    #: 409 ``version_conflict``: the server's current document and the fields that differ.
    current: dict[str, Any] | None = None
    changed: list[str] | None = None


class ApiError(Refused):
    """An error answer of the HTTP layer itself (authentication, parsing); the core raises :class:`Refused`."""


def body_of(exc: Refused) -> ErrorOut:
    """The structured body of a refusal."""
    return ErrorOut.model_validate(exc.as_dict())


def unauthorized(message: str = "Authentification requise") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "Action non autorisée pour votre rôle")


def not_found(message: str = "Ressource introuvable") -> ApiError:
    return ApiError(404, "not_found", message)


def conflict(message: str, error: str = "conflict") -> ApiError:
    return ApiError(409, error, message)


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming one field, for checks made after pydantic (e.g. an unknown reference)."""
    return ApiError(422, "validation", VALIDATION_MESSAGE, fields=[{"field": field, "message": message}])


#: OpenAPI ``responses=`` entries for the errors every protected route may return.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Jeton absent, inconnu ou expiré"},
    403: {"model": ErrorOut, "description": "Rôle non autorisé"},
    422: {"model": ErrorOut, "description": "Données invalides (champs nommés)"},
}


# --- pydantic messages in French ---------------------------------------------------------

_DATETIME = "date et heure attendues au format ISO 8601 avec fuseau (2024-01-18T10:00:00+01:00)"
_FRENCH: dict[str, str] = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ non prévu",
    "string_too_short": "au moins {min_length} caractère(s)",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide",
    "string_type": "texte attendu",
    "string_unicode": "texte Unicode invalide",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "bool_parsing": "vrai ou faux attendu",
    "bool_type": "vrai ou faux attendu",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "literal_error": "valeur attendue parmi : {expected}",
    "enum": "valeur attendue parmi : {expected}",
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "timezone_aware": "l'heure doit porter un fuseau horaire",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "uuid_parsing": "UUID attendu",
    "uuid_type": "UUID attendu",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "list_type": "liste attendue",
}


def french_message(err: dict) -> str:
    """The message of one pydantic error: ours as written, pydantic's translated."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    template = _FRENCH.get(kind)
    if template is None:
        return str(err.get("msg", "valeur invalide"))
    # 90.0 reads better as 90, and pydantic lists choices as "'A', 'B' or 'C'".
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
    if isinstance(ctx.get("expected"), str):
        ctx["expected"] = ctx["expected"].replace(" or ", " ou ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template


def field_path(loc: tuple | list) -> str:
    """``("body", "patients", 0, "birth_date")`` → ``"patients.0.birth_date"``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def validation_fields(errors: list[dict]) -> list[dict]:
    fields = []
    for err in errors:
        loc = err.get("loc", ())
        path = "body" if err.get("type") == "json_invalid" else field_path(loc)
        fields.append({"field": path, "message": french_message(err)})
    return fields


# --- handlers ------------------------------------------------------------------------------

def _render(status_code: int, body: ErrorOut, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status_code, headers=headers)


async def _api_error(_request: Request, exc: Refused) -> JSONResponse:
    return _render(exc.status_code, body_of(exc), exc.headers)


async def _request_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    body = ErrorOut(error="validation", message=VALIDATION_MESSAGE, fields=validation_fields(list(exc.errors())))
    return _render(422, body)


_HTTP_CODES = {
    400: ("bad_request", "Requête invalide"),
    401: ("unauthorized", "Authentification requise"),
    403: ("forbidden", "Action non autorisée pour votre rôle"),
    404: ("not_found", "Ressource introuvable"),
    405: ("method_not_allowed", "Méthode non autorisée"),
    413: ("payload_too_large", "Corps de requête trop volumineux"),
}


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    error, message = _HTTP_CODES.get(exc.status_code, ("http_error", "Erreur de la requête"))
    return _render(exc.status_code, ErrorOut(error=error, message=message), getattr(exc, "headers", None))


async def _database_busy(request: Request, exc: OperationalError) -> JSONResponse:
    log.warning("database error on %s %s: %s", request.method, request.url.path, exc.orig)
    body = ErrorOut(error="unavailable", message="Base de données momentanément indisponible, réessayez")
    return _render(503, body, {"Retry-After": "1"})


async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
    # A constraint no route checked first (a duplicate identifier inside one body): the data, not the server.
    log.warning("constraint violation on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
    return _render(409, ErrorOut(error="conflict", message="Données en conflit avec celles déjà enregistrées"))


def describe_unexpected(exc: BaseException) -> str:
    """An exception's type and where it was raised, without its message (which may quote patient data)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"{type(exc).__module__}.{type(exc).__qualname__}\n{frames}".rstrip()


def _internal() -> JSONResponse:
    return _render(500, ErrorOut(error="internal", message="Erreur interne du serveur"))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s: %s", request.method, request.url.path, describe_unexpected(exc))
    return _internal()


class ContainErrors:
    """ASGI middleware: an unhandled exception becomes the structured 500 here (the connection is kept)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:  # too late to answer: let the server close the connection
                raise
            log.error("unexpected error on %s %s: %s", scope.get("method"), scope.get("path"),
                      describe_unexpected(exc))
            await _internal()(scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the :class:`ErrorOut` shape."""
    app.add_exception_handler(Refused, _api_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_busy)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(Exception, _unexpected)
