"""A client for baresip's ctrl_tcp module: JSON over netstrings on a TCP socket.

A netstring is `<length>:<bytes>,`. Commands go out as {"command": "...", "params": "...", "token": "..."};
baresip answers each with {"response": true, "ok": bool, "data": "<text>", "token": "..."} and sends
events ({"event": true, "type": ...}) at any time on the same socket. `CtrlClient.command()` waits for
the response with the same token; events go to the `on_event` callback in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_NETSTRING = 1 << 20


class CtrlError(RuntimeError):
    """A ctrl_tcp command failed (baresip said ok=false, the socket closed, or no answer in time)."""


def encode(message: dict[str, Any]) -> bytes:
    """One JSON message as a netstring."""
    payload = json.dumps(message, separators=(",", ":")).encode()
    return b"%d:%s," % (len(payload), payload)


class NetstringDecoder:
    """Splits a byte stream into netstring payloads."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return the complete payloads now available."""
        self._buffer += data
        out: list[bytes] = []
        while True:
            head, sep, rest = self._buffer.partition(b":")
            if not sep:
                if len(self._buffer) > 12:
                    raise CtrlError("ctrl_tcp: bad netstring length")
                return out
            if not head.isdigit() or int(head) > MAX_NETSTRING:
                raise CtrlError("ctrl_tcp: bad netstring length")
            size = int(head)
            if len(rest) < size + 1:
                return out
            if rest[size : size + 1] != b",":
                raise CtrlError("ctrl_tcp: netstring without its comma")
            out.append(rest[:size])
            self._buffer = rest[size + 1 :]


class CtrlClient:
    """One connection to a baresip ctrl_tcp port."""

    def __init__(self, on_event: Callable[[dict[str, Any]], None], on_close: Callable[[], None] | None = None):
        self._on_event = on_event
        self._on_close = on_close
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tokens = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self.closed = True

    async def connect(self, host: str, port: int, timeout: float = 5.0) -> None:
        """Connect, retrying while baresip starts (refused connections) for up to `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                self._reader, self._writer = await asyncio.open_connection(host, port)
                break
            except OSError as exc:
                if loop.time() >= deadline:
                    raise CtrlError(f"ctrl_tcp: no answer on {host}:{port}") from exc
                await asyncio.sleep(0.05)
        self.closed = False
        self._task = asyncio.create_task(self._read_loop(), name=f"baresip-ctrl-{port}")

    async def _read_loop(self) -> None:
        decoder = NetstringDecoder()
        assert self._reader is not None
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    break
                for payload in decoder.feed(data):
                    self._dispatch(payload)
        except (OSError, CtrlError) as exc:
            log.warning("ctrl_tcp: connection lost: %s", exc)
        finally:
            self._lost()

    def _dispatch(self, payload: bytes) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("ctrl_tcp: not JSON, ignored")
            return
        if not isinstance(message, dict):
            return
        if message.get("response"):
            future = self._pending.pop(str(message.get("token", "")), None)
            if future is not None and not future.done():
                future.set_result(message)
            return
        try:
            self._on_event(message)
        except Exception:  # a faulty listener must not stop the softphone's events
            log.exception("ctrl_tcp: event listener failed")

    def _lost(self) -> None:
        if self.closed:
            return
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(CtrlError("ctrl_tcp: connection closed"))
        self._pending.clear()
        if self._on_close is not None:
            self._on_close()

    async def command(self, command: str, params: str = "", timeout: float = 5.0) -> str:
        """Send one command and return its text answer; CtrlError when baresip refuses it."""
        if self.closed or self._writer is None:
            raise CtrlError("ctrl_tcp: not connected")
        token = f"sas{next(self._tokens)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[token] = future
        self._writer.write(encode({"command": command, "params": params, "token": token}))
        try:
            await self._writer.drain()
            answer = await asyncio.wait_for(future, timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            self._pending.pop(token, None)
            raise CtrlError(f"ctrl_tcp: no answer to {command}") from exc
        data = str(answer.get("data", ""))
        if not answer.get("ok"):
            raise CtrlError(f"baresip refused {command}: {data.strip()}")
        return data

    async def close(self) -> None:
        """Close the connection (without reporting it as lost)."""
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(CtrlError("ctrl_tcp: connection closed"))
        self._pending.clear()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self._writer.wait_closed()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
