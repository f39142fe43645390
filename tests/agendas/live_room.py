"""The live room of issue 14's end-to-end tests: six real editor processes and one real ``sas server --editors``.

:func:`open_room` seeds a database (``sas demo-data --departement 67``: the demo accounts and
territory) with one practitioner per editor, in Strasbourg, by RPPS, and an SOS Médecins
association by SIRET; each editor knows its practitioner (same name, same place), and the
per-effecteur editors are imported (``effecteur_editors``) so each of ours is asked of its own
editor only.  The server then runs as a child process with the fleet's registry
(``refresh_s``/``max_age_s`` small, so slots come without any import).  :class:`Room` talks to it
over HTTP as the demo users do (one login per role), and reads what a user sees: the search, the
editors' health, the territory's map, the journal, the worklists.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from app.models import ConsultationSite, Effecteur, User
from app.models.agenda import EffecteurEditor
from app.models.db import open_database
from tests.agendas.fleet import Fleet, free_port
from tests.e2e.conftest import ServerProcess
from tests.helpers.demo_db import build_demo
from tests.helpers.server_journal import read_journal

#: Place Kléber, Strasbourg: every practitioner of ours and the patient are here.
KLEBER = (48.5834, 7.7455)
#: editor -> (RPPS of its practitioner, family name); the SOS association is by SIRET.
DOCTORS = {"ps-a": ("10000000101", "ALBRECHT"), "ps-slow": ("10000000102", "LENTZ"),
           "ps-broken": ("10000000103", "BRUCH"), "ps-show": ("10000000104", "SCHAUFF"),
           "cpts": ("10000000105", "KOCH")}
SOS_SIRET = "77889900011223"
SOS_ID = "3" + SOS_SIRET
PASSWORDS = {"arm": "arm-demo", "osnp": "osnp-demo", "mrl": "mrl-demo", "mru": "mru-demo",
             "superviseur": "superviseur-demo", "admin": "admin-demo"}
OSNP_IDNPS = "810100000042"
SEARCH_RADIUS_KM = 1.0


def effecteur_id(editor: str) -> str:
    return f"lr-{editor}"


def seed(db_url: str) -> None:
    """Demo territory and accounts, then our practitioners and SOS association (before the server starts)."""
    build_demo(db_url)
    engine, sessions = open_database(db_url)
    try:
        with sessions() as s:
            for editor, (rpps, family) in DOCTORS.items():
                eid = effecteur_id(editor)
                s.add(Effecteur(id=eid, kind="MG", name=f"Dr Jeanne {family}", rpps_id=rpps, phone="+33388990000",
                                sas_participant=True, accepts_extra=False))
                s.add(ConsultationSite(id=f"site-{eid}", effecteur_id=eid, name="Cabinet", address="1 place Kléber",
                                       city_name="Strasbourg", city_insee_code="67482", lat=KLEBER[0], lon=KLEBER[1]))
            s.add(Effecteur(id=SOS_ID, kind="SOS", name="SOS Médecins Kléber", organization_id=SOS_SIRET,
                            phone="3624", sas_participant=True, accepts_extra=False))
            s.add(ConsultationSite(id=f"{SOS_ID}-1", effecteur_id=SOS_ID, name="Centre", address="2 place Kléber",
                                   city_name="Strasbourg", city_insee_code="67482", lat=KLEBER[0], lon=KLEBER[1]))
            s.flush()
            s.add_all([EffecteurEditor(effecteur_id=effecteur_id(e), editor=e) for e in DOCTORS])
            s.add(EffecteurEditor(effecteur_id=SOS_ID, editor="sos"))
            s.query(User).filter_by(username="osnp").one().regulator_id = OSNP_IDNPS
            s.commit()
    finally:
        engine.dispose()


def teach_editors(fleet: Fleet) -> None:
    """Each editor knows its practitioner (after every ``fleet.reset()``)."""
    for editor, (rpps, family) in DOCTORS.items():
        fleet[editor].add_practitioner(rpps, family=family, given="Jeanne", lat=KLEBER[0], lon=KLEBER[1],
                                       phone="+33388990000")
    fleet["sos"].add_structure(SOS_SIRET, name="SOS Médecins Kléber", lat=KLEBER[0], lon=KLEBER[1])


def soon(hours: float, minute: int = 0) -> datetime:
    """A slot start ``hours`` from now, on a whole minute (``minute`` keeps two tests' slots apart)."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    return now + timedelta(hours=hours, minutes=minute)


def wait_for(predicate, timeout: float = 20.0, step: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what}: not met within {timeout} s")


@dataclass
class Room:
    """The running server and the fleet; HTTP as the demo users."""

    server: ServerProcess
    fleet: Fleet
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def headers(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            answer = httpx.post(f"{self.url}/api/v1/auth/login", json={"username": user, "password": PASSWORDS[user]})
            assert answer.status_code == 200, answer.text
            self.tokens[user] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, path: str, user: str = "osnp", **params) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, headers=self.headers(user), timeout=60)

    def search(self, user: str = "osnp", radius_km: float = SEARCH_RADIUS_KM) -> dict:
        answer = self.get("/api/v1/slots/search", user, lat=KLEBER[0], lon=KLEBER[1], radius_km=radius_km,
                          limit=500)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def timed_search(self, user: str = "osnp") -> tuple[dict, float]:
        t0 = time.monotonic()
        body = self.search(user)
        return body, time.monotonic() - t0

    def slots_of(self, body: dict, editor: str) -> list[dict]:
        """The search's results for our effecteur at ``editor``."""
        eid = SOS_ID if editor == "sos" else effecteur_id(editor)
        return [r for r in body["results"] if r["effecteur"]["id"] == eid]

    def wait_slot(self, editor: str, start: datetime, *, present: bool = True, timeout: float = 25.0) -> dict:
        """Search until ``editor``'s slot at ``start`` is there (or gone); the last search's answer."""
        found: dict = {}

        def check():
            body = self.search()
            hit = [r for r in self.slots_of(body, editor) if datetime.fromisoformat(r["start"]) == start]
            found.update(body=body, hit=hit)
            return bool(hit) == present

        wait_for(check, timeout, 0.3, f"{editor} slot at {start} {'present' if present else 'gone'}")
        return found

    def editors(self) -> dict[str, dict]:
        answer = self.get("/api/v1/editors", "admin")
        assert answer.status_code == 200, answer.text
        return {e["name"]: e for e in answer.json()["editors"]}

    def journal(self) -> list[dict]:
        return read_journal(self.url)

    def decided_case(self) -> tuple[str, str]:
        """A case opened by the ARM and its MRL decision « consultation sous 48 h »: (case uuid, orientation uuid)."""
        case_uuid, n = str(uuid.uuid4()), uuid.uuid4().int % 10**8
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        case = {"uuid": case_uuid, "case_id": f"fr.health.samu670.DRFR15670251{n:08d}", "owner": "fr.health.samu670",
                "creation": now, "reception": now, "priority": "P2", "perimeter": "SNP",
                "caller_name": "Mme Martin", "caller_phone": "+33612345678", "address_complete": "1 place Kléber",
                "city_name": "Strasbourg", "city_insee_code": "67482", "lat": KLEBER[0], "lon": KLEBER[1],
                "patients": [{"uuid": str(uuid.uuid4()), "patient_id": f"fr.health.samu670.patient.{n}",
                              "last_name": "Martin", "first_name": "Odile", "birth_date": "1950-02-03", "sex": "F"}],
                "notes": [{"uuid": str(uuid.uuid4()), "creation": now, "author": "arm", "author_role": "ARM",
                           "freetext": "Toux depuis trois jours"}]}
        answer = httpx.put(f"{self.url}/api/v1/cases/{case_uuid}", json=case, headers=self.headers("arm"))
        assert answer.status_code == 201, answer.text
        decision = {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, "creation": now,
                    "decision_key": "CONSULTATION_48H", "decision_type": "ORIENT", "freetext": "Médecin de ville"}
        answer = httpx.put(f"{self.url}/api/v1/orientations/{decision['uuid']}", json=decision,
                           headers=self.headers("mrl"))
        assert answer.status_code == 201, answer.text
        event = {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, "created_at": now, "type": "decision",
                 "orientation_uuid": decision["uuid"]}  # the case leaves the queue for the OSNP's worklist
        answer = httpx.put(f"{self.url}/api/v1/cases/{case_uuid}/events/{event['uuid']}", json=event,
                           headers=self.headers("mrl"))
        assert answer.status_code == 201, answer.text
        return case_uuid, decision["uuid"]

    def book(self, slot_id: int, decision: tuple[str, str], user: str = "osnp", **extra) -> httpx.Response:
        case_uuid, orientation = decision
        return httpx.post(f"{self.url}/api/v1/slots/{slot_id}/booking", headers=self.headers(user), timeout=60,
                          json={"orientation_id": orientation, "case_id": case_uuid, **extra})

    def cancel(self, case_uuid: str, user: str = "osnp") -> httpx.Response:
        return httpx.delete(f"{self.url}/api/v1/slots/bookings/{case_uuid}", headers=self.headers(user), timeout=60)


def start_server(db_url: str, fleet: Fleet, folder: Path, *, refresh_s: float = 4, max_age_s: float = 2) -> Room:
    registry = fleet.write_registry(folder / "editors.toml", refresh_s=refresh_s, max_age_s=max_age_s)
    server = ServerProcess(db_url, free_port(), folder / "server.log",
                           args=["--editors", str(registry), "--journal-key", str(folder / "journal.key")],
                           env={"SAS_DATA_DIR": str(folder / "data")})
    server.start(timeout=60)
    return Room(server, fleet)
