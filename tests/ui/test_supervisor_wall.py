"""The supervisor wall renders the indicators of a shift, follows the journal, and exports it."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.demo import shift as demo_shift
from app.services.supervision import stats
from app.services.supervision.desk_reads import SupervisionReads
from app.ui.qt import QMainWindow, Qt
from app.ui.supervisor.wall import TILES, SupervisorWall, attach_wall

START = datetime(2024, 1, 18, 7, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=12)
NOW = START + timedelta(hours=6)


@pytest.fixture
def sessions(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"))
    with factory() as session:
        demo_shift.fill_shift(session, START, 120, now=NOW)
    yield factory
    engine.dispose()


@pytest.fixture
def wall(qtbot, sessions):
    widget = SupervisorWall(SupervisionReads(sessions), clock=lambda: NOW, period=(START, END))
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    qtbot.waitUntil(lambda: widget.last_stats() is not None, timeout=10_000)
    yield widget
    widget._job.wait()


def test_tiles_show_the_same_numbers_as_the_service(wall, sessions):
    with sessions() as session:
        expected = stats.query_stats(session, START, END, NOW)
    shown = wall.last_stats()
    assert shown.calls == expected.calls == 120
    assert wall.tiles["answered_60"].value() == f"{expected.answered_60.ratio * 100:.0f} %"
    assert wall.tiles["answered_60"].detail() == f"{expected.answered_60.numerator} sur {expected.answered_60.denominator}"
    assert wall.tiles["waiting_snp"].value() == str(sum(expected.waiting["SNP"].values()))
    assert wall.tiles["p0"].value() == str(len(expected.p0_timers))
    labels, calls, quick = wall.chart.series_values()
    assert len(labels) == 12 and sum(calls) == 120 and sum(quick) == expected.answered_60.numerator
    assert "RS-SAS-RDV" in wall.follow_up.text()


def test_the_wall_updates_when_the_journal_grows(qtbot, wall, sessions):
    with sessions() as session:
        demo_shift.fill_shift(session, START, 30, seed=99, now=NOW)
    with qtbot.waitSignal(wall.updated, timeout=10_000) as blocker:
        wall.refresh()
    assert blocker.args[0].calls == 150
    assert "150 appel(s)" in wall.period_label.text()


def test_the_stream_filter_recomputes_for_one_stream(qtbot, wall):
    total = wall.last_stats().calls
    with qtbot.waitSignal(wall.updated, timeout=10_000) as blocker:
        wall.stream_box.setCurrentIndex(wall.stream_box.findData("SNP"))
    snp = blocker.args[0]
    assert 0 < snp.calls < total
    assert sum(snp.waiting["AMU"].values()) == 0


def test_tiles_and_chart_are_reachable_with_tab_and_named_for_screen_readers(wall):
    for name in TILES:
        tile = wall.tiles[name]
        assert tile.focusPolicy() == Qt.FocusPolicy.StrongFocus
        assert tile.accessibleName().startswith(tile.title())
    assert wall.chart.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert wall.refresh_action.shortcut().toString() == "Ctrl+R"
    assert wall.export_action.shortcut().toString() == "Ctrl+Shift+E"


def test_export_writes_the_filtered_journal_with_progress(qtbot, wall, tmp_path):
    seen = []
    wall._export_job.progress.connect(lambda done, total: seen.append((done, total)))
    target = tmp_path / "journal.csv"
    with qtbot.waitSignal(wall.exported, timeout=10_000) as blocker:
        wall.export_to(target)
    path, count = blocker.args
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:3] == ["n°", "horodatage", "type"]
    assert len(rows) == count + 1 and count > 120
    # Every line about a case names it, whatever its kind; times carry the room's offset (Paris in January).
    assert {r[2] for r in rows[1:]} >= {"Dossier", "Suivi"}
    assert all(r[5].startswith("DRFR15") for r in rows[1:] if r[2] != "Afflux")
    assert all(r[1].endswith("+01:00") for r in rows[1:])
    assert seen[-1] == (count, count)
    assert not wall.progress.isVisible()


def test_attach_wall_docks_it_in_the_window(qtbot, sessions):
    window = QMainWindow()
    qtbot.addWidget(window)
    wall = attach_wall(window, SupervisionReads(sessions))
    qtbot.waitUntil(lambda: wall.last_stats() is not None, timeout=10_000)
    assert window.findChild(type(wall)) is wall
    assert any(a.shortcut().toString() == "F9" for a in window.actions())
    wall._job.wait()
