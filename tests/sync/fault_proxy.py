"""An in-process fault-injecting proxy between the sync service and a real server.

:class:`FaultProxy` is an ``httpx`` transport: the console's :class:`ApiClient`
sends through it, it forwards to the real server over TCP and, for a chosen
share of requests, misbehaves the way networks and servers do:

* ``drop_request`` — the request never reaches the server (connection refused);
* ``drop_response`` — the server handles (and commits) it, the answer is lost;
* ``duplicate`` — the request reaches the server twice;
* ``reorder`` — the request is held back, the client times out, and it is
  delivered later, after newer requests;
* ``delay`` — it arrives late (but arrives);
* ``error_500`` — a 500 answer, before or after the server handled it;
* ``reset`` — the connection is reset, before or after the server handled it.

Login requests are never faulted (the test is about the sync).  Every choice
comes from a seeded :class:`random.Random`, so a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx

FAULTS = ("drop_request", "drop_response", "duplicate", "reorder", "delay", "error_500", "reset")


class FaultProxy(httpx.AsyncBaseTransport):
    def __init__(self, *, rate: float, seed: int, faults: tuple[str, ...] = FAULTS):
        self._real = httpx.AsyncHTTPTransport()
        self._rng = random.Random(seed)
        self.rate = rate
        self.faults = faults
        self.counts: Counter[str] = Counter()
        self.requests = 0
        self.faulted = 0
        self._held: list[httpx.Request] = []
        self.enabled = True

    async def _forward(self, request: httpx.Request) -> httpx.Response:
        response = await self._real.handle_async_request(_copy(request))
        body = await response.aread()
        await response.aclose()
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

    async def deliver_held(self, keep: int = 0) -> None:
        """Deliver requests held back by ``reorder`` (all but the ``keep`` newest), answers discarded."""
        while len(self._held) > keep:
            request = self._held.pop(self._rng.randrange(len(self._held) - keep))
            await self._forward(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if "/auth/" in request.url.path or not self.enabled:
            return await self._forward(request)
        self.requests += 1
        # Stale requests held back earlier arrive now, after newer ones.
        if self._held and self._rng.random() < 0.5:
            await self.deliver_held(keep=len(self._held) - 1)
        if self._rng.random() >= self.rate:
            return await self._forward(request)
        fault = self._rng.choice(self.faults)
        self.faulted += 1
        self.counts[fault] += 1
        after = self._rng.random() < 0.5
        if fault == "drop_request":
            raise httpx.ConnectError("connection refused (injected)", request=request)
        if fault == "drop_response":
            await self._forward(request)
            raise httpx.ReadError("response lost (injected)", request=request)
        if fault == "duplicate":
            await self._forward(request)
            return await self._forward(request)
        if fault == "reorder":
            self._held.append(request)
            raise httpx.ReadTimeout("held back (injected)", request=request)
        if fault == "delay":
            await asyncio.sleep(self._rng.uniform(0, 0.01))
            return await self._forward(request)
        if fault == "error_500":
            if after:
                await self._forward(request)
            return httpx.Response(500, json={"error": "internal", "message": "injected"}, request=request)
        if after:
            await self._forward(request)
        raise httpx.RemoteProtocolError("connection reset by peer (injected)", request=request)

    async def aclose(self) -> None:
        await self._real.aclose()


def _copy(request: httpx.Request) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers, content=request.content)
