"""mTLS to an editor (SAS guide B.6): the registry's ``cert``/``key``/``ca`` reach the FHIR client.

A real editor process serves HTTPS and asks for a client certificate of its authority
(:mod:`tests.agendas.pki`).  The registry file names the platform's certificate, key and
the editor's authority, relative to the file, as a room would write it.  The oracle is the
database: the editor's slot is stored, or the failure is recorded and nothing is.
"""

from __future__ import annotations

import asyncio
import ssl
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.models import Effecteur, Slot
from app.models.agenda import EditorStatus
from app.models.db import open_database, sqlite_url
from app.services.agendas import registry
from app.services.agendas.refresh import refresh_editor
from app.services.agendas.targets import EditorTargets
from tests.agendas.fleet import EditorProcess, EditorSpec
from tests.agendas.pki import make_pki

RPPS = "10000000042"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def https_editor(pki, tmp_path_factory):
    good, _stranger = pki
    editor = EditorProcess(EditorSpec("mtls", tls=good), tmp_path_factory.mktemp("editor")).start()
    start = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(hours=2)
    editor.add_slot(RPPS, start)
    yield editor, start
    editor.stop()


@pytest.fixture
def sessions(tmp_path):
    engine, made = open_database(sqlite_url(tmp_path / "server.db"))
    with made() as session:
        session.add(Effecteur(id="eff-42", kind="MG", name="Dr Test", rpps_id=RPPS, sas_participant=True))
        session.commit()
    yield made
    engine.dispose()


def _registry(folder, editor: EditorProcess, **files: str) -> registry.Registry:
    """The registry as a room writes it: files beside the TOML, named relative to it."""
    lines = ['[[editor]]', 'name = "mtls"', f'base_url = "{editor.base_url}"', 'serves = ["ps"]', 'time_limit_s = 5']
    lines += [f'{key} = "{value}"' for key, value in files.items()]
    path = folder / "editors.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return registry.load(path)


def _copy(pki_file, folder, name: str) -> str:
    (folder / name).write_bytes(pki_file.read_bytes())
    return name


def _refresh(sessions, reg: registry.Registry):
    targets = EditorTargets(reg.editors[0], practitioners={"eff-42": RPPS})
    return asyncio.run(refresh_editor(sessions, targets, full=True))


def _stored(sessions) -> list[tuple[str, datetime]]:
    with sessions() as session:
        return [(s.source, s.start) for s in session.scalars(select(Slot))]


def _status(sessions) -> EditorStatus:
    with sessions() as session:
        return session.get(EditorStatus, "mtls")


def test_the_platform_certificate_opens_the_editors_agenda(https_editor, pki, sessions, tmp_path):
    editor, start = https_editor
    good, _ = pki
    reg = _registry(tmp_path, editor, cert=_copy(good.client_cert, tmp_path, "plateforme.pem"),
                    key=_copy(good.client_key, tmp_path, "plateforme.key"), ca=_copy(good.ca, tmp_path, "ac.pem"))
    outcome = _refresh(sessions, reg)
    assert outcome.ok, outcome.error
    assert _stored(sessions) == [("mtls", start)]
    assert _status(sessions).last_success_at is not None and _status(sessions).last_error is None


def test_without_a_client_certificate_the_editor_refuses_and_nothing_is_stored(https_editor, pki, sessions,
                                                                              tmp_path):
    editor, _start = https_editor
    good, _ = pki
    reg = _registry(tmp_path, editor, ca=_copy(good.ca, tmp_path, "ac.pem"))
    outcome = _refresh(sessions, reg)
    assert not outcome.ok
    assert _stored(sessions) == []
    status = _status(sessions)
    assert status.last_error and status.last_success_at is None
    assert "127.0.0.1" not in status.last_error and RPPS not in status.last_error


def test_a_certificate_of_another_authority_is_refused(https_editor, pki, sessions, tmp_path):
    editor, _start = https_editor
    _, stranger = pki
    reg = _registry(tmp_path, editor, cert=_copy(stranger.client_cert, tmp_path, "autre.pem"),
                    key=_copy(stranger.client_key, tmp_path, "autre.key"), ca=_copy(stranger.ca, tmp_path, "ac.pem"))
    assert not _refresh(sessions, reg).ok
    assert _stored(sessions) == []


def test_an_editor_whose_server_certificate_we_do_not_trust_is_not_asked(https_editor, pki, sessions, tmp_path):
    """Without its authority (``ca``), the editor's certificate is refused by the platform itself."""
    editor, _start = https_editor
    good, _ = pki
    reg = _registry(tmp_path, editor, cert=_copy(good.client_cert, tmp_path, "p.pem"),
                    key=_copy(good.client_key, tmp_path, "p.key"))
    assert not _refresh(sessions, reg).ok
    assert _stored(sessions) == []
    # and the editor really asks for a certificate: a bare TLS client is turned away too
    context = ssl.create_default_context(cafile=str(good.ca))
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{editor.base_url}Slot", verify=context, timeout=5).raise_for_status()
