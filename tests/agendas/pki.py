"""A throwaway public-key infrastructure for the mTLS tests, made with the ``openssl`` command.

Like IGC-Santé's in shape (domain.md B.6): one authority signs the editor's server
certificate (for ``127.0.0.1``) and the platform's client certificate; a second, unrelated
authority stands for a certificate the editor must refuse.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.agendas.fleet import Tls


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _authority(folder: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/O=Test/CN={name}",
             "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=folder)


def _signed(folder: Path, ca: str, name: str, subject: str, extensions: str) -> None:
    (folder / f"{name}.ext").write_text(extensions, encoding="ascii")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f"{name}.key",
             "-out", f"{name}.csr", cwd=folder)
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
             "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=folder)


def make_pki(folder: Path) -> tuple[Tls, Tls]:
    """(the editor's files, the same with a client certificate of another authority)."""
    folder.mkdir(parents=True, exist_ok=True)
    _authority(folder, "ca")
    _authority(folder, "other-ca")
    _signed(folder, "ca", "editor", "/O=Editeur/CN=127.0.0.1",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _signed(folder, "ca", "platform", "/O=SAS/OU=Plateforme/CN=sas-platform", "extendedKeyUsage=clientAuth\n")
    _signed(folder, "other-ca", "stranger", "/O=Autre/CN=stranger", "extendedKeyUsage=clientAuth\n")
    good = Tls(ca=folder / "ca.pem", server_cert=folder / "editor.pem", server_key=folder / "editor.key",
               client_cert=folder / "platform.pem", client_key=folder / "platform.key")
    stranger = Tls(ca=good.ca, server_cert=good.server_cert, server_key=good.server_key,
                   client_cert=folder / "stranger.pem", client_key=folder / "stranger.key")
    return good, stranger
