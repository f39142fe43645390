"""The desk's softphone: baresip run as a supervised child process, driven over ctrl_tcp.

`Softphone.start()` writes a private baresip profile (profile.py), starts `baresip -f <dir>`,
connects to its ctrl_tcp port and reports the state through `on_state`:
"off" -> "starting" -> "ready" (registered at the proxy; at once when register_interval is 0)
-> "down" (process dead, control socket lost, or registration failed) -> "starting" -> "ready"...
When baresip dies it is restarted with a growing delay; the calls it held are gone, so each gets a
"closed" event with reason "softphone restarted". `stop()` (logout) quits baresip, kills it if it
does not quit, closes the remaining calls ("softphone stopped") and removes the profile.

Commands address a call by its id: baresip 1.0.0 acts on the "current call", so each command is
`callfind <id>` then the command, under one lock so commands never interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.services.telephony.ctrl_tcp import CtrlClient, CtrlError
from app.services.telephony.events import CallEvent, parse_event, register_state, synthetic
from app.services.telephony.profile import free_port, free_sip_port, write_profile
from app.services.telephony.settings import TelephonySettings

log = logging.getLogger(__name__)

RESTART_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
_CALL_ID = re.compile(r"\bid=(\S+)")


class TelephonyError(RuntimeError):
    """A softphone command could not be done (no such call, softphone down, baresip refused)."""


def _die_with_parent() -> None:
    """In the child, before baresip runs: on Linux, it gets SIGKILL when the console dies (even by kill -9)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Softphone:
    """One desk's baresip, started, watched and restarted by the console."""

    def __init__(
        self,
        settings: TelephonySettings,
        on_event: Callable[[CallEvent], None],
        on_state: Callable[[str], None],
    ) -> None:
        self.settings = settings
        self.state = "off"
        self.calls: dict[str, CallEvent] = {}
        self.restarts = 0
        self._on_event = on_event
        self._on_state = on_state
        self._process: asyncio.subprocess.Process | None = None
        self._ctrl: CtrlClient | None = None
        self._dir: Path | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False
        self._lock = asyncio.Lock()
        self._dialling: asyncio.Future[str] | None = None
        self._state_changed = asyncio.Event()

    # --- life cycle -------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The running baresip's process id (tests kill it), None when none runs."""
        return self._process.pid if self._process and self._process.returncode is None else None

    async def start(self) -> None:
        """Start baresip and its supervision; returns once its control socket answers."""
        if self._supervisor is not None:
            return
        problems = self.settings.problems()
        if problems:
            raise TelephonyError(" ".join(problems))
        self.settings = self.settings.with_ports(
            self.settings.local_sip_port or free_sip_port(), self.settings.ctrl_port or free_port()
        )
        self._dir = write_profile(Path(tempfile.mkdtemp(prefix="sas-baresip-")), self.settings)
        self._stopping = False
        self._set_state("starting")
        try:
            await self._launch()
        except (OSError, CtrlError) as exc:
            log.warning("softphone %s: not started: %s", self.settings.describe(), exc)
            self._set_state("down")
        self._supervisor = asyncio.create_task(self._supervise(), name="softphone-supervisor")

    async def _launch(self) -> None:
        assert self._dir is not None
        self._process = await asyncio.create_subprocess_exec(
            self.settings.baresip, "-f", str(self._dir),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
        )
        ctrl = CtrlClient(self._on_message, self._on_ctrl_lost)
        try:
            await ctrl.connect("127.0.0.1", self.settings.ctrl_port)
            self._ctrl = ctrl
            if not self.settings.register_interval:
                self._set_state("ready")
            elif "OK" in await ctrl.command("reginfo"):
                self._set_state("ready")
        except CtrlError:
            await ctrl.close()
            self._kill()
            raise

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            process = self._process
            if process is not None:
                await process.wait()
            if self._stopping:
                return
            log.warning("softphone %s: baresip ended, restarting", self.settings.describe())
            self._close_all("softphone restarted")
            self._set_state("down")
            if self._ctrl is not None:
                await self._ctrl.close()
                self._ctrl = None
            await asyncio.sleep(RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)])
            if self._stopping:
                return
            self._set_state("starting")
            try:
                await self._launch()
                failures = 0
                self.restarts += 1
            except (OSError, CtrlError) as exc:
                log.warning("softphone restart failed: %s", exc)
                failures += 1
                self._set_state("down")
                self._process = None
                await asyncio.sleep(RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)])

    def _kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()

    def _on_ctrl_lost(self) -> None:
        # baresip without its control socket is of no use to the console: restart it
        if not self._stopping:
            self._kill()

    async def stop(self) -> None:
        """Quit baresip (logout): no process is left, the remaining calls are closed."""
        self._stopping = True
        process, ctrl = self._process, self._ctrl
        if ctrl is not None and not ctrl.closed and process is not None and process.returncode is None:
            with contextlib.suppress(CtrlError):
                await ctrl.command("quit", timeout=1.0)
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), 2.0)
            except asyncio.TimeoutError:
                self._kill()
                await process.wait()
        if ctrl is not None:
            await ctrl.close()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        self._supervisor = self._ctrl = self._process = None
        self._close_all("softphone stopped")
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._set_state("off")

    async def wait_state(self, state: str, timeout: float = 10.0) -> None:
        """Wait until the softphone reaches `state` (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            while self.state != state:
                self._state_changed.clear()
                await self._state_changed.wait()

    # --- events -----------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self._state_changed.set()
        try:
            self._on_state(state)
        except Exception:
            log.exception("softphone: state listener failed")

    def _on_message(self, message: dict[str, Any]) -> None:
        registered = register_state(message)
        if registered is not None and not self._stopping:
            self._set_state(registered)
            return
        event = parse_event(message)
        if event is None:
            return
        dialling = self._dialling
        if dialling is not None and not dialling.done() and event.direction == "outgoing":
            if event.call_id not in self.calls:
                dialling.set_result(event.call_id)
        previous = self.calls.get(event.call_id)
        if previous is not None and previous.kind == event.kind == "ringing":
            return  # one "ringing" per call, not one per forked branch
        self._report(event)

    def _report(self, event: CallEvent) -> None:
        if event.kind == "closed":
            self.calls.pop(event.call_id, None)
        elif event.kind not in ("transferred", "transfer_failed") or event.call_id in self.calls:
            self.calls[event.call_id] = event
        try:
            self._on_event(event)
        except Exception:
            log.exception("softphone: event listener failed")

    def _close_all(self, reason: str) -> None:
        for call in list(self.calls.values()):
            self._report(synthetic("closed", call, reason))

    # --- commands ---------------------------------------------------------------------------
    def _client(self) -> CtrlClient:
        if self._ctrl is None or self._ctrl.closed:
            raise TelephonyError("Téléphone indisponible")
        return self._ctrl

    async def _on_call(self, call_id: str, command: str, params: str = "") -> str:
        async with self._lock:
            ctrl = self._client()
            try:
                found = await ctrl.command("callfind", call_id)
                if "not found" in found:
                    raise TelephonyError(f"Appel inconnu : {call_id}")
                return await ctrl.command(command, params)
            except CtrlError as exc:
                raise TelephonyError(str(exc)) from exc

    async def accept(self, call_id: str) -> None:
        """Answer a ringing incoming call."""
        await self._on_call(call_id, "accept")

    async def hangup(self, call_id: str) -> None:
        """Hang up (or reject, while it rings) a call."""
        await self._on_call(call_id, "hangup")

    async def hold(self, call_id: str) -> None:
        """Put a call on hold (re-INVITE sendonly); reports "held"."""
        await self._on_call(call_id, "hold")
        if call_id in self.calls:
            self._report(synthetic("held", self.calls[call_id]))

    async def resume(self, call_id: str) -> None:
        """Take a call off hold; reports "resumed"."""
        await self._on_call(call_id, "resume")
        if call_id in self.calls:
            self._report(synthetic("resumed", self.calls[call_id]))

    async def transfer(self, call_id: str, target: str) -> None:
        """Blind transfer (REFER) to a desk user ("mru1"), a number or a SIP URI; reports "transferred"."""
        uri = self.uri_for(target)
        await self._on_call(call_id, "transfer", uri)
        if call_id in self.calls:
            self._report(synthetic("transferred", self.calls[call_id], uri))

    async def dial(self, number_or_uri: str) -> str:
        """Call a number, a desk user or a SIP URI; returns the new call's id."""
        uri = self.uri_for(number_or_uri)
        async with self._lock:
            ctrl = self._client()
            # the new call's id: from `callstat` (the new call is baresip's current call), or from its
            # first event when the call ended before (a fast 404)
            self._dialling = asyncio.get_running_loop().create_future()
            try:
                await ctrl.command("dial", uri)
                match = _CALL_ID.search(await ctrl.command("callstat"))
                if match is not None and "Outgoing" in match.string:
                    return match.group(1)
                return await asyncio.wait_for(self._dialling, 5.0)
            except (CtrlError, asyncio.TimeoutError) as exc:
                raise TelephonyError(f"Appel non passé : {uri}") from exc
            finally:
                self._dialling = None

    def uri_for(self, target: str) -> str:
        """"sip:<target>@<domain>" for a number or a desk user; a SIP URI as given."""
        target = target.strip()
        if target.startswith(("sip:", "sips:")):
            return target
        compact = re.sub(r"[\s.\-()]", "", target)
        return f"sip:{compact}@{self.settings.sip_domain}"
