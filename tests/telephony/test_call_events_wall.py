"""The supervisor's wall shows the room's telephone (issue 15): calls ringing now, the longest wait, abandons."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.models import Call
from app.models.db import open_database, sqlite_url
from app.services.supervision.desk_reads import SupervisionReads
from app.ui.supervisor.wall import SupervisorWall

NOW = datetime(2024, 1, 18, 10, 0, tzinfo=timezone.utc)
START, END = NOW - timedelta(hours=2), NOW + timedelta(hours=10)


def test_wall_tiles_show_waiting_calls_and_abandons(qtbot, tmp_path):
    engine, sessions = open_database(sqlite_url(tmp_path / "cache.db"))
    with sessions() as s:
        s.add_all([
            Call(call_id="ringing-1", presented_at=NOW - timedelta(seconds=95), transfers=[]),
            Call(call_id="ringing-2", presented_at=NOW - timedelta(seconds=20), transfers=[]),
            Call(call_id="quick", presented_at=NOW - timedelta(minutes=30),
                 answered_at=NOW - timedelta(minutes=30) + timedelta(seconds=10), answered_by="arm", transfers=[]),
            Call(call_id="gone", presented_at=NOW - timedelta(minutes=20),
                 ended_at=NOW - timedelta(minutes=19), abandoned=True, transfers=[]),
        ])
        s.commit()
    wall = SupervisorWall(SupervisionReads(sessions), clock=lambda: NOW, period=(START, END))
    qtbot.addWidget(wall)
    qtbot.waitUntil(lambda: wall.last_stats() is not None, timeout=10_000)
    result = wall.last_stats()
    assert (result.calls_waiting, result.longest_call_wait_s) == (2, 95.0)
    assert "2 appel(s) en attente — plus longue 1:35" in wall.tiles["oldest_wait"].detail()
    assert wall.tiles["answered_60"].value() == "50 %"  # one answered in 10 s, one abandoned
    assert "1 abandonné(s)" in wall.tiles["answered_60"].detail()
    wall._job.wait()
    engine.dispose()
