"""The room's SIP proxy: kamailio with resources/telephony/kamailio.cfg, written for given ports.

`ProxySettings` says where kamailio listens, the room's numbers (forked in parallel to every
registered ARM desk), which desk users are ARM desks, the trunk for numbers outside the room, and the
room secret the desks' SIP passwords derive from (room_secret.py: digest authentication of every
REGISTER and of calls out, no database). `write_config()` rewrites the cfg's "#!define" block (the
file holds the secret: written owner-only); `KamailioProcess` runs `kamailio -DD -E -f cfg`
in the foreground as a child process (tests, a small room) and stops it. kamailio is never started
as a system service by the console or the tests.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.services.telephony.room_secret import check_secret

TEMPLATE = Path(__file__).resolve().parents[3] / "resources" / "telephony" / "kamailio.cfg"
_DEFINES = re.compile(r"# --- SAS defines.*?# --- end of SAS defines ---\n", re.DOTALL)


@dataclass(frozen=True)
class ProxySettings:
    """What the room's kamailio does.

    host/port: where it listens (UDP). room_numbers: the numbers that ring the ARM desks.
    arm_prefix: desk users starting with it are ARM desks (arm1, arm2...), also registered under the
    group AOR `arm_group`. trunk: where other numbers go ("sip:host:port" of the PBX or SIP trunk).
    secret: the room secret (room_secret.py), required; never in repr().
    """

    host: str = "127.0.0.1"
    port: int = 5060
    room_numbers: tuple[str, ...] = ("15", "116117")
    arm_prefix: str = "arm"
    arm_group: str = "arm"
    trunk: str = "sip:127.0.0.1:5080"
    max_expires: int = 3600
    secret: str = field(default="", repr=False)

    @property
    def address(self) -> str:
        """"host:port", the desks' outbound proxy (TelephonySettings.proxy)."""
        return f"{self.host}:{self.port}"


def defines(settings: ProxySettings) -> str:
    """The cfg's "#!define" block for these settings."""
    numbers = "|".join(re.escape(n) for n in settings.room_numbers)
    for value in (settings.trunk, settings.arm_group, settings.arm_prefix):
        if '"' in value or "\n" in value:
            raise ValueError("kamailio: a setting contains a quote or a new line")
    secret = check_secret(settings.secret)
    return (
        "# --- SAS defines (rewritten by proxy.py) ---\n"
        f"#!define SAS_LISTEN udp:{settings.host}:{settings.port}\n"
        f'#!define SAS_ROOM_NUMBERS "^({numbers})$"\n'
        f'#!define SAS_ARM_USERS "^{re.escape(settings.arm_prefix)}"\n'
        f'#!define SAS_ARM_GROUP "{settings.arm_group}"\n'
        f'#!define SAS_TRUNK "{settings.trunk}"\n'
        f"#!define SAS_MAX_EXPIRES {int(settings.max_expires)}\n"
        f'#!define SAS_SECRET "{secret}"\n'
        "# --- end of SAS defines ---\n"
    )


def config_text(settings: ProxySettings, template: Path = TEMPLATE) -> str:
    """resources/telephony/kamailio.cfg with its defines set for `settings`."""
    text = template.read_text(encoding="utf-8")
    if not _DEFINES.search(text):
        raise ValueError(f"{template}: no SAS defines block")
    return _DEFINES.sub(lambda _m: defines(settings), text, count=1)


def write_config(settings: ProxySettings, path: Path) -> Path:
    """Write the room's kamailio config to `path`, readable by its owner only (it holds the secret)."""
    text = config_text(settings)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def options_ping(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a SIP proxy answers an OPTIONS on host:port (UDP)."""
    branch = "z9hG4bK" + uuid.uuid4().hex[:12]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        message = (
            f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch={branch};rport\r\n"
            "Max-Forwards: 5\r\n"
            f"From: <sip:ping@127.0.0.1>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <sip:{host}:{port}>\r\n"
            f"Call-ID: {uuid.uuid4().hex}\r\n"
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )
        sock.settimeout(timeout)
        try:
            sock.sendto(message.encode(), (host, port))
            data = sock.recv(4096)
        except OSError:
            return False
    return data.startswith(b"SIP/2.0 200")


class KamailioProcess:
    """kamailio in the foreground as a child process, on its own config and runtime directory.

    Blocking on purpose (start waits at most `timeout` seconds): a test fixture or a CLI command
    owns it; asyncio code calls it through `asyncio.to_thread`.
    """

    def __init__(self, settings: ProxySettings, executable: str = "kamailio") -> None:
        self.settings = settings
        self.executable = executable
        self.process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Write the config, start kamailio and wait until it answers OPTIONS."""
        self._dir = Path(tempfile.mkdtemp(prefix="sas-kamailio-"))
        cfg = write_config(self.settings, self._dir / "kamailio.cfg")
        with (self._dir / "kamailio.log").open("wb") as log:
            self.process = subprocess.Popen(
                [self.executable, "-DD", "-E", "-f", str(cfg), "-Y", str(self._dir),
                 "-P", str(self._dir / "kamailio.pid"), "-m", "32", "-M", "4"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not options_ping(self.settings.host, self.settings.port, 0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                text = self.log_text()
                self.stop()
                raise RuntimeError(f"kamailio did not start: {text[-2000:]}")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        """True while the kamailio process runs."""
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        """kamailio's stderr so far (config errors, warnings)."""
        if self._dir is None or not (self._dir / "kamailio.log").exists():
            return ""
        return (self._dir / "kamailio.log").read_text(errors="replace")

    def stop(self) -> None:
        """Stop kamailio and its children (TERM, then KILL) and remove its directory."""
        process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(5.0)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.process = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
