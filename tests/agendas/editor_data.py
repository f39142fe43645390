"""What one local agenda editor holds: practitioners, SOS sites, slots and the appointments it was sent.

Plain dicts so the whole state goes to a JSON file (``--state``) after every change and comes
back when a killed editor is started again.  Booking rules (domain.md B.4) live here:
an appointment takes a free slot of its practitioner at its start (409 when the slot is
taken, by us or "elsewhere"); a ``cancelled`` update frees it again.  With
``synthetic_per_practitioner`` any asked identifier has K deterministic free slots on a
fixed time grid (stable from one search to the next), placed inside a bounding box.

Deliberately independent of ``app``: the editor is the test's oracle, not a copy of the client.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
OID_IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
OID_IDNST = "urn:oid:1.2.250.1.71.4.2.2"
OID_SAS = "urn:oid:1.2.250.1.213.3.6"
EXT_OPERATOR = "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator"
STATUSES = ("booked", "pending", "fulfilled", "noshow", "cancelled")
#: Real communes (city, postal code, lat, lon): synthetic places take the nearest one's name.
CITIES = (("STRASBOURG", "67000", 48.5734, 7.7521), ("PARIS", "75001", 48.8566, 2.3522),
          ("LYON", "69001", 45.764, 4.8357), ("MARSEILLE", "13001", 43.2965, 5.3698),
          ("TOULOUSE", "31000", 43.6047, 1.4442), ("NICE", "06000", 43.7102, 7.262),
          ("NANTES", "44000", 47.2184, -1.5536), ("BORDEAUX", "33000", 44.8378, -0.5792),
          ("LILLE", "59000", 50.6292, 3.0573), ("RENNES", "35000", 48.1173, -1.6778),
          ("DIJON", "21000", 47.322, 5.0415), ("CLERMONT-FERRAND", "63000", 45.7772, 3.087),
          ("LIMOGES", "87000", 45.8336, 1.2611), ("ORLEANS", "45000", 47.9029, 1.9093),
          ("ROUEN", "76000", 49.4432, 1.0999), ("BREST", "29200", 48.3904, -4.4861),
          ("GRENOBLE", "38000", 45.1885, 5.7245), ("METZ", "57000", 49.1193, 6.1757),
          ("MULHOUSE", "68100", 47.7508, 7.3359), ("COLMAR", "68000", 48.0794, 7.3585))
STRASBOURG = (48.58, 7.75)


class EditorError(Exception):
    """A refusal answered as an OperationOutcome with ``status``."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def parse_time(value: object, where: str) -> datetime:
    """An aware datetime (a time without offset is Paris time); EditorError 400 when unreadable."""
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise EditorError(400, f"{where} : date illisible ({value!r})") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


def stamp(value: datetime) -> str:
    return value.astimezone(PARIS).isoformat(timespec="seconds")


def _hash(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def near(lat: float, lon: float, key: str, km: float = 3.0) -> tuple[float, float]:
    """A position within ``km`` of (lat, lon), derived from ``key``."""
    h = _hash("near", key)
    angle, dist = (h % 3600) / 3600 * 2 * math.pi, ((h >> 12) % 1000) / 1000 * km
    return (round(lat + dist / 111.0 * math.sin(angle), 6),
            round(lon + dist / (111.0 * math.cos(math.radians(lat))) * math.cos(angle), 6))


class EditorData:
    """The editor's agenda; ``save()`` writes it to ``state_file`` when one is given."""

    def __init__(self, name: str, state_file: str | None = None, *, synthetic: int = 0, seed: int = 1,
                 bbox: tuple[float, float, float, float] = (42.3, -4.8, 51.1, 8.2), share: tuple[int, int] = (0, 1),
                 period_s: int = 72 * 3600) -> None:
        self.name, self.state_file = name, state_file
        self.synthetic, self.seed, self.bbox, self.share, self.period_s = synthetic, seed, bbox, share, period_s
        self.clear()
        if state_file and Path(state_file).exists():
            saved = json.loads(Path(state_file).read_text(encoding="utf-8"))
            for key in ("practitioners", "structures", "slots", "appointments"):
                setattr(self, key, saved.get(key, {}))

    def clear(self) -> None:
        self.practitioners: dict[str, dict] = {}
        self.structures: dict[str, dict] = {}
        self.slots: dict[str, dict] = {}
        self.appointments: dict[str, dict] = {}

    def save(self) -> None:
        if not self.state_file:
            return
        tmp = f"{self.state_file}.tmp"
        document = {k: getattr(self, k) for k in ("practitioners", "structures", "slots", "appointments")}
        Path(tmp).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.state_file)

    # --- what the control API adds -------------------------------------------------------------
    def add_practitioner(self, body: dict) -> dict:
        value = str(body.get("idnps") or body.get("rpps") or "").strip()
        if not value.isdigit():
            raise EditorError(400, "rpps : identifiant numérique attendu")
        idnps = "8" + value if len(value) == 11 else value
        lat, lon = body.get("near") or STRASBOURG
        if body.get("lat") is None:
            lat, lon = near(lat, lon, idnps)
        record = {"idnps": idnps, "family": body.get("family") or f"MEDECIN{idnps[-4:]}",
                  "given": body.get("given") or "Camille", "line": body.get("line") or "1 place Kléber",
                  "city": body.get("city") or "STRASBOURG", "postal_code": body.get("postal_code") or "67000",
                  "lat": body.get("lat", lat), "lon": body.get("lon", lon),
                  "phone": body.get("phone") or f"+3338{idnps[-7:]}", "specialty": body.get("specialty") or "SM54"}
        self.practitioners[idnps] = record
        return record

    def add_structure(self, body: dict) -> dict:
        value = str(body.get("siret") or "").strip()
        siret = "3" + value if len(value) == 14 else value
        if not (siret.isdigit() and len(siret) == 15 and siret[0] == "3"):
            raise EditorError(400, "siret : 14 chiffres (ou 15 avec le préfixe 3) attendus")
        lat, lon = body.get("near") or STRASBOURG
        if body.get("lat") is None:
            lat, lon = near(lat, lon, siret)
        record = {"siret": siret, "name": body.get("name") or f"SOS Médecins {siret[-4:]}",
                  "site_name": body.get("site_name") or "Centre de consultation",
                  "line": body.get("line") or "2 rue du Faubourg National", "city": body.get("city") or "STRASBOURG",
                  "postal_code": body.get("postal_code") or "67000", "lat": body.get("lat", lat),
                  "lon": body.get("lon", lon), "phone": body.get("phone") or f"+3336{siret[-7:]}",
                  "hours": body.get("hours") or [{"daysOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                                  "openingTime": "08:00:00", "closingTime": "20:00:00"}]}
        self.structures[siret] = record
        return record

    def add_slot(self, body: dict) -> dict:
        owner = str(body.get("owner") or "").strip()
        if owner.isdigit() and len(owner) in (11, 14):  # bare RPPS, bare SIRET
            owner = ("8" if len(owner) == 11 else "3") + owner
        if owner not in self.practitioners and owner not in self.structures:
            if len(owner) == 15 and owner.startswith("3"):
                self.add_structure({"siret": owner, "near": body.get("near")})
            else:
                self.add_practitioner({"idnps": owner, "near": body.get("near")})
        start = parse_time(body.get("start"), "start")
        end = parse_time(body["end"], "end") if body.get("end") else start + timedelta(minutes=body.get("minutes", 20))
        slot_id = str(body.get("id") or f"slot-{uuid.uuid4().hex[:12]}")
        record = {"id": slot_id, "owner": owner, "start": stamp(start), "end": stamp(end),
                  "mode": body.get("mode", "AMB"), "types": list(body.get("types") or ["SNP"]),
                  "motives": list(body.get("motives") or []), "cpts": [list(c) for c in body.get("cpts") or []],
                  "status": "free", "taken_by": None}
        self.slots[slot_id] = record
        return record

    # --- synthetic agendas ---------------------------------------------------------------------
    def synthetic_owner(self, idnps: str) -> dict | None:
        if not self.synthetic or _hash(self.seed, "share", idnps) % self.share[1] != self.share[0]:
            return None
        h = _hash(self.seed, "place", idnps)
        lat0, lon0, lat1, lon1 = self.bbox
        lat = round(lat0 + (h & 0xFFFFFFFF) / 2**32 * (lat1 - lat0), 6)
        lon = round(lon0 + (h >> 32) / 2**32 * (lon1 - lon0), 6)
        city = min(CITIES, key=lambda c: (c[2] - lat) ** 2 + (c[3] - lon) ** 2)
        return {"idnps": idnps, "family": f"SYNTH{idnps[-6:]}", "given": "Dominique",
                "line": f"{h % 200 + 1} rue Haute", "city": city[0], "postal_code": city[1], "lat": lat,
                "lon": lon, "phone": f"+3337{idnps[-7:]}", "specialty": "SM54"}

    def synthetic_slots(self, idnps: str, ge: datetime, le: datetime) -> list[dict]:
        """The owner's grid slots starting in [ge, le] (K per ``period_s``), as slot records."""
        if self.synthetic_owner(idnps) is None:
            return []
        period = self.period_s / self.synthetic
        offset = _hash(self.seed, "grid", idnps) % int(period) // 300 * 300
        first = math.ceil((ge.timestamp() - offset) / period)
        last = math.floor((le.timestamp() - offset) / period)
        found = []
        for j in range(first, last + 1):
            start = datetime.fromtimestamp(j * period + offset, timezone.utc)
            found.append({"id": f"syn-{idnps}-{j}", "owner": idnps, "start": stamp(start),
                          "end": stamp(start + timedelta(minutes=20)), "mode": ("AMB", "AMB", "VR", "HH")[j % 4],
                          "types": ["SNP"] if j % 2 else ["PUBLIC", "PRO"], "motives": [], "cpts": [],
                          "status": "free", "taken_by": None})
        return found

    def owner(self, key: str) -> dict | None:
        return self.practitioners.get(key) or self.structures.get(key) or self.synthetic_owner(key)

    def free_slots(self, owners: list[str], ge: datetime, le: datetime) -> list[dict]:
        """Free slots of these owners starting in [ge, le], by start."""
        wanted = set(owners)
        found = [s for s in self.slots.values() if s["owner"] in wanted and s["status"] == "free"
                 and ge <= parse_time(s["start"], "start") <= le]
        if self.synthetic:
            found += [s for o in owners for s in self.synthetic_slots(o, ge, le) if s["id"] not in self.slots]
        return sorted(found, key=lambda s: (parse_time(s["start"], "start"), s["id"]))
