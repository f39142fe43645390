"""The room's endpoints of the console's API client: SAS appointments, Hub Santé hand-over, telephony calls.

:class:`RoomEndpoints` is a mixin of :class:`~app.services.sync.api_client.ApiClient`, which gives it
``_request`` (one authenticated request; a refusal raises its
:class:`~app.services.sync.api_errors.ApiError`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

#: The REST API's prefix (the client's paths start with it).
API = "/api/v1"


class RoomEndpoints:
    """The appointments' worklists, the hand-over of a case to the Hub, and the room's calls (issue 15)."""

    if TYPE_CHECKING:
        async def _request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                           auth: bool = True) -> httpx.Response: ...

    async def list_appointments(self, worklist: str) -> list[dict]:
        """SAS appointments of a worklist: ``unattached`` (with candidate cases) or ``followup``."""
        response = await self._request("GET", f"{API}/appointments", params={"worklist": worklist})
        return response.json()["appointments"]

    async def attach_appointment(self, uuid: str, case_uuid: str) -> dict:
        """Attach a SAS appointment to a case; the appointment as stored."""
        return (await self._request("POST", f"{API}/appointments/{uuid}/attach", json={"case_uuid": case_uuid})).json()

    async def mark_followed_up(self, uuid: str) -> dict:
        """The patient of a cancelled or missed appointment was called back."""
        return (await self._request("POST", f"{API}/appointments/{uuid}/followed-up")).json()

    async def send_case_to_hub(self, case_uuid: str, recipient: str) -> dict:
        """Hand a case over to another Hub Santé client (``202``).

        Returns ``{"distributionID", "recipient", "hub_connected"}``.
        """
        return (await self._request("POST", f"{API}/cases/{case_uuid}/hub/send", json={"recipient": recipient})).json()

    # --- telephony (issue 15): the room's calls -------------------------------------------------
    async def call_event(self, body: dict) -> dict:
        """``POST /calls/events`` (a call's presented, answered, ended… instant); the call as the server has it."""
        return (await self._request("POST", f"{API}/calls/events", json=body)).json()

    async def link_call(self, call_id: str, case_uuid: str) -> dict:
        """Link the room's call ``call_id`` to the case ``case_uuid``."""
        return (await self._request("POST", f"{API}/calls/{quote(call_id, safe='')}/case",
                                    json={"case_id": case_uuid})).json()

    async def calls(self, state: str = "waiting") -> list[dict]:
        """The room's calls: ``waiting``, ``active`` or ``recent``."""
        body = (await self._request("GET", f"{API}/calls", params={"state": state})).json()
        return body.get("calls", []) if isinstance(body, dict) else body

    async def call_lookup(self, number: str) -> dict:
        """What the room knows of ``number``: ``{open_cases, recent_cases, duplicate_warning}``."""
        return (await self._request("GET", f"{API}/calls/lookup", params={"number": number})).json()
