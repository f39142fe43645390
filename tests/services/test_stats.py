"""Supervisor indicators on crafted cases whose answers are known by hand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app.codes import room_time
from app.services.supervision import stats
from app.services.supervision.stats_rows import ActivityRow, CaseRow, OrientationRow, Rows

T0 = datetime(2024, 1, 18, 8, 0, tzinfo=timezone.utc)
START, END = T0, T0 + timedelta(hours=12)
NOW = T0 + timedelta(hours=3)


def case(n: int, minute: float, *, answer_s: float | None = 20, handover_s: float | None = None,
         decided: bool = False, priority: str = "P2", perimeter: str | None = "SNP", **kw) -> CaseRow:
    presented = T0 + timedelta(minutes=minute)
    return CaseRow(
        uuid=f"u{n}", case_id=f"fr.health.samu670.DRFR15670240180{n:04d}", presented=presented, priority=priority,
        perimeter=perimeter, answered_at=None if answer_s is None else presented + timedelta(seconds=answer_s),
        handed_over_at=None if handover_s is None else presented + timedelta(seconds=handover_s),
        decided_at=presented + timedelta(minutes=5) if decided else None, **kw)


def compute(cases, orientations=(), activity=(), **kw) -> stats.Stats:
    return stats.compute(Rows(list(cases), list(orientations), list(activity)), START, END, NOW, **kw)


def test_three_of_four_answered_within_60_s_is_75_percent():
    result = compute([case(1, 0, answer_s=10), case(2, 1, answer_s=45), case(3, 2, answer_s=60),
                      case(4, 3, answer_s=61)])
    assert (result.answered_60.numerator, result.answered_60.denominator) == (3, 4)
    assert result.answered_60.ratio == 0.75
    assert result.answered_30.ratio == 0.25


def test_unanswered_calls_are_not_in_the_answer_shares_and_empty_share_has_no_ratio():
    result = compute([case(1, 0, answer_s=None)])
    assert result.calls == 1
    assert result.answered_60.denominator == 0 and result.answered_60.ratio is None


def test_waiting_by_stream_and_priority_excludes_p0_and_decided_cases():
    result = compute([
        case(1, 0, priority="P1", perimeter="AMU"),
        case(2, 10, priority="P2", perimeter="SNP"),
        case(3, 20, priority="P2", perimeter="SNP"),
        case(4, 30, priority="P3", perimeter=None),
        case(5, 40, priority="P2", perimeter="PSY"),
        case(6, 50, priority="P2", decided=True),
        case(7, 60, priority="P0", perimeter="AMU"),
        case(8, 70, status="CLOTURE"),
    ])
    assert result.waiting["SNP"]["P2"] == 2
    assert result.waiting["AMU"] == {"P0": 0, "P1": 1, "P2": 1, "P3": 0, "NR": 0}
    assert result.waiting["NR"]["P3"] == 1
    assert result.waiting_total == 5
    assert result.oldest_wait_s == 3 * 3600  # case 1, presented at T0, judged at T0 + 3 h
    assert [(t.uuid, t.running_s) for t in result.p0_timers] == [("u7", 2 * 3600)]


def test_a_case_presented_after_now_does_not_wait_yet():
    result = compute([case(1, 4 * 60)])
    assert result.waiting_total == 0 and result.calls == 1


def test_time_to_doctor_median_and_p90_by_priority():
    delays = [60, 120, 180, 240, 300, 360, 420, 480, 540, 600]
    result = compute([case(i, i, priority="P1", handover_s=d) for i, d in enumerate(delays)]
                     + [case(99, 0, priority="P3")])
    assert result.time_to_doctor["P1"] == stats.Durations(count=10, median_s=330, p90_s=540)
    assert result.time_to_doctor["P3"] == stats.Durations(count=0, median_s=None, p90_s=None)


def test_snp_booked_share_counts_decided_snp_cases_only():
    cases = [case(1, 0), case(2, 1), case(3, 2), case(4, 3, perimeter="AMU")]
    orientations = [OrientationRow("u1", T0, "CONSULTATION_48H", booked=True),
                    OrientationRow("u2", T0, "CONSEIL"), OrientationRow("u2", T0, "CONSULTATION_48H", booked=True),
                    OrientationRow("u3", T0, "CONSEIL"), OrientationRow("u4", T0, "SMUR")]
    share = compute(cases, orientations).snp_booked
    assert (share.numerator, share.denominator) == (2, 3)


def test_missing_follow_up_data_gives_zero_rates_with_notes_and_omits_empty_searches():
    result = compute([case(1, 0)])
    assert result.no_show_rate == 0 and result.cancellation_rate == 0
    assert "RS-SAS-RDV" in result.notes["no_show"]
    assert result.empty_searches is None and "empty_searches" in result.notes


def test_no_show_and_cancellation_rates_once_appointments_have_a_status():
    orientations = [OrientationRow(f"u{i}", T0, "CONSULTATION_48H", booked=True, appointment_status=status)
                    for i, status in enumerate(["noshow", "fulfilled", "cancelled", "fulfilled"])]
    result = compute([case(i, i) for i in range(4)], orientations)
    assert (result.no_show_rate, result.cancellation_rate) == (0.25, 0.25)
    assert "no_show" not in result.notes


def test_cases_in_hand_go_to_whoever_last_acted_else_the_opener():
    cases = [case(1, 0, created_by="arm1"), case(2, 1, created_by="arm1"), case(3, 2, created_by="arm2"),
             case(4, 3, created_by="arm2", decided=True)]
    activity = [ActivityRow("u1", "arm1", "ARM", T0), ActivityRow("u1", "mrl", "MRL", T0 + timedelta(minutes=9)),
                ActivityRow("u4", "mrl", "MRL", T0 + timedelta(minutes=9))]
    loads = compute(cases, activity=activity).in_hand
    assert [(o.operator, o.role, o.cases) for o in loads] == [("arm1", "ARM", 1), ("arm2", "", 1), ("mrl", "MRL", 1)]


def test_hour_buckets_count_calls_and_quick_answers_per_hour():
    result = compute([case(1, 5, answer_s=10), case(2, 50, answer_s=90), case(3, 65, answer_s=40),
                      case(4, 11 * 60 + 59, answer_s=None)])
    assert len(result.hours) == 12
    first, second, last = result.hours[0], result.hours[1], result.hours[-1]
    assert (first.start, first.calls, first.answered, first.answered_60, first.answered_30) == (T0, 2, 2, 1, 1)
    assert (second.calls, second.answered_60, second.answered_30) == (1, 1, 0)
    assert (last.calls, last.answered) == (1, 0)


def test_filters_restrict_every_indicator_to_one_stream_or_priority():
    cases = [case(1, 0, perimeter="AMU", priority="P1", answer_s=90), case(2, 1, perimeter="SNP", answer_s=10)]
    amu = compute(cases, stream="AMU")
    assert amu.calls == 1 and amu.answered_60.ratio == 0.0 and amu.waiting["SNP"]["P2"] == 0
    assert compute(cases, priority="P2").answered_60.ratio == 1.0


def test_stats_serialise_to_json_with_iso_times_and_ratios():
    data = json.loads(json.dumps(compute([case(1, 0, answer_s=10)]).to_dict()))
    assert data["start"] == "2024-01-18T08:00:00+00:00"
    assert data["answered_60"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    assert data["hours"][0]["calls"] == 1 and data["empty_searches"] is None


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(("dep", "now", "shift"), [
    ("67", utc(2024, 1, 18, 8, 30), (utc(2024, 1, 18, 7), utc(2024, 1, 18, 19))),      # 09:30 in Strasbourg
    ("67", utc(2024, 1, 18, 2, 0), (utc(2024, 1, 17, 19), utc(2024, 1, 18, 7))),       # 03:00: last night's
    ("67", utc(2024, 3, 30, 23, 0), (utc(2024, 3, 30, 19), utc(2024, 3, 31, 6))),      # spring forward: 11 h
    ("974", utc(2024, 1, 18, 5, 0), (utc(2024, 1, 18, 4), utc(2024, 1, 18, 16))),      # 09:00 in Saint-Denis
    ("974", utc(2024, 1, 18, 3, 59), (utc(2024, 1, 17, 16), utc(2024, 1, 18, 4))),     # 07:59 there
])
def test_current_shift_is_day_or_night_on_the_rooms_clock(dep, now, shift):
    assert stats.current_shift(now, room_time.zone_of(dep)) == shift
    assert stats.current_shift(now.astimezone(room_time.zone_of("973")), room_time.zone_of(dep)) == shift


def test_nearest_rank_quantile():
    assert stats.nearest_rank([], 0.9) is None
    assert stats.nearest_rank([5.0], 0.9) == 5.0
    assert stats.nearest_rank([float(i) for i in range(1, 21)], 0.9) == 18.0
