"""A fleet of local agenda editors, each a real ``python -m tests.agendas.editor_server`` process.

:class:`EditorProcess` is one editor on its own port: ``start()`` waits until it answers,
``stop()`` (SIGTERM) / ``kill()`` (SIGKILL) and ``start()`` again come back on the same port with
the same state file.  Control helpers drive its agenda (``add_slot``, ``remove_slot``,
``take_slot``, ``appointments``, ``push_status``, ``set_delay``, ``set_fail``…).
:func:`running_fleet` starts several at once and stops them all at the end, failure or not;
:data:`SIX` is the ready-made fleet of issue 14 and :meth:`Fleet.write_registry` the
editors' TOML file for ``sas server --editors`` (format: app/services/agendas/registry.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Tls:
    """PEM files of an HTTPS editor that asks for client certificates, and of the client it trusts."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@dataclass(frozen=True)
class EditorSpec:
    """One editor of a fleet: its name, server options and what the registry says of it."""

    name: str
    serves: tuple[str, ...] = ("ps",)
    delay_ms: int = 0
    fail_status: int | None = None
    cpts: bool = False
    sos: bool = False
    booking: bool = True
    page_size: int = 100
    time_limit_s: float | None = None
    push_token: str | None = None
    extra: tuple[str, ...] = ()
    #: HTTPS with client certificates (mTLS): see :class:`Tls`.
    tls: Tls | None = None

    def options(self) -> list[str]:
        found = ["--page-size", str(self.page_size), "--delay-ms", str(self.delay_ms), *self.extra]
        if self.fail_status:
            found += ["--fail-status", str(self.fail_status)]
        found += [flag for flag, on in (("--cpts", self.cpts), ("--sos", self.sos), ("--no-booking", not self.booking))
                  if on]
        if self.tls is not None:
            found += ["--tls-cert", str(self.tls.server_cert), "--tls-key", str(self.tls.server_key),
                      "--tls-client-ca", str(self.tls.ca)]
        return found + (["--push-token", self.push_token] if self.push_token else [])


#: The fleet of issue 14: normal, slow past a 1 s limit, broken (500), show-only, CPTS, SOS Médecins.
SIX = (
    EditorSpec("ps-a", push_token="token-ps-a"),
    EditorSpec("ps-slow", delay_ms=1500, time_limit_s=1.0, push_token="token-ps-slow"),
    EditorSpec("ps-broken", fail_status=500, push_token="token-ps-broken"),
    EditorSpec("ps-show", booking=False),
    EditorSpec("cpts", serves=("ps", "cpts"), cpts=True, push_token="token-cpts"),
    EditorSpec("sos", serves=("sos",), sos=True, push_token="token-sos"),
)


def _client_tls(tls: Tls | None) -> ssl.SSLContext | bool:
    """The control client's TLS: trust the editor's authority, present the platform's certificate."""
    if tls is None:
        return True
    context = ssl.create_default_context(cafile=str(tls.ca))
    context.load_cert_chain(str(tls.client_cert), str(tls.client_key))
    return context


class EditorProcess:
    """One running editor; ``base_url`` is its FHIR base (``http://127.0.0.1:PORT/fhir/``)."""

    def __init__(self, spec: EditorSpec, folder: Path, port: int | None = None,
                 platform_url: str | None = None) -> None:
        self.spec, self.name, self.port = spec, spec.name, port or free_port()
        self.url = f"{'https' if spec.tls else 'http'}://127.0.0.1:{self.port}"
        self.base_url = f"{self.url}/fhir/"
        self.state_file = folder / f"{spec.name}.state.json"
        self.log_file = folder / f"{spec.name}.log"
        self.platform_url = platform_url
        self.proc: subprocess.Popen | None = None
        self.http = httpx.Client(base_url=f"{self.url}/_control/", timeout=10, verify=_client_tls(spec.tls))

    # --- process -------------------------------------------------------------------------------
    def launch(self) -> None:
        """Start the process without waiting (see :meth:`wait_ready`)."""
        command = [sys.executable, "-m", "tests.agendas.editor_server", "--port", str(self.port), "--name",
                   self.name, "--state", str(self.state_file), *self.spec.options()]
        if self.platform_url:
            command += ["--platform-url", self.platform_url]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        with open(self.log_file, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"editor {self.name} exited: {self.log_file.read_text()[-2000:]}")
            with contextlib.suppress(httpx.TransportError):
                if self.http.get("health", timeout=0.5).status_code == 200:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"editor {self.name} did not answer on port {self.port}")

    def start(self, timeout: float = 30.0) -> EditorProcess:
        self.launch()
        try:
            self.wait_ready(timeout)
        except BaseException:  # an editor that never answered is not left running
            self.kill()
            raise
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.running:
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: the editor disappears at once (its state file stays)."""
        if self.running:
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    # --- control -------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict | None = None):
        answer = self.http.request(method, path, json=body)
        if answer.status_code != 200:
            raise AssertionError(f"{self.name} {method} /_control/{path}: {answer.status_code} {answer.text}")
        return answer.json()

    def add_practitioner(self, rpps: str, **fields) -> dict:
        """Fields: family, given, line, city, postal_code, lat, lon, near=(lat, lon), phone."""
        return self._call("POST", "practitioners", {"rpps": rpps, **fields})

    def add_structure(self, siret: str, **fields) -> dict:
        """An SOS Médecins association and its site (name, site_name, line, city, postal_code, lat, lon, hours)."""
        return self._call("POST", "structures", {"siret": siret, **fields})

    def add_slot(self, owner: str, start: datetime | str, *, minutes: int = 20, mode: str = "AMB",
                 types: tuple[str, ...] = ("SNP",), cpts: tuple[tuple[str, str], ...] = (),
                 slot_id: str | None = None, near: tuple[float, float] | None = None) -> str:
        """A free slot of ``owner`` (RPPS, ``8``+RPPS or ``3``+SIRET, created if unknown); its id."""
        body = {"owner": owner, "start": start.isoformat() if isinstance(start, datetime) else start,
                "minutes": minutes, "mode": mode, "types": list(types), "cpts": [list(c) for c in cpts],
                "id": slot_id, "near": list(near) if near else None}
        return self._call("POST", "slots", body)["id"]

    def slots(self) -> list[dict]:
        return self._call("GET", "slots")

    def remove_slot(self, slot_id: str) -> None:
        self._call("DELETE", f"slots/{slot_id}")

    def take_slot(self, slot_id: str) -> None:
        """The slot is booked "elsewhere" (by the doctor's own agenda): no longer free."""
        self._call("POST", f"slots/{slot_id}/take")

    def appointments(self) -> list[dict]:
        """Each: id, identifier (system|value), slot, status, body (last one received), received, resource."""
        return self._call("GET", "appointments")

    def push_status(self, appointment: str, status: str) -> dict:
        """Change an appointment (id or identifier value) and PUT it to the platform: the editor's answer."""
        return self._call("POST", f"appointments/{appointment}/status", {"status": status})

    def configure(self, **config) -> dict:
        """delay_ms, fail_status, page_size, platform_url, push_token (until the process stops)."""
        return self._call("POST", "config", config)

    def set_delay(self, ms: int) -> None:
        self.configure(delay_ms=ms)

    def set_fail(self, status: int | None) -> None:
        self.configure(fail_status=status)

    def requests(self) -> list[dict]:
        """The FHIR requests received since the start: method, path, params (list of pairs)."""
        return self._call("GET", "requests")

    def reset(self) -> None:
        """Empty agenda and request log; delay/fail back to the spec's."""
        self._call("POST", "reset")
        self.configure(delay_ms=self.spec.delay_ms, fail_status=self.spec.fail_status, page_size=self.spec.page_size)


@dataclass
class Fleet:
    """Running editors by name (``fleet["ps-a"]``)."""

    editors: dict[str, EditorProcess] = field(default_factory=dict)

    def __getitem__(self, name: str) -> EditorProcess:
        return self.editors[name]

    def __iter__(self) -> Iterator[EditorProcess]:
        return iter(self.editors.values())

    def start(self) -> None:
        for editor in self:
            if not editor.running:
                editor.launch()
        for editor in self:
            editor.wait_ready()

    def stop(self) -> None:
        for editor in self:
            editor.kill()
            editor.http.close()

    def reset(self) -> None:
        for editor in self:
            if editor.running:
                editor.reset()

    def set_platform(self, url: str) -> None:
        """Where every running editor pushes its Appointment updates from now on."""
        for editor in self:
            if editor.running:
                editor.configure(platform_url=url, push_token=editor.spec.push_token)

    def registry_toml(self, *, refresh_s: float | None = None, max_age_s: float | None = None) -> str:
        lines = [f"refresh_s = {refresh_s}"] if refresh_s else []
        lines += [f"max_age_s = {max_age_s}"] if max_age_s else []
        for e in self:
            serves = ", ".join(f'"{s}"' for s in e.spec.serves)
            lines += ["", "[[editor]]", f'name = "{e.name}"', f'base_url = "{e.base_url}"', f"serves = [{serves}]",
                      f"booking = {'true' if e.spec.booking else 'false'}"]
            if e.spec.time_limit_s:
                lines.append(f"time_limit_s = {e.spec.time_limit_s}")
            if e.spec.push_token:
                lines.append(f'push_token_sha256 = "{hashlib.sha256(e.spec.push_token.encode()).hexdigest()}"')
        return "\n".join(lines) + "\n"

    def write_registry(self, path: Path, **kwargs) -> Path:
        """The editors' TOML file for ``sas server --editors`` (see :meth:`registry_toml`)."""
        Path(path).write_text(self.registry_toml(**kwargs), encoding="utf-8")
        return Path(path)


@contextlib.contextmanager
def running_fleet(folder: Path, specs: tuple[EditorSpec, ...] = SIX,
                  platform_url: str | None = None) -> Iterator[Fleet]:
    """Start ``specs`` at once (state files in ``folder``), yield the fleet, kill every process at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    fleet = Fleet({s.name: EditorProcess(s, folder, platform_url=platform_url) for s in specs})
    try:
        fleet.start()
        yield fleet
    finally:
        fleet.stop()
