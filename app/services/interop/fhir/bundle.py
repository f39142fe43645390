"""Reading the editors' searchset Bundles into :class:`~app.services.interop.fhir.model.AgendaSlot`.

Three shapes (domain.md B.3): individual PS (``Slot → Schedule → Practitioner +
PractitionerRole`` with its contained ``Location``), CPTS (the same plus
``serviceType`` → ``HealthcareService`` → ``Organization``, possibly several CPTS per
slot) and SOS Médecins (``Schedule``-primary: ``Slot → Schedule → Location →
Organization``, the slots come as ``include``).  Every ``Slot`` of the bundle is read,
whatever its ``search.mode``.

Tolerant by design: unknown extensions and elements are ignored, duplicate entries are
read once, references may be relative, absolute or contained, a missing Practitioner
falls back to the PractitionerRole's or the Schedule's logical identifier, a time
without offset is read as room time (:mod:`app.codes.room_time`).  What cannot be used is skipped with a French
warning naming the slot; only a document that is not a Bundle at all raises
:class:`BundleError`.
"""

from __future__ import annotations

from datetime import datetime

from app.codes import room_time
from app.services.interop.fhir import codes
from app.services.interop.fhir.model import AgendaEffecteur, AgendaPlace, AgendaSlot, Cpts, ParsedBundle
from app.services.interop.fhir.places import locate
from app.services.interop.fhir.references import ResourceIndex, identifier_of


class BundleError(ValueError):
    """The document cannot be read as a slot search result (message in French)."""


def parse_instant(value: object) -> tuple[datetime | None, bool]:
    """(aware datetime, had an offset) of a FHIR instant; (None, False) when unreadable."""
    if not isinstance(value, str) or "T" not in value:
        return None, False
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None, False
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=room_time.room_zone()), False  # the editor's clock is the room's
    return parsed, True


def _codes(concepts: object, system: str | None = None) -> list[str]:
    """Codes of a list of CodeableConcepts (or Codings), optionally of one system."""
    found: list[str] = []
    for concept in concepts if isinstance(concepts, list) else [concepts]:
        if not isinstance(concept, dict):
            continue
        codings = concept.get("coding") if "coding" in concept else [concept]
        for coding in codings if isinstance(codings, list) else []:
            if isinstance(coding, dict) and isinstance(coding.get("code"), str):
                if system is None or coding.get("system") in (system, None):
                    found.append(coding["code"])
    return found


def _phone(*resources: dict | None) -> str | None:
    for resource in resources:
        for telecom in (resource or {}).get("telecom") or []:
            if isinstance(telecom, dict) and telecom.get("system") == "phone" and telecom.get("value"):
                return str(telecom["value"])[:20]
    return None


def _person_name(practitioner: dict | None) -> str | None:
    for name in (practitioner or {}).get("name") or []:
        if not isinstance(name, dict):
            continue
        if name.get("text"):
            return str(name["text"])
        given = [g for g in name.get("given") or [] if isinstance(g, str)]
        family = name.get("family") if isinstance(name.get("family"), str) else ""
        prefix = [p for p in name.get("prefix") or [] if isinstance(p, str)] or ["Dr"]
        words = [*prefix, *given, family]
        if given or family:
            return " ".join(w for w in words if w)
    return None


def _identifier(resource: dict | None, system: str, type_code: str) -> str | None:
    """The value of the identifier of ``system`` (or typed ``type_code``), else the first one."""
    identifiers = [i for i in (resource or {}).get("identifier") or [] if isinstance(i, dict) and i.get("value")]
    if isinstance((resource or {}).get("identifier"), dict):  # a logical reference's single identifier
        identifiers = [resource["identifier"]]
    for ident in identifiers:
        if ident.get("system") == system or type_code in _codes(ident.get("type")):
            return str(ident["value"])
    return str(identifiers[0]["value"]) if identifiers else None


class BundleReader:
    """Reads one Bundle; :meth:`read` gives the :class:`ParsedBundle`."""

    def __init__(self, document: object, editor: str | None = None) -> None:
        if not isinstance(document, dict):
            raise BundleError("le document n'est pas un objet JSON FHIR")
        kind = document.get("resourceType")
        if kind == "OperationOutcome":
            raise BundleError(f"l'éditeur a répondu une erreur : {outcome_text(document)}")
        if kind != "Bundle":
            raise BundleError(f"un Bundle FHIR est attendu, pas « {kind or 'sans resourceType'} »")
        entries = document.get("entry") or []
        if not isinstance(entries, list):
            raise BundleError("Bundle.entry doit être une liste")
        self.document, self.editor = document, editor
        self.index = ResourceIndex(entries)
        #: Schedule reference -> its (effecteur, place): a practitioner's slots share them (read once per Bundle).
        self._holders: dict[str, tuple[AgendaEffecteur | None, AgendaPlace | None]] = {}
        self._specialised: dict[tuple[AgendaEffecteur, str], AgendaEffecteur] = {}
        self.result = ParsedBundle(total=document.get("total") if isinstance(document.get("total"), int) else None)
        if document.get("type") not in ("searchset", None):
            self.result.warnings.append(f"Bundle de type « {document.get('type')} » lu comme un searchset")
        for link in document.get("link") or []:
            if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
                self.result.next_url = link["url"]

    def read(self) -> ParsedBundle:
        naive = 0
        seen: set[tuple] = set()
        for slot in self.index.of_type("Slot"):
            name = f"créneau {slot.get('id', '?')}"
            if slot.get("status", "free") != "free":
                self._skip(f"{name} : statut « {slot.get('status')} », seuls les créneaux libres sont gardés")
                continue
            (start, start_tz), (end, end_tz) = parse_instant(slot.get("start")), parse_instant(slot.get("end"))
            if start is None or end is None or end <= start:
                self._skip(f"{name} : début ou fin illisible ({slot.get('start')!r} → {slot.get('end')!r})")
                continue
            naive += not (start_tz and end_tz)
            parsed = self._slot(slot, start, end, name)
            identity = (parsed.effecteur and parsed.effecteur.national_id, parsed.place and parsed.place.key, start)
            if parsed.effecteur is not None and identity in seen:
                self._skip(f"{name} : doublon d'un créneau déjà lu (même effecteur, lieu et début)")
                continue
            seen.add(identity)
            self.result.slots.append(parsed)
        if naive:
            self.result.warnings.append(f"{naive} créneau(x) sans fuseau horaire, lus à l'heure de Paris")
        return self.result

    def _skip(self, message: str) -> None:
        self.result.skipped += 1
        self.result.warnings.append(message)

    def _slot(self, slot: dict, start: datetime, end: datetime, name: str) -> AgendaSlot:
        service_types = slot.get("serviceType") or []
        modes = tuple(dict.fromkeys(c for c in _codes(service_types, codes.SYSTEM_ACT_CODE) if c in codes.MODES))
        security = ((slot.get("meta") or {}).get("security")) or []
        types = tuple(dict.fromkeys(c for c in _codes(security, codes.SYSTEM_SLOT_TYPE) if c in codes.SLOT_TYPES))
        motives = tuple(str(t["text"]) for t in service_types if isinstance(t, dict) and t.get("text"))
        comment = slot.get("comment")
        effecteur, place = self._holder(slot, name)
        return AgendaSlot(
            fhir_id=str(slot.get("id", "")), start=start, end=end, modes=modes or ("AMB",),
            slot_types=types or (codes.DEFAULT_SLOT_TYPE,),
            specialties=tuple(_codes(slot.get("specialty"), codes.SYSTEM_SPECIALTY)),
            motives=motives, walk_in="WALKIN" in _codes(slot.get("appointmentType")),
            booking_url=comment if isinstance(comment, str) and comment.startswith("http") else None,
            effecteur=effecteur and self._with_specialty(effecteur, slot), place=place,
            cpts=self._cpts(service_types, slot), editor=self.editor,
        )

    def _with_specialty(self, effecteur: AgendaEffecteur, slot: dict) -> AgendaEffecteur:
        if effecteur.kind != "MG" or effecteur.specialty_code:
            return effecteur
        found = _codes(slot.get("specialty"), codes.SYSTEM_SPECIALTY)
        if not found:
            return effecteur
        key = (effecteur, found[0][:8])
        if key not in self._specialised:
            self._specialised[key] = AgendaEffecteur(**{**effecteur.__dict__, "specialty_code": found[0][:8]})
        return self._specialised[key]

    def _holder(self, slot: dict, name: str) -> tuple[AgendaEffecteur | None, AgendaPlace | None]:
        """The slot's effecteur and place, read once per Schedule (unless reading it left a warning)."""
        ref = slot.get("schedule")
        target = ref.get("reference") if isinstance(ref, dict) else None
        if not isinstance(target, str) or not target or target.startswith("#"):
            return self._read_holder(slot, name)
        if target not in self._holders:
            warned = len(self.result.warnings)
            found = self._read_holder(slot, name)
            if len(self.result.warnings) > warned:
                return found  # each slot says it again, under its own name
            self._holders[target] = found
        return self._holders[target]

    def _read_holder(self, slot: dict, name: str) -> tuple[AgendaEffecteur | None, AgendaPlace | None]:
        schedule = self.index.resolve(slot.get("schedule"), slot)
        if schedule is None:
            self.result.warnings.append(f"{name} : agenda (Schedule) absent du Bundle")
            return None, None
        actors = [a for a in schedule.get("actor") or [] if isinstance(a, dict)]
        resolved = [(a, self.index.resolve(a, schedule)) for a in actors]
        practitioner = next((r for _, r in resolved if r and r["resourceType"] == "Practitioner"), None)
        roles = [r for _, r in resolved if r and r["resourceType"] == "PractitionerRole"]
        locations = [r for _, r in resolved if r and r["resourceType"] == "Location"]
        role = next((r for r in roles if self._role_location(r)), roles[0] if roles else None)
        if role is not None and practitioner is None:
            practitioner = self.index.resolve(role.get("practitioner"), role) or {
                "identifier": identifier_of(role.get("practitioner"))}
        if practitioner is None:  # logical reference in the Schedule itself
            ident = next((identifier_of(a) for a, r in resolved if r is None and identifier_of(a)), None)
            practitioner = {"identifier": ident} if ident and not locations else None
        location = self._role_location(role) if role is not None else (locations[0] if locations else None)
        place = self._place(location) if location is not None else None
        if location is None:
            self.result.warnings.append(f"{name} : lieu de consultation (Location) absent")
        elif place is None or not place.located:
            self.result.warnings.append(f"{name} : commune introuvable pour le lieu « {location.get('id', '?')} »")
        effecteur = self._practitioner(practitioner, role, location) if practitioner else None
        if effecteur is None and location is not None and practitioner is None:
            effecteur = self._structure(location)
        if effecteur is None:
            self.result.warnings.append(f"{name} : effecteur (Practitioner ou Organization) introuvable")
        return effecteur, place

    def _role_location(self, role: dict) -> dict | None:
        for ref in role.get("location") or []:
            found = self.index.resolve(ref, role)
            if found is not None:
                return found
        return None

    def _practitioner(self, practitioner: dict, role: dict | None, location: dict | None) -> AgendaEffecteur | None:
        value = _identifier(practitioner, codes.OID_IDNPS, "IDNPS")
        if not value:
            return None
        national_id, id_kind, rpps = codes.practitioner_id(value)
        return AgendaEffecteur(
            national_id=national_id, id_kind=id_kind, kind="MG", rpps=rpps,
            name=_person_name(practitioner) or f"Professionnel {national_id}",
            phone=_phone(role, practitioner, location),
        )

    def _structure(self, location: dict) -> AgendaEffecteur | None:
        ref = location.get("managingOrganization")
        organization = self.index.resolve(ref, location) or ({"identifier": identifier_of(ref)} if identifier_of(ref)
                                                             else None)
        value = _identifier(organization, codes.OID_IDNST, "IDNST") if organization else None
        if not value:
            return None
        return AgendaEffecteur(
            national_id=value.strip(), id_kind=codes.structure_id_kind(value), kind="SOS",
            name=str(organization.get("name") or location.get("name") or f"SOS Médecins {value}"),
            phone=_phone(organization, location),
        )

    def _place(self, location: dict) -> AgendaPlace:
        address = location.get("address") if isinstance(location.get("address"), dict) else {}
        lines = ", ".join(str(line) for line in address.get("line") or [] if line)
        city = str(address.get("city") or "")
        postal = str(address["postalCode"]).strip() if address.get("postalCode") else None
        ident = next((i for i in location.get("identifier") or [] if isinstance(i, dict) and i.get("value")), None)
        key = (f"{ident.get('system', '')}|{ident['value']}" if ident
               else f"adresse|{lines}|{postal or ''}|{city}".lower())
        insee, lat, lon, precision = locate(city, postal, location.get("position"))
        return AgendaPlace(key=key, name=str(location.get("name") or ""), address=lines, city=city.title(),
                           postal_code=postal, insee=insee, lat=lat, lon=lon, precision=precision,
                           phone=_phone(location))

    def _cpts(self, service_types: list, slot: dict) -> tuple[Cpts, ...]:
        found: list[Cpts] = []
        for concept in service_types:
            if not isinstance(concept, dict):
                continue
            for ext in concept.get("extension") or []:
                if not (isinstance(ext, dict) and str(ext.get("url", "")).endswith("extension-Slot.serviceType")):
                    continue
                service = self.index.resolve(ext.get("valueReference"), slot)
                organization = self.index.resolve((service or {}).get("providedBy"), service) if service else None
                if organization is None:
                    self.result.warnings.append(f"créneau {slot.get('id', '?')} : CPTS référencée mais absente")
                    continue
                cpts = Cpts(identifier=_identifier(organization, codes.OID_IDNST, "IDNST"),
                            name=str(organization.get("name") or "CPTS"), phone=_phone(organization))
                if cpts not in found:
                    found.append(cpts)
        return tuple(found)


def outcome_text(outcome: dict) -> str:
    """The diagnostics of an OperationOutcome, joined (for French error messages)."""
    texts = []
    for issue in outcome.get("issue") or []:
        if isinstance(issue, dict):
            text = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or issue.get("code")
            if text:
                texts.append(str(text))
    return " ; ".join(texts) or "sans détail"


def parse_bundle(document: object, editor: str | None = None) -> ParsedBundle:
    """Read a searchset Bundle (already decoded JSON); raises :class:`BundleError` if it is none."""
    return BundleReader(document, editor).read()
