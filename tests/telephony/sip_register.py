"""A SIP REGISTER sent by hand over UDP, answering kamailio's digest challenge (RFC 2617, qop=auth).

Written for the tests, sharing no code with the proxy or the softphone: `register(port, user,
auth_user, password)` returns the statuses kamailio answered (e.g. [401, 200], [401, 403]).
"""

from __future__ import annotations

import hashlib
import re
import socket
import uuid


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5 by definition


def _status(data: bytes) -> int:
    return int(data.split(b" ", 2)[1])


def _header(data: bytes, name: str) -> str:
    found = re.search(rf"^{name}:\s*(.*?)\r$", data.decode(), re.MULTILINE | re.IGNORECASE)
    assert found, f"no {name} in {data[:400]!r}"
    return found.group(1)


def register(port: int, user: str, auth_user: str | None = None, password: str | None = None) -> list[int]:
    """REGISTER `user` (Expires 0: no contact left behind) and answer the challenge with (auth_user,
    password) when given; the statuses kamailio answered, in order."""
    statuses: list[int] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(3)
        local = sock.getsockname()[1]
        call_id, tag = uuid.uuid4().hex, uuid.uuid4().hex[:8]
        uri = "sip:127.0.0.1"

        def send(cseq: int, authorization: str = "") -> bytes:
            message = (
                f"REGISTER {uri} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport\r\n"
                "Max-Forwards: 70\r\n"
                f"From: <sip:{user}@127.0.0.1>;tag={tag}\r\n"
                f"To: <sip:{user}@127.0.0.1>\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {cseq} REGISTER\r\n"
                f"Contact: <sip:{user}@127.0.0.1:{local}>\r\nExpires: 0\r\n"
                f"{authorization}Content-Length: 0\r\n\r\n"
            )
            sock.sendto(message.encode(), ("127.0.0.1", port))
            while True:
                data = sock.recv(8192)
                if _status(data) >= 200:
                    statuses.append(_status(data))
                    return data

        challenge = send(1)
        if auth_user is None or _status(challenge) != 401:
            return statuses
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', _header(challenge, "WWW-Authenticate")))
        realm, nonce = params["realm"], params["nonce"]
        ha1 = _md5(f"{auth_user}:{realm}:{password}")
        ha2 = _md5(f"REGISTER:{uri}")
        cnonce, nc = uuid.uuid4().hex[:8], "00000001"
        response = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        send(2, f'Authorization: Digest username="{auth_user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
                f'response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n')
    return statuses
