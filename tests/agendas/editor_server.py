"""One agenda editor's FHIR server (SAS guide, domain.md B.2–B.4), a standalone program::

    python -m tests.agendas.editor_server --port 8101 --name ps-a [--cpts] [--sos] [--no-booking]
        [--delay-ms 1500] [--fail-status 500] [--page-size 100] [--state FILE]
        [--platform-url http://127.0.0.1:8000 --push-token TOKEN]
        [--synthetic-per-practitioner 10 --seed 1 --bbox 42.3,-4.8,51.1,8.2 --synthetic-share 0/19]

FHIR base ``http://127.0.0.1:PORT/fhir/``: ``GET Slot``, ``GET Schedule`` (``--sos``), ``POST
Appointment`` (201 + Location; 405 with ``--no-booking``), conditional ``PUT Appointment?identifier=``,
``GET Appointment/{id}``.  Every FHIR answer waits ``delay`` and, with ``fail_status``, is that error.

Control API for the tests (JSON, never delayed): ``GET /_control/health``, ``POST /_control/practitioners``,
``POST /_control/structures``, ``POST|GET /_control/slots``, ``DELETE /_control/slots/{id}``,
``POST /_control/slots/{id}/take`` (taken elsewhere), ``POST /_control/config`` (delay_ms, fail_status,
page_size, platform_url, push_token), ``GET /_control/appointments``, ``POST
/_control/appointments/{id}/status`` (changes it and PUTs it to ``{platform_url}/fhir/Appointment?identifier=``
with ``Authorization: Bearer {push_token}``), ``GET /_control/requests``, ``POST /_control/reset``.
"""

from __future__ import annotations

import argparse
import ssl
import asyncio
import json

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.agendas import editor_booking, editor_fhir
from tests.agendas.editor_data import EditorData, EditorError

FHIR = "application/fhir+json"


def fhir(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, headers, media_type=FHIR)


def outcome(status: int, text: str) -> Response:
    code = {400: "invalid", 404: "not-found", 405: "not-supported", 409: "conflict", 422: "business-rule"}
    return fhir({"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": code.get(status, "exception"), "diagnostics": text}]}, status)


class Editor:
    """The running editor: its data, its options and the log of the FHIR requests it got."""

    def __init__(self, args: argparse.Namespace) -> None:
        bbox = tuple(float(x) for x in args.bbox.split(","))
        share = tuple(int(x) for x in args.synthetic_share.split("/"))
        self.data = EditorData(args.name, args.state, synthetic=args.synthetic_per_practitioner, seed=args.seed,
                               bbox=bbox, share=share)  # type: ignore[arg-type]
        self.args = args
        self.config = {"delay_ms": args.delay_ms, "fail_status": args.fail_status, "page_size": args.page_size,
                       "platform_url": args.platform_url, "push_token": args.push_token}
        self.requests: list[dict] = []

    # --- FHIR --------------------------------------------------------------------------------
    async def _fhir(self, request: Request, handler) -> Response:
        self.requests.append({"method": request.method, "path": request.url.path,
                              "params": list(request.query_params.multi_items())})
        del self.requests[:-2000]
        if self.config["delay_ms"]:
            await asyncio.sleep(self.config["delay_ms"] / 1000)
        if self.config["fail_status"]:
            return outcome(int(self.config["fail_status"]), "panne simulée de l'agenda")
        try:
            return await handler(request)
        except EditorError as exc:
            return outcome(exc.status, exc.text)

    def base(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/fhir"

    def _bundle(self, request: Request, page, total: int, next_page: int | None) -> Response:
        next_url = str(request.url.include_query_params(_page=next_page)) if next_page is not None else None
        return fhir(page.bundle(total, str(request.url), next_url))

    async def slots(self, request: Request) -> Response:
        params = list(request.query_params.multi_items())
        page, total, nxt = editor_fhir.search_slots(self.data, params, self.base(request), self.config["page_size"])
        return self._bundle(request, page, total, nxt)

    async def schedules(self, request: Request) -> Response:
        if not self.args.sos:
            raise EditorError(400, "Schedule : recherche SOS Médecins non proposée par cet éditeur")
        params = list(request.query_params.multi_items())
        page, total, nxt = editor_fhir.search_sos(self.data, params, self.base(request), self.config["page_size"])
        return self._bundle(request, page, total, nxt)

    async def _body(self, request: Request) -> object:
        if self.args.no_booking:
            raise EditorError(405, "cet agenda ne prend pas de rendez-vous en ligne : appelez le cabinet")
        try:
            return json.loads(await request.body())
        except ValueError:
            raise EditorError(400, "corps JSON illisible") from None

    async def create(self, request: Request) -> Response:
        resource = editor_booking.create(self.data, await self._body(request))
        location = f"{self.base(request)}/Appointment/{resource['id']}/_history/{resource['meta']['versionId']}"
        return fhir(resource, 201, {"Location": location})

    async def update(self, request: Request) -> Response:
        status, resource = editor_booking.update(self.data, request.query_params.get("identifier"),
                                                 await self._body(request))
        location = f"{self.base(request)}/Appointment/{resource['id']}/_history/{resource['meta']['versionId']}"
        return fhir(resource, status, {"Location": location})

    async def read(self, request: Request) -> Response:
        found = self.data.appointments.get(request.path_params["aid"])
        if found is None:
            raise EditorError(404, "rendez-vous inconnu")
        return fhir(found["resource"])

    # --- control -----------------------------------------------------------------------------
    async def control(self, request: Request) -> Response:
        action, path = request.method, request.url.path.removeprefix("/_control/")
        try:
            body = json.loads(await request.body() or b"{}")
            return JSONResponse(await self._control(action, path.split("/"), body))
        except EditorError as exc:
            return JSONResponse({"error": exc.text}, exc.status)
        except (KeyError, ValueError, TypeError) as exc:
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, 400)

    async def _control(self, method: str, parts: list[str], body: dict) -> object:
        data = self.data
        match method, parts:
            case "GET", ["health"]:
                return {"name": data.name, "ok": True, "slots": len(data.slots)}
            case "POST", ["practitioners"]:
                found = data.add_practitioner(body)
            case "POST", ["structures"]:
                found = data.add_structure(body)
            case "POST", ["slots"]:
                found = data.add_slot(body)
            case "GET", ["slots"]:
                return list(data.slots.values())
            case "DELETE", ["slots", sid]:
                found = data.slots.pop(self._slot(sid)["id"])
            case "POST", ["slots", sid, "take"]:
                found = self._slot(sid)
                found.update(status="busy", taken_by="elsewhere")
            case "POST", ["config"]:
                unknown = set(body) - set(self.config)
                if unknown:
                    raise EditorError(400, f"config : clé inconnue {sorted(unknown)[0]}")
                self.config.update(body)
                return self.config
            case "GET", ["appointments"]:
                return [{**a, "status": a["resource"]["status"], "body": a["received"][-1]}
                        for a in data.appointments.values()]
            case "POST", ["appointments", aid, "status"]:
                return await self._push(aid, body.get("status", ""))
            case "GET", ["requests"]:
                return self.requests
            case "POST", ["reset"]:
                data.clear()
                self.requests.clear()
                found = {"ok": True}
            case _:
                raise EditorError(404, f"{method} /_control/{'/'.join(parts)} : inconnu")
        data.save()
        return found

    def _slot(self, sid: str) -> dict:
        if sid not in self.data.slots:
            raise EditorError(404, f"créneau {sid} inconnu")
        return self.data.slots[sid]

    async def _push(self, aid: str, status: str) -> dict:
        record = self.data.appointments.get(aid) or next(
            (a for a in self.data.appointments.values() if a["identifier"].split("|")[-1] == aid), None)
        if record is None:
            raise EditorError(404, f"rendez-vous {aid} inconnu")
        resource = editor_booking.set_status(self.data, record, status)
        answer: dict = {"resource": resource, "pushed": False}
        url, token = self.config["platform_url"], self.config["push_token"]
        if url:
            headers = {"Content-Type": FHIR, "Accept": FHIR}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            try:
                async with httpx.AsyncClient(timeout=10) as client:
                    sent = await client.put(f"{url.rstrip('/')}/fhir/Appointment",
                                            params={"identifier": record["identifier"]},
                                            content=json.dumps(resource, ensure_ascii=False), headers=headers)
                answer.update(pushed=True, status_code=sent.status_code, body=sent.text[:2000])
            except httpx.HTTPError as exc:
                answer.update(error=f"{type(exc).__name__}: {exc}")
        return answer

    def app(self) -> Starlette:
        def on(handler):
            async def endpoint(request: Request) -> Response:
                return await self._fhir(request, handler)
            return endpoint

        control = ["GET", "POST", "DELETE", "PUT"]
        return Starlette(routes=[
            Route("/fhir/Slot", on(self.slots), methods=["GET"]),
            Route("/fhir/Schedule", on(self.schedules), methods=["GET"]),
            Route("/fhir/Appointment", on(self.create), methods=["POST"]),
            Route("/fhir/Appointment", on(self.update), methods=["PUT"]),
            Route("/fhir/Appointment/{aid}", on(self.read), methods=["GET"]),
            Route("/_control/{rest:path}", self.control, methods=control),
        ])


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--name", required=True)
    for flag in ("--cpts", "--sos", "--no-booking"):
        parser.add_argument(flag, action="store_true")
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=None)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--state", default=None)
    parser.add_argument("--platform-url", default=None)
    parser.add_argument("--push-token", default=None)
    parser.add_argument("--synthetic-per-practitioner", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bbox", default="42.3,-4.8,51.1,8.2", help="lat_min,lon_min,lat_max,lon_max")
    parser.add_argument("--synthetic-share", default="0/1", help="i/n: answer only identifiers of share i of n")
    parser.add_argument("--tls-cert", default=None, help="HTTPS: the server's certificate (PEM)")
    parser.add_argument("--tls-key", default=None, help="HTTPS: its private key (PEM)")
    parser.add_argument("--tls-client-ca", default=None,
                        help="mTLS (SAS guide B.6): clients must present a certificate of this CA")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    tls: dict = {}
    if args.tls_cert:
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        if args.tls_client_ca:
            tls.update(ssl_ca_certs=args.tls_client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    uvicorn.run(Editor(args).app(), host=args.host, port=args.port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=1, **tls)


if __name__ == "__main__":
    main()
