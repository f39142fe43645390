"""Fixtures of the shift review tests: a dressed demo shift in a real SQLite cache, and one fully told case.

``shift`` is a 12-hour shift of 400 cases (clocks, hand-overs, decisions, the
hash-chained journal) dressed with patients, motives, addresses, notes and slot
searches (:mod:`app.demo.review`).  ``told_case`` adds one case whose
whole story is known: intake, answer, a note, a hand-over, a routing override,
an empty then a fruitful slot search, a booked decision, an appointment update
when the schema has appointments, and a Hub Santé receipt in the audit trail.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

import app.models as models
from app.models import Case, CaseEvent, CaseNote, Orientation, Patient
from app.models.db import open_database, sqlite_url
from app.models.journal import AuditEvent
from app.demo import review as demo_review, shift as demo_shift
from app.services.records import journal

START = datetime(2024, 1, 18, 7, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=12)
NOW = START + timedelta(hours=11)
CASES = 400
T0 = START + timedelta(hours=3)


@pytest.fixture
def shift(tmp_path):
    """A session factory over a cache holding the dressed shift."""
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"))
    with factory() as session:
        demo_shift.fill_shift(session, START, CASES, now=NOW)
        demo_review.dress_shift(session)
    yield factory
    engine.dispose()


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def told_case(shift) -> str:
    """The uuid of a case with every kind of step, written through the models into the shift's cache."""
    uuid = "11111111-2222-4333-8444-555555555555"
    with shift() as s:
        journal.begin_write(s)
        s.add(Case(uuid=uuid, case_id="fr.health.samu670.DRFR15670240189999", owner="fr.health.samu670",
                   reception=_at(0), creation=_at(20), answered_at=_at(20), priority="P2", perimeter="SNP",
                   health_motive_label="Fièvre", city_name="Sélestat", address_complete="3 rue des Écoles, Sélestat",
                   created_by="arm1"))
        s.flush()
        s.add(Patient(case_uuid=uuid, patient_id="p1", first_name="Zoé", last_name="Éloïse-Ünal"))
        journal.append(s, uuid=uuid, kind="case", author="arm1", author_role="ARM", payload={"uuid": uuid}, now=_at(20))
        s.add(CaseNote(uuid="e-note", case_uuid=uuid, creation=_at(60), author="arm1", author_role="ARM",
                       freetext="Enfant de 4 ans, 39,5 °C"))
        events = [("e-note", "note", _at(60), "arm1", "ARM", {"freetext": "Enfant de 4 ans, 39,5 °C"}),
                  ("e-route", "routing_override", _at(90), "arm1", "ARM",
                   {"perimeter": "SNP", "freetext": "Appel du médecin traitant"}),
                  ("e-hand", "handover", _at(120), "arm1", "ARM", {"to_role": "MRL"}),
                  ("e-s1", "search", _at(300), "mrl1", "MRL",
                   {"search": {"result_count": 0, "criteria": {"radius_km": 10}}}),
                  ("e-s2", "search", _at(360), "mrl1", "MRL",
                   {"search": {"result_count": 4, "criteria": {"radius_km": 20}}})]
        for ev_uuid, kind, at, author, role, payload in events:
            s.add(CaseEvent(uuid=ev_uuid, case_uuid=uuid, type=kind, created_at=at, author=author, author_role=role,
                            payload={"type": kind, **payload}))
        s.add(Orientation(uuid="o1", case_uuid=uuid, creation=_at(420), decision_key="CONSULTATION_48H",
                          decision_type="ORIENT", slot_id=42, effecteur_name="Dr Anne Weber",
                          appointment_start=_at(7200), appointment_mode="AMB", author="mrl1", author_role="MRL"))
        appointment = getattr(models, "Appointment", None)
        if appointment is not None and inspect(s.get_bind()).has_table(appointment.__tablename__):
            s.add(appointment(appointment_id="rdv-1", case_uuid=uuid, regulator_id="mrl1", booked_at=_at(430),
                              start=_at(7200), status="noshow", updated_at=_at(7300), effecteur_name="Dr Anne Weber"))
        s.add(AuditEvent(at=_at(500), username="hub", role="ADMIN", action="hub.messages.post", object_uuid=uuid,
                         outcome="rs-eda-maj applied (1 events)"))
        s.commit()
    return uuid
