"""Fixtures of the hostile-input tests: one server app per module, users and tokens, body builders.

The bulk of the API tests share one app over one SQLite file per module (hundreds of
requests, so no database per test); the chain of its journal is verified at the end.

What a text field must accept is written here (:func:`refusal`, :func:`stored_form`), not taken
from the application's checker: the tests hold the rule, the application has to meet it.
"""

from __future__ import annotations

import json
import uuid as uuid_mod
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from app.models import AuthToken, Role, User
from app.models.db import sqlite_url
from app.server.app import create_app
from app.services.security.auth import hash_password, new_token

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
CENTER = (48.5834, 7.7455)
#: The rule for every stored text field: C0 control characters are refused except tab, line feed and
#: carriage return (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F); so is any lone surrogate
#: (U+D800–U+DFFF, not a valid Unicode text).  Everything else — C1 controls, bidi overrides,
#: zero-width marks, emoji, markup, SQL — is text and must be stored as sent.
REFUSED_CONTROLS = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
#: Unicode's White_Space characters: what the documents strip around a text before storing it.
WHITE_SPACE = "".join(chr(c) for c in [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                       0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


def stored_form(text: str) -> str:
    """What the API stores for ``text``: the documents strip surrounding (Unicode) white space."""
    return text.strip(WHITE_SPACE)


def refusal(text: str) -> str | None:
    """Why a text field must refuse ``text`` as given (the offending code point), or None when it must take it."""
    for ch in text:
        if ch in REFUSED_CONTROLS:
            return f"control U+{ord(ch):04X}"
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return f"lone surrogate U+{ord(ch):04X}"
    return None


def acceptable(text: str) -> bool:
    """Whether a text field takes ``text`` (once stripped: no refused control character, valid Unicode)."""
    return refusal(stored_form(text)) is None


def new_uuid() -> str:
    return str(uuid_mod.uuid4())


def send(client, method: str, url: str, body, headers: dict[str, str] | None = None):
    """``method url`` with ``body`` as ASCII JSON: lone surrogates travel as ``\\udXXX`` escapes, as a hostile
    client would send them (httpx's own encoder refuses them)."""
    return client.request(method, url, content=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json", **(headers or {})})


def field_names(response) -> set[str]:
    """The fields a structured 422 names."""
    body = response.json()
    assert body["error"] == "validation", body
    return {f["field"] for f in body["fields"]}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    app = create_app(sqlite_url(tmp_path_factory.mktemp("hostile") / "server.db"))
    sessions = app.state.sas.sessions
    with sessions() as s:
        digest = hash_password(PASSWORD)
        for role in Role:
            s.add(User(username=role.value.lower(), display_name=f"Agent {role.value}", role=role.value,
                       password_hash=digest))
        s.commit()
    yield app
    app.state.sas.engine.dispose()


@pytest.fixture(scope="module")
def hclient(hostile_app) -> Iterator[TestClient]:
    with TestClient(hostile_app) as client:
        yield client


@pytest.fixture(scope="module")
def hauth(hostile_app) -> Callable[[str], dict[str, str]]:
    """``hauth("MRL")``: the Authorization header of that role's user (one token per role)."""
    tokens: dict[str, str] = {}
    sessions = hostile_app.state.sas.sessions

    def header(role: str) -> dict[str, str]:
        if role not in tokens:
            token, digest = new_token()
            with sessions() as s:
                user = s.query(User).filter_by(username=role.lower()).one()
                s.add(AuthToken(token_hash=digest, user_id=user.id,
                                expires_at=datetime.now(timezone.utc) + timedelta(hours=2)))
                s.commit()
            tokens[role] = token
        return {"Authorization": f"Bearer {tokens[role]}"}

    return header


_counter = iter(range(1, 10_000_000))


def case_body(**overrides) -> dict:
    """A valid case body (a fresh uuid and case id each call); keyword arguments override fields."""
    n = next(_counter)
    body = {
        "uuid": new_uuid(), "case_id": f"fr.health.samu670.DRFR15670249{n:08d}", "owner": "fr.health.samu670",
        "creation": "2024-01-18T10:15:00+01:00", "reception": "2024-01-18T10:14:30+01:00", "priority": "P2",
        "perimeter": "SNP", "caller_name": "Jeanne Test", "caller_phone": "+33612345678",
        "address_complete": "1 place Kléber", "city_name": "Strasbourg", "city_insee_code": "67482",
        "lat": CENTER[0], "lon": CENTER[1], "patients": [], "notes": [],
    }
    body.update(overrides)
    return body


def patient(**fields) -> dict:
    n = next(_counter)
    return {"uuid": new_uuid(), "patient_id": f"fr.health.samu670.patient.{n}", **fields}


def note(text: str) -> dict:
    return {"uuid": new_uuid(), "creation": "2024-01-18T10:16:00+01:00", "author": "arm", "author_role": "ARM",
            "freetext": text}
