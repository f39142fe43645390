"""The agenda editors' FHIR servers and what the client brings back from them.

:class:`Editor` (base URL, CPTS, mTLS certificate and CA), :class:`SearchResult` (the slots of the
editors that answered, partial when some did not: :class:`EditorFailure`), :class:`AppointmentAnswer`
(the editor's answer to a create or update) and :class:`FhirRequestError` (a refusal or no answer,
in French); with :func:`tls_context` (an editor's TLS settings) and :func:`batches` (identifiers
cut into requests).  Used by :class:`app.services.interop.fhir.client.AgendaClient`.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

import httpx

from app.services.interop.fhir.bundle import outcome_text
from app.services.interop.fhir.model import AgendaSlot

@dataclass(frozen=True)
class Editor:
    """One agenda editor's FHIR server; ``cpts`` when it also serves CPTS slots."""

    name: str
    base_url: str
    cpts: bool = False
    cert: tuple[str, str] | None = None
    verify: bool | str = True


@dataclass(frozen=True)
class EditorFailure:
    """Why an editor's slots are missing or incomplete (``reason`` in French)."""

    editor: str
    reason: str
    timed_out: bool = False


@dataclass
class SearchResult:
    """Slots of every editor that answered; ``failures`` make it partial."""

    slots: list[AgendaSlot] = field(default_factory=list)
    failures: list[EditorFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def partial(self) -> bool:
        return bool(self.failures)

    @property
    def message(self) -> str | None:
        """``Résultats partiels : …`` naming each failed editor, or None when all answered."""
        if not self.failures:
            return None
        return "Résultats partiels : " + " ; ".join(f"éditeur « {f.editor} » : {f.reason}" for f in self.failures) + "."


@dataclass(frozen=True)
class AppointmentAnswer:
    """The editor's answer to a create or update: ``location`` from the ``Location`` header."""

    status_code: int
    location: str | None
    resource: dict | None

    @property
    def created(self) -> bool:
        return self.status_code == 201


class FhirRequestError(Exception):
    """An editor refused or could not answer (French message; ``status_code`` when HTTP)."""

    def __init__(self, message: str, status_code: int | None = None, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.status_code, self.timed_out = status_code, timed_out


def tls_context(editor: Editor) -> ssl.SSLContext | bool:
    """The TLS settings of ``editor``: its CA file and our client certificate (mTLS, IGC-Santé), if any."""
    if editor.cert is None and editor.verify is True:
        return True
    if editor.verify is False:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    else:
        context = ssl.create_default_context(cafile=editor.verify if isinstance(editor.verify, str) else None)
    if editor.cert is not None:
        context.load_cert_chain(*editor.cert)
    return context


def batches(values: list[str], size: int) -> list[list[str]]:
    """``values`` without duplicates, in order, cut into lists of at most ``size``."""
    unique = list(dict.fromkeys(values))
    return [unique[i:i + size] for i in range(0, len(unique), size)]


def answer_error(response: httpx.Response) -> FhirRequestError:
    detail = ""
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
            detail = f" ({outcome_text(body)})"
    except ValueError:
        pass
    return FhirRequestError(f"erreur HTTP {response.status_code}{detail}", response.status_code)
