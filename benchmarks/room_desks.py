"""The desks of :mod:`benchmarks.bench_room`: what each role sends, at what pace, and the latency summary.

:class:`Room` logs the 20 desks in, then runs every desk's journal poll and its
role's work (ARM intake, MRL decisions, OSNP bookings, supervisor wall) on one
asyncio loop until the time is up; hand-overs and slot decisions pass from desk
to desk through queues, as cases pass through a room. Every request is timed
into :attr:`Room.samples`; :func:`summarise` turns them into the benchmark's
results and prints the per-route table. The mix and the rates are argued in
:mod:`benchmarks.bench_room`'s docstring.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from app.demo.names import DEMO_ACCOUNTS, MEN, SURNAMES, STREETS, WOMEN, jitter, phone_number
from app.services.reference.communes import default_index
from app.services.regulation.decisions import BY_KEY

MIX = {"ARM": 8, "MRL": 5, "OSNP": 5, "SUPERVISEUR": 2}
CALL_GAP_S = 20.0  # mean gap between two calls at one ARM desk (exponential)
POLL_S = 1.0
STATS_S = 30.0  # the supervisor wall's refresh (app/ui/supervisor/wall.py REFRESH_MS)
MOTIVES = ("Fièvre depuis trois jours", "Douleur abdominale", "Lombalgie", "Otalgie", "Toux persistante",
           "Brûlure urinaire", "Entorse de cheville", "Éruption cutanée", "Vomissements", "Céphalée")
PASSWORDS = {role: password for _user, password, role, _name in DEMO_ACCOUNTS}
USERS = {role: user for user, _password, role, _name in DEMO_ACCOUNTS}


@dataclass(frozen=True)
class Sample:
    route: str
    write: bool
    status: int  # 0: no answer (transport error)
    ms: float
    error: bool


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _uuid() -> str:
    return str(uuid.uuid4())


class Desk:
    """One console: its client, its token, its journal cursor."""

    def __init__(self, room: Room, role: str, index: int):
        self.room, self.role, self.index = room, role, index
        self.http = httpx.AsyncClient(base_url=room.base_url, trust_env=False, timeout=30)
        self.cursor = room.head
        self.headers: dict[str, str] = {}

    async def login(self) -> None:
        answer = await self.http.post("/api/v1/auth/login", json={
            "username": USERS[self.role], "password": PASSWORDS[self.role], "desk_id": f"{self.role}-{self.index}"})
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def call(self, method: str, route: str, url: str, *, expect_taken: bool = False,
                   **kwargs) -> httpx.Response | None:
        """Send one request, record its latency and whether it is an error; None when it got no answer."""
        counted, t0 = self.room.running(), time.perf_counter()  # requests sent before the end all count
        try:
            answer = await self.http.request(method, url, headers=self.headers, **kwargs)
        except httpx.HTTPError as exc:
            self.room.record(Sample(route, method != "GET", 0, (time.perf_counter() - t0) * 1000, True), counted)
            self.room.notes[f"error {type(exc).__name__} {route}"] += 1
            return None
        ms = (time.perf_counter() - t0) * 1000
        status = answer.status_code
        taken = expect_taken and status == 409 and answer.json().get("error") == "slot_taken"
        self.room.record(Sample(route, method != "GET", status, ms, status >= 400 and not taken), counted)
        if counted and status >= 400 and not taken:
            self.room.notes[f"error {status} {route}: {answer.text[:160]}"] += 1
        return answer

    async def event(self, case_uuid: str, **fields) -> None:
        doc = {"uuid": _uuid(), "case_uuid": case_uuid, "created_at": _now(), **fields}
        await self.call("PUT", "PUT /cases/{uuid}/events/{uuid}", f"/api/v1/cases/{case_uuid}/events/{doc['uuid']}",
                        json=doc)

    async def search(self, case: dict, **params) -> list[dict]:
        answer = await self.call("GET", "GET /slots/search", "/api/v1/slots/search",
                                 params={"lat": case["lat"], "lon": case["lon"], **params})
        return answer.json()["results"] if answer is not None and answer.status_code == 200 else []

    async def read_case(self, case_uuid: str) -> None:
        await self.call("GET", "GET /cases/{uuid}", f"/api/v1/cases/{case_uuid}")

    async def poll(self) -> None:
        """The sync's pull: the journal from the cursor every second, paging on while pages are full."""
        room = self.room
        await room.pause(room.rng.uniform(0, POLL_S))
        while room.running():
            while True:
                answer = await self.call("GET", "GET /journal", "/api/v1/journal", params={"after": self.cursor})
                if answer is None or answer.status_code != 200:
                    break
                page = answer.json()
                self.cursor = page["next_after"]
                if len(page["entries"]) < 200:
                    break
            await room.pause(POLL_S)


class Room:
    """The 20 desks, the queues between them, and every request's sample."""

    def __init__(self, base_url: str, head: int, *, shift: tuple[datetime, datetime], rng: random.Random):
        self.base_url, self.head, self.shift, self.rng = base_url, head, shift, rng
        self.samples: list[Sample] = []
        self.notes: Counter[str] = Counter()
        self.communes = [c for c in default_index().in_departement("67") if c.lat is not None]
        self.handed_over: asyncio.Queue[dict] = asyncio.Queue()
        self.slot_decisions: asyncio.Queue[tuple[dict, str]] = asyncio.Queue()
        self._stop_at = 0.0

    def record(self, sample: Sample, counted: bool) -> None:
        if counted:
            self.samples.append(sample)

    def server_errors(self) -> bool:
        return any(s.status >= 500 or s.status == 0 for s in self.samples)

    def running(self) -> bool:
        return time.monotonic() < self._stop_at

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, min(seconds, self._stop_at - time.monotonic())))

    async def next_of(self, queue: asyncio.Queue):
        try:
            return await asyncio.wait_for(queue.get(), max(0.01, self._stop_at - time.monotonic()))
        except asyncio.TimeoutError:
            return None

    async def run(self, seconds: float) -> None:
        desks = [Desk(self, role, i) for role, n in MIX.items() for i in range(n)]
        for desk in desks:  # one after the other, as a room logs in at the start of a shift
            await desk.login()
        self._stop_at = time.monotonic() + seconds
        work = {"ARM": self.arm, "MRL": self.mrl, "OSNP": self.osnp, "SUPERVISEUR": self.supervisor}
        try:
            await asyncio.gather(*(desk.poll() for desk in desks), *(work[d.role](d) for d in desks))
        finally:
            for desk in desks:
                await desk.http.aclose()

    def new_case(self) -> dict:
        rng = self.rng
        commune = rng.choices(self.communes, weights=[c.population for c in self.communes])[0]
        lat, lon = jitter(rng, commune)
        case_id = f"fr.health.samu670.DRFR15670{rng.randrange(10**10):010d}"
        female = rng.random() < 0.5
        return {
            "uuid": _uuid(), "case_id": case_id, "owner": "fr.health.samu670", "creation": _now(),
            "reception": _now(), "answered_at": _now(), "perimeter": "SNP",
            "priority": rng.choices(["P1", "P2", "P3"], [5, 55, 40])[0],
            "caller_phone": phone_number(rng, "67", mobile=True), "caller_type": "SUJET",
            "health_motive_label": rng.choice(MOTIVES), "city_name": commune.name, "city_insee_code": commune.insee,
            "address_complete": f"{rng.randint(1, 40)} {rng.choice(STREETS)}, {commune.name}",
            "lat": round(lat, 6), "lon": round(lon, 6), "coord_precision": "ADRESSE",
            "patients": [{"uuid": _uuid(), "patient_id": f"{case_id}.patient.1",
                          "first_name": rng.choice(WOMEN if female else MEN), "last_name": rng.choice(SURNAMES),
                          "sex": "F" if female else "M", "age": f"P{rng.randint(1, 95)}Y"}],
        }

    async def arm(self, desk: Desk) -> None:
        """Intake: a call every CALL_GAP_S on average; open, note, hand over to the MRL."""
        rng = self.rng
        next_call = time.monotonic() + rng.uniform(0, 10)
        while self.running():
            await self.pause(next_call - time.monotonic())
            next_call += rng.expovariate(1 / CALL_GAP_S)
            await self.pause(rng.uniform(3, 5))  # the interview
            if not self.running():
                break
            case = self.new_case()
            answer = await desk.call("PUT", "PUT /cases/{uuid}", f"/api/v1/cases/{case['uuid']}", json=case)
            if answer is None or answer.status_code != 201:
                continue
            self.notes["cases opened"] += 1
            await self.pause(rng.uniform(2, 4))
            await desk.event(case["uuid"], type="note", freetext="Appelant calme, traitement habituel noté")
            await self.pause(rng.uniform(1, 3))
            await desk.event(case["uuid"], type="handover", to_role="MRL")
            await self.handed_over.put(case)

    async def mrl(self, desk: Desk) -> None:
        """Regulation: read the case, search, decide; a slot decision goes to the OSNP, advice closes the case."""
        rng = self.rng
        while (case := await self.next_of(self.handed_over)) is not None:
            await desk.read_case(case["uuid"])
            await desk.call("GET", "GET /cases/{uuid}/events", f"/api/v1/cases/{case['uuid']}/events")
            await self.pause(rng.uniform(1, 3))
            await desk.search(case, radius_km=10)
            await self.pause(rng.uniform(3, 6))  # the doctor on the phone
            key = "CONSULTATION_48H" if rng.random() < 0.7 else "CONSEIL"
            kind = BY_KEY[key]
            decision = {"uuid": _uuid(), "case_uuid": case["uuid"], "creation": _now(), "decision_key": key,
                        "decision_type": kind.decision_type, "resource_type": kind.resource_type,
                        "orientation_type": kind.orientation_type, "freetext": "Décision du médecin régulateur"}
            answer = await desk.call("PUT", "PUT /orientations/{uuid}", f"/api/v1/orientations/{decision['uuid']}",
                                     json=decision)
            if answer is None or answer.status_code != 201:
                continue
            self.notes[f"decisions {key}"] += 1
            await desk.event(case["uuid"], type="decision", orientation_uuid=decision["uuid"])
            if kind.books_slot:
                await self.slot_decisions.put((case, decision["uuid"]))
            else:
                await self.pause(rng.uniform(0.5, 1.5))
                await desk.event(case["uuid"], type="status", status="CLOTURE")

    async def osnp(self, desk: Desk) -> None:
        """Booking: searches around the patient, the search event, then the slot of the MRL's decision."""
        rng = self.rng
        while (item := await self.next_of(self.slot_decisions)) is not None:
            case, decision_uuid = item
            await desk.read_case(case["uuid"])
            results = await desk.search(case, radius_km=10)
            await self.pause(rng.uniform(1.5, 3))
            refined = await desk.search(case, radius_km=15, kind="MG", window=["0-4", "4-8", "8-12"])
            results = refined or results
            if rng.random() < 0.5:
                await self.pause(rng.uniform(1, 2))
                results = await desk.search(case, radius_km=20) or results
            await desk.event(case["uuid"], type="search", search={
                "criteria": {"radius_km": 15, "kind": ["MG"]}, "result_count": len(results),
                "effecteur_ids": [r["effecteur"]["id"] for r in results][:50]})
            await self.pause(rng.uniform(1.5, 3))  # agreeing on the time with the patient
            ordered = results[desk.index::MIX["OSNP"]] + results
            for slot in ordered[:4]:
                answer = await desk.call("POST", "POST /slots/{id}/booking", f"/api/v1/slots/{slot['slot_id']}/booking",
                                         json={"orientation_id": decision_uuid, "case_id": case["uuid"]},
                                         expect_taken=True)
                if answer is None or answer.status_code != 409:
                    booked = answer is not None and answer.status_code == 201
                    self.notes["bookings" if booked else "booking failed"] += 1
                    break
                self.notes["slot_taken (expected 409)"] += 1
            else:
                self.notes["no slot booked"] += 1

    async def supervisor(self, desk: Desk) -> None:
        """The wall: the shift's indicators every STATS_S, the whole room or one stream or priority."""
        start, end = (t.isoformat() for t in self.shift)
        await self.pause(self.rng.uniform(0, STATS_S / 3))
        filters = ({}, {"stream": "SNP"}, {"priority": "P1"})
        n = 0
        while self.running():
            params = {"start": start, "end": end, **filters[n % len(filters)]}
            await desk.call("GET", "GET /stats", "/api/v1/stats", params=params)
            n += 1
            await self.pause(STATS_S)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of ``values`` (0 when empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * q / 100) - 1)] if ordered else 0.0


def summarise(samples: list[Sample], notes: Counter[str]) -> dict:
    """The benchmark's results; prints the per-route table and what the desks did."""
    by_route: dict[str, list[Sample]] = {}
    for s in samples:
        by_route.setdefault(s.route, []).append(s)
    print(f"  {'route':34} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'errors':>6}")
    for route, rows in sorted(by_route.items()):
        ms = [s.ms for s in rows]
        print(f"  {route:34} {len(rows):5d} {percentile(ms, 50):7.1f} {percentile(ms, 95):7.1f} "
              f"{percentile(ms, 99):7.1f} {max(ms):7.1f} {sum(s.error for s in rows):6d}")
    for note, count in sorted(notes.items()):
        print(f"  {note}: {count}")
    every = [s.ms for s in samples]
    writes = [s.ms for s in samples if s.write]
    print(f"  {len(samples)} requests, {len(writes)} writes")
    return {
        "room_api_p99_ms": {"value": round(percentile(every, 99), 1), "unit": "ms", "goal": 150},
        "room_api_p50_ms": {"value": round(percentile(every, 50), 1), "unit": "ms", "goal": 150},
        "room_write_p99_ms": {"value": round(percentile(writes, 99), 1), "unit": "ms", "goal": 150},
        "room_api_errors": {"value": sum(s.error for s in samples), "unit": "requests", "goal": 0},
    }
