"""Code systems, OIDs and codes of the SAS FHIR guide, and the national identifier prefixes.

Identifiers of practitioners travel *prefixed* (``8`` + RPPS, ``0`` + ADELI), structures
too (``1`` + FINESS, ``3`` + SIRET, ``4`` + RPPS rang, ``0`` + ADELI rang): see domain.md B.2.
"""

from __future__ import annotations

#: IDNPS: national identifier of a health professional (prefixed RPPS / ADELI).
OID_IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
#: IDNST: national identifier of a structure (prefixed FINESS / SIRET / rang).
OID_IDNST = "urn:oid:1.2.250.1.71.4.2.2"
#: The SAS platform's technical identifiers (regulators without a national id).
OID_SAS = "urn:oid:1.2.250.1.213.3.6"

SYSTEM_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SYSTEM_SLOT_TYPE = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
SYSTEM_SPECIALTY = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
SYSTEM_CATEGORY = "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
SYSTEM_APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
SYSTEM_ID_TYPE = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
#: R5-style Slot.serviceType → Reference(HealthcareService), used by CPTS slots.
EXT_SERVICE_TYPE_REFERENCE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
EXT_APPOINTMENT_OPERATOR = "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator"
#: TRE-R66 category of a CPTS.
CATEGORY_CPTS = "604"

#: Consultation modes (v3-ActCode): office, home visit, teleconsultation.
MODES = ("AMB", "HH", "VR")
MODE_LABELS = {"AMB": "consultation au cabinet", "HH": "visite à domicile", "VR": "téléconsultation"}
#: Slot types (TRE-R314), most specific to the regulation room first: the one stored on a slot.
SLOT_TYPES = ("SNP", "CPTS", "PRO", "PUBLIC")
#: An unlabelled slot was not restricted by its editor.
DEFAULT_SLOT_TYPE = "PUBLIC"

#: Largest number of identifiers in one Slot search (domain.md B.2).
MAX_IDENTIFIERS_PER_REQUEST = 25
#: Each editor must answer within 7 s; later answers are dropped (domain.md B.2).
EDITOR_TIME_LIMIT_S = 7.0

_PS_PREFIXES = {"8": "RPPS", "0": "ADELI"}
_STRUCTURE_PREFIXES = {"1": "FINESS", "3": "SIRET", "4": "RPPS_RANG", "0": "ADELI_RANG"}


def practitioner_id(value: str) -> tuple[str, str, str | None]:
    """(prefixed id, kind of id, RPPS or None) of an IDNPS value.

    Editors sometimes send the bare RPPS (11 digits) or ADELI (9 digits): the prefix is added.
    """
    value = value.strip()
    if value.isdigit() and len(value) == 11:
        value = "8" + value
    elif value.isdigit() and len(value) == 9:
        value = "0" + value
    kind = _PS_PREFIXES.get(value[:1], "AUTRE") if value.isdigit() else "AUTRE"
    rpps = value[1:] if kind == "RPPS" and len(value) == 12 else None
    return value, kind, rpps


def structure_id_kind(value: str) -> str:
    """FINESS, SIRET, RPPS_RANG, ADELI_RANG or AUTRE for a prefixed IDNST value."""
    value = value.strip()
    return _STRUCTURE_PREFIXES.get(value[:1], "AUTRE") if value.isdigit() else "AUTRE"


def primary_slot_type(types: tuple[str, ...]) -> str:
    """The type stored on our slot: SNP before CPTS before PRO before PUBLIC."""
    for code in SLOT_TYPES:
        if code in types:
            return code
    return types[0] if types else DEFAULT_SLOT_TYPE
