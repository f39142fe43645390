"""Response bodies of the ranked slot search (``GET /api/v1/slots/search``).

They extend the original :class:`app.server.schemas.SearchOut` (same fields,
same meaning) with the ranking group, the staleness of each slot, the
effecteurs to phone, the radius used and the reason of an empty answer; and, for the
live agendas (issue 14), each slot's ``editor``, ``age_s`` and ``booking`` way, and the
``missing_editors`` of the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.server.schemas import EffecteurOut, SearchOut, SlotOut
from app.services.agendas.registry import Registry
from app.services.search.model import GROUP_KEYS, CallCandidate, RankedSlot, SearchAnswer

GroupKey = Literal["medecin_traitant", "sas", "autres", "a_appeler"]
EMPTY_MESSAGES = {
    "no_effecteur": "Aucun effecteur dans un rayon de {radius} km : élargissez le rayon (Ctrl+E, {next} km).",
    "no_free_slot": "{count} effecteur(s) dans un rayon de {radius} km mais aucun créneau libre correspondant : "
                    "élargissez le rayon (Ctrl+E, {next} km) ou appelez un effecteur « en sus ».",
}


class EffecteurSearchOut(EffecteurOut):
    rpps_id: str | None = Field(default=None, description="RPPS (11 chiffres) d'un praticien")
    specialty_code: str | None = Field(default=None, description="Spécialité TRE-R38 (SM54…)")


class RankedSlotOut(SlotOut):
    effecteur: EffecteurSearchOut
    group: GroupKey = Field(description="Groupe de classement : medecin_traitant, sas, autres")
    stale: bool = Field(description="Donnée ancienne : récupérée depuis trop longtemps pour être sûre")
    editor: str | None = Field(default=None, description="Éditeur d'agenda du créneau (None : import ou saisie)")
    age_s: int | None = Field(default=None, description="Secondes depuis la récupération du créneau (None : inconnu)")
    booking: Literal["editor", "phone", "local"] = Field(
        default="local", description="editor : réservé chez l'éditeur ; phone : éditeur qui montre seulement ses "
                                     "créneaux (confirmer par téléphone) ; local : réservé ici seulement")


class MissingEditorOut(BaseModel):
    editor: str
    reason: str = Field(description="Pourquoi ses créneaux manquent ou sont anciens (en français)")


class CallOut(BaseModel):
    effecteur: EffecteurSearchOut
    distance_km: float
    group: GroupKey = Field(description="medecin_traitant ou a_appeler")


class RankedSearchOut(SearchOut):
    results: list[RankedSlotOut]
    to_call: list[CallOut] = Field(description="Effecteurs sans créneau correspondant, joignables par téléphone "
                                               "(médecin traitant, ou acceptant des patients en sus)")
    radius_km: float = Field(description="Rayon utilisé (km)")
    next_radius_km: float = Field(description="Rayon proposé par l'élargissement (km)")
    effecteurs_in_radius: int
    stale_count: int = Field(description="Créneaux renvoyés dont la donnée est ancienne")
    empty_reason: Literal["no_effecteur", "no_free_slot"] | None = None
    message: str | None = Field(default=None, description="Explication en français quand rien n'est trouvé")
    missing_editors: list[MissingEditorOut] = Field(
        default_factory=list, description="Éditeurs en panne ou en retard pour cette recherche ; leurs créneaux "
                                          "en retard arrivent ensuite (entrée de journal « slots »)")


def _effecteur(answer: SearchAnswer, eff_id: str, site_id: str) -> EffecteurSearchOut:
    e, s = answer.effecteurs[eff_id], answer.sites[site_id]
    return EffecteurSearchOut(
        id=e["id"], name=e["name"], kind=e["kind"], lat=s["lat"], lon=s["lon"], phone=e["phone"],
        address=s["address"], city_name=s["city_name"], sas_participant=e["sas_participant"],
        accepts_extra=e["accepts_extra"], rpps_id=e["rpps_id"], specialty_code=e["specialty_code"],
    )


@dataclass(frozen=True)
class Liveness:
    """What the live agendas add to a search answer: the registry, the missing editors, the clock."""

    registry: Registry = field(default_factory=Registry)
    missing: tuple[dict, ...] = ()
    now: datetime | None = None

    def slot_fields(self, s: RankedSlot) -> dict:
        editor = self.registry.by_name(s.source)
        seconds = None
        if s.fetched_at is not None and self.now is not None:
            seconds = max(0.0, (self.now - s.fetched_at).total_seconds())
        age = None if seconds is None else int(seconds)
        stale = s.stale
        if editor is not None and seconds is not None and seconds > self.registry.max_age_s:
            stale = stale or editor.name in {m["editor"] for m in self.missing}
        booking = "local" if editor is None else ("editor" if editor.booking else "phone")
        return {"editor": editor.name if editor else None, "age_s": age, "booking": booking, "stale": stale}


def _slot(answer: SearchAnswer, s: RankedSlot, live: Liveness) -> RankedSlotOut:
    return RankedSlotOut(
        slot_id=s.slot_id, start=s.start, end=s.end, mode=s.mode, slot_type=s.slot_type, source=s.source,
        fetched_at=s.fetched_at, distance_km=s.distance_km, effecteur=_effecteur(answer, s.effecteur, s.site),
        group=GROUP_KEYS[s.group], **live.slot_fields(s),
    )


def _call(answer: SearchAnswer, c: CallCandidate) -> CallOut:
    return CallOut(effecteur=_effecteur(answer, c.effecteur, c.site), distance_km=c.distance_km,
                   group=GROUP_KEYS[c.group])


def _km(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def ranked_search_out(answer: SearchAnswer, radius_km: float, next_radius_km: float,
                      live: Liveness | None = None) -> RankedSearchOut:
    reason = answer.empty_reason
    message = None
    if reason is not None:
        message = EMPTY_MESSAGES[reason].format(radius=_km(radius_km), next=_km(next_radius_km),
                                                count=answer.effecteurs_in_radius)
    live = live or Liveness()
    results = [_slot(answer, s, live) for s in answer.slots]
    return RankedSearchOut(
        results=results, total=answer.total,
        to_call=[_call(answer, c) for c in answer.calls], radius_km=radius_km, next_radius_km=next_radius_km,
        effecteurs_in_radius=answer.effecteurs_in_radius, stale_count=sum(r.stale for r in results),
        empty_reason=reason, message=message, missing_editors=[MissingEditorOut(**m) for m in live.missing],
    )
