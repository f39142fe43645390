"""Hub Santé RS-EDA ``createCaseHealth`` and RS-EDA-MAJ ``createCaseHealthUpdate`` read into case data.

The message must already be schema-valid (:mod:`.schemas`).  What the console's
model can hold is mapped back (the inverse of :mod:`.rs_eda`); the rest of the
message (detailed way names, highways, hypotheses, custom maps…) is not kept.

Identifiers are derived, so a replayed message maps to the same rows:

* the case UUID is a UUID5 of the Hub ``caseId``;
* a patient's UUID is a UUID5 of the case UUID and its ``patientId``;
* a note's UUID is the last segment of its ``medicalNoteId`` when that is a UUID (as
  the console writes them), a UUID5 otherwise; decisions get a UUID5 of their content.

A value the console's own checks refuse (an unknown attribution, a phone number not
in E.164, a point outside France…) is dropped rather than refusing the whole case:
any schema-valid message must be accepted.  Only a case without what the console
cannot do without (caseId, owner, creation) is refused, with code 704.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from app.services.regulation import decisions
from app.services.records.documents import CaseDoc, NoteDoc, OrientationDoc, PatientDoc
from app.services.interop.hub.ack import INSUFFICIENT_DATA, HubMessageError

PATIENT_ID = re.compile(r"^([a-zA-Z0-9_-]+\.){3,8}patient(\.[a-zA-Z0-9_-]+){1,2}$")
_NAMESPACE = uuid.UUID("6c1f7a0e-4b8e-5f55-9d43-5a9e3c0b6a01")
#: Author written on rows that came from the Hub (the remote operator is not a console user).
HUB_AUTHOR = "hub-sante"


def case_uuid_for(case_id: str) -> str:
    """The console UUID of the case with Hub ``caseId`` ``case_id`` (stable)."""
    return str(uuid.uuid5(_NAMESPACE, f"case:{case_id}"))


def _uuid5(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _strip(value: Any) -> Any:
    return value.strip() or None if isinstance(value, str) else value


def lenient(model: type[BaseModel], data: dict, required: tuple[str, ...]) -> BaseModel:
    """``model`` from ``data``, dropping optional values its checks refuse (704 if a required one fails)."""
    for _ in range(50):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                if not loc or loc[0] in required:
                    raise HubMessageError(INSUFFICIENT_DATA, f"donnée inutilisable : {'.'.join(map(str, loc))}")
                if len(loc) >= 3 and isinstance(loc[1], int) and loc[0] in ("patients", "notes", "risk_threat_codes"):
                    target = data[loc[0]][loc[1]] if isinstance(data[loc[0]][loc[1]], dict) else None
                    if target is not None and loc[2] not in ("uuid", "patient_id", "freetext", "creation"):
                        target.pop(loc[2], None)
                        continue
                    data[loc[0]].pop(loc[1])
                    break
                if len(loc) == 2 and loc[0] == "risk_threat_codes":
                    data[loc[0]].pop(loc[1])
                    break
                data.pop(loc[0], None)
    raise HubMessageError(INSUFFICIENT_DATA, "message inexploitable")  # pragma: no cover


def _patient(case_uuid: str, item: dict, rank: int) -> dict:
    strict = _get(item, "identity", "strictFeatures") or {}
    loose = _get(item, "identity", "nonStrictFeatures") or {}
    practitioner = _get(item, "administrativeFile", "generalPractitioner") or {}
    return {
        "uuid": _uuid5(case_uuid, "patient", item["patientId"]),
        "patient_id": item["patientId"],
        "rank": rank,
        "birth_name": _strip(strict.get("birthName")),
        "last_name": _strip(loose.get("lastName")),
        "first_name": _strip(loose.get("firstName")),
        "birth_date": strict.get("birthDate"),
        "age": _get(item, "detail", "age"),
        "sex": strict.get("sex"),
        "general_practitioner_name": _strip(_get(practitioner, "detailedName", "complete")),
        "general_practitioner_rpps": practitioner.get("rppsId"),
    }


def _note_uuid(case_uuid: str, note_id: str) -> str:
    tail = note_id.rsplit(".", 1)[-1]
    try:
        return str(uuid.UUID(tail)) if len(tail) == 36 else _uuid5(case_uuid, "note", note_id)
    except ValueError:
        return _uuid5(case_uuid, "note", note_id)


def _notes(case_uuid: str, payload: dict, default_time: str | None) -> list[dict]:
    notes = []
    for i, item in enumerate(_get(payload, "initialAlert", "notes") or []):
        if item.get("freetext"):
            notes.append({"uuid": _uuid5(case_uuid, "alert-note", str(i), item["freetext"]),
                          "creation": item.get("creation") or default_time, "author": HUB_AUTHOR,
                          "author_role": "ARM", "freetext": item["freetext"]})
    for item in payload.get("medicalNote") or []:
        operator = item.get("operator") or {}
        notes.append({"uuid": _note_uuid(case_uuid, item["medicalNoteId"]),
                      "creation": item.get("creation") or default_time,
                      "author": (operator.get("label") or HUB_AUTHOR)[:64],
                      "author_role": (operator.get("role") or "INCONNU")[:16], "freetext": item["freetext"]})
    return notes


def orientations(case_uuid: str, payload: dict) -> list[tuple[OrientationDoc, str]]:
    """The message's decisions as (orientation document, Hub operator role) pairs."""
    found = []
    for item in payload.get("decision") or []:
        kind, resource, target = item["decisionType"], item.get("resourceType"), item.get("orientationType")
        data = {
            "uuid": _uuid5(case_uuid, "decision", item["creation"], kind, str(resource), str(target)),
            "case_uuid": case_uuid, "creation": item["creation"],
            "decision_key": decisions.matching(kind, resource, target),
            "decision_type": kind, "resource_type": resource, "orientation_type": target,
            "medical_transport": item.get("medicalTransport"),
            "freetext": _strip(_get(item, "destination", "freetext"))}
        # An optional value the console refuses is dropped; an unusable creation date is 704.
        doc = lenient(OrientationDoc, {k: v for k, v in data.items() if v is not None},
                      required=("uuid", "case_uuid", "creation", "decision_key", "decision_type"))
        found.append((doc, _get(item, "operator", "role") or "INCONNU"))
    return found


@dataclass
class ImportedCase:
    """A case read from an RS-EDA: the case document and its decisions."""

    case: CaseDoc
    orientations: list[tuple[OrientationDoc, str]] = field(default_factory=list)


def rs_eda_to_case(payload: dict) -> ImportedCase:
    """Case data from a schema-valid ``createCaseHealth`` payload (704 when unusable)."""
    case_uuid = case_uuid_for(payload["caseId"])
    qualification = payload.get("qualification") or {}
    details = qualification.get("details") or {}
    location = payload.get("location") or {}
    caller = _get(payload, "initialAlert", "caller") or {}
    access = location.get("access") or {}
    coord = _get(location, "geometry", "point", "coord") or {}
    contact, callback = caller.get("callerContact") or {}, caller.get("callbackContact") or {}
    data: dict[str, Any] = {
        "uuid": case_uuid, "case_id": payload["caseId"], "owner": payload["owner"],
        "creation": payload["creation"], "reception": _get(payload, "initialAlert", "reception"),
        "origin": qualification.get("origin") or "15", "perimeter": payload.get("perimeter"),
        "priority": details.get("priority") or "NR", "attribution": details.get("attribution"),
        "status": details.get("status") or "ACTIF",
        "risk_threat_codes": [r["code"] for r in qualification.get("riskThreat") or []],
        "caller_name": _strip(_get(caller, "detailedName", "complete")), "caller_type": caller.get("type"),
        "caller_phone": contact.get("detail") if contact.get("type") == "TEL" else None,
        "callback_phone": callback.get("detail") if callback.get("type") == "TEL" else None,
        "caller_language": caller.get("language"), "caller_communication": caller.get("communication"),
        "address_complete": _get(location, "detailedAddress", "complete"),
        "city_name": _get(location, "city", "name"), "city_insee_code": _get(location, "city", "inseeCode"),
        "lat": coord.get("lat"), "lon": coord.get("lon"), "coord_precision": coord.get("precision"),
        "access_details": location.get("freetext"), "access_building": access.get("buildingName"),
        "access_floor": access.get("floor"), "access_code": (access.get("accessCode") or [None])[0],
        "access_intercom": access.get("interphone"),
        "patients": [_patient(case_uuid, p, i) for i, p in enumerate(payload.get("patient") or [], start=1)],
        "notes": _notes(case_uuid, payload, payload["creation"]),
    }
    if data["callback_phone"] == data["caller_phone"]:
        data["callback_phone"] = None
    for key, name in (("whatsHappen", "whats_happen"), ("locationKind", "location_kind"),
                      ("healthMotive", "health_motive")):
        data[f"{name}_code"] = _get(qualification, key, "code")
        data[f"{name}_label"] = _get(qualification, key, "label")
    data = {k: v for k, v in data.items() if v is not None}
    case = lenient(CaseDoc, data, required=("uuid", "case_id", "owner", "creation"))
    return ImportedCase(case=case, orientations=orientations(case_uuid, payload))


@dataclass
class CaseUpdate:
    """What an RS-EDA-MAJ changes on a known case."""

    fields: dict[str, str] = field(default_factory=dict)
    notes: list[NoteDoc] = field(default_factory=list)
    patients: list[PatientDoc] = field(default_factory=list)
    orientations: list[tuple[OrientationDoc, str]] = field(default_factory=list)


def rs_eda_update(payload: dict, case: CaseDoc) -> CaseUpdate:
    """The changes a schema-valid ``createCaseHealthUpdate`` makes to ``case`` (new notes and patients only)."""
    details = _get(payload, "qualification", "details") or {}
    wanted = {"status": details.get("status"), "priority": details.get("priority"),
              "perimeter": payload.get("perimeter")}
    fields = {k: v for k, v in wanted.items() if v is not None and getattr(case, k) != v}
    known_notes = {n.uuid for n in case.notes}
    notes = []
    for note in _notes(case.uuid, payload, None):
        if note["uuid"] in known_notes or not note["creation"]:
            continue
        try:
            notes.append(NoteDoc.model_validate(note))
        except ValidationError:  # a note the console cannot store (date out of range, control characters…)
            continue
    known_patients = {p.patient_id for p in case.patients}
    rank = max((p.rank for p in case.patients), default=0)
    patients = []
    for item in payload.get("patient") or []:
        if item["patientId"] not in known_patients:
            rank += 1
            holder = lenient(CaseDoc, {**case.model_dump(), "patients": [_patient(case.uuid, item, rank)]},
                             required=("uuid", "case_id", "owner", "creation"))
            patients += holder.patients  # type: ignore[attr-defined]  # lenient() returns the CaseDoc asked for
    return CaseUpdate(fields=fields, notes=notes, patients=patients, orientations=orientations(case.uuid, payload))
