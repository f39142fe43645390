"""The console's local cache: atomic writes with their outbox row, journal copy, durability."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select

from app.models import Case, OutboxItem
from app.models.db import open_database, sqlite_url
from app.services.records.documents import CaseDoc, OrientationDoc, PatientDoc
from app.services.sync.local_store import LocalStore

T0 = datetime(2025, 11, 24, 14, 30, tzinfo=timezone.utc)


def make_case(n: int = 1, **overrides) -> CaseDoc:
    values = dict(
        uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670253280{n:04d}", owner="fr.health.samu670",
        creation=T0 + timedelta(minutes=n), priority="P2", perimeter="SNP", caller_phone="+33612345678",
        city_name="Strasbourg", lat=48.58, lon=7.75,
        patients=[PatientDoc(uuid=str(uuid.uuid4()), patient_id="fr.health.samu670.patient.1", first_name="Jeanne")],
    )
    values.update(overrides)
    return CaseDoc(**values)


def make_orientation(case: CaseDoc, **overrides) -> OrientationDoc:
    values = dict(uuid=str(uuid.uuid4()), case_uuid=case.uuid, creation=T0 + timedelta(hours=1),
                  decision_key="CONSEIL", decision_type="CONSEIL", freetext="Conseils donnés")
    values.update(overrides)
    return OrientationDoc(**values)


def open_store(path) -> tuple[LocalStore, object]:
    engine, factory = open_database(sqlite_url(path))
    return LocalStore(factory), engine


@pytest.fixture
def store(tmp_path):
    s, engine = open_store(tmp_path / "cache.db")
    yield s
    engine.dispose()


def test_save_case_writes_the_case_and_one_outbox_row(store):
    doc = make_case()
    store.save_case(doc, author="arm1")
    assert store.get_case(doc.uuid) == doc
    items = store.pending_outbox()
    assert len(items) == 1 and store.outbox_count() == 1
    item = items[0]
    assert (item.entity, item.entity_uuid, item.method) == ("case", doc.uuid, "PUT")
    assert item.path == f"/api/v1/cases/{doc.uuid}"
    assert item.body == doc.model_dump(mode="json")


def test_failure_in_the_middle_writes_nothing(store):
    doc = make_case()

    def boom(*_args):
        raise RuntimeError("disk full")

    event.listen(OutboxItem, "before_insert", boom)
    try:
        with pytest.raises(RuntimeError):
            store.save_case(doc, author="arm1")
    finally:
        event.remove(OutboxItem, "before_insert", boom)
    assert store.get_case(doc.uuid) is None
    assert store.outbox_count() == 0
    with store._sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_saving_an_unsent_case_again_replaces_the_pending_body(store):
    doc = make_case()
    store.save_case(doc, author="arm1")
    patient = doc.patients[0].model_copy(update={"first_name": "Jeanne-Marie"})
    extra = PatientDoc(uuid=str(uuid.uuid4()), patient_id="fr.health.samu670.patient.2", rank=2, first_name="Paul")
    edited = doc.model_copy(update={"priority": "P1", "patients": [patient, extra]})
    store.save_case(edited, author="arm1")
    assert store.get_case(doc.uuid) == edited
    items = store.pending_outbox()
    assert len(items) == 1 and items[0].body == edited.model_dump(mode="json")


def test_saving_a_sent_case_again_queues_a_new_version(store):
    doc = make_case()
    store.save_case(doc, author="arm1")
    first = store.pending_outbox()[0]
    assert store.mark_sent(first.id, first.body)
    store.save_case(doc.model_copy(update={"priority": "P0"}), author="arm1")
    items = store.pending_outbox()
    assert len(items) == 1 and items[0].body["priority"] == "P0"


def test_an_edit_made_while_sending_is_not_lost(store):
    doc = make_case()
    store.save_case(doc, author="arm1")
    sent = store.pending_outbox()[0]
    store.save_case(doc.model_copy(update={"priority": "P1"}), author="arm1")  # while the PUT is in flight
    assert store.mark_sent(sent.id, sent.body) is False
    assert store.pending_outbox()[0].body["priority"] == "P1"


def test_outbox_order_failures_and_rejections(store):
    case = make_case()
    orientation = make_orientation(case)
    store.save_case(case, author="arm1")
    store.save_orientation(orientation, author="mrl1", author_role="MRL")
    assert store.orientations_for_case(case.uuid) == [orientation]
    items = store.pending_outbox()
    assert [i.entity for i in items] == ["case", "orientation"]
    assert items[1].path == f"/api/v1/orientations/{orientation.uuid}"
    store.mark_failed(items[0].id, "Serveur injoignable")
    assert store.pending_outbox()[0].attempts == 1
    store.mark_rejected(items[1].id, "Conflit")
    assert store.outbox_count() == 1
    assert [(r.entity_uuid, r.last_error) for r in store.rejected_items()] == [(orientation.uuid, "Conflit")]
    assert [i.id for i in store.pending_outbox()] == [items[0].id]


def test_cases_newest_first(store):
    docs = [make_case(n) for n in (1, 3, 2)]
    for d in docs:
        store.save_case(d, author="arm1")
    assert [c.case_id for c in store.cases(limit=2)] == [docs[1].case_id, docs[2].case_id]


def _entry(seq: int, doc, kind: str, author: str = "arm2", role: str = "ARM") -> dict:
    return {"seq": seq, "uuid": doc.uuid, "kind": kind, "author": author, "author_role": role,
            "created_at": (T0 + timedelta(seconds=seq)).isoformat(), "payload": doc.model_dump(mode="json")}


def test_store_journal_is_idempotent_and_moves_the_cursor(store):
    remote_case = make_case(7)
    remote_orientation = make_orientation(remote_case)
    entries = [_entry(1, remote_case, "case"), _entry(2, remote_orientation, "orientation", "mrl2", "MRL")]
    added = store.store_journal(entries, 2)
    assert [e["seq"] for e in added] == [1, 2] and store.journal_cursor() == 2
    assert store.store_journal(entries[1:], 2) == []
    assert store.journal_cursor() == 2
    # Cases and orientations written at other desks become available locally.
    assert store.get_case(remote_case.uuid) == remote_case
    assert store.orientations_for_case(remote_case.uuid) == [remote_orientation]
    assert store.outbox_count() == 0
    # A payload the console does not understand is kept in the journal, nothing else.
    odd = {"seq": 3, "uuid": str(uuid.uuid4()), "kind": "booking", "author": "osnp", "author_role": "OSNP",
           "created_at": T0.isoformat(), "payload": {"slot_id": 4}}
    assert len(store.store_journal([odd], 3)) == 1 and store.journal_cursor() == 3


def test_a_decision_the_desk_sent_itself_is_kept_once_even_when_the_journal_brought_it_first(store):
    """A doctor decides by booking: the decision's PUT was answered; the live journal may have won the race."""
    case = make_case(8)
    store.store_journal([_entry(1, case, "case")], 1)
    sent = make_orientation(case, decision_key="CONSULTATION_48H", decision_type="ORIENT", freetext=None)
    store.store_journal([_entry(2, sent, "orientation", "mrl", "MRL")], 2)  # the journal came back first
    store.keep_sent_orientation(sent, author="mrl", author_role="MRL")
    assert store.orientations_for_case(case.uuid) == [sent]  # still version 1
    assert store.outbox_count() == 0  # nothing to send again: no second version on the server
    other = make_orientation(case, creation=T0 + timedelta(hours=2))
    store.keep_sent_orientation(other, author="mrl", author_role="MRL")  # the journal not there yet
    assert other in store.orientations_for_case(case.uuid)
    assert store.outbox_count() == 0


def test_another_desks_version_of_the_same_number_is_taken_when_nothing_of_ours_waits(store):
    """Our cache numbered a decision v2 that the server kept as v1; another desk's real v2 must still show."""
    case = make_case(9)
    store.store_journal([_entry(1, case, "case")], 1)
    ours = make_orientation(case)
    store.store_journal([_entry(2, ours, "orientation", "mrl", "MRL")], 2)
    store.save_orientation(ours, author="mrl", author_role="MRL")  # saved again unchanged: v2 here
    item = store.pending_outbox()[0]
    store.mark_sent(item.id)  # the server answered « replay »: it still holds v1
    theirs = ours.model_copy(update={"version": 2, "freetext": "Rappel à 18 h par le Dr Weiss"})
    store.store_journal([_entry(3, theirs, "orientation", "mrl2", "MRL")], 3)
    assert store.orientations_for_case(case.uuid)[0].freetext == "Rappel à 18 h par le Dr Weiss"


def test_journal_shows_pending_items_first(store):
    remote = make_case(7)
    store.store_journal([_entry(1, remote, "case")], 1)
    local = make_case(8)
    store.save_case(local, author="arm1")
    orientation = make_orientation(local)
    store.save_orientation(orientation, author="mrl1", author_role="MRL")
    rows = store.journal()
    assert [(r["seq"], r["uuid"], r["pending"]) for r in rows] == [
        (None, orientation.uuid, True), (None, local.uuid, True), (1, remote.uuid, False)]
    assert rows[0]["author"] == "mrl1" and rows[0]["author_role"] == "MRL" and rows[1]["author"] == "arm1"
    assert rows[2]["created_at"] == T0 + timedelta(seconds=1)
    store.mark_rejected(store.pending_outbox()[1].id, "Conflit")
    rows = store.journal(limit=2)
    assert len(rows) == 2 and rows[0]["rejected"] and rows[0]["error"] == "Conflit" and not rows[0]["pending"]


def test_reopening_keeps_everything(tmp_path):
    path = tmp_path / "cache.db"
    store, engine = open_store(path)
    case = make_case()
    orientation = make_orientation(case)
    store.save_case(case, author="arm1")
    store.save_orientation(orientation, author="mrl1", author_role="MRL")
    store.store_journal([_entry(5, make_case(9), "case")], 5)
    assert store.next_counter("case:2025-328") == 1
    engine.dispose()

    store, engine = open_store(path)
    try:
        assert store.get_case(case.uuid) == case
        assert store.orientations_for_case(case.uuid) == [orientation]
        assert [i.entity_uuid for i in store.pending_outbox()] == [case.uuid, orientation.uuid]
        assert store.journal_cursor() == 5
        assert store.next_counter("case:2025-328") == 2
    finally:
        engine.dispose()
