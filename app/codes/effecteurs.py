"""Effecteur kinds (who can see the patient) and slot consultation modes (SAS FHIR guide).

``mode`` is the v3-ActCode of the slot: AMB at the office, HH a home visit, VR a
teleconsultation.
"""

from __future__ import annotations

KINDS: dict[str, str] = {
    "MG": "Médecin généraliste",
    "SOS": "SOS Médecins",
    "MSP": "Maison de santé pluriprofessionnelle",
    "CDS": "Centre de santé",
    "CPTS": "CPTS (communauté professionnelle)",
    "MMG": "Maison médicale de garde",
    "PHARM": "Pharmacie de garde",
    "INF": "Infirmier libéral",
}
KIND_CODES: tuple[str, ...] = tuple(KINDS)
SLOT_MODES: dict[str, str] = {"AMB": "Cabinet", "HH": "Visite à domicile", "VR": "Téléconsultation"}
SLOT_MODE_CODES: tuple[str, ...] = tuple(SLOT_MODES)
