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
* case events (status, attribution, hand-over, notes) are open to the desk roles, but
  :mod:`app.services.regulation.case_events` refuses (403) what a role may not change: only MRU and
  MRL take medical decisions or close a DRM case; the surge switch belongs to the doctors
  and the chef de salle;
* ``ADMIN`` manages the server: it reads the journal, may test the search and
  unlocks accounts locked by failed logins, but touches no patient record;
* every role may end its own session (logout);
* the FHIR endpoint of the agenda editors (INT_R03, ``/fhir/Appointment``,
  :data:`EDITOR_ROUTES`) is open to **no role**: only an editor of the registry calls
  it, authenticated by the bearer token whose SHA-256 is its ``push_token_sha256``
  (:mod:`app.server.routes.fhir_inbox`); a user's session token is refused (401).

Adding a route to the server means adding its name here first.
"""

from __future__ import annotations

from app.models import Role

ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)
#: The people of the room (every role but the Hub connector's technical account).
PEOPLE: frozenset[str] = ALL_ROLES - {Role.HUB.value}

# Route names, one per protected operation of the API.
AUTH_ME = "auth.me"
AUTH_LOGOUT = "auth.logout"
ADMIN_USERS_UNLOCK = "admin.users.unlock"
SLOTS_SEARCH = "slots.search"
SLOTS_BOOK = "slots.book"
BOOKINGS_CANCEL = "bookings.cancel"
CASES_PUT = "cases.put"
CASES_GET = "cases.get"
ORIENTATIONS_PUT = "orientations.put"
ORIENTATIONS_GET = "orientations.get"
CASE_EVENTS_PUT = "cases.events.put"
CASE_EVENTS_GET = "cases.events.get"
SURGE_PUT = "surge.put"
JOURNAL_LIST = "journal.list"
EVENTS_STREAM = "events.stream"
SYNC_BATCH = "sync.batch"
HUB_MESSAGES_POST = "hub.messages.post"
HUB_RS_EDA_GET = "hub.rs_eda.get"
HUB_SEND = "hub.send"
APPOINTMENTS_LIST = "appointments.list"
APPOINTMENTS_ATTACH = "appointments.attach"
APPOINTMENTS_FOLLOWED_UP = "appointments.followed_up"
DESK_CACHE_KEY = "desk.cache_key"
STATS_GET = "stats.get"
JOURNAL_VERIFY = "journal.verify"
TERRITORY_EFFECTEURS = "territory.effecteurs"
ADDRESSES_GEOCODE = "addresses.geocode"
EDITORS_LIST = "editors.list"
FHIR_APPOINTMENTS_POST = "fhir.appointments.post"
FHIR_APPOINTMENTS_PUT = "fhir.appointments.put"
FHIR_APPOINTMENTS_GET = "fhir.appointments.get"
CALLS_EVENTS_POST = "calls.events.post"
CALLS_CASE_LINK = "calls.case.link"
CALLS_LIST = "calls.list"
CALLS_LOOKUP = "calls.lookup"
#: Routes of the agenda editors (machine accounts of the registry), not of the room's users.
EDITOR_ROUTES: frozenset[str] = frozenset({FHIR_APPOINTMENTS_POST, FHIR_APPOINTMENTS_PUT, FHIR_APPOINTMENTS_GET})

_A, _O, _L, _U, _S, _D, _H = (Role.ARM.value, Role.OSNP.value, Role.MRL.value, Role.MRU.value,
                              Role.SUPERVISEUR.value, Role.ADMIN.value, Role.HUB.value)

#: Route name → roles allowed to call it.  The only source of truth for access control.
PERMISSIONS: dict[str, frozenset[str]] = {
    AUTH_ME: ALL_ROLES,
    AUTH_LOGOUT: ALL_ROLES,
    SLOTS_SEARCH: frozenset({_A, _O, _L, _U, _D}),
    SLOTS_BOOK: frozenset({_O, _L, _U}),
    BOOKINGS_CANCEL: frozenset({_O, _L, _U}),
    CASES_PUT: frozenset({_A, _O, _L, _U}),
    CASES_GET: frozenset({_A, _O, _L, _U, _S}),
    ORIENTATIONS_PUT: frozenset({_O, _L, _U}),
    ORIENTATIONS_GET: frozenset({_A, _O, _L, _U, _S}),
    CASE_EVENTS_PUT: frozenset({_A, _O, _L, _U}),
    CASE_EVENTS_GET: frozenset({_A, _O, _L, _U, _S}),
    SURGE_PUT: frozenset({_L, _U, _S}),
    JOURNAL_LIST: PEOPLE,
    EVENTS_STREAM: PEOPLE,  # the journal, pushed: the same readers
    # Each item of a batch is then checked against its own PUT route.
    SYNC_BATCH: frozenset({_A, _O, _L, _U}),
    STATS_GET: frozenset({_S, _D}),
    JOURNAL_VERIFY: frozenset({_S, _D}),
    HUB_MESSAGES_POST: frozenset({_H}),  # only the Hub connector's technical account
    HUB_RS_EDA_GET: frozenset({_A, _O, _L, _U, _S}),  # the same readers as the case itself
    HUB_SEND: frozenset({_A, _L, _U}),  # the desks that regulate hand a case over to a neighbouring SAMU
    # SAS platform appointments: the desks that book (OSNP, MRL, MRU) attach them and call patients back;
    # the chef de salle reads the worklists; the ARM does not handle bookings, the ADMIN no patient data.
    APPOINTMENTS_LIST: frozenset({_O, _L, _U, _S}),
    APPOINTMENTS_ATTACH: frozenset({_O, _L, _U}),
    APPOINTMENTS_FOLLOWED_UP: frozenset({_O, _L, _U}),
    DESK_CACHE_KEY: PEOPLE,  # whoever logs in at a desk must open its encrypted cache
    ADMIN_USERS_UNLOCK: frozenset({_D}),
    # The territory's effecteurs on the map (no patient data): the desks that search, and the chef de salle.
    TERRITORY_EFFECTEURS: frozenset({_A, _O, _L, _U, _S, _D}),
    # Placing a case's address: the desks that open and edit cases.
    ADDRESSES_GEOCODE: frozenset({_A, _O, _L, _U}),
    # The agenda editors' health (no patient data): the technical administrator.
    EDITORS_LIST: frozenset({_D}),
    # The room's telephone (issue 15): each desk with a softphone reports its calls (the chef de salle answers
    # too when the room is overwhelmed); the roles that write cases link a call to one; the case readers see
    # the calls and what the room knows of a number (patient data: never the ADMIN).
    CALLS_EVENTS_POST: frozenset({_A, _O, _L, _U, _S}),
    CALLS_CASE_LINK: frozenset({_A, _O, _L, _U}),
    CALLS_LIST: frozenset({_A, _O, _L, _U, _S}),
    CALLS_LOOKUP: frozenset({_A, _O, _L, _U, _S}),
    # Agenda editors only (their registry token): no user role, see EDITOR_ROUTES.
    FHIR_APPOINTMENTS_POST: frozenset(),
    FHIR_APPOINTMENTS_PUT: frozenset(),
    FHIR_APPOINTMENTS_GET: frozenset(),
}

#: What each route does, in French, for the README and the console's help.
ROUTE_LABELS: dict[str, str] = {
    AUTH_ME: "Consulter son propre compte",
    AUTH_LOGOUT: "Fermer sa session (révoquer son jeton)",
    SLOTS_SEARCH: "Rechercher des créneaux",
    SLOTS_BOOK: "Réserver un créneau",
    BOOKINGS_CANCEL: "Annuler le rendez-vous d'un dossier",
    CASES_PUT: "Créer un dossier de régulation",
    CASES_GET: "Consulter un dossier",
    ORIENTATIONS_PUT: "Enregistrer une orientation (décision)",
    ORIENTATIONS_GET: "Consulter une orientation",
    CASE_EVENTS_PUT: "Faire évoluer un dossier (statut, attribution, transmission, note)",
    CASE_EVENTS_GET: "Consulter l'historique d'un dossier",
    SURGE_PUT: "Basculer le mode afflux",
    JOURNAL_LIST: "Lire le journal partagé",
    EVENTS_STREAM: "Suivre le journal partagé en direct (server-sent events)",
    SYNC_BATCH: "Envoyer la file d'attente du poste (dossiers, orientations) par lots",
    STATS_GET: "Lire les indicateurs de la salle (file, délais, QS60)",
    JOURNAL_VERIFY: "Vérifier la chaîne de hachage du journal",
    HUB_MESSAGES_POST: "Recevoir un message Hub Santé (RS-EDA, RS-EDA-MAJ, RS-SAS-RDV)",
    HUB_RS_EDA_GET: "Exporter un dossier en RS-EDA (Hub Santé)",
    HUB_SEND: "Transférer un dossier à un SAMU voisin par le Hub Santé (RS-EDA)",
    APPOINTMENTS_LIST: "Lire les rendez-vous SAS non rattachés ou à rappeler",
    APPOINTMENTS_ATTACH: "Rattacher un rendez-vous SAS à un dossier",
    APPOINTMENTS_FOLLOWED_UP: "Marquer un patient rappelé (rendez-vous annulé ou non honoré)",
    DESK_CACHE_KEY: "Obtenir la clé de chiffrement du cache local de son poste",
    ADMIN_USERS_UNLOCK: "Déverrouiller un compte bloqué après des échecs de connexion",
    TERRITORY_EFFECTEURS: "Voir les effecteurs du territoire et leur prochain créneau libre",
    ADDRESSES_GEOCODE: "Localiser une adresse dans une commune (numéro, voie ou commune)",
    EDITORS_LIST: "Voir les éditeurs d'agendas et leur état (dernier succès, dernière erreur, latence)",
    CALLS_EVENTS_POST: "Signaler un événement d'appel du téléphone du poste (présenté, décroché, terminé…)",
    CALLS_CASE_LINK: "Rattacher un appel à un dossier (les heures du dossier viennent alors du téléphone)",
    CALLS_LIST: "Voir les appels de la salle (en attente, en cours, récents)",
    CALLS_LOOKUP: "Voir ce que la salle sait d'un numéro (dossiers ouverts et des 30 derniers jours)",
    FHIR_APPOINTMENTS_POST: "Éditeur d'agenda : créer un rendez-vous (FHIR, INT_R03)",
    FHIR_APPOINTMENTS_PUT: "Éditeur d'agenda : mettre à jour un rendez-vous (FHIR, mise à jour conditionnelle)",
    FHIR_APPOINTMENTS_GET: "Éditeur d'agenda : relire un rendez-vous qu'il tient (FHIR)",
}

#: The HTTP method and path of each route, for documentation.
ROUTE_PATHS: dict[str, str] = {
    AUTH_ME: "GET /api/v1/auth/me",
    AUTH_LOGOUT: "POST /api/v1/auth/logout",
    SLOTS_SEARCH: "GET /api/v1/slots/search",
    SLOTS_BOOK: "POST /api/v1/slots/{slot_id}/booking",
    BOOKINGS_CANCEL: "DELETE /api/v1/slots/bookings/{case_uuid}",
    CASES_PUT: "PUT /api/v1/cases/{uuid}",
    CASES_GET: "GET /api/v1/cases/{uuid}",
    ORIENTATIONS_PUT: "PUT /api/v1/orientations/{uuid}",
    ORIENTATIONS_GET: "GET /api/v1/orientations/{uuid}",
    CASE_EVENTS_PUT: "PUT /api/v1/cases/{case_uuid}/events/{uuid}",
    CASE_EVENTS_GET: "GET /api/v1/cases/{case_uuid}/events",
    SURGE_PUT: "PUT /api/v1/surge/{uuid}",
    JOURNAL_LIST: "GET /api/v1/journal",
    EVENTS_STREAM: "GET /api/v1/events",
    SYNC_BATCH: "POST /api/v1/sync/batch",
    STATS_GET: "GET /api/v1/stats",
    JOURNAL_VERIFY: "GET /api/v1/journal/verify",
    HUB_MESSAGES_POST: "POST /api/v1/hub/messages",
    HUB_RS_EDA_GET: "GET /api/v1/cases/{uuid}/hub/rs-eda",
    HUB_SEND: "POST /api/v1/cases/{uuid}/hub/send",
    APPOINTMENTS_LIST: "GET /api/v1/appointments",
    APPOINTMENTS_ATTACH: "POST /api/v1/appointments/{uuid}/attach",
    APPOINTMENTS_FOLLOWED_UP: "POST /api/v1/appointments/{uuid}/followed-up",
    DESK_CACHE_KEY: "GET /api/v1/desk/cache-key",
    ADMIN_USERS_UNLOCK: "POST /api/v1/admin/users/{username}/unlock",
    TERRITORY_EFFECTEURS: "GET /api/v1/territory/effecteurs",
    ADDRESSES_GEOCODE: "POST /api/v1/addresses/geocode",
    EDITORS_LIST: "GET /api/v1/editors",
    CALLS_EVENTS_POST: "POST /api/v1/calls/events",
    CALLS_CASE_LINK: "POST /api/v1/calls/{call_id}/case",
    CALLS_LIST: "GET /api/v1/calls",
    CALLS_LOOKUP: "GET /api/v1/calls/lookup",
    FHIR_APPOINTMENTS_POST: "POST /fhir/Appointment",
    FHIR_APPOINTMENTS_PUT: "PUT /fhir/Appointment",
    FHIR_APPOINTMENTS_GET: "GET /fhir/Appointment/{id}",
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
