"""What ``--self-test`` checks besides the flow itself: no traffic off the machine, a non-blank PNG.

:class:`NetworkWatch` sees both sides of the console's traffic: every socket the
Python process opens or resolves (through an audit hook, so nothing is patched)
and every request the map page makes (through a QtWebEngine request
interceptor, which also blocks anything that is not local).  Loopback is the
only allowed destination: the embedded server is on 127.0.0.1 and the map runs
on its offline base layer.

:func:`check_png` reads the written screenshot back and measures it, so a
blank window or an unpainted map fails the self-test.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.ui.qt import QtCore, QtGui, QtWebEngineCore

#: URL schemes that reach a network; anything else (file, qrc, data, blob) stays on the machine.
_NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}
#: Below these a screenshot is taken as blank (measured: a real one has thousands of colours).
MIN_WINDOW_COLOURS = 64
MIN_MAP_COLOURS = 16
MAX_MAP_DOMINANT_SHARE = 0.97


class SelfTestFailure(Exception):
    """A self-test check failed; the message is French and names what failed."""


def is_local_host(host: str | bytes | None) -> bool:
    """Whether ``host`` designates this machine (loopback address, ``localhost``, no host)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not host or host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NetworkWatch:
    """Counts local network use and records every attempt to leave the machine."""

    def __init__(self) -> None:
        self.local_connections = 0
        self.local_web_requests = 0
        self.page_files = 0
        self.outside: list[str] = []
        self._lock = threading.Lock()
        self._interceptor = None

    # -- Python side ---------------------------------------------------------------------------
    def install_audit_hook(self) -> None:
        """Watch the sockets of this process (an audit hook stays for the life of the process)."""
        sys.addaudithook(self._audit)

    def _audit(self, event: str, args: tuple) -> None:
        if event == "socket.connect" or event == "socket.sendto":
            sock, address = args[0], args[-1]
            if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
                self._note(str(address[0]), f"connexion {address[0]}:{address[1]}", web=False)
        elif event == "socket.getaddrinfo":
            host = args[0]
            if not is_local_host(host):
                self._note(str(host), f"résolution DNS de {host}", web=False)

    # -- map page side -------------------------------------------------------------------------
    def install_web_interceptor(self, profile) -> None:
        """Watch (and block if not local) every request of pages using ``profile``."""
        self._interceptor = _WebRequestWatch(self)
        profile.setUrlRequestInterceptor(self._interceptor)

    def web_request(self, url) -> bool:
        """Record one page request; whether it may go (only local ones may)."""
        if url.scheme() not in _NETWORK_SCHEMES:
            with self._lock:
                self.page_files += 1
            return True
        return self._note(url.host(), f"requête de la carte vers {url.toDisplayString()}", web=True)

    def _note(self, host: str, what: str, *, web: bool) -> bool:
        with self._lock:
            if is_local_host(host):
                if web:
                    self.local_web_requests += 1
                else:
                    self.local_connections += 1
                return True
            self.outside.append(what)
            return False

    def check(self) -> str:
        """Raise :class:`SelfTestFailure` if anything tried to leave the machine; else a summary."""
        with self._lock:
            outside = list(self.outside)
        if outside:
            shown = "; ".join(outside[:5]) + (" …" if len(outside) > 5 else "")
            raise SelfTestFailure(f"{len(outside)} accès réseau hors de la machine : {shown}")
        return (f"{self.local_connections} connexion(s) vers 127.0.0.1, {self.page_files} fichier(s) "
                f"local(aux) pour la carte, 0 accès vers l'extérieur")


class _WebRequestWatch(QtWebEngineCore.QWebEngineUrlRequestInterceptor):
    """Hands every request of the map's profile to a :class:`NetworkWatch`, blocking non-local ones."""

    def __init__(self, watch: NetworkWatch) -> None:
        super().__init__()
        self._watch = watch

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt override)
        if not self._watch.web_request(info.requestUrl()):
            info.block(True)


@dataclass
class PngReport:
    """What was measured on the screenshot."""

    width: int
    height: int
    colours: int
    map_colours: int
    map_dominant_share: float

    def describe(self) -> str:
        return (f"{self.width}×{self.height} px, {self.colours} couleurs dont {self.map_colours} sur la carte "
                f"(teinte dominante {self.map_dominant_share:.0%})")


def _pixels(image) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    stride = image.bytesPerLine() // 4
    data = np.frombuffer(image.constBits(), dtype=np.uint32, count=stride * image.height())
    return data.reshape(image.height(), stride)[:, : image.width()].copy()


def check_png(path: Path, map_rect: QtCore.QRect | None = None) -> PngReport:
    """Read the PNG back; raise :class:`SelfTestFailure` if it is missing, blank or the map unpainted.

    ``map_rect`` is the map's place in the window (window coordinates).
    """
    if not path.is_file() or path.stat().st_size == 0:
        raise SelfTestFailure(f"capture absente : {path}")
    image = QtGui.QImage(str(path))
    if image.isNull():
        raise SelfTestFailure(f"capture illisible (PNG invalide) : {path}")
    pixels = _pixels(image)
    colours = int(np.unique(pixels).size)
    if colours < MIN_WINDOW_COLOURS:
        raise SelfTestFailure(f"capture vide : {colours} couleur(s) seulement dans la fenêtre")
    region = pixels
    if map_rect is not None:
        r = map_rect.intersected(QtCore.QRect(0, 0, image.width(), image.height()))
        region = pixels[r.top(): r.bottom() + 1, r.left(): r.right() + 1]
    if region.size == 0:
        raise SelfTestFailure("carte invisible : elle n'occupe aucune place dans la capture")
    values, counts = np.unique(region, return_counts=True)
    dominant = float(counts.max()) / float(region.size)
    if values.size < MIN_MAP_COLOURS or dominant > MAX_MAP_DOMINANT_SHARE:
        raise SelfTestFailure(f"carte vide sur la capture : {values.size} couleur(s), "
                              f"teinte dominante sur {dominant:.0%} de sa surface")
    return PngReport(image.width(), image.height(), colours, int(values.size), dominant)
