"""The desk's call events reach the server in order, through an outage, and a link waits for its case (no Qt)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest

from app.services.desk.call_events import CallEventQueue, event_body
from app.services.sync.api_client import ApiClient

AT = datetime(2025, 11, 24, 13, 0, tzinfo=timezone.utc)


class FlakyServer:
    """Answers nothing for the first ``down`` requests, then 201; a link 404s until the case is ``pushed``."""

    def __init__(self, down: int = 0):
        self.down, self.received, self.pushed = down, [], False

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.down -= 1
            raise httpx.ConnectError("room server restarting", request=request)
        if request.url.path.endswith("/case") and not self.pushed:
            self.pushed = True  # the sync pushes the case meanwhile
            return httpx.Response(404, json={"error": "not_found", "message": "Dossier inconnu"})
        body = json.loads(request.content)
        if body.get("event") == "answered" and body.get("call_id") == "taken":
            return httpx.Response(409, json={"error": "call_taken", "message": "Appel pris par un autre poste"})
        self.received.append((request.url.path, body))
        return httpx.Response(201, json={"call": {}})


@pytest.mark.asyncio
async def test_events_arrive_in_order_after_an_outage_and_the_link_waits_for_its_case():
    server = FlakyServer(down=3)
    client = ApiClient("http://room.test", transport=httpx.MockTransport(server.handler))
    queue = CallEventQueue(client, retry_delays=(0.01,))
    queue.post_event(event_body("c1@proxy", "presented", AT, number="0612345678"))
    queue.post_event(event_body("c1@proxy", "answered", AT))
    queue.link("c1@proxy", "case-uuid-1")
    queue.post_event(event_body("c1@proxy", "ended", AT))
    await queue.stop(flush_s=3)
    assert queue.sent == [("event", "c1@proxy", "presented"), ("event", "c1@proxy", "answered"),
                          ("link", "c1@proxy", "case-uuid-1"), ("event", "c1@proxy", "ended")]
    assert server.received[0][1]["at"] == "2025-11-24T13:00:00+00:00"
    assert server.received[2] == ("/api/v1/calls/c1@proxy/case", {"case_id": "case-uuid-1"})
    await client.aclose()


@pytest.mark.asyncio
async def test_a_call_taken_elsewhere_is_told_and_a_naive_time_is_refused():
    server = FlakyServer()
    client = ApiClient("http://room.test", transport=httpx.MockTransport(server.handler))
    queue = CallEventQueue(client, retry_delays=(0.01,))
    taken = []
    queue.on_taken = taken.append
    queue.post_event(event_body("taken", "answered", AT))
    await queue.stop(flush_s=2)
    assert taken == ["taken"] and queue.sent == []
    with pytest.raises(ValueError):
        event_body("c2", "presented", datetime(2025, 11, 24, 13, 0))
    await client.aclose()
