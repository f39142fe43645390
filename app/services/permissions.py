"""Who may do what: the role × route table of the central server.

Plain data, no framework: the server checks every ``/api/v1`` request against
:data:`PERMISSIONS`, and the console reads the same table to hide actions a
role cannot take (and the README prints it).  Roles are those of
:class:`app.models.Role` (domain.md A.1):

* ``ARM`` opens cases and searches slots for the doctor, but never books nor
  records a decision (a decision is a medical act);
* ``OSNP`` finds and books the slot once the MRL has confirmed the need, and
  records the resulting orientation;
* ``MRL`` / ``MRU`` regulate: they may do everything the desk offers;
* ``SUPERVISEUR`` (chef de salle) reads cases, orientations and the journal;
* ``ADMIN`` manages the server: it reads the journal and may test the search,
  but touches no patient record.

Adding a route to the server means adding its name here first.
"""

from __future__ import annotations

from app.models import Role

ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)

# Route names, one per protected operation of the API.
AUTH_ME = "auth.me"
SLOTS_SEARCH = "slots.search"
SLOTS_BOOK = "slots.book"
CASES_PUT = "cases.put"
CASES_GET = "cases.get"
ORIENTATIONS_PUT = "orientations.put"
ORIENTATIONS_GET = "orientations.get"
JOURNAL_LIST = "journal.list"

_A, _O, _L, _U, _S, _D = (Role.ARM.value, Role.OSNP.value, Role.MRL.value, Role.MRU.value,
                          Role.SUPERVISEUR.value, Role.ADMIN.value)

#: Route name → roles allowed to call it.  The only source of truth for access control.
PERMISSIONS: dict[str, frozenset[str]] = {
    AUTH_ME: ALL_ROLES,
    SLOTS_SEARCH: frozenset({_A, _O, _L, _U, _D}),
    SLOTS_BOOK: frozenset({_O, _L, _U}),
    CASES_PUT: frozenset({_A, _O, _L, _U}),
    CASES_GET: frozenset({_A, _O, _L, _U, _S}),
    ORIENTATIONS_PUT: frozenset({_O, _L, _U}),
    ORIENTATIONS_GET: frozenset({_A, _O, _L, _U, _S}),
    JOURNAL_LIST: ALL_ROLES,
}

#: What each route does, in French, for the README and the console's help.
ROUTE_LABELS: dict[str, str] = {
    AUTH_ME: "Consulter son propre compte",
    SLOTS_SEARCH: "Rechercher des créneaux",
    SLOTS_BOOK: "Réserver un créneau",
    CASES_PUT: "Créer un dossier de régulation",
    CASES_GET: "Consulter un dossier",
    ORIENTATIONS_PUT: "Enregistrer une orientation (décision)",
    ORIENTATIONS_GET: "Consulter une orientation",
    JOURNAL_LIST: "Lire le journal partagé",
}

#: The HTTP method and path of each route, for documentation.
ROUTE_PATHS: dict[str, str] = {
    AUTH_ME: "GET /api/v1/auth/me",
    SLOTS_SEARCH: "GET /api/v1/slots/search",
    SLOTS_BOOK: "POST /api/v1/slots/{slot_id}/booking",
    CASES_PUT: "PUT /api/v1/cases/{uuid}",
    CASES_GET: "GET /api/v1/cases/{uuid}",
    ORIENTATIONS_PUT: "PUT /api/v1/orientations/{uuid}",
    ORIENTATIONS_GET: "GET /api/v1/orientations/{uuid}",
    JOURNAL_LIST: "GET /api/v1/journal",
}


def is_allowed(route: str, role: str) -> bool:
    """True when ``role`` may call ``route``; an unknown route name raises KeyError."""
    return role in PERMISSIONS[route]


def routes_for(role: str) -> list[str]:
    """The route names ``role`` may call, in table order."""
    return [route for route, roles in PERMISSIONS.items() if role in roles]


def as_table() -> list[tuple[str, str, list[str]]]:
    """(route, method and path, allowed roles in :class:`Role` order) rows for printing."""
    order = [r.value for r in Role]
    return [
        (route, ROUTE_PATHS[route], [r for r in order if r in roles])
        for route, roles in PERMISSIONS.items()
    ]
