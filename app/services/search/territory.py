"""The SAMU's territory on the map before any search: its effecteurs and their next free slot.

Server side, :func:`territory_effecteurs` reads, for the consultation sites of
the given départements, each effecteur once (its first site there) with the
start of its soonest free slot in the window (72 h) and how many it has: one
grouped query, no patient data.  Console side, :func:`fetch_markers` asks the
server (``GET /api/v1/territory/effecteurs``) and shapes the answer as map
markers coloured by :func:`app.services.search.presentation.freshness_class`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot
from app.services.intake.form import format_phone
from app.services.search import presentation

WINDOW = timedelta(hours=72)
#: The most effecteurs one answer carries (a large département has a few thousand).
MAX_EFFECTEURS = 20_000


def territory_effecteurs(session: Session, departements: Sequence[str], now: datetime,
                         window: timedelta = WINDOW, limit: int = MAX_EFFECTEURS) -> list[dict]:
    """Effecteurs with a site in ``departements``: id, name, kind, phone, place, soonest free slot, count."""
    if not departements:
        return []
    in_territory = or_(*(ConsultationSite.city_insee_code.startswith(code, autoescape=True)
                         for code in departements))
    free = (select(Slot.effecteur_id, func.min(Slot.start).label("soonest"), func.count().label("free"))
            .where(Slot.status == "free", Slot.start >= now, Slot.start < now + window)
            .group_by(Slot.effecteur_id).subquery())
    query = (select(Effecteur.id, Effecteur.name, Effecteur.kind, Effecteur.phone, ConsultationSite.lat,
                    ConsultationSite.lon, ConsultationSite.city_name, free.c.soonest, free.c.free)
             .join(ConsultationSite, ConsultationSite.effecteur_id == Effecteur.id)
             .outerjoin(free, free.c.effecteur_id == Effecteur.id)
             .where(in_territory)
             .order_by(Effecteur.id, ConsultationSite.id))
    seen: dict[str, dict] = {}
    for row in session.execute(query):
        if row.id in seen:
            continue
        seen[row.id] = {"id": row.id, "name": row.name, "kind": row.kind, "phone": row.phone, "lat": row.lat,
                        "lon": row.lon, "city_name": row.city_name, "next_start": row.soonest,
                        "free_slots": int(row.free or 0)}
        if len(seen) >= limit:
            break
    return list(seen.values())


def markers(items: Sequence[dict], now: datetime) -> list[dict]:
    """Map markers (:meth:`app.ui.map.view.MapView.show_territory`) of the server's answer."""
    out = []
    for item in items:
        soonest = presentation.parse_time(item["next_start"]) if item.get("next_start") else None
        count = int(item.get("free_slots") or 0)
        slots = [presentation.format_slot_time(soonest)] if soonest else []
        if count > 1:
            slots.append(f"… et {count - 1} autre(s) sous 72 h")
        out.append({
            "id": item["id"], "lat": item["lat"], "lon": item["lon"], "name": item.get("name") or "",
            "kind": item.get("kind") or "", "kind_label": presentation.kind_label(item.get("kind") or ""),
            "phone": format_phone(item.get("phone")) or None, "next_slots": slots,
            "freshness": presentation.freshness_class(soonest, now),
        })
    return out


async def fetch_markers(client, departement: str, now: datetime) -> list[dict]:
    """The territory's markers from the server (``client``: :class:`app.services.sync.api_client.ApiClient`)."""
    body = await client.territory_effecteurs([departement])
    return markers(body.get("effecteurs") or [], now)
