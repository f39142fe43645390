"""The errors of the server's REST API, as the console's :class:`~app.services.sync.api_client.ApiClient` raises them.

Every failure becomes an :class:`ApiError` subclass carrying the HTTP status,
the server's error ``code``, a French ``message`` for the user and, for a 422,
the offending ``fields``:

* :class:`Offline` — no answer at all (refused, reset, timeout, DNS): any
  ``httpx.TransportError``.  The request may or may not have reached the
  server; writes are idempotent by UUID, so the caller simply retries later.
* :class:`Unauthorized` (401), :class:`Forbidden` (403), :class:`NotFound` (404),
  :class:`SlotTaken` (409 ``slot_taken``), :class:`Conflict` (other 409),
  :class:`ValidationFailed` (422), :class:`ServerError` (5xx).
* Booking at the agenda editors (issue 14): :class:`SlotTakenAtEditor` (409
  ``slot_taken_at_editor``, a :class:`SlotTaken`), :class:`EditorUnavailable` (502/503
  ``editor_unavailable``, its French message kept, never retried by the sync),
  :class:`PhoneConfirmationRequired` (409 ``phone_confirmation_required``).

:func:`error_from` maps a status and a JSON body (a response, or one result of a batch) to its error.
"""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    """A request the server refused or could not answer; ``message`` is French, for the user."""

    default_message = "Erreur lors de l'échange avec le serveur."

    def __init__(self, message: str | None = None, *, status: int | None = None, code: str | None = None,
                 fields: list[dict] | None = None, current: dict | None = None, changed: list[str] | None = None):
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.fields: list[dict] = fields or []
        #: 409 ``version_conflict``: the server's document and the fields that differ from ours.
        self.current = current
        self.changed: list[str] = changed or []
        super().__init__(self.message)


class Offline(ApiError):
    default_message = "Serveur injoignable (hors ligne)."


class Unauthorized(ApiError):
    default_message = "Session expirée ou identifiants invalides : reconnectez-vous."


class Forbidden(ApiError):
    default_message = "Action non autorisée pour votre rôle."


class NotFound(ApiError):
    default_message = "Élément introuvable sur le serveur."


class SlotTaken(ApiError):
    default_message = "Ce créneau vient d'être pris par un autre poste."


class SlotTakenAtEditor(SlotTaken):
    default_message = "Le médecin a déjà donné ce créneau dans son agenda : rien n'est réservé."


class EditorUnavailable(ApiError):
    default_message = "L'agenda du médecin ne répond pas : rien n'est réservé, réessayez."


class Conflict(ApiError):
    default_message = "Une version différente de cet élément existe déjà sur le serveur."


class PhoneConfirmationRequired(Conflict):
    default_message = "Cet agenda ne prend pas les réservations : appelez l'effecteur puis confirmez."


class ValidationFailed(ApiError):
    default_message = "Données refusées par le serveur."


class ServerError(ApiError):
    default_message = "Erreur du serveur : nouvel essai automatique."


def error_for_response(response: httpx.Response) -> ApiError:
    """The exception matching an error response (body parsed leniently)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    return error_from(response.status_code, body)


#: The exception of each error status; 409 ``slot_taken``… and 5xx are decided in :func:`error_from`.
_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 422: ValidationFailed,
}


#: The 409 refusals of a booking, by the server's error code.
_CONFLICTS: dict[str, type[ApiError]] = {
    "slot_taken": SlotTaken, "slot_taken_at_editor": SlotTakenAtEditor,
    "phone_confirmation_required": PhoneConfirmationRequired,
}


def _field(body: dict, key: str, kind: type) -> Any:
    """``body[key]`` when it has the expected JSON type, else None."""
    value = body.get(key)
    return value if isinstance(value, kind) else None


def error_from(status: int, body: object) -> ApiError:
    """The exception for an error ``status`` and its JSON ``body`` (a response, or one result of a batch)."""
    if not isinstance(body, dict):
        body = {}
    code, message, fields = _field(body, "error", str), _field(body, "message", str), _field(body, "fields", list)
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    if cls is Conflict and code in _CONFLICTS:
        cls = _CONFLICTS[code]
    elif status in (502, 503) and code == "editor_unavailable":
        cls = EditorUnavailable  # the server's French message is for the user (a 5xx's is not)
    elif cls is ValidationFailed and fields and not message:
        message = "Données refusées : " + "; ".join(
            f"{f.get('field')} : {f.get('message')}" for f in fields if isinstance(f, dict))
    elif cls is ServerError:
        message = None  # a server-side crash text is no use to the user
    return cls(message, status=status, code=code, fields=fields, current=_field(body, "current", dict),
               changed=_field(body, "changed", list))
