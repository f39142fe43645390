"""The private baresip configuration directory of one desk softphone (`baresip -f <dir>`).

`write_profile()` writes `config` (modules from the system's module path: account, g711, ausine or
aufile, ctrl_tcp, menu for the commands; no sound card: no audio player, no alert device) and
`accounts` (the SIP account with its outbound proxy, password, registration interval and manual
answer). The directory is private (0700, accounts 0600): it holds the SIP password.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from app.services.telephony.settings import TelephonySettings

MODULE_PATHS = (
    "/usr/lib/baresip/modules",
    "/usr/lib/x86_64-linux-gnu/baresip/modules",
    "/usr/local/lib/baresip/modules",
)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port free on 127.0.0.1 now (TCP for ctrl_tcp, UDP for SIP)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_sip_port() -> int:
    """A port free for both UDP and TCP (baresip listens for SIP on both)."""
    for _ in range(50):
        port = free_port(socket.SOCK_DGRAM)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise OSError("no free SIP port")


def module_path() -> str:
    """Where baresip's modules are installed (Debian: /usr/lib/baresip/modules)."""
    for path in MODULE_PATHS:
        if Path(path, "ctrl_tcp.so").exists():
            return path
    return MODULE_PATHS[0]


def _audio_lines(audio: str) -> list[str]:
    if audio.startswith("aufile:"):
        # aufile reads a 16-bit WAV; the source format must match the file: 8 kHz mono
        path = audio.split(":", 1)[1]
        return ["module\t\t\taufile.so", f"audio_source\t\taufile,{path}", "ausrc_srate\t\t8000", "ausrc_channels\t\t1"]
    return ["module\t\t\tausine.so", "audio_source\t\tausine,440", "ausrc_srate\t\t48000", "ausrc_channels\t\t2"]


def config_text(settings: TelephonySettings) -> str:
    """The `config` file: SIP and ctrl_tcp on 127.0.0.1 at the settings' (fixed) ports."""
    lines = [
        "# written by the SAS console: one desk softphone, no sound card",
        "poll_method\t\tepoll",
        f"sip_listen\t\t127.0.0.1:{settings.local_sip_port}",
        "call_local_timeout\t120",
        f"call_max_calls\t\t{settings.max_calls}",
        "audio_player\t\t",
        "audio_alert\t\t",
        "audio_level\t\tno",
        "rtp_stats\t\tno",
        f"module_path\t\t{module_path()}",
        "module\t\t\taccount.so",
        "module\t\t\tg711.so",
        *_audio_lines(settings.audio),
        "module_app\t\tmenu.so",
        "module_app\t\tctrl_tcp.so",
        f"ctrl_tcp_listen\t\t127.0.0.1:{settings.ctrl_port}",
        "",
    ]
    return "\n".join(lines)


def account_line(settings: TelephonySettings) -> str:
    """The `accounts` line: `<sip:user@domain>;outbound=...;auth_pass=...;regint=...`."""
    params = ["answermode=manual", "audio_codecs=PCMU,PCMA", f"regint={settings.register_interval}"]
    if settings.register_interval:
        params.append("rwait=90")
    if settings.proxy:
        params.append(f'outbound="{settings.proxy_uri}"')
    if settings.sip_password:
        params.append(f"auth_user={settings.sip_user}")
        params.append(f"auth_pass={settings.sip_password}")
    params.append("mwi=no")
    return f"<{settings.aor}>;" + ";".join(params)


def write_profile(directory: Path, settings: TelephonySettings) -> Path:
    """Write `config` and `accounts` into `directory` (created private) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    (directory / "config").write_text(config_text(settings), encoding="utf-8")
    accounts = directory / "accounts"
    accounts.write_text(account_line(settings) + "\n", encoding="utf-8")
    os.chmod(accounts, 0o600)
    (directory / "contacts").write_text("", encoding="utf-8")
    return directory
