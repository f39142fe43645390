"""The desk's telephony settings: SIP account, proxy, local ports, audio source, baresip executable.

`TelephonySettings` is the contract shared by the console's settings dialog, the softphone adapter and
the tests (see /work/wt/TEL.md). The password is never logged: `__repr__` hides it and `describe()`
gives a loggable summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class TelephonySettings:
    """One desk's SIP account and how its softphone runs.

    enabled: without telephony the console works by hand, as before issue 15.
    sip_user / sip_password / sip_domain: the desk's account, e.g. "arm1" at the room's domain.
    proxy: outbound proxy "host:port" (the room's kamailio); "" sends to sip_domain.
    local_sip_port / ctrl_port: 0 = a free port chosen at start (then kept across restarts).
    audio: "ausine" (test tone) or "aufile:/path.wav" (16-bit mono WAV); no sound card is needed.
    baresip: the executable.
    register_interval: seconds between registrations (short in tests); 0 = do not register (a caller).
    max_calls: calls the softphone holds at once; a desk with 1 answers 486 Busy to a second call,
        so the proxy's parallel ringing skips it.
    """

    enabled: bool = False
    sip_user: str = ""
    sip_password: str = field(default="", repr=False)
    sip_domain: str = "127.0.0.1"
    proxy: str = ""
    local_sip_port: int = 0
    ctrl_port: int = 0
    audio: str = "ausine"
    baresip: str = "baresip"
    register_interval: int = 60
    max_calls: int = 1

    @property
    def aor(self) -> str:
        """The desk's address of record, e.g. "sip:arm1@127.0.0.1"."""
        return f"sip:{self.sip_user}@{self.sip_domain}"

    @property
    def proxy_uri(self) -> str:
        """The outbound proxy as a loose-routing SIP URI (kamailio), or "" to send to the domain."""
        return f"sip:{self.proxy};lr" if self.proxy else ""

    def problems(self) -> list[str]:
        """French messages naming each field that keeps the softphone from starting (empty when usable)."""
        found: list[str] = []
        if not self.sip_user.strip():
            found.append("Téléphonie : l'utilisateur SIP est obligatoire.")
        elif any(c in self.sip_user for c in " :@<>;\"'"):
            found.append("Téléphonie : l'utilisateur SIP contient un caractère interdit.")
        if not self.sip_domain.strip():
            found.append("Téléphonie : le domaine SIP est obligatoire.")
        for name, port in (("port SIP local", self.local_sip_port), ("port de contrôle", self.ctrl_port)):
            if not 0 <= port <= 65535:
                found.append(f"Téléphonie : le {name} doit être entre 0 et 65535.")
        if self.audio != "ausine" and not self.audio.startswith("aufile:"):
            found.append("Téléphonie : la source audio doit être « ausine » ou « aufile:/chemin.wav ».")
        if self.max_calls < 1:
            found.append("Téléphonie : le nombre d'appels simultanés doit être au moins 1.")
        return found

    def with_ports(self, local_sip_port: int, ctrl_port: int) -> TelephonySettings:
        """A copy with the ports fixed (the softphone keeps them across restarts)."""
        return replace(self, local_sip_port=local_sip_port, ctrl_port=ctrl_port)

    def describe(self) -> str:
        """A loggable summary, without the password."""
        proxy = self.proxy or self.sip_domain
        return f"{self.aor} via {proxy} (sip port {self.local_sip_port or 'auto'})"

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> TelephonySettings:
        """Settings from a stored mapping (the console's settings file); unknown keys are ignored."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def to_mapping(self) -> dict[str, Any]:
        """The settings as a plain mapping for the console's settings file (includes the password)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
