"""The shift review's service: period, filters, accent- and case-insensitive search, and the journal's chain."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from app.codes import room_time
from app.services.supervision import shift_review as review
from tests.review.conftest import CASES, END, START


@pytest.fixture
def rows(shift):
    with shift() as session:
        session.execute(text("UPDATE cases SET status = 'CLOTURE' WHERE decided_at IS NOT NULL AND priority = 'P3'"))
        session.commit()
        return review.load_review(session, START, END)


def _flt(**kw) -> review.ReviewFilter:
    return review.ReviewFilter(START, END, **kw)


def test_the_period_holds_the_cases_presented_in_it(shift, rows):
    assert len(rows) == CASES
    assert all(START <= r.presented < END for r in rows)
    with shift() as session:
        first_hour = review.load_review(session, START, START + timedelta(hours=1))
    assert 0 < len(first_hour) < CASES
    assert {r.uuid for r in first_hour} == {r.uuid for r in rows if r.presented < START + timedelta(hours=1)}


def test_search_ignores_case_and_accents(rows):
    accented = next(r for r in rows if any(c in r.patient for c in "éèëÉ"))
    name = accented.patient.split(", ")[0]
    plain = name.upper().translate(str.maketrans("ÉÈËÊÏÎÔÇ", "EEEEIIOC"))
    assert plain != name
    found_plain, found_exact = review.apply_filter(rows, _flt(text=plain)), review.apply_filter(rows, _flt(text=name))
    assert accented in found_plain
    assert [r.uuid for r in found_plain] == [r.uuid for r in found_exact]
    assert all(review.fold(name) in r.haystack for r in found_plain)


def test_search_finds_motive_address_and_notes_and_needs_every_word(rows):
    selestat = review.apply_filter(rows, _flt(text="selestat"))
    assert selestat and all(r.city == "Sélestat" or "selestat" in r.haystack for r in selestat)
    both = review.apply_filter(rows, _flt(text="SÉLESTAT fièvre"))
    assert both and set(both) <= set(selestat)
    assert all(r.motive == "Fièvre" or "fievre" in r.haystack for r in both)
    assert review.apply_filter(rows, _flt(text="penicilline"))  # a note's words
    assert review.apply_filter(rows, _flt(text="selestat zzzz")) == []


@pytest.mark.parametrize("field", ["priority", "status", "role", "operator", "decision"])
def test_each_box_keeps_exactly_the_matching_cases(rows, field):
    found = review.choices(rows)
    value = {"priority": "P1", "status": "CLOTURE", "role": "MRL", "operator": "arm2",
             "decision": found.decisions[0]}[field]
    kept = review.apply_filter(rows, _flt(**{field: value}))
    expected = {
        "priority": lambda r: r.priority == value, "status": lambda r: r.status == value,
        "role": lambda r: value in r.roles, "operator": lambda r: value in r.operators,
        "decision": lambda r: r.decision == value,
    }[field]
    assert kept == [r for r in rows if expected(r)]
    assert 0 < len(kept) < len(rows)


def test_undecided_cases_and_combined_filters(rows):
    undecided = review.apply_filter(rows, _flt(decision=review.NO_DECISION))
    assert undecided and all(r.decision is None for r in undecided)
    combined = review.apply_filter(rows, _flt(priority="P2", role="MRL", text="douleur"))
    assert all(r.priority == "P2" and "MRL" in r.roles and "douleur" in r.haystack for r in combined)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_period_presets_are_shifts_and_days_on_the_rooms_clock():
    paris, reunion = room_time.zone_of("67"), room_time.zone_of("974")
    now = datetime(2024, 1, 18, 9, 30, tzinfo=timezone.utc)  # 10:30 in Strasbourg, 13:30 in Saint-Denis
    assert review.preset_period("shift", now, paris) == (utc(2024, 1, 18, 7), utc(2024, 1, 18, 19))
    assert review.preset_period("previous", now, paris) == (utc(2024, 1, 17, 19), utc(2024, 1, 18, 7))
    assert review.preset_period("today", now, paris) == (utc(2024, 1, 17, 23), utc(2024, 1, 18, 23))
    assert review.preset_period("yesterday", now, paris) == (utc(2024, 1, 16, 23), utc(2024, 1, 17, 23))
    assert review.preset_period("today", now, reunion) == (utc(2024, 1, 17, 20), utc(2024, 1, 18, 20))
    assert review.preset_period("shift", now, reunion) == (utc(2024, 1, 18, 4), utc(2024, 1, 18, 16))
    assert review.preset_period("last_hour", now) == (now - timedelta(hours=1), now)
    # The day clocks go forward in Paris is 23 hours long; the night shift across it 11 hours.
    spring = datetime(2024, 3, 31, 12, 0, tzinfo=timezone.utc)
    assert review.preset_period("today", spring, paris) == (utc(2024, 3, 30, 23), utc(2024, 3, 31, 22))
    assert review.preset_period("previous", spring, paris) == (utc(2024, 3, 30, 19), utc(2024, 3, 31, 6))


def test_chain_status_is_ok_then_names_the_first_tampered_entry(shift):
    with shift() as session:
        status = review.chain_status(session)
    assert status.ok and status.entries > CASES
    assert status.badge() == f"Journal intègre — {status.entries} entrée(s)"
    engine = shift.kw["bind"]
    with engine.begin() as conn:  # what someone with write access to the file could do
        conn.execute(text("DROP TRIGGER IF EXISTS journal_no_update"))
        conn.execute(text("UPDATE journal SET author = 'mallory' WHERE seq = 37"))
    with shift() as session:
        broken = review.chain_status(session)
    assert (broken.ok, broken.first_bad_seq, broken.entries) == (False, 37, status.entries)
    assert broken.badge().startswith("Chaîne rompue à l'entrée n° 37")


def test_fold():
    assert review.fold("Hélène ÉTIENNE, Çà et là") == "helene etienne, ca et la"
    assert review.fold("Straße") == "strasse"
