"""Request limits checked before anything parses a body: size (413) and JSON nesting depth (422).

:class:`RequestLimits` is a pure ASGI middleware around the whole app, so it holds
for every route, authenticated or not, before FastAPI, pydantic or a route reads
a byte:

* a ``Content-Length`` above the limit is refused at once, the body unread;
* a body without one (chunked) is counted while it is received and refused as soon
  as it passes the limit, so no more than the limit is ever held in memory;
* a body that looks like JSON (its first non-blank byte is ``{`` or ``[``) nested
  deeper than :data:`MAX_JSON_DEPTH` is refused with a 422 naming ``body``; the
  depth is counted without recursion (:func:`json_depth`), so a hostile document
  never reaches a recursive parser or validator.  Routes that answer in their own
  format (the Hub inbox answers RS-ERROR) are listed in ``own_depth_check`` and call
  :func:`json_depth` themselves.

The refused client keeps its connection: uvicorn discards the rest of the body.
Answers have the API's error shape (:mod:`app.server.errors`), in French.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from itertools import accumulate
from typing import Any

from app.server.errors import VALIDATION_MESSAGE

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Default body limit: 1 MB (a case with its patients and notes is a few kilobytes).
DEFAULT_MAX_BODY_BYTES = 1_000_000
#: Deepest JSON nesting accepted (a case document is 3 levels deep, a Hub envelope about 12).
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENS = bytes.maketrans(b"[]{}", b"\x01\x00\x01\x00")
_CLOSES = bytes.maketrans(b"[]{}", b"\x00\x01\x00\x01")


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of the JSON text ``raw`` nest (0 for a scalar); no recursion.

    Strings are blanked first, so brackets inside them do not count; the depth is the
    highest running count of opening minus closing brackets (computed in C by
    :func:`itertools.accumulate`).  Malformed text gets a number too; the parser refuses it later.
    """
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    opened = accumulate(brackets.translate(_OPENS))
    closed = accumulate(brackets.translate(_CLOSES))
    return max(o - c for o, c in zip(opened, closed))


def looks_like_json(raw: bytes) -> bool:
    """True when the first non-blank byte opens an array or an object."""
    return raw.lstrip()[:1] in (b"{", b"[")


def too_large_message(max_body_bytes: int) -> str:
    return f"Corps de requête trop volumineux (au plus {max_body_bytes / 1_000_000:g} Mo)"


def too_deep_message(max_depth: int = MAX_JSON_DEPTH) -> str:
    return f"JSON trop imbriqué (au plus {max_depth} niveaux)"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _answer(send: Send, status: int, body: dict) -> None:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]})
    await send({"type": "http.response.body", "body": content})


class RequestLimits:
    """The body size and JSON depth limits in front of ``app`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 max_json_depth: int = MAX_JSON_DEPTH, own_depth_check: Iterable[str] = ()):
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        self.own_depth_check = frozenset(own_depth_check)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        log.warning("request body over %d bytes refused on %s %s", self.max_body_bytes, scope.get("method"),
                    scope.get("path"))
        await _answer(send, 413, {"error": "payload_too_large", "message": too_large_message(self.max_body_bytes)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, send)
            return
        # Read the whole body (at most the limit) before the app sees any of it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: the client left
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                chunks.clear()
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if (body and scope.get("path") not in self.own_depth_check and looks_like_json(body)
                and json_depth(body) > self.max_json_depth):
            await _answer(send, 422, {"error": "validation", "message": VALIDATION_MESSAGE,
                                      "fields": [{"field": "body", "message": too_deep_message(self.max_json_depth)}]})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
