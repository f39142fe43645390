"""Shared pieces of the live agendas' server tests (test_live_*.py): an app over fake editors, users, helpers.

The editors are :class:`tests.fhir.fake_editor.FakeEditorServer` (real HTTP servers in a
thread); the app is a real :func:`app.server.app.create_app` with a registry pointing at
them, run by FastAPI's TestClient (its lifespan starts the live agendas).  The periodic
refresh is pushed far away unless a test asks for it; :func:`run_on_loop` runs a coroutine
of the app's live agendas on the app's own event loop.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from datetime import datetime, timedelta, timezone

from app.models import AuthToken, ConsultationSite, Effecteur, Role, User
from app.server.app import create_app
from app.services.agendas.registry import EditorConfig, Registry
from app.services.security.auth import hash_password, new_token
from tests.fhir.fake_editor import FakePractitioner, FakeSlot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: Place Kléber, Strasbourg: the practitioners' sites and the searches' point.
CENTER = (48.5834, 7.7455)
_HASH: list[str] = []


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password("correct horse battery"))
    return _HASH[0]


def editor(name: str, base_url: str, *, serves=("ps",), booking=False, time_limit_s=2.0,
           concurrency: int = 4) -> EditorConfig:
    return EditorConfig(name=name, base_url=base_url, serves=frozenset(serves), booking=booking,
                        time_limit_s=time_limit_s, concurrency=concurrency)


def build_app(db_url: str, editors: list[EditorConfig], *, max_age_s: float = 60.0, refresh_s: float = 3600.0,
              first_delay_s: float = 3600.0):
    app = create_app(db_url, editors=Registry(editors=tuple(editors), refresh_s=refresh_s, max_age_s=max_age_s))
    app.state.agendas_first_delay_s = first_delay_s
    app.state.agendas_departements = ["67"]
    return app


def seed(app, practitioners: list[tuple[str, str]], *, sos: list[tuple[str, str]] = ()) -> None:
    """Users of every role (username = role in lower case) and effecteurs in Strasbourg: (id, RPPS), (id, SIRET)."""
    with app.state.sas.sessions() as s:
        for role in Role:
            s.add(User(username=role.value.lower(), display_name=f"Agent {role.value}", role=role.value,
                       password_hash=password_hash()))
        for eff_id, rpps in practitioners:
            s.add(Effecteur(id=eff_id, kind="MG", name=f"Dr {eff_id}", rpps_id=rpps, phone="+33388000001",
                            sas_participant=True))
            s.add(ConsultationSite(id=f"site-{eff_id}", effecteur_id=eff_id, name="Cabinet", address="1 place Kléber",
                                   city_name="Strasbourg", city_insee_code="67482", lat=CENTER[0], lon=CENTER[1]))
        for eff_id, siret in sos:
            s.add(Effecteur(id=eff_id, kind="SOS", name=f"SOS {eff_id}", organization_id=siret, phone="3624"))
            s.add(ConsultationSite(id=f"site-{eff_id}", effecteur_id=eff_id, name="Centre", address="2 rue",
                                   city_name="Strasbourg", city_insee_code="67482", lat=CENTER[0], lon=CENTER[1]))
        s.commit()


def auth(app, role: str) -> dict[str, str]:
    token, digest = new_token()
    with app.state.sas.sessions() as s:
        user = s.query(User).filter_by(username=role.lower()).one()
        s.add(AuthToken(token_hash=digest, user_id=user.id, expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
        s.commit()
    return {"Authorization": f"Bearer {token}"}


def practitioner(rpps: str, *starts_in_hours: float) -> FakePractitioner:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return FakePractitioner(rpps=rpps, family=f"Nom{rpps[-3:]}", given="Jeanne",
                            slots=[FakeSlot(start=now + timedelta(hours=h)) for h in starts_in_hours])


def run_on_loop(app, coroutine_function, timeout: float = 30.0):
    """Run ``coroutine_function()`` on the app's event loop (where its live agendas live) and return its result."""
    live = app.state.agendas
    return asyncio.run_coroutine_threadsafe(coroutine_function(), live.loop).result(timeout)


def search(client: TestClient, headers: dict, **params) -> dict:
    response = client.get("/api/v1/slots/search", params={"lat": CENTER[0], "lon": CENTER[1], "radius_km": 20,
                                                          **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for(predicate, timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def journal(client: TestClient, headers: dict) -> list[dict]:
    response = client.get("/api/v1/journal", params={"after": 0, "limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["entries"]
