"""The slot list with live agendas (issue 14): each slot's editor and age, stale marks, editors that did not answer,
and late slots searching the open case again.

A real ``sas server`` process answers; :class:`tests.ui.live_agenda_support.ContractTransport` adds
what a live server says of its editors, through the desk's own client and parsing.
"""

from __future__ import annotations

import pytest

from app.services.sync.worker import SyncService
from app.ui.qt import Qt
from app.ui.search.slot_model import COL_AGENDA, COL_START
from tests.ui import live_agenda_support
from tests.ui.live_agenda_support import open_case

# The real server and the desks behind the live agendas contract (fixtures of the support module).
server, make_desk = live_agenda_support.server, live_agenda_support.make_desk

pytestmark = pytest.mark.e2e


def _row(window, effecteur_id: str):
    model = window.slot_table.model()
    row = model.row_of_effecteur(effecteur_id)
    assert row is not None, effecteur_id
    return model, row


def test_each_slot_shows_its_editor_its_age_and_the_stale_mark_with_the_age(qtbot, make_desk):
    window, desk, _store, _transport = make_desk()
    open_case(qtbot, window, desk)
    model, row = _row(window, "eff-0")
    assert model.index(row, COL_AGENDA).data() == "Doctolib · il y a 3 min"
    assert "⚠" not in model.index(row, COL_START).data()
    assert "agenda du médecin chez Doctolib" in model.index(row, COL_START).data(Qt.ItemDataRole.ToolTipRole)
    # Its second slot, a child row, says the same.
    assert model.index(0, COL_AGENDA, model.index(row, 0)).data() == "Doctolib · il y a 3 min"

    model, row = _row(window, "eff-1")  # a phone-only agenda, not confirmed for 25 minutes: stale
    assert model.index(row, COL_AGENDA).data() == "☎ Agendaphone · il y a 25 min"
    assert model.index(row, COL_START).data().endswith("⚠ ancien")
    tip = model.index(row, COL_START).data(Qt.ItemDataRole.ToolTipRole)
    assert "Donnée ancienne : confirmée par l'agenda Agendaphone il y a 25 min" in tip
    assert "Entrée ouvre l'appel à l'effecteur" in tip

    model, row = _row(window, "eff-2")  # a local slot, as before issue 14
    assert model.index(row, COL_AGENDA).data() == ""

    label = window.search.missing_label
    assert label.isVisible()
    assert label.text() == ("Agendas sans réponse : Maiia (délai de réponse dépassé), Keldoc (erreur) — "
                            "leurs créneaux arriveront s'ils répondent.")
    window.resize(1400, 900)
    qtbot.wait(200)
    assert window.slot_table.parentWidget().grab().save("/tmp/live_agenda_list.png")


def test_the_missing_editors_line_is_hidden_when_every_editor_answered(qtbot, make_desk):
    window, desk, _store, transport = make_desk()
    transport.missing = []
    open_case(qtbot, window, desk)
    assert window.search.missing_label.isHidden()
    transport.missing = [{"editor": "Maiia", "reason": "délai de réponse dépassé"}]
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        window.search.start_search()
    assert window.search.missing_label.isVisible() and "Maiia (délai de réponse dépassé)" in \
        window.search.missing_label.text()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # a new call: no search, no line
    assert window.search.missing_label.isHidden()


def _entry(seq: int, kind: str, payload: dict) -> dict:
    return {"seq": seq, "uuid": f"00000000-0000-4000-8000-{seq:012d}", "kind": kind, "author": "server",
            "author_role": "", "created_at": "2025-11-24T13:00:00+00:00", "payload": payload}


def test_late_slots_for_the_open_search_search_it_again_quietly_keeping_the_selection(qtbot, make_desk):
    window, desk, store, transport = make_desk()
    open_case(qtbot, window, desk)
    sync = SyncService(store, desk.client, live=False)
    sync.add_journal_listener(window.search.take_journal_entries)  # as the console wires it
    table = window.slot_table
    assert table.select_effecteur("eff-2")
    window.status.show_message("message de l'opérateur")
    searches = transport.searches
    cursor = store.journal_cursor()

    # A kind this console does not know, and late slots of effecteurs not in this list: stored, no search.
    sync.take_live_entries([_entry(cursor + 1, "hologram", {"x": 1}),
                            _entry(cursor + 2, "slots", {"editors": ["Doctolib"], "effecteur_ids": ["eff-99"]})])
    assert store.journal_cursor() == cursor + 2
    assert {e["kind"] for e in store.journal()} >= {"hologram", "slots"}
    qtbot.wait(300)
    assert transport.searches == searches

    # Late slots of an effecteur in the list: searched again, quietly, the selected row kept.
    transport.agendas["eff-2"].update(editor="Doctolib", booking="editor", age_s=5.0)
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        sync.take_live_entries([_entry(cursor + 3, "slots", {"editors": ["Doctolib"], "effecteur_ids": ["eff-2"]})])
    assert transport.searches == searches + 1
    assert table.current_result()["effecteur"]["id"] == "eff-2"
    model, row = _row(window, "eff-2")
    assert model.index(row, COL_AGENDA).data() == "Doctolib · à l'instant"
    assert window.status.message() == "message de l'opérateur"

    # Late slots from an editor that was missing (here Maiia): searched again too.
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        sync.take_live_entries([_entry(cursor + 4, "slots", {"editors": ["Maiia"], "effecteur_ids": []})])
    assert transport.searches == searches + 2
    assert table.current_result()["effecteur"]["id"] == "eff-2"
