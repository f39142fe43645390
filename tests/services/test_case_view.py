"""Issue 13 items 2–3 without Qt: the case view's read model and the prise en charge on a desk's cache.

Two desks share one cache file here (an ARM and doctors writing the same rows, as after a sync):
what the case view says — status in French, clocks, notes, earlier cases, events, who holds the
case and which acts each role may do — is written out in the expectations, not recomputed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.services.desk.regulation import NotAllowed
from app.services.desk.workflow import Desk, UserInfo
from app.services.intake import form as intake
from app.services.records.documents import OrientationDoc
from app.services.sync.api_client import ApiClient
from app.services.sync.case_store import CaseStore
from app.services.sync.local_store import LocalStore
from app.settings import Settings

NOW = datetime(2024, 1, 18, 9, 15, tzinfo=timezone.utc)  # 10:15 in Paris


@pytest.fixture
def desks(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
    store = LocalStore(factory)
    clock = {"now": NOW}

    def desk(username: str, role: str, name: str) -> Desk:
        return Desk(store=store, client=ApiClient("http://127.0.0.1:9"), settings=Settings(),
                    user=UserInfo(username, role, name), clock=lambda: clock["now"])

    yield desk, store, clock
    engine.dispose()


def _open(arm: Desk, **overrides):
    values = dict(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
                  commune_insee="67482", commune_name="Strasbourg", motive_code="M03.14", priority="P2",
                  notes="Fièvre depuis 48 h.", callback_confirmed=True)
    values.update(overrides)
    return arm.open_case(intake.IntakeForm(**values))


def test_a_case_reads_in_french_with_its_notes_clocks_and_earlier_cases(desks):
    make, _store, clock = desks
    arm = make("arm", "ARM", "Camille (ARM)")
    first = _open(arm, notes="")
    arm.regulation.close("DR.DREG.DRARM")
    clock["now"] = NOW + timedelta(minutes=30)
    case = _open(arm)
    arm.regulation.hand_over()
    view = arm.regulation.case_view(case.uuid)
    assert view.caller.startswith("Mme Martin")
    assert (view.callback, view.address, view.commune) == ("06 12 34 56 78", "12 rue des Juifs", "Strasbourg (67482)")
    assert view.status == "En cours — transmis, attend le médecin"
    assert [(c.name, c.delay) for c in view.clocks] == [("Présenté", "0:00"), ("Décroché", "0:00"),
                                                       ("Transmis", "0:00"), ("Décidé", "—")]
    assert view.notes == ["10:45 ARM : Fièvre depuis 48 h."]
    assert len(view.earlier) == 1 and view.earlier[0].startswith(first.case_id.rsplit(".", 1)[-1] + " du 18/01 10:15")
    assert [text for _at, text in view.events] == ["Note (ARM) : Fièvre depuis 48 h.", "Transmis au médecin régulateur libéral (MRL)"]
    assert view.holder is None
    # The ARM routes and notes, but neither takes the case nor closes a doctor's case.
    assert view.refusals["note"] is None and view.refusals["priority"] is None
    assert view.refusals["handover"] == "Dossier déjà transmis"
    assert view.refusals["take_charge"] == "Seuls les médecins régulateurs et l'OSNP prennent un dossier en charge"
    assert "médecin régulateur" in view.refusals["close"]


def test_a_doctor_takes_it_another_sees_who_and_closing_releases(desks):
    make, store, clock = desks
    arm = make("arm", "ARM", "Camille (ARM)")
    case = _open(arm)
    mrl = make("mrl", "MRL", "Dr Claire Muller")
    mrl.current_case = store.get_case(case.uuid)
    clock["now"] = NOW + timedelta(minutes=2)
    mrl.regulation.take_charge()
    [entry] = mrl.regulation.queue()
    assert (entry.holder, entry.holder_name, entry.held_since) == ("mrl", "Dr Claire Muller", clock["now"])
    mru = make("mru", "MRU", "Dr Antoine Lefèvre")
    seen = mru.regulation.case_view(case.uuid)
    assert seen.held_by_other("mru") and (seen.holder.name, seen.holder.since) == ("Dr Claire Muller", clock["now"])
    assert seen.refusals["take_charge"] is None  # a take-over is allowed (and journalled)
    assert mrl.regulation.case_view(case.uuid).refusals["take_charge"] == "Vous avez déjà ce dossier en charge"
    with pytest.raises(NotAllowed):
        arm.current_case = store.get_case(case.uuid)
        arm.regulation.take_charge()
    mrl.regulation.close()
    closed = mrl.regulation.case_view(case.uuid)
    assert (closed.status, closed.holder) == ("Clôturé", None)
    assert closed.refusals["take_charge"] == "Dossier clôturé : il ne se prend plus en charge"


def test_a_decided_case_is_never_en_cours_and_waits_in_the_worklist_until_booked(desks):
    make, store, clock = desks
    arm = make("arm", "ARM", "Camille (ARM)")
    case = _open(arm)
    mrl = make("mrl", "MRL", "Dr Claire Muller")
    mrl.current_case = store.get_case(case.uuid)
    orientation = mrl.record_decision("CONSULTATION_48H")
    assert mrl.regulation.case_view(case.uuid).status == "Décidé : Consultation en ville sous 48 h — créneau à réserver"
    assert [e.uuid for e in mrl.regulation.queue()] == []
    assert [e.uuid for e in mrl.regulation.worklist()] == [case.uuid]
    booked = orientation.model_copy(update={"slot_id": 7, "effecteur_name": "Dr Hoarau", "version": 2,
                                            "appointment_start": NOW + timedelta(hours=3)})
    store.accept_server_orientation(OrientationDoc.model_validate(booked.model_dump()))
    view = mrl.regulation.case_view(case.uuid)
    assert view.status == "Décidé : Consultation en ville sous 48 h — rendez-vous réservé"
    assert view.events[-1][1] == "Décision : Consultation en ville sous 48 h — rendez-vous Dr Hoarau à 13:15"
    assert mrl.regulation.worklist() == []


def test_the_holder_follows_the_events_times_whatever_order_they_arrive_in(desks):
    make, store, clock = desks
    arm = make("arm", "ARM", "Camille (ARM)")
    case = _open(arm)
    mrl, mru = make("mrl", "MRL", "Dr Claire Muller"), make("mru", "MRU", "Dr Antoine Lefèvre")
    mrl.current_case = mru.current_case = store.get_case(case.uuid)
    clock["now"] = NOW + timedelta(minutes=5)
    mrl.regulation.take_charge()  # the later take, applied first (this desk's own)
    clock["now"] = NOW + timedelta(minutes=4)
    mru.regulation.take_charge()  # an earlier take pulled afterwards: it does not win
    clock["now"] = NOW + timedelta(minutes=3)
    mru.regulation.release()  # an earlier release neither
    held = CaseStore(store.session_factory).case_holder(case.uuid)
    assert held == ("mrl", "Dr Claire Muller", NOW + timedelta(minutes=5))
