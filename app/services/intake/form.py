"""Call intake without Qt: raw form input → a valid :class:`CaseDoc`, or errors naming each field.

The intake panel collects an :class:`IntakeForm` exactly as typed; :func:`validate`
returns one :class:`FieldError` per bad field (French messages, in the panel's
tab order, so the first error is the first field to fix) and
:func:`build_case_doc` turns a valid form into the wire document.  The official
code lists come from the shipped Hub Santé nomenclatures (``HubSante.motif.csv``,
``HubSante.priorite.csv``: :mod:`app.services.intake.motives`, re-exported here).
Phone numbers are normalised to E.164 by :mod:`app.services.intake.phones`.  A hidden number (« numéro masqué »: the
flag, or a word such as ``masqué`` or ``inconnu`` typed in the caller's phone)
is no caller phone at all, and then the callback number is required.  The secondary section (caller language, access
details, kind of place, facts, risks, patients) and the route (suggested by
:mod:`app.services.regulation.routing`, overridden only with a reason) ride on the same form.
"""

from __future__ import annotations

import re
import uuid as uuid_mod
from dataclasses import dataclass, field
from datetime import datetime

from app.codes import nomenclatures
from app.codes.fields import max_length
from app.services.intake import patients, phones
from app.services.regulation import routing
from app.services.records.documents import CaseDoc, NoteDoc, in_france, text_problem
from app.services.intake.motives import (  # noqa: F401 (re-exported)
    PRIORITIES, PRIORITY_COLOURS, PRIORITY_LABELS, Priority, load_motives, motive_group, motive_label, search_motives,
)
from app.services.intake.patients import PatientForm
from app.services.intake.phones import (  # noqa: F401 (re-exported)
    PHONE_INVALID, format_phone, is_hidden_number, normalize_phone,
)

#: Form fields in the ARM's interview (and tab) order; errors come back in this order.
FIELD_ORDER = ("caller_phone", "callback_phone", "caller_name", "address", "commune", "motive", "priority",
               "routing", "notes", "caller_language", "location_kind", "whats_happen", "patient_birth_date",
               "patient_age", "patient_sex", "patient_gp_rpps")
#: The free texts of the form and their limits (:mod:`app.codes.fields`, the same as the server's).
_MAX_LENGTHS = {"caller_name": max_length("caller_name"), "address": max_length("address_complete"),
                "notes": max_length("freetext")}


@dataclass(frozen=True)
class FieldError:
    """One problem with one form field; ``field`` is a name from :data:`FIELD_ORDER`."""

    field: str
    message: str


class InvalidIntake(ValueError):
    """Raised by :func:`build_case_doc` for a form that does not validate."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass
class IntakeForm:
    """The intake form as typed by the ARM (raw text; normalised by :func:`build_case_doc`)."""

    caller_phone: str = ""
    #: The network did not give the caller's number (« numéro masqué »); the callback number is then required.
    caller_hidden: bool = False
    callback_phone: str = ""
    callback_confirmed: bool = False
    caller_name: str = ""
    address: str = ""
    commune_insee: str = ""
    commune_name: str = ""
    lat: float | None = None
    lon: float | None = None
    motive_code: str = ""
    motive_label: str = ""
    priority: str = ""
    notes: str = ""
    #: ``coord.precision`` of ``lat``/``lon`` when they do not come from the commune (e.g. "ADRESSE").
    coord_precision: str = ""
    #: When the call was presented (aware); defaults to the opening time.
    reception: datetime | None = None
    #: When the ARM picked it up (the first key typed).
    answered: datetime | None = None
    # --- the secondary section (not on the standard call's tab path) ---
    caller_type: str = ""
    caller_language: str = ""
    caller_communication: str = ""
    access_building: str = ""
    access_floor: str = ""
    access_code: str = ""
    access_intercom: str = ""
    location_kind_code: str = ""
    whats_happen_code: str = ""
    risk_codes: list[str] = field(default_factory=list)
    patients: list[PatientForm] = field(default_factory=list)
    # --- routing: the suggestion shown, and the route chosen (an override needs a reason) ---
    perimeter: str = ""
    attribution: str = ""
    suggested_perimeter: str = ""
    suggested_attribution: str = ""
    routing_reason: str = ""
    surge: bool = False

    def suggestion(self, *, urgent_waiting: int = 0) -> routing.Suggestion:
        """The route the rules give for this form (:func:`app.services.regulation.routing.suggest`)."""
        return routing.suggest(priority=self.priority or "NR", motive_code=self.motive_code.strip() or None,
                               location_kind_code=self.location_kind_code or None,
                               caller_type=self.caller_type or None, surge=self.surge,
                               urgent_waiting=urgent_waiting)

    def is_caller_hidden(self) -> bool:
        """Whether the caller's number is hidden (the flag, or a word like « masqué » typed instead)."""
        return self.caller_hidden or is_hidden_number(self.caller_phone)

    def is_override(self) -> bool:
        return bool(self.perimeter and self.suggested_perimeter) and (
            self.perimeter != self.suggested_perimeter
            or bool(self.attribution and self.attribution != self.suggested_attribution))


# --- case ids ---------------------------------------------------------------------------------

def new_case_id(samu_code: str, when: datetime, desk: int, counter: int) -> str:
    """``fr.health.samu670.DRFR1567024328420007``: SAMU, YY, day of year, desk, counter.

    The day is ``when``'s own calendar day (no time-zone conversion): the caller
    keys its daily counter on the same day, so two ids never collide.  A counter
    past 9999 simply widens the id, which still matches the Hub pattern.
    """
    if not re.fullmatch(r"[0-9A-Za-z]{3}", samu_code or ""):
        raise ValueError(f"code SAMU invalide : {samu_code!r}")
    if not 0 <= desk <= 99:
        raise ValueError(f"numéro de poste invalide : {desk}")
    if counter < 0:
        raise ValueError(f"compteur invalide : {counter}")
    day = when.timetuple().tm_yday
    return f"fr.health.samu{samu_code}.DRFR15{samu_code}{when:%y}{day:03d}{desk:02d}{counter:04d}"


# --- validation and the case document ------------------------------------------------------------

def validate(form: IntakeForm, *, communes=None) -> list[FieldError]:
    """Every problem of the form, one per field, in :data:`FIELD_ORDER`.

    ``communes`` is a :class:`app.services.reference.communes.CommuneIndex` (default: the shipped one).
    """
    errors: dict[str, str] = phone_errors(form)
    for name, limit in _MAX_LENGTHS.items():
        if len(getattr(form, name).strip()) > limit:
            errors[name] = f"Texte trop long ({limit} caractères au plus)"
        elif (problem := text_problem(getattr(form, name).strip())) is not None:
            errors[name] = f"Texte refusé : {problem}"
    if not form.commune_insee.strip():
        errors["commune"] = ("Commune inconnue ou hors de France : choisissez-la dans la liste"
                             if form.commune_name.strip() else "Commune obligatoire (lieu en France)")
    elif _commune(form, communes) is None:
        errors["commune"] = f"Commune inconnue (code INSEE {form.commune_insee.strip()})"
    elif form.lat is not None and form.lon is not None and not (-90 <= form.lat <= 90 and -180 <= form.lon <= 180):
        errors["commune"] = "Coordonnées du lieu invalides"
    elif form.lat is not None and form.lon is not None and not in_france(form.lat, form.lon):
        errors["commune"] = "Lieu hors de France"
    if not form.motive_code.strip():
        errors["motive"] = ("Motif inconnu : choisissez-le dans la liste" if form.motive_label.strip()
                            else "Motif de recours obligatoire")
    elif motive_label(form.motive_code.strip()) is None:
        errors["motive"] = f"Motif inconnu : {form.motive_code.strip()}"
    if not form.priority:
        errors["priority"] = "Priorité obligatoire (P0 à P3, ou NR)"
    elif form.priority not in PRIORITY_LABELS:
        errors["priority"] = f"Priorité inconnue : {form.priority}"
    if form.is_override() and not form.routing_reason.strip():
        errors["routing"] = "Filière différente de la suggestion : indiquez pourquoi"
    for name, code, list_name in (("caller_language", form.caller_language, nomenclatures.LANGUAGE),
                                  ("location_kind", form.location_kind_code, nomenclatures.PLACE_KIND),
                                  ("whats_happen", form.whats_happen_code, nomenclatures.FACT)):
        if code and not nomenclatures.is_known(list_name, code):
            errors[name] = f"Code inconnu : {code}"
    for patient in form.patients:
        for name, message in patients.validate(patient).items():
            errors.setdefault(f"patient_{name}", message)
    return [FieldError(f, errors[f]) for f in FIELD_ORDER if f in errors]


# --- phones ------------------------------------------------------------------------------------

def phone_errors(form: IntakeForm) -> dict[str, str]:
    """The problems of the caller's phone and the callback number (:func:`phones.check`)."""
    return phones.check(form.caller_phone, form.callback_phone, hidden=form.caller_hidden)


def error_on_leaving(form: IntakeForm, field: str) -> str | None:
    """The error to show as soon as the ARM leaves ``field`` ("caller_phone" or "callback_phone"): a number
    that is not one, or a callback number missing for a hidden caller; an empty caller's phone waits for the
    submit (tabbing past it is not an error yet)."""
    message = phone_errors(form).get(field)
    return None if message == phones.CALLER_PHONE_REQUIRED else message


def _commune(form: IntakeForm, communes):
    if communes is None:
        from app.services.reference.communes import default_index

        communes = default_index()
    return communes.get(form.commune_insee.strip())


def build_case_doc(form: IntakeForm, *, uuid: str, case_id: str, owner: str, now: datetime, author: str,
                   author_role: str = "ARM", communes=None,
                   suggestion: routing.Suggestion | None = None) -> CaseDoc:
    """The case document of a valid form; raises :class:`InvalidIntake` otherwise.

    The callback number defaults to the caller's (a hidden caller has none: ``caller_phone`` is
    None); the place is the commune's centre (precision ``VILLE``) unless the form carries its own coordinates.
    The route is the form's, else the ``suggestion`` (default: the rules on the
    form alone); a P0 is marked accompanied.
    """
    if now.tzinfo is None or (form.reception is not None and form.reception.tzinfo is None):
        raise ValueError("les heures doivent porter un fuseau horaire")
    errors = validate(form, communes=communes)
    if errors:
        raise InvalidIntake(errors)
    commune = _commune(form, communes)
    caller = None if form.is_caller_hidden() else normalize_phone(form.caller_phone)
    if form.lat is not None and form.lon is not None:
        lat, lon = form.lat, form.lon
        same = (lat, lon) == (commune.lat, commune.lon)
        precision = form.coord_precision or ("VILLE" if same else "INCONNUE")
    else:
        lat, lon = commune.lat, commune.lon
        precision = "VILLE" if commune.lat is not None else "INCONNUE"
    notes = []
    if form.notes.strip():
        notes.append(NoteDoc(uuid=str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, f"case/{uuid}/note/1")),
                             creation=now, author=author, author_role=author_role, freetext=form.notes.strip()))
    code = form.motive_code.strip()
    suggestion = suggestion or form.suggestion()
    perimeter = form.perimeter or suggestion.perimeter
    attribution = form.attribution or (suggestion.attribution if perimeter == suggestion.perimeter
                                       else routing.default_attribution(perimeter))
    number = case_id.rsplit(".", 1)[-1]
    return CaseDoc(
        uuid=uuid, case_id=case_id, owner=owner, creation=now, reception=form.reception or now,
        answered_at=form.answered or form.reception or now,
        priority=form.priority, health_motive_code=code, health_motive_label=motive_label(code),
        caller_name=form.caller_name.strip() or None, caller_phone=caller,
        callback_phone=normalize_phone(form.callback_phone) if form.callback_phone.strip() else caller,
        caller_type=form.caller_type or None, caller_language=form.caller_language or None,
        caller_communication=form.caller_communication or None,
        address_complete=form.address.strip() or None, city_name=commune.name, city_insee_code=commune.insee,
        lat=lat, lon=lon, coord_precision=precision, notes=notes,
        access_building=form.access_building.strip() or None, access_floor=form.access_floor.strip() or None,
        access_code=form.access_code.strip() or None, access_intercom=form.access_intercom.strip() or None,
        location_kind_code=form.location_kind_code or None,
        location_kind_label=nomenclatures.label(nomenclatures.PLACE_KIND, form.location_kind_code),
        whats_happen_code=form.whats_happen_code or None,
        whats_happen_label=nomenclatures.label(nomenclatures.FACT, form.whats_happen_code),
        risk_threat_codes=list(form.risk_codes),
        perimeter=perimeter, attribution=attribution, suggested_perimeter=suggestion.perimeter,
        suggested_attribution=suggestion.attribution, surge=suggestion.split_suspended and form.surge,
        accompanied=form.priority == "P0",
        patients=[patients.to_doc(p, case_uuid=uuid, owner=owner, case_number=number, rank=i)
                  for i, p in enumerate((p for p in form.patients if not p.is_empty()), start=1)],
    )
