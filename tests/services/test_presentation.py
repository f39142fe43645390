"""The map markers are built from the same result list as the slot table."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.services.search.presentation import effecteur_markers, format_slot_time, freshness_class

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def _result(slot_id, eff_id, hours, name="Dr A", kind="MG"):
    start = NOW + timedelta(hours=hours)
    return {"slot_id": slot_id, "start": start.isoformat(), "end": (start + timedelta(minutes=20)).isoformat(),
            "mode": "AMB", "distance_km": 1.0,
            "effecteur": {"id": eff_id, "name": name, "kind": kind, "lat": 48.5, "lon": 7.7, "phone": "+33388112233"}}


def test_one_marker_per_effecteur_in_result_order_with_its_soonest_slots():
    results = [_result(1, "b", 30), _result(2, "a", 2, name="<b>Dr B</b>"), _result(3, "b", 5), _result(4, "b", 50),
               _result(5, "b", 60)]
    markers = effecteur_markers(results, now=NOW)
    assert [m["id"] for m in markers] == ["b", "a"]
    b = markers[0]
    assert b["next_slots"] == [format_slot_time(NOW + timedelta(hours=h)) for h in (5, 30, 50)]
    assert b["freshness"] == "lt24h" and markers[1]["freshness"] == "lt4h"
    assert markers[1]["name"] == "<b>Dr B</b>"  # raw text: the page shows it with textContent
    assert b["phone"] == "03 88 11 22 33" and b["kind_label"] == "Médecin généraliste"


def test_freshness_classes_and_french_times():
    assert freshness_class(None, NOW) == "none"
    assert [freshness_class(NOW + timedelta(hours=h), NOW) for h in (1, 10, 40, 80)] == [
        "lt4h", "lt24h", "lt72h", "none"]
    assert format_slot_time(datetime(2026, 11, 24, 13, 30, tzinfo=timezone.utc)) == "mar. 24/11 14:30"


def test_one_summary_line_per_effecteur_day_then_times_then_how_many_more():
    from app.services.search.presentation import effecteur_groups, slot_summary

    starts = ["2026-11-24T22:30:00+00:00", "2026-11-24T22:45:00+00:00", "2026-11-24T23:15:00+00:00",
              "2026-11-25T08:00:00+00:00"]
    # Paris time: 23:30 and 23:45 on Tuesday, then 00:15 on Wednesday (another day: its date again).
    assert slot_summary(starts) == "mar. 24/11 23:30, 23:45, mer. 25/11 00:15 +1"
    assert slot_summary(starts[:1]) == "mar. 24/11 23:30"
    results = [_result(1, "b", 30), _result(2, "a", 2), _result(3, "b", 5)]
    call = {"effecteur": {"id": "c", "name": "Dr C", "kind": "MG"}, "distance_km": 3.0, "group": "a_appeler"}
    groups = effecteur_groups(results, [call])
    assert [g["effecteur"]["id"] for g in groups] == ["b", "a", "c"]
    assert [r["slot_id"] for r in groups[0]["slots"]] == [3, 1]  # soonest first
    assert groups[2]["slots"] == [] and groups[2]["call"]["effecteur"]["id"] == "c"
