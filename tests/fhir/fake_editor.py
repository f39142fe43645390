"""A fake agenda editor FHIR server (SAS IG 1.2.0), run as a real local HTTP server in a thread.

Each editor lives under its own path (``http://127.0.0.1:PORT/<name>/``) with its own
:class:`EditorState`: practitioners and their free slots, page size, a delay (to exceed
the client's time limit) or an HTTP status to fail with (or a 500 from a given page on,
``fail_from_page``), the log of the requests it got, and the appointments it was sent.  It follows the guide:

* ``GET /<name>/Slot`` needs ``start=ge…`` and ``start=le…``, ``status=free`` and 1 to 25
  ``schedule.actor:Practitioner.identifier`` (otherwise 400 + OperationOutcome); it answers a
  searchset Bundle with the Slots (``match``) and, as asked by ``_include``, their Schedule,
  Practitioner, PractitionerRole (with its contained Location), and for CPTS the
  HealthcareService and Organization; pages of ``page_size`` slots chained by ``next`` links.
* ``POST /<name>/Appointment`` → 201 + ``Location``; ``PUT /<name>/Appointment?identifier=`` →
  200 (201 for an unknown identifier); 400 when required fields are missing.  Like a real
  agenda, a POST whose ``slot`` names a slot already held by a live (not cancelled)
  appointment, or one of :attr:`EditorState.taken` (booked elsewhere meanwhile), gets 409 +
  OperationOutcome.  ``appointment_status`` makes every POST and PUT fail with that status,
  ``appointment_delay`` makes them slow (past the client's time limit).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from app.services.interop.fhir import codes

FHIR = "application/fhir+json"


@dataclass
class FakeSlot:
    start: datetime
    minutes: int = 20
    mode: str = "AMB"
    types: tuple[str, ...] = ("SNP",)
    cpts: tuple[tuple[str, str], ...] = ()  # (FINESS prefixed, name) of each CPTS


@dataclass
class FakePractitioner:
    rpps: str
    family: str
    given: str
    line: str = "1 place Kléber"
    city: str = "STRASBOURG"
    postal_code: str = "67000"
    phone: str = "+33388000000"
    slots: list[FakeSlot] = field(default_factory=list)

    @property
    def idnps(self) -> str:
        return "8" + self.rpps


@dataclass
class EditorState:
    practitioners: dict[str, FakePractitioner] = field(default_factory=dict)
    page_size: int = 100
    delay: float = 0.0
    fail_status: int | None = None
    #: Pages from this one on (0 = the first) fail with 500: an editor that breaks in the middle of an answer.
    fail_from_page: int | None = None
    requests: list[list[tuple[str, str]]] = field(default_factory=list)
    appointments: dict[str, dict] = field(default_factory=dict)
    #: Slot ids booked elsewhere (another platform, the doctor's own desk): a POST naming one gets 409.
    taken: set[str] = field(default_factory=set)
    appointment_status: int | None = None
    appointment_delay: float = 0.0
    #: Every POST/PUT body received, in order (method, body).
    writes: list[tuple[str, dict]] = field(default_factory=list)
    #: Slot searches being answered now, and the most there ever were at once.
    in_flight: int = 0
    most_in_flight: int = 0

    def add(self, practitioner: FakePractitioner) -> None:
        self.practitioners[practitioner.idnps] = practitioner


def outcome(status: int, text: str) -> JSONResponse:
    body = {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "invalid" if status < 500 else "exception", "diagnostics": text}]}
    return JSONResponse(body, status_code=status, media_type=FHIR)


def _entry(base: str, resource: dict, mode: str) -> dict:
    return {"fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}", "resource": resource,
            "search": {"mode": mode}}


def _resources(p: FakePractitioner) -> list[dict]:
    """Schedule, Practitioner and PractitionerRole (with contained Location) of a practitioner."""
    idnps = {"type": {"coding": [{"system": codes.SYSTEM_ID_TYPE, "code": "IDNPS"}]},
             "system": codes.OID_IDNPS, "value": p.idnps}
    location = {"resourceType": "Location", "id": "loc",
                "identifier": [{"system": "https://fake-editor.example/lieux", "value": f"L{p.rpps}"}],
                "address": {"line": [p.line], "city": p.city, "postalCode": p.postal_code}}
    return [
        {"resourceType": "Schedule", "id": f"sch-{p.rpps}",
         "actor": [{"reference": f"Practitioner/pr-{p.rpps}"}, {"reference": f"PractitionerRole/role-{p.rpps}"}]},
        {"resourceType": "Practitioner", "id": f"pr-{p.rpps}", "identifier": [idnps],
         "name": [{"family": p.family, "given": [p.given]}]},
        {"resourceType": "PractitionerRole", "id": f"role-{p.rpps}", "contained": [location],
         "practitioner": {"reference": f"Practitioner/pr-{p.rpps}"}, "location": [{"reference": "#loc"}],
         "telecom": [{"system": "phone", "value": p.phone}]},
    ]


def _slot(p: FakePractitioner, n: int, s: FakeSlot) -> dict:
    service_types = [{"coding": [{"system": codes.SYSTEM_ACT_CODE, "code": s.mode}]}]
    for finess, _name in s.cpts:
        service_types.append({
            "extension": [{"url": codes.EXT_SERVICE_TYPE_REFERENCE,
                           "valueReference": {"reference": f"HealthcareService/hs-{finess}"}}],
            "coding": [{"system": codes.SYSTEM_CATEGORY, "code": codes.CATEGORY_CPTS}]})
    end = s.start + timedelta(minutes=s.minutes)
    return {"resourceType": "Slot", "id": f"slot-{p.rpps}-{n}",
            "meta": {"security": [{"system": codes.SYSTEM_SLOT_TYPE, "code": t} for t in s.types]},
            "serviceType": service_types,
            "specialty": [{"coding": [{"system": codes.SYSTEM_SPECIALTY, "code": "SM54"}]}],
            "schedule": {"reference": f"Schedule/sch-{p.rpps}"}, "status": "free",
            "start": s.start.isoformat(), "end": end.isoformat()}


def _cpts(finess: str, name: str) -> list[dict]:
    return [{"resourceType": "HealthcareService", "id": f"hs-{finess}",
             "providedBy": {"reference": f"Organization/org-{finess}"}},
            {"resourceType": "Organization", "id": f"org-{finess}",
             "identifier": [{"system": codes.OID_IDNST, "value": finess}], "name": name}]


class FakeEditors:
    """The app and its editors; ``url(name)`` is an editor's FHIR base."""

    def __init__(self) -> None:
        self.editors: dict[str, EditorState] = {}
        self.app = FastAPI()
        self.base = ""
        self.stopping = False
        self._routes()

    def editor(self, name: str) -> EditorState:
        return self.editors.setdefault(name, EditorState())

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def _state(self, name: str) -> EditorState:
        if name not in self.editors:
            raise HTTPException(404)
        return self.editors[name]

    def _routes(self) -> None:
        app = self.app

        @app.get("/{name}/Slot")
        async def slots(name: str, request: Request):
            state = self._state(name)
            params = list(request.query_params.multi_items())
            state.requests.append(params)
            state.in_flight += 1
            state.most_in_flight = max(state.most_in_flight, state.in_flight)
            try:
                for _ in range(int(state.delay * 20)):  # a slow agenda, that stops waiting when the server stops
                    if self.stopping:
                        break
                    await asyncio.sleep(0.05)
            finally:
                state.in_flight -= 1
            if state.fail_status:
                return outcome(state.fail_status, "panne simulée de l'agenda")
            if state.fail_from_page is not None and int(request.query_params.get("_page", "0")) >= state.fail_from_page:
                return outcome(500, "panne simulée de l'agenda en cours de réponse")
            return self._search(state, name, params, request)

        @app.post("/{name}/Appointment")
        async def create(name: str, request: Request):
            return await self._write(self._state(name), name, await request.json(), None)

        @app.put("/{name}/Appointment")
        async def update(name: str, request: Request, identifier: str):
            return await self._write(self._state(name), name, await request.json(), identifier)

        @app.get("/{name}/Appointment/{aid}")
        async def read(name: str, aid: str):
            found = self._state(name).appointments.get(aid)
            return JSONResponse(found, media_type=FHIR) if found else outcome(404, "rendez-vous inconnu")

    def _search(self, state: EditorState, name: str, params: list[tuple[str, str]], request: Request):
        get = lambda key: [v for k, v in params if k == key]  # noqa: E731
        starts = get("start")
        ge = [datetime.fromisoformat(v[2:]) for v in starts if v.startswith("ge")]
        le = [datetime.fromisoformat(v[2:]) for v in starts if v.startswith("le")]
        ids = [i.split("|", 1)[-1] for v in get("schedule.actor:Practitioner.identifier") for i in v.split(",") if i]
        if not ge or not le:
            return outcome(400, "start=ge et start=le sont obligatoires")
        if get("status") != ["free"]:
            return outcome(400, "status=free est obligatoire")
        if not 1 <= len(ids) <= codes.MAX_IDENTIFIERS_PER_REQUEST:
            return outcome(400, f"{len(ids)} identifiants : 1 à 25 par requête")
        includes = set(get("_include")) | set(get("_include:iterate"))
        found = sorted(((p, n, s) for i in ids if (p := state.practitioners.get(i))
                        for n, s in enumerate(p.slots) if ge[0] <= s.start <= le[0]), key=lambda t: t[2].start)
        page = int((get("_page") or ["0"])[0])
        chunk = found[page * state.page_size:(page + 1) * state.page_size]
        base = self.url(name)
        entries, included = [], set()
        for p, n, s in chunk:
            entries.append(_entry(base, _slot(p, n, s), "match"))
            extra = _resources(p) if "Slot:schedule" in includes else []
            if "Schedule:actor" not in includes:
                extra = extra[:1]
            if "Slot:service-type-reference" in includes:
                extra += [r for finess, cpts_name in s.cpts for r in _cpts(finess, cpts_name)]
            for resource in extra:
                key = (resource["resourceType"], resource["id"])
                if key not in included:
                    included.add(key)
                    entries.append(_entry(base, resource, "include"))
        links = [{"relation": "self", "url": str(request.url)}]
        if (page + 1) * state.page_size < len(found):
            links.append({"relation": "next", "url": str(request.url.include_query_params(_page=page + 1))})
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(found), "link": links, "entry": entries}
        return JSONResponse(bundle, media_type=FHIR)

    async def _write(self, state: EditorState, name: str, body: dict, identifier: str | None):
        state.writes.append(("PUT" if identifier is not None else "POST", body))
        for _ in range(int(state.appointment_delay * 20)):
            if self.stopping:
                break
            await asyncio.sleep(0.05)
        if state.appointment_status:
            return outcome(state.appointment_status, "refus simulé de l'agenda")
        if identifier is None and isinstance(body, dict):
            wanted = {r.get("reference", "").removeprefix("Slot/") for r in body.get("slot") or []}
            live = {r.get("reference", "").removeprefix("Slot/") for a in state.appointments.values()
                    if a.get("status") != "cancelled" for r in a.get("slot") or []}
            if wanted & (live | state.taken):
                return outcome(409, "créneau déjà pris")
        return self._store(state, name, body, identifier)

    def live(self, name: str) -> list[dict]:
        """The editor's appointments that are not cancelled."""
        return [a for a in self.editor(name).appointments.values() if a.get("status") != "cancelled"]

    def _store(self, state: EditorState, name: str, body: dict, identifier: str | None):
        if not isinstance(body, dict) or body.get("resourceType") != "Appointment":
            return outcome(400, "une ressource Appointment est attendue")
        missing = [f for f in ("identifier", "start", "end", "status", "participant") if not body.get(f)]
        if missing:
            return outcome(400, f"champs obligatoires absents : {', '.join(missing)}")
        aid, status = None, 201
        if identifier is not None:
            system, _, value = identifier.rpartition("|")
            for key, stored in state.appointments.items():
                ident = stored["identifier"][0]
                if ident.get("value") == value and (not system or ident.get("system") == system):
                    aid, status = key, 200
        aid = aid or uuid.uuid4().hex
        version = int(state.appointments.get(aid, {}).get("meta", {}).get("versionId", "0")) + 1
        stored = {**body, "id": aid, "meta": {**body.get("meta", {}), "versionId": str(version)}}
        state.appointments[aid] = stored
        location = f"{self.url(name)}/Appointment/{aid}/_history/{version}"
        return JSONResponse(stored, status_code=status, media_type=FHIR, headers={"Location": location})


class FakeEditorServer:
    """Runs :class:`FakeEditors` with uvicorn on 127.0.0.1 (a free port) in a daemon thread."""

    def __init__(self) -> None:
        self.editors = FakeEditors()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.editors.base = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(self.editors.app, log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> FakeEditors:
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                return self.editors
            threading.Event().wait(0.01)
        raise RuntimeError("fake editor server did not start")

    def __exit__(self, *exc) -> None:
        self.editors.stopping = self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
