"""Appointments at one local editor (domain.md B.4, profile FrAppointmentSAS).

``create`` checks the resource (400 when a required element is missing or unreadable, 422
when a business rule refuses it), finds the slot it books (``slot`` reference, else the
participant's free slot at ``start``) and takes it; a slot already taken, by an earlier
appointment or "elsewhere", is a 409.  ``update`` is the conditional PUT by identifier
(an unknown identifier is created); ``cancelled`` frees the slot, booking again takes it back.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from tests.agendas.editor_data import (
    EXT_OPERATOR, OID_IDNPS, OID_IDNST, OID_SAS, STATUSES, EditorData, EditorError, parse_time, stamp,
)

LIVE = ("booked", "pending", "fulfilled", "noshow")


def _identifier(body: dict) -> str:
    idents = body.get("identifier")
    first = idents[0] if isinstance(idents, list) and idents and isinstance(idents[0], dict) else {}
    if not first.get("system") or not first.get("value"):
        raise EditorError(400, "identifier : identifiant du rendez-vous obligatoire (system et value)")
    return f"{first['system']}|{first['value']}"


def check(body: object) -> tuple[str, datetime, list[str]]:
    """(identifier token, start, participant identifiers) of a valid FrAppointmentSAS; else EditorError."""
    if not isinstance(body, dict) or body.get("resourceType") != "Appointment":
        raise EditorError(400, "une ressource Appointment est attendue")
    token = _identifier(body)
    for field in ("start", "end", "status"):
        if not body.get(field):
            raise EditorError(400, f"{field} : obligatoire")
    start, end = parse_time(body["start"], "start"), parse_time(body["end"], "end")
    if end <= start:
        raise EditorError(422, "end : la fin doit être après le début")
    if body["status"] not in STATUSES:
        raise EditorError(422, f"status : « {body['status']} » n'est pas un statut de rendez-vous SAS")
    participants = body.get("participant")
    if not isinstance(participants, list) or not participants:
        raise EditorError(400, "participant : obligatoire")
    owners = []
    for p in participants:
        ident = ((p or {}).get("actor") or {}).get("identifier") or {}
        if ident:
            if ident.get("system") not in (OID_IDNPS, OID_IDNST) or not ident.get("value"):
                raise EditorError(422, "participant.actor.identifier : identifiant IDNPS attendu")
            owners.append(str(ident["value"]))
        elif (p or {}).get("status") != "needs-action":
            raise EditorError(422, "participant : effecteur (IDNPS) ou statut needs-action attendu")
    operator = next((e for e in body.get("extension") or [] if isinstance(e, dict) and e.get("url") == EXT_OPERATOR),
                    None)
    op_ident = ((operator or {}).get("valueReference") or {}).get("identifier") or {}
    if op_ident.get("system") not in (OID_IDNPS, OID_SAS) or not op_ident.get("value"):
        raise EditorError(422, "appointmentOperator : le régulateur (IDNPS ou INTRN) est obligatoire")
    return token, start, owners


def _find_slot(data: EditorData, body: dict, start: datetime, owners: list[str]) -> dict:
    refs = [str(r.get("reference", "")) for r in body.get("slot") or [] if isinstance(r, dict)]
    wanted = {r.rsplit("/", 1)[-1] for r in refs if r}
    owners = owners or list(data.structures)  # SOS, doctor not known yet: any site of the association
    candidates = [s for s in data.slots.values() if s["owner"] in owners and parse_time(s["start"], "start") == start]
    for owner in owners:
        candidates += [s for s in data.synthetic_slots(owner, start, start) if s["id"] not in data.slots]
    if wanted:
        candidates = [s for s in candidates if s["id"] in wanted] or [
            s for s in data.slots.values() if s["id"] in wanted]
    if not candidates:
        raise EditorError(422, f"start : aucun créneau de cet effecteur ne commence à {stamp(start)}")
    free = [s for s in candidates if s["status"] == "free"]
    if not free:
        raise EditorError(409, "créneau déjà pris : il n'est plus libre dans l'agenda")
    return free[0]


def _take(data: EditorData, slot: dict, appointment_id: str) -> None:
    slot.update(status="busy", taken_by=appointment_id)
    data.slots[slot["id"]] = slot


def _store(data: EditorData, record: dict, body: dict, status: str | None = None) -> dict:
    record["version"] += 1
    resource = {**body, "id": record["id"],
                "meta": {**(body.get("meta") or {}), "versionId": str(record["version"]),
                         "lastUpdated": stamp(datetime.now(timezone.utc))}}
    if status:
        resource["status"] = status
    record["resource"] = resource
    data.appointments[record["id"]] = record
    data.save()
    return resource


def create(data: EditorData, body: object) -> dict:
    """The stored Appointment (with ``id`` and ``meta.versionId``) once its slot is taken."""
    token, start, owners = check(body)
    assert isinstance(body, dict)
    if body["status"] not in ("booked", "pending"):
        raise EditorError(422, "status : un rendez-vous se crée « booked » (ou « pending » pour SOS)")
    if any(a["identifier"] == token for a in data.appointments.values()):
        raise EditorError(409, f"identifier : le rendez-vous {token} existe déjà")
    slot = _find_slot(data, body, start, owners)
    record = {"id": uuid.uuid4().hex, "identifier": token, "slot": slot["id"], "version": 0, "received": [body]}
    _take(data, slot, record["id"])
    return _store(data, record, body)


def set_status(data: EditorData, record: dict, status: str, body: dict | None = None) -> dict:
    """A new status (and body) for a known appointment: cancelled frees its slot, live takes it back."""
    if status not in STATUSES:
        raise EditorError(422, f"status : « {status} » n'est pas un statut de rendez-vous SAS")
    slot = data.slots.get(record["slot"])
    if slot is not None:
        if status == "cancelled" and slot["taken_by"] == record["id"]:
            slot.update(status="free", taken_by=None)
        elif status in LIVE and slot["taken_by"] != record["id"]:
            if slot["status"] != "free":
                raise EditorError(409, "créneau déjà pris : le rendez-vous ne peut pas être rétabli")
            _take(data, slot, record["id"])
    return _store(data, record, body or record["resource"], status)


def update(data: EditorData, identifier: str | None, body: object) -> tuple[int, dict]:
    """Conditional PUT: (200, resource) for a known identifier, (201, resource) when it is created."""
    if not identifier:
        raise EditorError(400, "identifier : paramètre de recherche obligatoire pour une mise à jour")
    token, _start, _owners = check(body)
    assert isinstance(body, dict)
    if token != identifier and token.split("|")[-1] != identifier:
        raise EditorError(400, "identifier : le paramètre et la ressource ne désignent pas le même rendez-vous")
    record = next((a for a in data.appointments.values() if a["identifier"] == token), None)
    if record is None:
        return 201, create(data, body)
    record["received"].append(body)
    return 200, set_status(data, record, body["status"], body)
