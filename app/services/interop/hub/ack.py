"""Acknowledgements (RC-REF) and errors (RS-ERROR) with the official Hub Santé error codes.

* :func:`ack_envelope` answers a received message with ``distributionKind=Ack``, an RC-DE
  header of kind ``Ack`` and an RC-REF ``reference`` naming the received distributionID
  (``step`` tells how far it went: ``RECU``, ``INTEGRE``…);
* :func:`error_envelope` answers with ``distributionKind=Error`` and an RS-ERROR ``error``
  (no RC-DE header, as the Hub publishes them) carrying the code, a cause in French,
  the referenced distributionID and, when it was an object, the source message.

Codes are those of ``com.hubsante.model.report.ErrorCode`` (domain.md A.6).  Every
envelope built here is validated before it is returned (:class:`HubBuildError` if not).
"""

from __future__ import annotations

from typing import Any

from app.services.interop.hub import schemas
from app.services.interop.hub.envelope import build_envelope

ERROR_CODES: dict[int, str] = {
    100: "DELIVERY_MODE_INCONSISTENCY",
    101: "NOT_ALLOWED_CONTENT_TYPE",
    102: "UNRECOGNIZED_MESSAGE_FORMAT",
    200: "SENDER_INCONSISTENCY",
    300: "INVALID_MESSAGE",
    301: "SCHEMA_NOT_FOUND",
    400: "EXPIRED_MESSAGE_BEFORE_ROUTING",
    500: "DEAD_LETTER_QUEUED",
    501: "UNROUTABLE_MESSAGE",
    600: "MESSAGE_CONVERSION_ERROR",
    700: "INTERNAL_CLIENT_ERROR",
    701: "CASE_ALREADY_EXISTS",
    702: "WRONG_MESSAGE_SEQUENCE",
    703: "UNKNOWN_SENDER",
    704: "INSUFFICIENT_DATA",
}
INVALID_MESSAGE, UNRECOGNIZED_MESSAGE_FORMAT, SCHEMA_NOT_FOUND = 300, 102, 301
SENDER_INCONSISTENCY, INTERNAL_CLIENT_ERROR = 200, 700
CASE_ALREADY_EXISTS, WRONG_MESSAGE_SEQUENCE, INSUFFICIENT_DATA = 701, 702, 704
STEPS = ("RECU", "ERREUR", "INTEGRE", "CONSULTE", "SUPPRIME")
#: Who answers when the received message did not even name its recipient.
DEFAULT_SENDER = "fr.health.samu670"


class HubBuildError(RuntimeError):
    """A message the console built does not validate: a bug, never sent."""

    def __init__(self, errors: list[schemas.SchemaError]):
        super().__init__("message Hub Santé non conforme : " + "; ".join(map(str, errors[:5])))
        self.errors = errors


class HubMessageError(Exception):
    """A received message refused with an official code (answered by an RS-ERROR)."""

    def __init__(self, code: int, cause: str):
        super().__init__(f"{code} {ERROR_CODES[code]}: {cause}")
        self.code = code
        self.cause = cause


def checked(envelope: dict) -> dict:
    """``envelope`` if it validates against the official schemas; :class:`HubBuildError` otherwise."""
    errors = schemas.validate_envelope(envelope)
    if errors:
        raise HubBuildError(errors)
    return envelope


def reference(distribution_id: str, *, step: str = "INTEGRE", refused: bool = False,
              error_distribution_id: str | None = None) -> dict:
    """An RC-REF ``reference`` payload."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    payload: dict[str, Any] = {"distributionID": distribution_id, "step": step}
    if refused:
        payload["refused"] = True
    if error_distribution_id:
        payload["errorDistributionID"] = error_distribution_id
    return payload


def ack_envelope(distribution_id: str, *, sender: str, recipient: str, step: str = "INTEGRE",
                 own_distribution_id: str | None = None) -> dict:
    """The final acknowledgement of ``distribution_id``, from ``sender`` back to ``recipient``
    (``own_distribution_id``: the ack's own distributionID, a new one by default)."""
    return checked(build_envelope(sender, recipient, "reference", reference(distribution_id, step=step), kind="Ack",
                                  distribution_id=own_distribution_id))


def error_payload(code: int, cause: str, *, referenced_distribution_id: str, source: Any = None) -> dict:
    """An RS-ERROR ``error`` payload; the source message is kept only when it is an object."""
    payload: dict[str, Any] = {
        "errorCode": {"statusCode": code, "statusString": ERROR_CODES[code]},
        "errorCause": cause,
        "referencedDistributionID": referenced_distribution_id,
    }
    if isinstance(source, dict):
        payload["sourceMessage"] = source
    return payload


def error_envelope(code: int, cause: str, *, sender: str | None, recipient: str | None,
                   referenced_distribution_id: str, source: Any = None) -> dict:
    """An Error envelope carrying an RS-ERROR, from ``sender`` to ``recipient``."""
    sender = sender or DEFAULT_SENDER
    payload = error_payload(code, cause, referenced_distribution_id=referenced_distribution_id, source=source)
    return checked(build_envelope(sender, recipient or sender, "error", payload, kind="Error"))


def describe_errors(errors: list[schemas.SchemaError], limit: int = 20) -> str:
    """Schema errors as one French cause line (paths and rules only, never values)."""
    shown = "; ".join(str(e) for e in errors[:limit])
    more = f" (et {len(errors) - limit} autres)" if len(errors) > limit else ""
    return f"Message non conforme au schéma : {shown}{more}"
