"""Issue 3 without Qt: official lists, routing, queue and clocks, duplicates, patients, desk workflow."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.services.intake import duplicates, form as intake, patients
from app.codes import nomenclatures
from app.services.regulation import queue, routing
from app.services.sync.api_client import ApiClient
from app.services.regulation import rules
from app.services.regulation.actor import Actor
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.local_store import LocalStore
from app.services.intake.patients import PatientForm
from app.services.desk.regulation import NotAllowed
from app.settings import Settings

NOW = datetime(2024, 1, 18, 10, 15, tzinfo=timezone.utc)


def _form(**overrides) -> intake.IntakeForm:
    values = dict(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
                  commune_insee="67482", commune_name="Strasbourg", motive_code="M03.14", priority="P2")
    values.update(overrides)
    return intake.IntakeForm(**values)


@pytest.fixture
def desk_for(tmp_path):
    engines = []

    def make(role="ARM", clock=lambda: NOW):
        engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
        engines.append(engine)
        return Desk(store=LocalStore(factory), client=ApiClient("http://127.0.0.1:9"), settings=Settings(),
                    user=UserInfo(role.lower(), role, role), clock=clock)

    yield make
    for engine in engines:
        engine.dispose()


# --- official lists ------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, code", [
    ("motif", "m0306", "M03.06"), ("fait", "accident domestique", "C02.08.02"), ("lieu", "L01.02", "L01.02.00"),
    ("risque", "R05", "R05"), ("attribution", "drm.mrl.mg", "DRM.MRL.MG"), ("langue", "anglais", "en"),
    ("lieu", "voie publique", None),
])
def test_lists_search_by_code_or_words(name, text, code):
    found = [c.code for c in nomenclatures.search(name, text)]
    assert found, text
    if code:
        assert code in found[:5]


def test_lists_labels_and_hierarchy():
    assert nomenclatures.label("lieu", "L01.00.00") == "Domicile"
    assert nomenclatures.get("motif", "M01.01").group == "Détresse vitale"
    assert len(nomenclatures.codes("attribution")) == 40 and nomenclatures.is_known("attribution", "D.D-MALV.ERR")


# --- routing -----------------------------------------------------------------------------------

def test_routing_rules():
    assert routing.suggest(priority="P2").perimeter == "SNP"  # home presumed
    assert routing.suggest(priority="P2", location_kind_code="L01.01.01").attribution == "DRM.MRL.MG"
    public = routing.suggest(priority="P3", location_kind_code="L04.00.00")
    assert (public.perimeter, public.attribution) == ("AMU", "DRM.MRU.MU") and "Lieu public" in public.reason
    assert routing.suggest(priority="P2", motive_code="M01.03").perimeter == "AMU"
    p0 = routing.suggest(priority="P0")
    assert p0.accompanied and p0.perimeter == "AMU"
    assert routing.suggest(priority="P2", caller_type="SANTE.INF").perimeter == "AMU"


def test_surge_or_urgent_queue_suspends_the_split():
    surge = routing.suggest(priority="P2", location_kind_code="L01.00.00", surge=True)
    assert surge.split_suspended and surge.attribution == "DRM" and "afflux" in surge.reason
    busy = routing.suggest(priority="P3", urgent_waiting=2)
    assert busy.split_suspended and "2 dossiers P0/P1" in busy.reason
    assert not routing.suggest(priority="P0", surge=True).split_suspended  # P0 is never held


def test_override_needs_a_reason():
    form = _form(perimeter="AMU", suggested_perimeter="SNP", suggested_attribution="DRM.MRL.MG")
    assert [e.field for e in intake.validate(form)] == ["routing"]
    form.routing_reason = "Patient sous oxygène, mari inquiet"
    assert intake.validate(form) == []


# --- decisions ---------------------------------------------------------------------------------

def _decides(role: str, key: str) -> bool:
    return rules.decision_refusal(Actor(role.lower(), role), key, None) is None


def test_only_doctors_record_medical_decisions():
    assert _decides("MRL", "CONSEIL") and _decides("MRU", "SMUR")
    assert not _decides("ARM", "CONSEIL") and not _decides("OSNP", "CONSEIL")
    # The OSNP books the MRL's decision; it never writes one, not even a slot decision.
    assert not _decides("OSNP", "CONSULTATION_48H") and not _decides("OSNP", "SMUR")


def test_who_closes_which_case():
    assert rules.may_close("ARM", "D.D-MALV.ERR") and rules.may_close("ARM", "DR.DREG.DRARM")
    assert not rules.may_close("ARM", "DRM.MRL.MG") and not rules.may_close("SUPERVISEUR", "DRM.MRU")
    assert rules.may_close("MRL", "DRM.MRL.MG")


# --- bad input -------------------------------------------------------------------------------------

def test_patient_checks():
    today = date(2024, 1, 18)
    assert patients.validate(PatientForm(birth_date="19/01/2024"), today=today) == \
        {"birth_date": "Date de naissance dans le futur"}
    assert patients.validate(PatientForm(age="121"), today=today) == {"age": "Âge supérieur à 120 ans"}
    assert patients.validate(PatientForm(gp_rpps="123"), today=today) == {"gp_rpps": "RPPS du médecin traitant : 11 chiffres"}
    assert patients.parse_age("3 mois") == "P3M" and patients.parse_birth_date("3/2/1950") == date(1950, 2, 3)
    errors = intake.validate(_form(patients=[PatientForm(birth_date="01/01/2999")]))
    assert [(e.field, e.message) for e in errors] == [("patient_birth_date", "Date de naissance dans le futur")]


def test_place_outside_france_is_refused():
    errors = intake.validate(_form(lat=52.52, lon=13.40, coord_precision="ADRESSE"))
    assert [(e.field, e.message) for e in errors] == [("commune", "Lieu hors de France")]
    errors = intake.validate(_form(commune_insee="", commune_name="Berlin"))
    assert errors[0].message == "Commune inconnue ou hors de France : choisissez-la dans la liste"


def test_whole_case_document():
    form = _form(caller_type="FAMILLE", caller_language="en", caller_communication="LANGUE", access_floor="3",
                 access_code="A12", location_kind_code="L01.01.01", whats_happen_code="C02.08.00",
                 risk_codes=["R05"], patients=[PatientForm("Martin", "Jeanne", "03/02/1950", sex="F",
                                                           gp_rpps="81012345678")])
    doc = intake.build_case_doc(form, uuid="u-1", case_id="fr.health.samu670.DRFR15670240180001",
                                owner="fr.health.samu670", now=NOW, author="arm")
    assert (doc.perimeter, doc.attribution, doc.suggested_perimeter) == ("SNP", "DRM.MRL.MG", "SNP")
    assert doc.location_kind_label and doc.whats_happen_label and doc.risk_threat_codes == ["R05"]
    assert doc.patients[0].patient_id == "fr.health.samu670.patient.DRFR15670240180001-1"
    assert doc.patients[0].general_practitioner_rpps == "81012345678"


# --- queue and clocks ---------------------------------------------------------------------------

def test_queue_orders_by_priority_then_wait_and_keeps_p0_apart(desk_for):
    times = iter([NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=2), NOW + timedelta(minutes=3)])
    desk = desk_for("ARM", clock=lambda: next(times, NOW + timedelta(minutes=10)))
    old_p2 = desk.open_case(_form(reception=NOW))
    desk.open_case(_form(priority="P3", caller_phone="0611111111", address="1 rue A", reception=NOW))
    p1 = desk.open_case(_form(priority="P1", caller_phone="0622222222", address="2 rue B",
                              reception=NOW + timedelta(minutes=2)))
    p0 = desk.open_case(_form(priority="P0", caller_phone="0633333333", address="3 rue C",
                              reception=NOW + timedelta(minutes=3)))
    entries = desk.regulation.queue()
    assert [e.priority for e in entries] == ["P0", "P1", "P2", "P3"]
    assert entries[0].uuid == p0.uuid and entries[0].accompanied and p0.accompanied
    assert [e.uuid for e in queue.waiting(entries)][:2] == [p1.uuid, old_p2.uuid]
    assert queue.urgent_waiting(entries) == 2
    assert queue.format_duration(entries[-1].waiting_s) == "10:00"


def test_handover_decision_and_clocks(desk_for):
    clock = {"now": NOW}
    desk = desk_for("MRL", clock=lambda: clock["now"])
    case = desk.open_case(_form(reception=NOW - timedelta(seconds=20), answered=NOW - timedelta(seconds=12)))
    clock["now"] = NOW + timedelta(minutes=1)
    desk.regulation.hand_over()
    clock["now"] = NOW + timedelta(minutes=4)
    desk.record_decision("CONSEIL")
    stored = desk.current_case
    c = queue.clocks(stored)
    assert (c.answer_s, c.handover_s, c.decision_s) == (8, 80, 260)
    assert [e.type for e in desk.regulation.cases.events(case.uuid)] == ["handover", "decision"]
    assert desk.regulation.queue() == []  # decided: out of the queue


def test_arm_closes_only_non_medical_attributions(desk_for):
    desk = desk_for("ARM")
    desk.open_case(_form())
    with pytest.raises(NotAllowed):
        desk.regulation.close()
    with pytest.raises(NotAllowed):
        desk.record_decision("CONSEIL")
    desk.regulation.close("D.D-MALV.ERR")
    assert (desk.current_case.status, desk.current_case.attribution) == ("CLOTURE", "D.D-MALV.ERR")
    assert desk.regulation.queue() == []


def test_override_and_surge_are_logged_with_who_and_why(desk_for):
    desk = desk_for("MRU")
    desk.regulation.set_surge(True, "Épidémie de bronchiolite")
    assert desk.regulation.surge().active and desk.regulation.surge().author == "mru"
    form = _form()
    assert desk.regulation.suggestion(form).split_suspended
    case = desk.open_case(_form(perimeter="AMU", attribution="DRM.MRU.MU", suggested_perimeter="AMU",
                                suggested_attribution="DRM", routing_reason="Appel d'un EHPAD"))
    events = desk.regulation.cases.events(case.uuid)
    assert [(e.type, e.perimeter, e.freetext) for e in events] == [("routing_override", "AMU", "Appel d'un EHPAD")]
    kinds = [item.entity for item in desk._store.pending_outbox()]
    assert kinds == ["surge", "case", "case_event"]


def test_duplicates_by_number_or_address_within_24h(desk_for):
    desk = desk_for("ARM")
    first = desk.open_case(_form())
    same_number = desk.regulation.duplicates(_form(caller_phone="0999999999", callback_phone="+33612345678",
                                                   address="autre"))
    assert [d.case.uuid for d in same_number] == [first.uuid] and same_number[0].reasons == ("même numéro de téléphone",)
    same_place = desk.regulation.duplicates(_form(caller_phone="0699999999", address="12, R. des Juifs"))
    assert same_place[0].reasons == ("même adresse",)
    assert desk.regulation.duplicates(_form(caller_phone="0699999999", address="3 rue Haute")) == []
    desk.regulation.attach_call(first, _form(caller_name="Le fils", notes="rappelle"))
    assert desk.current_case.notes[-1].freetext == "Nouvel appel rattaché (Le fils 06 12 34 56 78) : rappelle"
    closed = desk.current_case.model_copy(update={"status": "CLOTURE", "creation": NOW - timedelta(hours=25)})
    assert duplicates.find([closed], phones=["+33612345678"], address="", insee="", now=NOW) == []


def test_drafts_keep_everything_typed(desk_for):
    desk = desk_for("ARM")
    form = _form(caller_phone="06 12", patients=[PatientForm("Martin", birth_date="01/01/2999")],
                 reception=NOW, access_code="A1")
    uuid = desk.regulation.cases.save_draft(form, author="arm")
    [(got_uuid, _saved, again)] = desk.regulation.cases.drafts("arm")
    assert got_uuid == uuid and again == form
    desk.regulation.cases.delete_draft(uuid)
    assert desk.regulation.cases.drafts("arm") == []


def test_remote_case_events_and_surge_apply_to_the_cache(desk_for, tmp_path):
    desk = desk_for("ARM")
    case = desk.open_case(_form())
    store = desk._store
    entries = [
        {"seq": 1, "uuid": "e-1", "kind": "case_event", "author": "mrl", "author_role": "MRL",
         "created_at": "2024-01-18T10:30:00+00:00",
         "payload": {"uuid": "e-1", "case_uuid": case.uuid, "created_at": "2024-01-18T10:30:00+00:00",
                     "type": "decision"}},
        {"seq": 2, "uuid": "s-1", "kind": "surge", "author": "superviseur", "author_role": "SUPERVISEUR",
         "created_at": "2024-01-18T10:31:00+00:00",
         "payload": {"uuid": "s-1", "created_at": "2024-01-18T10:31:00+00:00", "active": True, "reason": "Plan blanc"}},
    ]
    store.store_journal(entries, 2)
    assert store.get_case(case.uuid).decided_at is not None
    assert desk.regulation.surge().reason == "Plan blanc"
