"""Which stream a case goes to: the routing suggestion and the surge switch (domain.md A.2 step 3).

The PDSA charter rule, as the console applies it:

* P0 (reflex dispatch, accompanied transfer), P1, a vital-distress motive, or
  a public place / road / institution → the hospital regulator: perimeter
  ``AMU``, attribution ``DRM.MRU.MU``;
* a call from a home with no sign of distress → the libéral regulator:
  ``SNP``, ``DRM.MRL.MG`` (an unknown kind of place counts as the home, which
  the suggestion says so the ARM can correct it);
* the split is **suspended** during a surge (the switch) or when
  :data:`URGENT_WAITING_LIMIT` P0/P1 cases or more are waiting: everything but
  P0 goes to the first available regulator (``DRM``) in the AMU stream.

The suggestion is only a suggestion: the ARM may route otherwise, but must say
why, and the override is logged with who and why (a ``routing_override`` case
event).  Plain Python, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.codes import nomenclatures

#: P0/P1 cases waiting at once that suspend the MRU/MRL split (PDSA charter: "plusieurs").
URGENT_WAITING_LIMIT = 2
#: Default attribution of each stream.
ATTRIBUTION_FOR = {"AMU": "DRM.MRU.MU", "SNP": "DRM.MRL.MG", "PSY": "DRM.SPE.PSY", "NEONAT": "DRM.SPE.PEDIA"}
PERIMETER_LABELS = {"AMU": "AMU — urgence (MRU)", "SNP": "SNP — soins non programmés (MRL)",
                    "PSY": "PSY — psychiatrie", "NEONAT": "NEONAT — néonatalité"}
HOME_PLACE_PREFIX = "L01"
VITAL_MOTIVE_PREFIX = "M01"
#: Caller types that mean an institution or a professional (→ hospital regulator).
_INSTITUTION_CALLERS = ("POMPIER", "AMBULANC", "SECOUR", "MED", "SANTE", "FDO-MILI", "ADM-TUTL")


@dataclass(frozen=True)
class Suggestion:
    perimeter: str
    attribution: str
    #: Why, in French, shown next to the suggestion.
    reason: str
    #: True when the MRU/MRL split was suspended (surge switch or too many urgent cases waiting).
    split_suspended: bool = False

    @property
    def accompanied(self) -> bool:
        """A P0 hand-over is accompanied: the ARM stays on the line, the case never waits."""
        return self.reason.startswith("P0")


def suggest(*, priority: str, motive_code: str | None = None, location_kind_code: str | None = None,
            caller_type: str | None = None, surge: bool = False, urgent_waiting: int = 0) -> Suggestion:
    """The stream and attribution the rules give for a case (see the module docstring)."""
    if priority == "P0":
        return Suggestion("AMU", "DRM.MRU.MU", "P0 : départ réflexe et transfert accompagné au MRU")
    if motive_code and motive_code.startswith(VITAL_MOTIVE_PREFIX):
        return Suggestion("AMU", "DRM.MRU.MU", "Motif de détresse vitale → MRU")
    if surge or urgent_waiting >= URGENT_WAITING_LIMIT:
        why = ("Mode afflux" if surge else f"{urgent_waiting} dossiers P0/P1 en attente")
        return Suggestion("AMU", "DRM", f"{why} : répartition MRU/MRL suspendue, premier médecin disponible",
                          split_suspended=True)
    if priority == "P1":
        return Suggestion("AMU", "DRM.MRU.MU", "P1 : régulation prioritaire → MRU")
    if location_kind_code and not location_kind_code.startswith(HOME_PLACE_PREFIX):
        place = nomenclatures.get(nomenclatures.PLACE_KIND, location_kind_code)
        what = place.group if place else location_kind_code
        return Suggestion("AMU", "DRM.MRU.MU", f"Lieu public ou établissement ({what}) → MRU")
    if not location_kind_code and caller_type and caller_type.split(".")[0] in _INSTITUTION_CALLERS:
        return Suggestion("AMU", "DRM.MRU.MU", "Appel d'un professionnel ou d'une institution → MRU")
    if location_kind_code:
        return Suggestion("SNP", "DRM.MRL.MG", "Domicile sans signe de détresse → MRL")
    return Suggestion("SNP", "DRM.MRL.MG", "Domicile présumé (lieu non précisé), sans détresse → MRL")


def is_override(suggestion: Suggestion | None, perimeter: str | None, attribution: str | None) -> bool:
    """True when the chosen route differs from the suggestion (a reason is then required)."""
    if suggestion is None or not perimeter:
        return False
    return perimeter != suggestion.perimeter or (bool(attribution) and attribution != suggestion.attribution)


def default_attribution(perimeter: str) -> str:
    return ATTRIBUTION_FOR.get(perimeter, "DRM")
