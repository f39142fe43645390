"""What a desk sends about a call: the body of ``POST /api/v1/calls/events`` and of a call's link to a case.

Shared by the server (validation: a bad field answers 422 naming it) and the console (which builds
them from its softphone's events, :mod:`app.services.telephony`).  Times are instants with an offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.codes.fields import UUID
from app.models.call import CALL_EVENTS
from app.services.records.bounds import InstantInRange

CallEventKind = Literal[CALL_EVENTS]  # type: ignore[valid-type]
CallState = Literal["waiting", "active", "recent"]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("l'heure doit porter un fuseau horaire (ex. 2024-01-18T10:20:00+01:00)")
    return value


def _printable(value: str | None) -> str | None:
    if value is not None and (not value.strip() or not value.isprintable()):
        raise ValueError("texte vide ou illisible")
    return value


AwareInstant = Annotated[datetime, AfterValidator(_aware), InstantInRange]
Text = Annotated[str, AfterValidator(_printable)]


class CallEventDoc(BaseModel):
    """One event of one call, as one desk's softphone saw it."""

    model_config = ConfigDict(extra="forbid")

    call_id: Text = Field(min_length=1, max_length=255, description="Identifiant d'appel de la salle (Call-ID SIP)")
    event: CallEventKind = Field(description="presented, answered, ended, abandoned, transferred, handed_over, dialled")
    at: AwareInstant = Field(description="Quand le poste l'a constaté, avec fuseau horaire")
    number: Text | None = Field(default=None, max_length=64, description="Numéro de l'appelant (ou appelé) ; "
                                                                         "null si masqué")
    hidden: bool = False
    case_id: str | None = Field(default=None, min_length=1, max_length=UUID,
                                description="UUID du dossier auquel rattacher l'appel")
    target: Text | None = Field(default=None, max_length=255,
                                description="Poste ou numéro visé (transfert, appel sortant)")
    typed: bool = Field(default=False, description="Heures saisies à la main (mode dégradé)")


class CallLinkDoc(BaseModel):
    """``POST /api/v1/calls/{call_id}/case``: the case the call is about."""

    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=UUID, description="UUID du dossier")
