"""The decisions users think in, mapped to Hub Santé decision codes (domain.md A.5).

The mapping is the console's design choice (the Hub has no finer list); one
table here serves the UI, the server's checks and the later Hub export.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionKind:
    key: str
    label: str
    decision_type: str
    resource_type: str | None
    orientation_type: str | None
    medical_transport: bool | None = None
    #: True when taking it is a medical act (only MRU / MRL may record it).
    medical: bool = True
    #: True when it is usually carried out by booking a slot.
    books_slot: bool = False


DECISIONS: tuple[DecisionKind, ...] = (
    DecisionKind("CONSULTATION_48H", "Consultation en ville sous 48 h", "ORIENT", "LIBERAL.MG", "CABINET",
                 books_slot=True),
    DecisionKind("TELECONSULTATION", "Téléconsultation", "ORIENT", "LIBERAL.MG", "DOMICILE", books_slot=True),
    DecisionKind("VISITE_DOMICILE", "Visite à domicile", "INTER", "LIBERAL.MG", "DOMICILE", books_slot=True),
    DecisionKind("SOS_MEDECINS", "SOS Médecins", "INTER", "LIBERAL.SOS", "DOMICILE", books_slot=True),
    DecisionKind("CONSEIL", "Conseil médical", "CONSEIL", None, None),
    DecisionKind("PHARMACIE_GARDE", "Pharmacie de garde", "ORIENT", "LIBERAL.PHARM", "SANTE"),
    DecisionKind("INFIRMIER", "Infirmier libéral", "INTER", "LIBERAL.INF", "DOMICILE"),
    DecisionKind("URGENCES", "Urgences (moyens propres)", "ORIENT", "AUTRE", "URGENCES"),
    DecisionKind("AMBULANCE", "Ambulance (transport sanitaire)", "INTER", "TSU", "URGENCES", medical_transport=False),
    DecisionKind("SMUR", "SMUR", "INTER", "SMUR.ADULT", "URGENCES", medical_transport=True),
    DecisionKind("POMPIERS", "Sapeurs-pompiers (VSAV)", "INTER", "SIS", None),
    DecisionKind("PASPLUS", "Pas d'autre action", "PASPLUS", None, None),
)

#: A decision received through the Hub Santé that matches no console decision exactly: its own
#: codes are kept on the orientation and shown by their official labels (:func:`label_of`); it is
#: never offered on a desk nor shown as another decision.
HUB_DECISION = DecisionKind("HUB", "Décision reçue du Hub Santé", "", None, None)

BY_KEY = {d.key: d for d in (*DECISIONS, HUB_DECISION)}

#: Decision chosen for a booked slot, by the slot's consultation mode.
DECISION_FOR_SLOT_MODE = {"AMB": "CONSULTATION_48H", "VR": "TELECONSULTATION", "HH": "VISITE_DOMICILE"}


def matching(decision_type: str, resource_type: str | None, orientation_type: str | None) -> str:
    """The console decision with exactly these Hub codes, else :data:`HUB_DECISION`'s key."""
    for kind in DECISIONS:
        if (kind.decision_type, kind.resource_type, kind.orientation_type) == (decision_type, resource_type,
                                                                               orientation_type):
            return kind.key
    return HUB_DECISION.key


def label_of(key: str | None, decision_type: str | None = None, resource_type: str | None = None,
             orientation_type: str | None = None) -> str:
    """What a user reads for a decision: the console's label, or the Hub codes' official labels."""
    from app.codes import nomenclatures

    if key != HUB_DECISION.key:
        return BY_KEY[key].label if key in BY_KEY else (key or "")
    parts = [(nomenclatures.label(name, code) or code).lstrip("#").strip()
             for name, code in (("typeDecision", decision_type), ("typeRessource", resource_type),
                                ("typeOrientation", orientation_type)) if code]
    return " — ".join(parts) or HUB_DECISION.label


def get(key: str) -> DecisionKind:
    """The decision for ``key``; raises KeyError naming the unknown key."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown decision {key!r}") from None


# --- who may decide -------------------------------------------------------------------------

#: The regulating doctors: only they take medical decisions (domain.md A.1).
DOCTOR_ROLES = frozenset({"MRU", "MRL"})
#: Attributions an ARM may close on its own: handled without a regulator's decision (DR.*)
#: or closed without regulation (D.*: error, no answer, malicious…) — domain.md A.4.
NON_MEDICAL_ATTRIBUTION_ROOTS = ("DR", "D")


def is_non_medical_attribution(attribution: str | None) -> bool:
    """True for ``DR``, ``DR.*``, ``D`` and ``D.*`` (never for ``DRM.*``)."""
    root = (attribution or "").split(".")[0]
    return root in NON_MEDICAL_ATTRIBUTION_ROOTS
