"""The searches of one local editor: parameters checked as the SAS guide sets them (domain.md B.2),
answers built as its aggregator Bundles (B.3).

* PS / CPTS: ``GET [base]/Slot`` — ``start=ge`` and ``start=le`` (only those comparators),
  ``status=free``, 1 to 25 ``schedule.actor:Practitioner.identifier`` under the IDNPS OID, the
  guide's ``_include`` / ``_include:iterate`` (CPTS: ``Slot:service-type-reference`` and
  ``HealthcareService:organization``).  Slots are ``match``, the rest ``include``.
* SOS Médecins: ``GET [base]/Schedule`` — Schedule-primary, Slots as ``include`` through
  ``_revinclude=Slot:schedule``, the Location (opening hours) and its Organization (SIRET).

Anything else is a 400 with an OperationOutcome.  Pages of ``page_size`` primary resources are
chained by ``next`` links (``_page``).
"""

from __future__ import annotations

from tests.agendas.editor_data import OID_IDNPS, OID_IDNST, EditorData, EditorError, parse_time

ID_TYPE = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SLOT_TYPE = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
SPECIALTY = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
CATEGORY = "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
EXT_SERVICE_TYPE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
PS_PARAMS = {"start", "status", "schedule.actor:Practitioner.identifier", "_include", "_include:iterate",
             "_count", "_page"}
PS_INCLUDES = {"_include": {"Slot:schedule", "Slot:service-type-reference"},
               "_include:iterate": {"Schedule:actor", "HealthcareService:organization"}}
SOS_PARAMS = {"_revinclude", "_include", "_include:iterate", "_has:Slot:schedule:start", "_has:Slot:schedule:status",
              "actor:Location.organization.identifier", "_count", "_page"}
SOS_INCLUDES = {"_revinclude": {"Slot:schedule"}, "_include": {"Schedule:actor:Location"},
                "_include:iterate": {"Location:organization"}}
MAX_IDS = 25


def _values(params: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in params if k == key]


def _check(params: list[tuple[str, str]], allowed: set[str], includes: dict[str, set[str]], start_key: str,
           status_key: str, id_key: str, system: str) -> tuple:
    unknown = sorted({k for k, _ in params} - allowed)
    if unknown:
        raise EditorError(400, f"{unknown[0]} : paramètre de recherche non pris en charge")
    for key, known in includes.items():
        bad = [v for v in _values(params, key) if v not in known]
        if bad:
            raise EditorError(400, f"{key} : « {bad[0]} » non pris en charge")
    starts = _values(params, start_key)
    if sorted(v[:2] for v in starts) != ["ge", "le"]:
        raise EditorError(400, f"{start_key} : un seul start=ge et un seul start=le sont attendus")
    ge = parse_time(next(v[2:] for v in starts if v.startswith("ge")), start_key)
    le = parse_time(next(v[2:] for v in starts if v.startswith("le")), start_key)
    if _values(params, status_key) != ["free"]:
        raise EditorError(400, f"{status_key} : « free » obligatoire")
    ids = [i.strip() for v in _values(params, id_key) for i in v.split(",") if i.strip()]
    if not 1 <= len(ids) <= MAX_IDS:
        raise EditorError(400, f"{id_key} : {len(ids)} identifiants, de 1 à {MAX_IDS} par requête")
    values = []
    for ident in ids:
        ident_system, _, value = ident.rpartition("|")
        if ident_system != system or not value:
            raise EditorError(400, f"{id_key} : « {ident} » n'est pas sous le système {system}")
        values.append(value)
    asked = {v for k in includes for v in _values(params, k)}
    page = _values(params, "_page")
    return ge, le, list(dict.fromkeys(values)), asked, int(page[0]) if page and page[0].isdigit() else 0


def _idnps(value: str) -> dict:
    return {"type": {"coding": [{"system": ID_TYPE, "code": "IDNPS"}]}, "system": OID_IDNPS, "value": value}


def _address(o: dict) -> dict:
    return {"line": [o["line"]], "city": o["city"], "postalCode": o["postal_code"]}


def slot_resource(s: dict, base: str, schedule: str) -> dict:
    service = [{"coding": [{"system": ACT_CODE, "code": s["mode"]}], **({"text": s["motives"][0]} if s["motives"]
                                                                          else {})}]
    service += [{"extension": [{"url": EXT_SERVICE_TYPE,
                                "valueReference": {"reference": f"HealthcareService/hs-{c[0]}"}}],
                 "coding": [{"system": CATEGORY, "code": "604"}]} for c in s["cpts"]]
    return {"resourceType": "Slot", "id": s["id"],
            "meta": {"security": [{"system": SLOT_TYPE, "code": t} for t in s["types"]]},
            "serviceType": service, "specialty": [{"coding": [{"system": SPECIALTY, "code": "SM54"}]}],
            "appointmentType": {"coding": [{"system": APPOINTMENT_TYPE, "code": "ROUTINE"}]},
            "schedule": {"reference": f"Schedule/{schedule}"}, "status": "free", "start": s["start"], "end": s["end"],
            "comment": f"{base}/agenda/{s['owner']}?creneau={s['id']}"}


def practitioner_resources(p: dict, editor: str) -> list[dict]:
    """Schedule, Practitioner and PractitionerRole (contained Location, phone) of one practitioner."""
    i = p["idnps"]
    location = {"resourceType": "Location", "id": "loc", "name": f"Cabinet du Dr {p['family']}",
                "identifier": [{"system": f"https://{editor}.editeur.test/lieux", "value": f"L{i}"}],
                "address": _address(p), "position": {"latitude": p["lat"], "longitude": p["lon"]}}
    return [
        {"resourceType": "Schedule", "id": f"sch-{i}",
         "actor": [{"reference": f"Practitioner/pr-{i}"}, {"reference": f"PractitionerRole/role-{i}"}]},
        {"resourceType": "Practitioner", "id": f"pr-{i}", "identifier": [_idnps(i)],
         "name": [{"family": p["family"], "given": [p["given"]], "prefix": ["Dr"]}]},
        {"resourceType": "PractitionerRole", "id": f"role-{i}", "contained": [location],
         "practitioner": {"reference": f"Practitioner/pr-{i}"}, "location": [{"reference": "#loc"}],
         "specialty": [{"coding": [{"system": SPECIALTY, "code": p.get("specialty", "SM54")}]}],
         "telecom": [{"system": "phone", "value": p["phone"]}]},
    ]


def cpts_resources(finess: str, name: str, phone: str | None = None) -> list[dict]:
    organization = {"resourceType": "Organization", "id": f"org-{finess}", "name": name,
                    "identifier": [{"system": OID_IDNST, "value": finess}]}
    if phone:
        organization["telecom"] = [{"system": "phone", "value": phone}]
    return [{"resourceType": "HealthcareService", "id": f"hs-{finess}",
             "providedBy": {"reference": f"Organization/org-{finess}"}}, organization]


def sos_resources(o: dict) -> list[dict]:
    """Schedule, Location (opening hours) and Organization of one SOS Médecins site."""
    s = o["siret"]
    return [
        {"resourceType": "Schedule", "id": f"sch-{s}", "actor": [{"reference": f"Location/site-{s}"}]},
        {"resourceType": "Location", "id": f"site-{s}", "name": o["site_name"],
         "identifier": [{"type": {"coding": [{"code": "INTRN"}]}, "system": "https://sos.editeur.test", "value": s}],
         "telecom": [{"system": "phone", "value": o["phone"]}], "address": _address(o),
         "position": {"latitude": o["lat"], "longitude": o["lon"]},
         "managingOrganization": {"reference": f"Organization/org-{s}"}, "hoursOfOperation": o["hours"]},
        {"resourceType": "Organization", "id": f"org-{s}", "name": o["name"],
         "identifier": [{"system": OID_IDNST, "value": s}], "telecom": [{"system": "phone", "value": o["phone"]}]},
    ]


class Page:
    """Entries of one page, each resource once, and the bundle around them."""

    def __init__(self, base: str) -> None:
        self.base, self.entries, self.seen = base, [], set()

    def add(self, resource: dict, mode: str) -> None:
        key = (resource["resourceType"], resource["id"])
        if key not in self.seen:
            self.seen.add(key)
            self.entries.append({"fullUrl": f"{self.base}/{key[0]}/{key[1]}", "resource": resource,
                                 "search": {"mode": mode}})

    def bundle(self, total: int, url: str, next_url: str | None) -> dict:
        links = [{"relation": "self", "url": url}] + ([{"relation": "next", "url": next_url}] if next_url else [])
        return {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links, "entry": self.entries}


def search_slots(data: EditorData, params: list[tuple[str, str]], base: str, page_size: int):
    """(Page, total matching slots, number of the next page or None)."""
    ge, le, ids, asked, number = _check(params, PS_PARAMS, PS_INCLUDES, "start", "status",
                                        "schedule.actor:Practitioner.identifier", OID_IDNPS)
    size = min(page_size, int(_values(params, "_count")[0])) if _values(params, "_count") else page_size
    owners = [i for i in ids if data.owner(i) is not None and i not in data.structures]
    found = data.free_slots(owners, ge, le)
    page = Page(base)
    for s in found[number * size:(number + 1) * size]:
        owner = data.owner(s["owner"]) or {}
        page.add(slot_resource(s, base, f"sch-{s['owner']}"), "match")
        if "Slot:schedule" in asked:
            schedule, *actors = practitioner_resources(owner, data.name)
            page.add(schedule, "include")
            if "Schedule:actor" in asked:
                for resource in actors:
                    page.add(resource, "include")
        if "Slot:service-type-reference" in asked:
            for c in s["cpts"]:
                service, organization = cpts_resources(*c)
                page.add(service, "include")
                if "HealthcareService:organization" in asked:
                    page.add(organization, "include")
    more = (number + 1) * size < len(found)
    return page, len(found), (number + 1 if more else None)


def search_sos(data: EditorData, params: list[tuple[str, str]], base: str, page_size: int):
    """(Page, total Schedules, next page number or None) of the SOS Schedule-primary search."""
    ge, le, ids, asked, number = _check(params, SOS_PARAMS, SOS_INCLUDES, "_has:Slot:schedule:start",
                                        "_has:Slot:schedule:status", "actor:Location.organization.identifier",
                                        OID_IDNST)
    sites = [(data.structures[i], data.free_slots([i], ge, le)) for i in ids if i in data.structures]
    sites = [(o, slots) for o, slots in sites if slots]  # _has: a Schedule with a free slot in the window
    page = Page(base)
    for o, slots in sites[number * page_size:(number + 1) * page_size]:
        schedule, location, organization = sos_resources(o)
        page.add(schedule, "match")
        if "Schedule:actor:Location" in asked:
            page.add(location, "include")
            if "Location:organization" in asked:
                page.add(organization, "include")
        if "Slot:schedule" in asked:
            for s in slots:
                page.add(slot_resource(s, base, schedule["id"]), "include")
    more = (number + 1) * page_size < len(sites)
    return page, len(sites), (number + 1 if more else None)
