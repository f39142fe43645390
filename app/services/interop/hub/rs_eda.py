"""A case as Hub Santé RS-EDA ``createCaseHealth`` (export).

Input is the wire documents of :mod:`app.services.records.documents` (a :class:`CaseDoc` and
the case's :class:`OrientationDoc` list), so this module needs no database.  The
mapping follows the Case model's column comments (domain.md A.3):

* qualification: origin, ``whatsHappen`` / ``locationKind`` / ``healthMotive`` (code +
  label, the label taken from the nomenclature when the case has none), risk threats,
  ``details`` {status, attribution, priority};
* location: address, city, access (building, floor, code, intercom), the point and its
  precision (``geometry.datetime`` = reception), ``freetext`` = the access details;
* initialAlert (only when a caller number is known, the schema requires it): reception,
  caller contact, ``callbackContact`` only when it differs, name, type, language,
  communication difficulty;
* patients (``patientId`` kept), notes as ``medicalNote`` (the operator's Hub role is
  derived from the author's console role), orientations as ``decision``.

:func:`case_envelope` wraps the message and validates it before it leaves.
"""

from __future__ import annotations

from typing import Any

from app.codes import nomenclatures
from app.services.records.documents import CaseDoc, NoteDoc, OrientationDoc, PatientDoc
from app.services.interop.hub import ack, envelope, rs_eda_import

ROOT_KEY = "createCaseHealth"
#: Console role → Hub ``operator.role`` (ARM, MEDECIN, INFIRMIER, AMBULANCIER, PILOTE, TCM, AUTRE, INCONNU).
HUB_OPERATOR_ROLES = ("ARM", "MEDECIN", "INFIRMIER", "AMBULANCIER", "PILOTE", "TCM", "AUTRE", "INCONNU")
_ROLE_TO_HUB = {"ARM": "ARM", "MRU": "MEDECIN", "MRL": "MEDECIN", "OSNP": "AUTRE", "SUPERVISEUR": "MEDECIN"}
_QUALIFIERS = (("whatsHappen", "whats_happen", nomenclatures.FACT),
               ("locationKind", "location_kind", nomenclatures.PLACE_KIND),
               ("healthMotive", "health_motive", nomenclatures.MOTIVE))


def hub_role(role: str | None) -> str:
    """The Hub operator role for a console (or already Hub) role."""
    if role in HUB_OPERATOR_ROLES:
        return role
    return _ROLE_TO_HUB.get(role or "", "INCONNU")


def _prune(value: Any) -> Any:
    """``value`` without ``None``, empty strings, empty lists and empty objects."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(x) for x in value) if v not in (None, "", [], {})]
    return value


def _coded(doc: CaseDoc, field: str, nomenclature: str | None) -> dict | None:
    code = getattr(doc, f"{field}_code")
    if not code:
        return None
    label = getattr(doc, f"{field}_label")
    if not label and nomenclature:
        try:
            label = nomenclatures.label(nomenclature, code)
        except (OSError, KeyError):  # pragma: no cover - nomenclature file missing
            label = None
    return {"code": code, "label": label or code}


def _qualification(doc: CaseDoc) -> dict:
    qualification: dict[str, Any] = {"origin": doc.origin}
    for key, field, nomenclature in _QUALIFIERS:
        qualification[key] = _coded(doc, field, nomenclature)
    qualification["riskThreat"] = [{"code": c, "label": _risk_label(c)} for c in doc.risk_threat_codes]
    qualification["details"] = {"status": doc.status, "attribution": doc.attribution, "priority": doc.priority}
    return qualification


def _risk_label(code: str) -> str:
    try:
        return nomenclatures.label(nomenclatures.RISK, code) or code
    except (OSError, KeyError):  # pragma: no cover
        return code


def _location(doc: CaseDoc) -> dict:
    location: dict[str, Any] = {
        "detailedAddress": {"complete": doc.address_complete} if doc.address_complete else None,
        "city": {"name": doc.city_name, "inseeCode": doc.city_insee_code},
        "access": {"buildingName": doc.access_building, "floor": doc.access_floor,
                   "accessCode": [doc.access_code] if doc.access_code else [], "interphone": doc.access_intercom},
        "freetext": doc.access_details,
    }
    if doc.lat is not None and doc.lon is not None:
        location["geometry"] = {
            "datetime": envelope.hub_time(doc.reception or doc.creation),
            "point": {"coord": {"lat": doc.lat, "lon": doc.lon, "precision": doc.coord_precision or "INCONNUE"}},
        }
    return location


def _initial_alert(doc: CaseDoc) -> dict | None:
    # A hidden caller's number (no caller_phone): the schema requires a callerContact, so the callback
    # number, the only way to reach the caller, stands in for it and the caller's freetext says why.
    reach = doc.caller_phone or doc.callback_phone
    if not reach:
        return None
    caller: dict[str, Any] = {
        "callerContact": {"channel": "PERSONNE", "type": "TEL", "detail": reach},
        "freetext": None if doc.caller_phone else "Numéro de l'appelant masqué",
        "language": doc.caller_language,
        "type": doc.caller_type,
        "communication": doc.caller_communication,
        "detailedName": {"complete": doc.caller_name} if doc.caller_name else None,
    }
    if doc.callback_phone and doc.callback_phone != reach:
        caller["callbackContact"] = {"channel": "PERSONNE", "type": "TEL", "detail": doc.callback_phone}
    return {"reception": envelope.hub_time(doc.reception or doc.creation), "caller": caller}


def patient_id(doc: CaseDoc, patient: PatientDoc) -> str:
    """The patient's Hub id, or ``{owner}.patient.{case}.{rank}`` when the stored one is not Hub-shaped."""
    if rs_eda_import.PATIENT_ID.match(patient.patient_id):
        return patient.patient_id
    return f"{doc.owner}.patient.{doc.case_id.rsplit('.', 1)[-1]}.{patient.rank}"


def _patient(doc: CaseDoc, patient: PatientDoc) -> dict:
    complete = " ".join(x for x in (patient.first_name, patient.last_name) if x) or patient.birth_name
    return {
        "patientId": patient_id(doc, patient),
        "administrativeFile": {"generalPractitioner": {
            "detailedName": {"complete": patient.general_practitioner_name},
            "rppsId": patient.general_practitioner_rpps} if patient.general_practitioner_name else None},
        "identity": {
            "strictFeatures": {"birthName": patient.birth_name, "sex": patient.sex,
                               "birthDate": patient.birth_date.isoformat() if patient.birth_date else None},
            "nonStrictFeatures": {"complete": complete, "lastName": patient.last_name,
                                  "firstName": patient.first_name} if complete else None,
        },
        "detail": {"age": patient.age},
    }


def _note(doc: CaseDoc, note: NoteDoc) -> dict:
    return {
        "operator": {"role": hub_role(note.author_role), "label": note.author or None},
        "medicalNoteId": f"{doc.owner}.medicalNote.{note.uuid}",
        "creation": envelope.hub_time(note.creation),
        "freetext": note.freetext,
    }


def _decision(orientation: OrientationDoc, author_role: str | None) -> dict:
    return {
        "creation": envelope.hub_time(orientation.creation),
        "operator": {"role": hub_role(author_role)},
        "decisionType": orientation.decision_type,
        "resourceType": orientation.resource_type,
        "medicalTransport": orientation.medical_transport,
        "orientationType": orientation.orientation_type,
    }


def case_to_rs_eda(doc: CaseDoc, orientations: list[tuple[OrientationDoc, str | None]] = ()) -> dict:
    """The ``createCaseHealth`` payload of a case; ``orientations`` are (document, author role) pairs."""
    message = {
        "caseId": doc.case_id,
        "creation": envelope.hub_time(doc.creation),
        "perimeter": doc.perimeter,
        "qualification": _qualification(doc),
        "location": _location(doc),
        "initialAlert": _initial_alert(doc),
        "owner": doc.owner,
        "patient": [_patient(doc, p) for p in sorted(doc.patients, key=lambda p: p.rank)],
        "medicalNote": [_note(doc, n) for n in sorted(doc.notes, key=lambda n: n.creation)],
        "decision": [_decision(o, role) for o, role in sorted(orientations, key=lambda x: x[0].creation)],
    }
    pruned = _prune(message)
    pruned.setdefault("location", {})
    pruned.setdefault("qualification", {})
    return pruned


def case_envelope(doc: CaseDoc, orientations: list[tuple[OrientationDoc, str | None]] = (), *,
                  recipient: str | None = None) -> dict:
    """The case as an RS-EDA in a validated EDXL-DE envelope, sent by the case's owner."""
    payload = case_to_rs_eda(doc, list(orientations))
    return ack.checked(envelope.build_envelope(doc.owner, recipient or doc.owner, ROOT_KEY, payload))
