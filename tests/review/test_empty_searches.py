"""The supervisor indicator "searches that found nothing", over the shift and the last hour."""

from __future__ import annotations

from datetime import timedelta

from app.models import CaseEvent
from app.services.supervision import stats
from app.services.supervision.stats_rows import CaseRow, Rows, SearchRow
from tests.review.conftest import END, NOW, START


def test_empty_searches_share_over_the_shift_and_the_last_hour():
    cases = [CaseRow("a", "A", START + timedelta(hours=1), perimeter="SNP"),
             CaseRow("b", "B", START + timedelta(hours=2), perimeter="AMU")]
    searches = [SearchRow("a", START + timedelta(hours=1, minutes=5), 0),
                SearchRow("a", START + timedelta(hours=1, minutes=8), 6),
                SearchRow("b", NOW - timedelta(minutes=20), 0),
                SearchRow("b", NOW - timedelta(minutes=10), 2)]
    result = stats.compute(Rows(cases, [], [], searches), START, END, NOW)
    assert (result.empty_searches.numerator, result.empty_searches.denominator) == (2, 4)
    assert (result.empty_searches_last_hour.numerator, result.empty_searches_last_hour.denominator) == (1, 2)
    assert "empty_searches" not in result.notes
    snp = stats.compute(Rows(cases, [], [], searches), START, END, NOW, stream="SNP")
    assert (snp.empty_searches.numerator, snp.empty_searches.denominator) == (1, 2)
    assert snp.empty_searches_last_hour is None
    assert result.to_dict()["empty_searches"]["ratio"] == 0.5


def test_no_search_recorded_omits_the_indicator_with_a_note():
    result = stats.compute(Rows([], [], []), START, END, NOW)
    assert result.empty_searches is None and result.empty_searches_last_hour is None
    assert result.notes["empty_searches"] == stats.NOTE_NO_SEARCH_LOG


def test_search_events_in_the_database_feed_the_indicator(shift, told_case):
    with shift() as session:
        expected = [e.payload["search"]["result_count"]
                    for e in session.query(CaseEvent).filter(CaseEvent.type == "search")]
        result = stats.query_stats(session, START, END, NOW)
    assert result.empty_searches.denominator == len(expected) > 10
    assert result.empty_searches.numerator == expected.count(0) > 0
