"""The FHIR client of the agenda editors (domain.md B.2, B.4), over ``httpx.AsyncClient``.

* :meth:`AgendaClient.search_slots` — ``GET [base]/Slot`` with ``start=ge``/``start=le``,
  ``status=free``, the guide's ``_include`` parameters (plus the CPTS ones for an editor
  that serves CPTS) and the practitioners' IDNPS identifiers **25 per request**; all
  batches of all editors run at once; ``next`` links are followed (on the editor's own
  server only).
* :meth:`AgendaClient.search_sos` — the Schedule-primary SOS Médecins search by SIRET.
* Each editor has :data:`~app.services.interop.fhir.codes.EDITOR_TIME_LIMIT_S` (7 s, configurable)
  for all its requests; what is not back by then is dropped and the answer is *partial*:
  :attr:`SearchResult.message` names, in French, each editor that timed out or failed.
* The periodic refresh streams instead (:meth:`AgendaClient.slot_requests`,
  :meth:`AgendaClient.sos_requests`, then :meth:`AgendaClient.pages` per request): each
  request, each ``next`` page, has the time limit on its own (the guide's 7 s per request).
* :meth:`AgendaClient.create_appointment` (``POST [base]/Appointment``, 201 + ``Location``)
  and :meth:`AgendaClient.update_appointment` (conditional ``PUT [base]/Appointment?identifier=``).

mTLS with IGC-Santé certificates (domain.md B.6) is the editor's ``cert``/``verify``.
The editors and the answers' types live in :mod:`app.services.interop.fhir.editors` (re-exported here).
URLs are never logged (they carry practitioners' identifiers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import httpx

from app.services.reference.communes import default_index
from app.services.interop.fhir import codes
from app.services.interop.fhir.appointment import AppointmentRequest, build_appointment, instant
from app.services.interop.fhir.bundle import parse_bundle
from app.services.interop.fhir.editors import (
    AppointmentAnswer,
    Editor,
    EditorFailure,
    FhirRequestError,
    SearchResult,
    answer_error,
    batches,
    tls_context,
)
from app.services.interop.fhir.model import ParsedBundle

__all__ = [
    "FHIR_JSON", "SOS_BATCH_SIZE", "AgendaClient", "AppointmentAnswer", "Editor", "EditorFailure", "FhirRequestError",
    "SearchResult", "batches", "tls_context",
]

log = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json"
#: SOS Médecins: the guide's functional page says 10 SIRET per call (its table says 25).
SOS_BATCH_SIZE = 10
#: Idle connections are dropped before the editors' servers drop them (often 5 s: uvicorn, many proxies).
_KEEPALIVE_S = 2.0


class AgendaClient:
    """One client for many editors; use as ``async with AgendaClient(...) as client``."""

    def __init__(self, *, time_limit: float = codes.EDITOR_TIME_LIMIT_S,
                 batch_size: int = codes.MAX_IDENTIFIERS_PER_REQUEST, sos_batch_size: int = SOS_BATCH_SIZE,
                 max_pages: int = 50, transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not 1 <= batch_size <= codes.MAX_IDENTIFIERS_PER_REQUEST:
            raise ValueError("batch_size : entre 1 et 25 identifiants par requête")
        self.time_limit, self.batch_size, self.sos_batch_size = time_limit, batch_size, sos_batch_size
        self.max_pages, self._transport = max_pages, transport
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def __aenter__(self) -> AgendaClient:
        await asyncio.to_thread(default_index)  # the communes, read once, before any editor's clock runs
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client(self, editor: Editor) -> httpx.AsyncClient:
        if editor.name not in self._clients:
            self._clients[editor.name] = httpx.AsyncClient(
                base_url=editor.base_url.rstrip("/") + "/", verify=tls_context(editor),
                transport=self._transport, timeout=httpx.Timeout(self.time_limit), follow_redirects=False,
                limits=httpx.Limits(keepalive_expiry=_KEEPALIVE_S),
                headers={"Accept": FHIR_JSON},
            )
        return self._clients[editor.name]

    # --- slot searches ------------------------------------------------------------------------
    def slot_requests(self, editor: Editor, identifiers: list[str], start: datetime,
                      end: datetime) -> list[list[tuple[str, str]]]:
        """The query of each ``GET [base]/Slot`` asking ``editor`` about these practitioners, 25 per request."""
        prefixed = [codes.practitioner_id(i)[0] for i in identifiers]
        window = [("start", f"ge{instant(start)}"), ("start", f"le{instant(end)}"), ("status", "free")]
        cpts = ([("_include", "Slot:service-type-reference"), ("_include:iterate", "HealthcareService:organization")]
                if editor.cpts else [])
        return [[("_include", "Slot:schedule"), ("_include:iterate", "Schedule:actor"), *window,
                 ("schedule.actor:Practitioner.identifier", ",".join(f"{codes.OID_IDNPS}|{i}" for i in batch)),
                 *cpts] for batch in batches(prefixed, self.batch_size)]

    def sos_requests(self, sirets: list[str], start: datetime, end: datetime) -> list[list[tuple[str, str]]]:
        """The query of each ``GET [base]/Schedule`` about these SOS Médecins associations, 10 per request."""
        ids = [s if len(s) == 15 else "3" + s for s in (x.strip() for x in sirets)]
        return [[("_revinclude", "Slot:schedule"), ("_include", "Schedule:actor:Location"),
                 ("_include:iterate", "Location:organization"),
                 ("_has:Slot:schedule:start", f"ge{instant(start)}"),
                 ("_has:Slot:schedule:start", f"le{instant(end)}"), ("_has:Slot:schedule:status", "free"),
                 ("actor:Location.organization.identifier", ",".join(f"{codes.OID_IDNST}|{i}" for i in batch))]
                for batch in batches(ids, self.sos_batch_size)]

    async def search_slots(self, editors: list[Editor], identifiers: list[str], start: datetime,
                           end: datetime) -> SearchResult:
        """Free slots of these practitioners (RPPS, or prefixed IDNPS) between ``start`` and ``end``."""
        return await self._search(editors, "Slot", lambda e: self.slot_requests(e, identifiers, start, end))

    async def search_sos(self, editors: list[Editor], sirets: list[str], start: datetime,
                         end: datetime) -> SearchResult:
        """Free slots of the fixed sites of these SOS Médecins associations (prefixed SIRET, ``3…``)."""
        return await self._search(editors, "Schedule", lambda _e: self.sos_requests(sirets, start, end))

    async def _search(self, editors: list[Editor], path: str, queries) -> SearchResult:
        result = SearchResult()
        if not editors or not queries(editors[0]):
            return result
        answers = await asyncio.gather(*(self._editor_search(e, path, queries(e)) for e in editors))
        seen: set[tuple] = set()
        for pages, failure, requests in answers:
            result.requests += requests
            if failure is not None:
                result.failures.append(failure)
            for page in pages:
                result.warnings.extend(page.warnings)
                for slot in page.slots:
                    key = (slot.editor, slot.effecteur and slot.effecteur.national_id, slot.place and slot.place.key,
                           slot.start)
                    if key not in seen:
                        seen.add(key)
                        result.slots.append(slot)
        return result

    async def _editor_search(self, editor: Editor, path: str,
                             requests: list[list[tuple[str, str]]]) -> tuple[list[ParsedBundle], EditorFailure | None,
                                                                             int]:
        counter = [0]
        tasks = [asyncio.create_task(self._pages(editor, path, p, counter)) for p in requests]
        done, pending = await asyncio.wait(tasks, timeout=self.time_limit)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        pages: list[ParsedBundle] = []
        reasons: list[str] = []
        for task in tasks:
            if task in pending:
                continue
            exc = task.exception()
            if exc is None:
                pages.extend(task.result())
            elif isinstance(exc, FhirRequestError):
                reasons.append(str(exc))
            else:
                raise exc
        failure = None
        if pending:
            failure = EditorFailure(editor.name, f"pas de réponse complète dans les {self.time_limit:g} s", True)
        elif reasons:
            failure = EditorFailure(editor.name, ", ".join(dict.fromkeys(reasons)))
        if failure is not None:
            log.warning("agenda editor %s: %s", editor.name, failure.reason)
        return pages, failure, counter[0]

    async def _pages(self, editor: Editor, path: str, params: list[tuple[str, str]],
                     counter: list[int]) -> list[ParsedBundle]:
        return [page async for page in self.pages(editor, path, params, counter=counter)]

    async def pages(self, editor: Editor, path: str, params: list[tuple[str, str]], *,
                    request_limit: float | None = None, counter: list[int] | None = None
                    ) -> AsyncIterator[ParsedBundle]:
        """Each page of one search (``next`` links followed), as it comes; raises :class:`FhirRequestError`.

        With ``request_limit``, each request must answer within it (``timed_out`` error otherwise).
        """
        client = self._client(editor)
        origin = urlsplit(str(client.base_url))[:2]
        url: str | None = path
        query: list[tuple[str, str]] | None = params
        count = 0
        while url is not None:
            if count >= self.max_pages:
                raise FhirRequestError(f"plus de {self.max_pages} pages de résultats")
            count += 1
            if counter is not None:
                counter[0] += 1
            if request_limit is None:
                response = await self._get(client, url, query)
            else:
                try:
                    response = await asyncio.wait_for(self._get(client, url, query), request_limit)
                except asyncio.TimeoutError as exc:
                    raise FhirRequestError(f"pas de réponse dans les {request_limit:g} s", timed_out=True) from exc
            try:
                page = await asyncio.to_thread(parse_bundle, response.json(), editor.name)  # CPU work off the loop
            except ValueError as exc:  # JSON or Bundle error
                raise FhirRequestError(f"réponse illisible ({exc})") from exc
            url, query = page.next_url, None
            yield page
            if url is not None:
                url = urljoin(str(client.base_url), url)
                if urlsplit(url)[:2] != origin:
                    raise FhirRequestError("lien « next » hors du serveur de l'éditeur, ignoré")

    @staticmethod
    async def _get(client: httpx.AsyncClient, url: str, params) -> httpx.Response:
        try:
            try:
                response = await client.get(url, params=params)
            except httpx.RemoteProtocolError:  # a kept-alive connection the editor closed meanwhile: once more
                response = await client.get(url, params=params)
        except httpx.TimeoutException as exc:
            raise FhirRequestError("délai de réponse dépassé", timed_out=True) from exc
        except httpx.HTTPError as exc:
            raise FhirRequestError(f"injoignable ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise answer_error(response)
        return response

    # --- appointments ----------------------------------------------------------------------------
    async def create_appointment(self, editor: Editor, appointment: AppointmentRequest | dict) -> AppointmentAnswer:
        """``POST [base]/Appointment``; the editor answers 201 with the new resource's ``Location``."""
        body = build_appointment(appointment) if isinstance(appointment, AppointmentRequest) else appointment
        return await self._send(editor, "POST", "Appointment", body, None)

    async def update_appointment(self, editor: Editor, appointment: AppointmentRequest | dict) -> AppointmentAnswer:
        """Conditional ``PUT [base]/Appointment?identifier=system|value`` (200, or 201 if it was unknown)."""
        body = build_appointment(appointment) if isinstance(appointment, AppointmentRequest) else appointment
        ident = (body.get("identifier") or [{}])[0]
        if not ident.get("value"):
            raise ValueError("identifier : identifiant du rendez-vous obligatoire pour une mise à jour")
        token = f"{ident.get('system', '')}|{ident['value']}" if ident.get("system") else ident["value"]
        return await self._send(editor, "PUT", "Appointment", body, [("identifier", token)])

    async def _send(self, editor: Editor, method: str, path: str, body: dict, params) -> AppointmentAnswer:
        client = self._client(editor)
        try:
            response = await client.request(method, path, params=params, json=body,
                                            headers={"Content-Type": FHIR_JSON})
        except httpx.TimeoutException as exc:
            raise FhirRequestError(f"éditeur « {editor.name} » : délai de réponse dépassé") from exc
        except httpx.HTTPError as exc:
            raise FhirRequestError(f"éditeur « {editor.name} » injoignable ({type(exc).__name__})") from exc
        if response.status_code not in (200, 201):
            error = answer_error(response)
            raise FhirRequestError(f"éditeur « {editor.name} » : {error}", response.status_code)
        try:
            resource = response.json() if response.content else None
        except ValueError:
            resource = None
        return AppointmentAnswer(response.status_code, response.headers.get("Location"), resource)
