"""Every route × every role against app/services/security/permissions.py: 403 exactly where the table says."""

from __future__ import annotations

import uuid

import pytest

from app.models import Role
from app.services.security import permissions

ROLES = [r.value for r in Role]
#: Routes of the room's users; the agenda editors' FHIR routes (no user role, their own token) are tested in
#: tests/server/test_fhir_inbox.py: every role's session token gets 401 there, as no token does.
USER_ROUTES = [r for r in permissions.PERMISSIONS if r not in permissions.EDITOR_ROUTES]


def _request(route: str, case_body, orientation_body) -> tuple[str, str, dict | None]:
    """(method, url, json) of a well-formed request to ``route``."""
    u = str(uuid.uuid4())
    return {
        permissions.AUTH_ME: ("GET", "/api/v1/auth/me", None),
        permissions.AUTH_LOGOUT: ("POST", "/api/v1/auth/logout", None),
        permissions.ADMIN_USERS_UNLOCK: ("POST", "/api/v1/admin/users/arm/unlock", None),
        permissions.SLOTS_SEARCH: ("GET", "/api/v1/slots/search?lat=48.58&lon=7.75&radius_km=10", None),
        permissions.SLOTS_BOOK: ("POST", "/api/v1/slots/999/booking",
                                 {"orientation_id": u, "case_id": str(uuid.uuid4())}),
        permissions.BOOKINGS_CANCEL: ("DELETE", f"/api/v1/slots/bookings/{u}", None),
        permissions.CASES_PUT: ("PUT", f"/api/v1/cases/{u}", case_body(uuid=u)),
        permissions.CASES_GET: ("GET", f"/api/v1/cases/{u}", None),
        permissions.ORIENTATIONS_PUT: ("PUT", f"/api/v1/orientations/{u}", orientation_body(str(uuid.uuid4()), uuid=u)),
        permissions.ORIENTATIONS_GET: ("GET", f"/api/v1/orientations/{u}", None),
        permissions.JOURNAL_LIST: ("GET", "/api/v1/journal", None),
        permissions.EVENTS_STREAM: ("GET", "/api/v1/events?max_seconds=0", None),  # the backlog, then the end
        permissions.CASE_EVENTS_PUT: ("PUT", f"/api/v1/cases/{u}/events/{u}",
                                      {"uuid": u, "case_uuid": u, "created_at": "2024-01-18T10:20:00+01:00",
                                       "type": "note", "freetext": "Rappel du fils"}),
        permissions.CASE_EVENTS_GET: ("GET", f"/api/v1/cases/{u}/events", None),
        permissions.SURGE_PUT: ("PUT", f"/api/v1/surge/{u}",
                                {"uuid": u, "created_at": "2024-01-18T10:20:00+01:00", "active": True,
                                 "reason": "Épidémie de grippe"}),
        permissions.SYNC_BATCH: ("POST", "/api/v1/sync/batch",
                                 {"items": [{"id": 1, "entity": "case", "body": case_body(uuid=u)}]}),
        permissions.STATS_GET: ("GET", "/api/v1/stats?start=2024-01-18T08:00:00%2B01:00"
                                       "&end=2024-01-18T20:00:00%2B01:00", None),
        permissions.HUB_MESSAGES_POST: ("POST", "/api/v1/hub/messages", {"not": "an envelope"}),
        permissions.HUB_RS_EDA_GET: ("GET", f"/api/v1/cases/{u}/hub/rs-eda", None),
        permissions.JOURNAL_VERIFY: ("GET", "/api/v1/journal/verify", None),
        permissions.APPOINTMENTS_LIST: ("GET", "/api/v1/appointments?worklist=unattached", None),
        permissions.APPOINTMENTS_ATTACH: ("POST", f"/api/v1/appointments/{u}/attach", {"case_uuid": u}),
        permissions.APPOINTMENTS_FOLLOWED_UP: ("POST", f"/api/v1/appointments/{u}/followed-up", None),
        permissions.HUB_SEND: ("POST", f"/api/v1/cases/{u}/hub/send", {"recipient": "fr.health.samu690"}),
        permissions.DESK_CACHE_KEY: ("GET", "/api/v1/desk/cache-key?desk=" + "a" * 32, None),
        permissions.TERRITORY_EFFECTEURS: ("GET", "/api/v1/territory/effecteurs?departement=67", None),
        permissions.ADDRESSES_GEOCODE: ("POST", "/api/v1/addresses/geocode", {"insee": "67482", "address": "1 rue"}),
        permissions.EDITORS_LIST: ("GET", "/api/v1/editors", None),
        permissions.CALLS_EVENTS_POST: ("POST", "/api/v1/calls/events",
                                        {"call_id": f"{u}@pbx", "event": "presented", "at": "2024-01-18T10:20:00+01:00",
                                         "number": "0612345678"}),
        permissions.CALLS_CASE_LINK: ("POST", f"/api/v1/calls/{u}@pbx/case", {"case_id": u}),
        permissions.CALLS_LIST: ("GET", "/api/v1/calls?state=waiting", None),
        permissions.CALLS_LOOKUP: ("GET", "/api/v1/calls/lookup?number=0612345678", None),
    }[route]


def test_table_covers_exactly_the_protected_routes(client):
    documented = {
        f"{method.upper()} {path}"
        for path, ops in client.get("/openapi.json").json()["paths"].items()
        for method in ops
        if (path.startswith("/api/v1") or path.startswith("/fhir/")) and path != "/api/v1/auth/login"
    }
    assert documented == set(permissions.ROUTE_PATHS.values())
    assert set(permissions.ROUTE_PATHS) == set(permissions.PERMISSIONS) == set(permissions.ROUTE_LABELS)


def test_table_matches_the_agreed_contract():
    expected = {
        "slots.search": {"ARM", "OSNP", "MRL", "MRU", "ADMIN"},
        "slots.book": {"OSNP", "MRL", "MRU"},
        "bookings.cancel": {"OSNP", "MRL", "MRU"},
        "cases.put": {"ARM", "OSNP", "MRL", "MRU"},
        "cases.get": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "orientations.put": {"OSNP", "MRL", "MRU"},
        "orientations.get": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "journal.list": set(ROLES) - {"HUB"},
        "events.stream": set(ROLES) - {"HUB"},
        "cases.events.put": {"ARM", "OSNP", "MRL", "MRU"},
        "cases.events.get": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "surge.put": {"MRL", "MRU", "SUPERVISEUR"},
        "sync.batch": {"ARM", "OSNP", "MRL", "MRU"},
        "auth.me": set(ROLES),
        "auth.logout": set(ROLES),
        "admin.users.unlock": {"ADMIN"},
        "stats.get": {"SUPERVISEUR", "ADMIN"},
        "journal.verify": {"SUPERVISEUR", "ADMIN"},
        "hub.messages.post": {"HUB"},
        "hub.rs_eda.get": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "appointments.list": {"OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "appointments.attach": {"OSNP", "MRL", "MRU"},
        "appointments.followed_up": {"OSNP", "MRL", "MRU"},
        "hub.send": {"ARM", "MRL", "MRU"},
        "desk.cache_key": set(ROLES) - {"HUB"},
        "territory.effecteurs": set(ROLES) - {"HUB"},
        "addresses.geocode": {"ARM", "OSNP", "MRL", "MRU"},
        "editors.list": {"ADMIN"},
        "calls.events.post": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "calls.case.link": {"ARM", "OSNP", "MRL", "MRU"},
        "calls.list": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        "calls.lookup": {"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"},
        # Agenda editors only (registry push token), no user role.
        "fhir.appointments.post": set(), "fhir.appointments.put": set(), "fhir.appointments.get": set(),
    }
    assert {route: set(roles) for route, roles in permissions.PERMISSIONS.items()} == expected
    assert permissions.is_allowed("slots.book", "OSNP") and not permissions.is_allowed("slots.book", "ARM")
    assert permissions.routes_for("SUPERVISEUR") == ["auth.me", "auth.logout", "cases.get", "orientations.get", "cases.events.get",
                                                     "surge.put", "journal.list", "events.stream", "stats.get",
                                                     "journal.verify",
                                                     "hub.rs_eda.get", "appointments.list",
                                                     "desk.cache_key", "territory.effecteurs",
                                                     "calls.events.post", "calls.list", "calls.lookup"]
    assert permissions.as_table()[3] == ("slots.book", "POST /api/v1/slots/{slot_id}/booking", ["OSNP", "MRL", "MRU"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", USER_ROUTES)
def test_role_gets_403_exactly_when_not_allowed(client, auth, case_body, orientation_body, route, role):
    method, url, body = _request(route, case_body, orientation_body)
    response = client.request(method, url, json=body, headers=auth(role))
    if permissions.is_allowed(route, role):
        assert response.status_code not in (401, 403), response.json()
        assert response.status_code < 500
    else:
        assert response.status_code == 403
        assert response.json() == {"error": "forbidden", "message": "Action non autorisée pour votre rôle"}


@pytest.mark.parametrize("route", USER_ROUTES)
def test_every_protected_route_is_401_without_token(client, case_body, orientation_body, route):
    method, url, body = _request(route, case_body, orientation_body)
    response = client.request(method, url, json=body)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_forbidden_write_leaves_no_trace(client, auth, case_body):
    body = case_body()
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("SUPERVISEUR")).status_code == 403
    journal = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()
    assert journal == {"entries": [], "next_after": 0}
