"""Why the regulation core refuses a command: one exception, its HTTP-like status and a French message.

Every command of the core (:mod:`app.services.regulation.commands`) raises :class:`Refused`
when the actor's role, the case's state or the data forbid what was asked.  The
server renders it as its structured error body (``{"error", "message", "fields"}``),
the sync batch as one item's result, the Hub inbox as an RS-ERROR and the console
as a message on the screen; so the same refusal reads the same on every path.
"""

from __future__ import annotations

from typing import Any

VALIDATION_MESSAGE = "Données invalides"


class Refused(Exception):
    """A command refused: ``status`` (403, 404, 409, 422…), a machine ``error`` code and a French ``message``."""

    def __init__(self, status: int, error: str, message: str, *, fields: list[dict] | None = None,
                 current: dict[str, Any] | None = None, changed: list[str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(f"{status} {error}: {message}")
        self.status_code = status
        self.error = error
        self.message = message
        self.fields = fields
        self.current = current
        self.changed = changed
        self.headers = headers

    def as_dict(self) -> dict[str, Any]:
        """The error body, without the parts that are not set."""
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        for name in ("fields", "current", "changed"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        return body


def forbidden(message: str = "Action non autorisée pour votre rôle") -> Refused:
    return Refused(403, "forbidden", message)


def not_found(message: str = "Ressource introuvable") -> Refused:
    return Refused(404, "not_found", message)


def conflict(message: str, error: str = "conflict") -> Refused:
    return Refused(409, error, message)


def invalid(field: str, message: str) -> Refused:
    """A 422 naming one field, for checks made after parsing (an unknown reference, a state rule)."""
    return Refused(422, "validation", VALIDATION_MESSAGE, fields=[{"field": field, "message": message}])
