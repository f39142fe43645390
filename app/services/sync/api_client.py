"""The console's HTTP client for the server's REST API (``/api/v1``), over one ``httpx.AsyncClient``.

Every failure becomes an :class:`ApiError` subclass (defined and listed in
:mod:`app.services.sync.api_errors`, re-exported here): :class:`Offline` when no answer
came at all (writes are idempotent by UUID, so the caller simply retries later), one
subclass per HTTP status or error code otherwise, with the server's French message.

``verify`` is True (system CAs), False, or the path of a CA file that the
server's certificate must chain to (``Settings.ca_file``).

The bearer token and the password are never logged, and neither are bodies
(they carry patient data): log lines name the method, path and status only.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from app.services.sync.api_errors import (
    ApiError,
    Conflict,
    EditorUnavailable,
    Forbidden,
    NotFound,
    Offline,
    PhoneConfirmationRequired,
    ServerError,
    SlotTaken,
    SlotTakenAtEditor,
    Unauthorized,
    ValidationFailed,
    error_for_response,
    error_from,
)
from app.services.sync.api_room import API, RoomEndpoints

__all__ = [
    "API", "ApiClient", "ApiError", "Conflict", "EditorUnavailable", "Forbidden", "NotFound", "Offline",
    "PhoneConfirmationRequired", "ServerError", "Session", "SlotTaken", "SlotTakenAtEditor", "Unauthorized",
    "ValidationFailed", "error_from",
]

log = logging.getLogger(__name__)

#: Never send loopback traffic (the embedded server) through a proxy set in the environment.
_LOOPBACK = ("all://127.0.0.1", "all://localhost", "all://[::1]")


@dataclass(frozen=True)
class Session:
    """The logged-in user as the server sees them (the token is kept out of ``repr``)."""

    token: str = field(repr=False)
    username: str
    role: str
    display_name: str
    expires_at: datetime | None


class ApiClient(RoomEndpoints):
    """Async client of one server; ``base_url`` may be changed (e.g. the server moved)."""

    def __init__(self, base_url: str, *, token: str | None = None, verify: bool | str = True,
                 timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None):
        self._token = token
        if isinstance(verify, str) and verify:
            # A CA bundle (Settings.ca_file): trust only it to check the server's certificate.
            verify = ssl.create_default_context(cafile=verify)
        self._http = httpx.AsyncClient(base_url=base_url, verify=verify, timeout=timeout, transport=transport,
                                       mounts=dict.fromkeys(_LOOPBACK))

    # --- lifecycle -------------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._http.base_url = url

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value

    # --- transport -------------------------------------------------------------------------
    async def _request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                       auth: bool = True) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"} if auth and self._token else {}
        try:
            response = await self._http.request(method, path, json=json, params=params, headers=headers)
        except httpx.TransportError as exc:
            log.info("%s %s: no answer (%s)", method, path, type(exc).__name__)
            raise Offline() from exc
        log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 400:
            raise error_for_response(response)
        return response

    # --- endpoints -------------------------------------------------------------------------
    async def login(self, username: str, password: str, *, desk_id: str | None = None) -> Session:
        """Log in and keep the token for the following requests.

        With ``desk_id`` (the console's desk number) the server ends this user's older tokens on that desk.
        """
        body: dict[str, Any] = {"username": username, "password": password}
        if desk_id is not None:
            body["desk_id"] = desk_id
        response = await self._request("POST", f"{API}/auth/login", auth=False, json=body)
        body = response.json()
        expires = body.get("expires_at")
        session = Session(
            token=body["access_token"],
            username=body.get("username", username),
            role=body.get("role", ""),
            display_name=body.get("display_name", username),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )
        self._token = session.token
        log.info("logged in as %s (%s)", session.username, session.role)
        return session

    async def logout(self) -> None:
        """Revoke the current token on the server (``POST /auth/logout``) and forget it.

        The token is forgotten whatever happens; an already refused token (401) is no error.
        """
        if not self._token:
            return
        try:
            await self._request("POST", f"{API}/auth/logout")
        except Unauthorized:
            pass
        finally:
            self._token = None
        log.info("logged out")

    async def search_slots(self, lat: float, lon: float, radius_km: float, start: datetime | None = None,
                           end: datetime | None = None, limit: int = 100,
                           kinds: Sequence[str] | None = None, extra: dict[str, Any] | None = None) -> dict:
        """Ranked free slots around a point: ``{"results": [...], "total": n, "to_call": [...], ...}``.

        ``extra`` adds filter parameters (``window``, ``mode``, ``structure``,
        ``sas_only``, ``en_sus``, ``practitioner``...; see the server's OpenAPI).
        """
        params: dict[str, Any] = {"lat": lat, "lon": lon, "radius_km": radius_km, "limit": limit, **(extra or {})}
        if kinds:
            params["kind"] = list(kinds)
        if start is not None:
            params["start"] = start.isoformat()
        if end is not None:
            params["end"] = end.isoformat()
        return (await self._request("GET", f"{API}/slots/search", params=params)).json()

    async def book_slot(self, slot_id: int, orientation_uuid: str, case_uuid: str, *, rebook: bool = False,
                        confirmed_by_phone: bool = False) -> dict:
        """Book a slot for the case's decision ``orientation_uuid``; the answer, with ``created`` (False: a replay)
        and ``orientation`` (the decision as it now stands, holding the slot).

        ``confirmed_by_phone``: the effecteur confirmed the appointment on the phone (a slot of an editor that
        only shows slots).  Sent only when true, so a server older than issue 14 still takes the other bookings.
        """
        body: dict[str, Any] = {"orientation_id": orientation_uuid, "case_id": case_uuid, "rebook": rebook}
        if confirmed_by_phone:
            body["confirmed_by_phone"] = True
        response = await self._request("POST", f"{API}/slots/{slot_id}/booking", json=body)
        return {**response.json(), "created": response.status_code == 201}

    async def cancel_booking(self, case_uuid: str) -> dict:
        """Cancel the case's booking; the answer (slot freed, the decision without its slot)."""
        return (await self._request("DELETE", f"{API}/slots/bookings/{case_uuid}")).json()

    async def geocode(self, insee: str, address: str) -> dict:
        """The address placed in its commune by the server: ``{"lat", "lon", "precision", "label"}``."""
        return (await self._request("POST", f"{API}/addresses/geocode",
                                    json={"insee": insee, "address": address})).json()

    async def territory_effecteurs(self, departements: Sequence[str]) -> dict:
        """The territory's effecteurs and their soonest free slot: ``{"departements", "effecteurs"}``."""
        return (await self._request("GET", f"{API}/territory/effecteurs",
                                    params={"departement": list(departements)})).json()

    async def put(self, path: str, body: dict) -> int:
        """Idempotent PUT of a document; returns 201 (created) or 200 (identical replay)."""
        return (await self._request("PUT", path, json=body)).status_code

    async def push_batch(self, items: list[dict]) -> list[dict]:
        """``POST /sync/batch`` of ``[{"id", "entity", "body"}]``; one ``{"id", "status", ...}`` per item."""
        response = await self._request("POST", f"{API}/sync/batch", json={"items": items})
        return response.json()["results"]

    async def put_case(self, doc_json: dict) -> int:
        return await self.put(f"{API}/cases/{doc_json['uuid']}", doc_json)

    async def put_orientation(self, doc_json: dict) -> int:
        return await self.put(f"{API}/orientations/{doc_json['uuid']}", doc_json)

    async def get(self, path: str) -> dict:
        return (await self._request("GET", path)).json()

    async def get_journal(self, after: int, limit: int = 200) -> dict:
        """Journal entries with ``seq > after``: ``{"entries": [...], "next_after": n}``."""
        return (await self._request("GET", f"{API}/journal", params={"after": after, "limit": limit})).json()

    @asynccontextmanager
    async def event_stream(self, last_event_id: int, *, read_timeout: float = 45.0) -> AsyncIterator[httpx.Response]:
        """``GET /events`` resumed after ``last_event_id``: the open response, to read as text (server-sent events).

        ``read_timeout`` bounds the silence between two chunks (the server sends a comment every 15 s).
        A refusal raises its :class:`ApiError` at once; a transport failure, now or while reading, :class:`Offline`.
        """
        headers = {"Accept": "text/event-stream", "Last-Event-ID": str(last_event_id)}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        timeout = httpx.Timeout(self._http.timeout.connect or 10.0, read=read_timeout)
        try:
            async with self._http.stream("GET", f"{API}/events", headers=headers, timeout=timeout) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise error_for_response(response)
                yield response
        except httpx.TransportError as exc:
            log.info("GET %s/events: stream lost (%s)", API, type(exc).__name__)
            raise Offline() from exc

    async def cache_key(self, desk: str) -> bytes:
        """This desk's 256-bit offline-cache key (``GET /desk/cache-key``); kept in memory only."""
        body = (await self._request("GET", f"{API}/desk/cache-key", params={"desk": desk})).json()
        try:
            key = bytes.fromhex(body["key"])
        except (KeyError, TypeError, ValueError):
            key = b""
        if len(key) != 32:
            raise ApiError("Clé du cache local invalide reçue du serveur.")
        return key

    async def health(self) -> bool:
        """True when the server answers its liveness check (``GET /healthz`` → 200)."""
        try:
            response = await self._http.get("/healthz")
        except httpx.TransportError:
            return False
        return response.status_code == 200
