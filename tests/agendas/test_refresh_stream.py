"""The periodic refresh, streamed (issue 14, items 2 and 7): a time limit per request, each page stored as it lands.

Fake editors over HTTP (:class:`tests.fhir.fake_editor.FakeEditorServer`), a real app whose
periodic refresh (``LiveAgendas.refresh_due``) is run on its own loop; the database is the oracle.

* a slow editor whose every request answers within its limit, but whose whole answer takes
  longer, still refreshes completely (a search, with one limit for the whole editor, times out);
* a request past its limit makes the refresh partial: the editor's slots stay, the error is recorded;
* an editor failing on a later page keeps the earlier pages' slots stored and deletes nothing;
  the next complete refresh removes what it no longer returns.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from app.models import Slot
from app.models.agenda import EditorStatus
from app.services.agendas import refresh
from app.services.agendas.targets import EditorTargets
from tests.agendas.live_support import TestClient, build_app, editor, practitioner, run_on_loop, seed
from tests.fhir.fake_editor import FakeSlot

RPPS = "10000000001"


def _starts(app) -> list[datetime]:
    with app.state.sas.sessions() as s:
        return sorted(x.start for x in s.scalars(select(Slot).where(Slot.source == "slow")))


def _status(app) -> EditorStatus:
    with app.state.sas.sessions() as s:
        return s.get(EditorStatus, "slow")


def _due_again(app) -> None:
    with app.state.sas.sessions() as s:  # as if the refresh period had passed
        row = s.get(EditorStatus, "slow")
        for name in ("refreshed_at", "last_error_at", "last_success_at"):
            if getattr(row, name) is not None:
                setattr(row, name, getattr(row, name) - timedelta(hours=2))
        s.commit()


def test_slow_editor_within_its_limit_per_request_refreshes_completely(fakes, tmp_path):
    agenda = fakes.editor("slow")
    doctor = practitioner(RPPS, 1, 2, 3, 4, 5, 6)
    agenda.add(doctor)
    agenda.page_size, agenda.delay = 1, 0.4  # six pages one after another: ~2.4 s, each request 0.4 s
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}", [editor("slow", fakes.url("slow"), time_limit_s=1.0)])
    seed(app, [("eff-a", RPPS)])
    with TestClient(app):
        outcomes = run_on_loop(app, app.state.agendas.refresh_due)
        assert [(o.ok, o.kept) for o in outcomes] == [(True, 6)]
        assert _starts(app) == [s.start for s in doctor.slots]
        status = _status(app)
        assert status.refreshed_at is not None and status.last_error is None
        # A search's refresh keeps one limit for the whole editor: the same answer is too slow for it.
        targets = EditorTargets(app.state.sas.editors.editors[0], practitioners={"eff-a": RPPS})
        searched = asyncio.run(refresh.refresh_editor(app.state.sas.sessions, targets, full=False))
        assert searched.timed_out and not searched.ok


def test_request_past_its_limit_makes_the_refresh_partial_and_keeps_the_slots(fakes, tmp_path):
    agenda = fakes.editor("slow")
    doctor = practitioner(RPPS, 1, 2)
    agenda.add(doctor)
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}", [editor("slow", fakes.url("slow"), time_limit_s=1.0)])
    seed(app, [("eff-a", RPPS)])
    with TestClient(app):
        run_on_loop(app, app.state.agendas.refresh_due)
        assert len(_starts(app)) == 2
        doctor.slots.clear()  # gone at the editor, but it now answers too late to say so
        agenda.delay = 1.6
        _due_again(app)
        outcomes = run_on_loop(app, app.state.agendas.refresh_due)
        assert [(o.ok, o.timed_out, o.removed) for o in outcomes] == [(False, True, 0)]
        assert len(_starts(app)) == 2  # kept, and aging
        status = _status(app)
        assert "1 s" in status.last_error and status.last_error_at > status.last_success_at


def test_editor_failing_on_a_later_page_keeps_earlier_pages_and_deletes_nothing(fakes, tmp_path):
    agenda = fakes.editor("slow")
    doctor = practitioner(RPPS, 2, 4, 6, 8)
    agenda.add(doctor)
    agenda.page_size = 1  # one slot per page, in order of start
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}", [editor("slow", fakes.url("slow"))])
    seed(app, [("eff-a", RPPS)])
    with TestClient(app):
        run_on_loop(app, app.state.agendas.refresh_due)
        before = _starts(app)
        assert len(before) == 4
        first_refresh = _status(app).refreshed_at
        # At the editor: a new slot first in the list, the last one gone; it breaks from the third page on.
        new = FakeSlot(start=doctor.slots[0].start - timedelta(hours=1))
        doctor.slots[:] = [new, *doctor.slots[:3]]
        agenda.fail_from_page = 2
        _due_again(app)
        outcomes = run_on_loop(app, app.state.agendas.refresh_due)
        assert [(o.ok, o.removed) for o in outcomes] == [(False, 0)]
        assert _starts(app) == sorted([new.start, *before])  # the new slot stored, the gone one not deleted
        status = _status(app)
        assert "500" in status.last_error and status.refreshed_at == first_refresh - timedelta(hours=2)
        # Complete again: what the editor no longer returns goes.
        agenda.fail_from_page = None
        _due_again(app)
        outcomes = run_on_loop(app, app.state.agendas.refresh_due)
        assert [(o.ok, o.removed) for o in outcomes] == [(True, 1)]
        assert _starts(app) == [s.start for s in doctor.slots]


def test_each_editor_is_asked_no_more_requests_at_once_than_its_registry_entry_allows(fakes, tmp_path):
    """« concurrency » in the editors file: what an editor agreed to bear during the periodic refresh."""
    gentle, busy = fakes.editor("gentle"), fakes.editor("busy")
    doctors = [(f"eff-{n}", f"1000000{n:04d}") for n in range(150)]  # 6 batches of 25 practitioners each
    for _, rpps in doctors:
        gentle.add(practitioner(rpps, 3))
        busy.add(practitioner(rpps, 5))
    gentle.delay = busy.delay = 0.3
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}",
                    [editor("gentle", fakes.url("gentle"), concurrency=1),
                     editor("busy", fakes.url("busy"), concurrency=6)])
    seed(app, doctors)
    with TestClient(app):
        outcomes = run_on_loop(app, app.state.agendas.refresh_due)
    assert sorted((o.ok, o.kept) for o in outcomes) == [(True, 150), (True, 150)]
    assert len(gentle.requests) == len(busy.requests) == 6
    assert gentle.most_in_flight == 1
    assert busy.most_in_flight == 6
