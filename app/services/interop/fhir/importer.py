"""Storing editors' slots in our database, so the slot index and the map show them.

:func:`import_slots` upserts by external identity, in one transaction:

* **Effecteur** — a practitioner by RPPS (an existing effecteur with that RPPS, e.g. from
  the directory, gets the slots), a structure (SOS Médecins) by its SIRET/FINESS, stored
  prefixed (``3`` + SIRET) or bare as the directory stores it;
  otherwise a new ``fhir-ps-…`` / ``fhir-st-…`` effecteur, marked SAS participant (its
  agenda is open to the SAS).  Name, phone and specialty follow the editor.
* **ConsultationSite** — one per effecteur and editor Location (its identifier, else its
  address), at the Location's position or its commune's centroid.
* **Slot** — one per (effecteur, site, start).  Re-importing the same slot changes
  nothing; a free slot whose end, mode or type changed is *replaced* (new id), which is
  how a running server's :class:`~app.services.search.service.SearchService` notices
  (it reloads when the highest slot id changes).  A booked slot is never touched.
  The editor's own Slot id is kept in ``slots.external_id`` (the Appointment's ``slot``
  reference), and :attr:`ImportCounts.slot_ids` lists the free slots the import added or
  confirmed (a live refresh removes the editor's other free slots of the effecteurs asked).

Slots whose effecteur or place could not be read (or placed) are counted as ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot, utcnow
from app.services.interop.fhir.model import AgendaEffecteur, AgendaPlace, AgendaSlot

_CHUNK = 500


@dataclass
class ImportCounts:
    """What an import changed (``describe`` gives the French summary)."""

    slots_added: int = 0
    slots_updated: int = 0
    slots_unchanged: int = 0
    slots_ignored: int = 0
    effecteurs_added: int = 0
    effecteurs_updated: int = 0
    sites_added: int = 0
    sites_updated: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Ids of the free slots this import added or confirmed (a live refresh deletes the editor's others).
    slot_ids: set[int] = field(default_factory=set)

    def describe(self) -> str:
        lines = [
            f"Créneaux : {self.slots_added} ajouté(s), {self.slots_updated} mis à jour, "
            f"{self.slots_unchanged} inchangé(s), {self.slots_ignored} ignoré(s).",
            f"Effecteurs : {self.effecteurs_added} ajouté(s), {self.effecteurs_updated} mis à jour.",
            f"Lieux de consultation : {self.sites_added} ajouté(s), {self.sites_updated} mis à jour.",
        ]
        return "\n".join(lines)


def site_id(effecteur_id: str, place: AgendaPlace) -> str:
    digest = hashlib.sha256(f"{effecteur_id}\n{place.key}".encode()).hexdigest()[:32]
    return f"fhir-{digest}"


def _set(row: object, values: dict) -> bool:
    """Assign the values that differ; True when something changed."""
    changed = False
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Importer:
    def __init__(self, session: Session, source: str, fetched_at: datetime) -> None:
        self.session, self.source, self.fetched_at = session, source[:40], fetched_at
        self.counts = ImportCounts()
        self.effecteurs: dict[str, Effecteur] = {}
        self.sites: dict[str, ConsultationSite] = {}
        self.known: dict[tuple[str, str], Effecteur] = {}  # ("rpps"|"org"|"id", value) -> row, read in batches
        self.known_sites: dict[str, ConsultationSite] = {}

    def _load(self, column, values: set[str], kind: str) -> None:
        ordered = sorted(values)
        for i in range(0, len(ordered), _CHUNK):  # bounded IN lists (SQLite parameter limit)
            for row in self.session.scalars(select(Effecteur).where(column.in_(ordered[i:i + _CHUNK]))
                                            .order_by(Effecteur.id)):
                self.known.setdefault((kind, getattr(row, column.key)), row)  # the lowest id, as LIMIT 1 did

    def prefetch_effecteurs(self, agendas: list[AgendaEffecteur]) -> None:
        """Read at once every effecteur these slots may name (by RPPS, by SIRET/FINESS, by our key)."""
        self._load(Effecteur.rpps_id, {a.rpps for a in agendas if a.rpps}, "rpps")
        self._load(Effecteur.organization_id, {a.national_id[:20] for a in agendas if not a.rpps}
                   | {a.national_id[1:][:20] for a in agendas if not a.rpps}, "org")
        self._load(Effecteur.id, {a.key for a in agendas}, "id")

    def effecteur(self, agenda: AgendaEffecteur) -> Effecteur:
        if agenda.national_id in self.effecteurs:
            return self.effecteurs[agenda.national_id]
        if agenda.rpps:
            row = self.known.get(("rpps", agenda.rpps))
        else:  # stored with its prefix (``3`` + SIRET) or, as the directory and the demo do, without it
            prefixed, bare = agenda.national_id[:20], agenda.national_id[1:][:20]
            row = self.known.get(("org", prefixed)) or self.known.get(("org", bare))
        row = row or self.known.get(("id", agenda.key))
        values = {"name": agenda.name[:200], "phone": agenda.phone, "specialty_code": agenda.specialty_code}
        if row is None:
            row = Effecteur(id=agenda.key, kind=agenda.kind, rpps_id=agenda.rpps,
                            organization_id=None if agenda.rpps else agenda.national_id[:20],
                            sas_participant=True, accepts_extra=False, **values)
            self.session.add(row)
            self.known[("id", agenda.key)] = row
            self.counts.effecteurs_added += 1
        elif _set(row, values):
            self.counts.effecteurs_updated += 1
        self.effecteurs[agenda.national_id] = row
        return row

    def prefetch_sites(self, keys: set[str]) -> None:
        ordered = sorted(keys)
        for i in range(0, len(ordered), _CHUNK):
            for row in self.session.scalars(select(ConsultationSite).where(
                    ConsultationSite.id.in_(ordered[i:i + _CHUNK]))):
                self.known_sites[row.id] = row

    def site(self, effecteur: Effecteur, place: AgendaPlace) -> ConsultationSite:
        key = site_id(effecteur.id, place)
        if key in self.sites:
            return self.sites[key]
        row = self.known_sites.get(key)
        values = {"name": (place.name or f"Cabinet — {effecteur.name}")[:200], "address": place.address[:300],
                  "city_name": place.city[:120], "city_insee_code": (place.insee or "")[:5],
                  "postal_code": (place.postal_code or None) and place.postal_code[:5], "lat": place.lat,
                  "lon": place.lon}
        if row is None:
            row = ConsultationSite(id=key, effecteur_id=effecteur.id, **values)
            self.session.add(row)
            self.counts.sites_added += 1
        elif _set(row, values):
            self.counts.sites_updated += 1
        self.sites[key] = row
        return row

    def slots(self, slots: list[AgendaSlot]) -> None:
        usable = [s for s in slots if s.effecteur is not None and s.place is not None and s.place.located]
        self.counts.slots_ignored += len(slots) - len(usable)
        self.prefetch_effecteurs([s.effecteur for s in usable])  # type: ignore[misc]
        owners = [self.effecteur(s.effecteur) for s in usable]
        self.prefetch_sites({site_id(e.id, s.place) for e, s in zip(owners, usable)})
        placed = [(s, self.site(e, s.place)) for e, s in zip(owners, usable)]
        self.session.flush()
        self._write(placed, self._existing(placed))

    def _write(self, placed: list[tuple[AgendaSlot, ConsultationSite]], existing: dict[tuple, dict]) -> None:
        """Bulk statements (not one ORM object per slot: a national refresh brings a million)."""
        confirmed: set[int] = set()
        external: dict[int, str] = {}
        gone: list[int] = []
        fresh: dict[tuple, dict] = {}
        for slot, site in placed:
            key = (site.effecteur_id, site.id, slot.start.timestamp())
            row = fresh.get(key) or existing.get(key)
            values = {"end": slot.end, "mode": slot.mode, "slot_type": slot.slot_type}
            if row is not None and (row["status"] != "free" or all(row[k] == v for k, v in values.items())):
                if row["status"] == "free" and row.get("id") is not None:
                    confirmed.add(row["id"])
                    if slot.fhir_id and row["external_id"] != slot.fhir_id[:64]:
                        external[row["id"]] = row["external_id"] = slot.fhir_id[:64]
                elif row["status"] == "free" and slot.fhir_id and row["external_id"] != slot.fhir_id[:64]:
                    row["external_id"] = slot.fhir_id[:64]  # not written yet: the newest id goes in
                self.counts.slots_unchanged += 1
                continue
            if row is not None:  # changed while free: replaced so running indexes reload
                if row.get("id") is not None:
                    gone.append(row["id"])
                    confirmed.discard(row["id"])
                self.counts.slots_updated += 1
            else:
                self.counts.slots_added += 1
            fresh[key] = {"site_id": site.id, "effecteur_id": site.effecteur_id, "start": slot.start,
                          "status": "free", "source": self.source, "fetched_at": self.fetched_at,
                          "external_id": (slot.fhir_id or None) and slot.fhir_id[:64], **values}
        ids = sorted(confirmed)
        for i in range(0, len(gone), _CHUNK):
            self.session.execute(delete(Slot).where(Slot.id.in_(gone[i:i + _CHUNK])))
        for i in range(0, len(ids), _CHUNK):
            self.session.execute(update(Slot).where(Slot.id.in_(ids[i:i + _CHUNK]))
                                 .values(fetched_at=self.fetched_at))
        if external:
            self.session.execute(update(Slot), [{"id": k, "external_id": v} for k, v in external.items()])
        if fresh:
            table = Slot.__table__  # Core, not the ORM's bulk path: a national refresh inserts a million rows
            ids += self.session.execute(insert(table).returning(table.c.id), list(fresh.values())).scalars().all()
        self.counts.slot_ids.update(ids)

    def _existing(self, placed: list[tuple[AgendaSlot, ConsultationSite]]) -> dict[tuple, dict]:
        if not placed:
            return {}
        site_ids = sorted({site.id for _, site in placed})
        lo, hi = min(s.start for s, _ in placed), max(s.start for s, _ in placed)
        columns = (Slot.id, Slot.effecteur_id, Slot.site_id, Slot.start, Slot.end, Slot.mode, Slot.slot_type,
                   Slot.status, Slot.external_id)
        found: dict[tuple, dict] = {}
        for i in range(0, len(site_ids), _CHUNK):  # bounded IN lists (SQLite parameter limit)
            rows = self.session.execute(select(*columns).where(
                Slot.site_id.in_(site_ids[i:i + _CHUNK]), Slot.start >= lo, Slot.start <= hi))
            found.update({(r.effecteur_id, r.site_id, r.start.timestamp()): r._asdict() for r in rows})
        return found


def import_slots(session: Session, slots: list[AgendaSlot], *, source: str = "fhir",
                 fetched_at: datetime | None = None) -> ImportCounts:
    """Upsert ``slots`` (and their effecteurs and sites) in ``session``; the caller commits."""
    importer = _Importer(session, source, fetched_at or utcnow())
    importer.slots(slots)
    return importer.counts
