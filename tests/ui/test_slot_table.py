"""The slot table: model contract (qtmodeltester), French formatting, keyboard selection and activation."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.ui.qt import QApplication, QModelIndex, Qt  # noqa: E402
from app.ui.search.slot_table import EFFECTEUR_ID_ROLE, SlotTable, SlotTableModel, format_distance  # noqa: E402


def result(slot_id: int, eff_id: str, start: str, *, kind="MG", mode="AMB", km=2.43, name=None) -> dict:
    """A search result exactly as ``GET /api/v1/slots/search`` returns it."""
    return {
        "slot_id": slot_id, "start": start, "end": start.replace(":30:", ":45:").replace(":00:", ":15:"),
        "mode": mode, "slot_type": "SNP", "source": "demo", "fetched_at": "2025-11-24T13:00:00+01:00",
        "distance_km": km,
        "effecteur": {"id": eff_id, "name": name or f"Dr {eff_id}", "kind": kind, "lat": 48.58, "lon": 7.75,
                      "phone": "+33388112233", "address": "1 place Kléber", "city_name": "Strasbourg",
                      "sas_participant": True, "accepts_extra": False},
    }


RESULTS = [
    result(11, "E1", "2025-11-24T14:30:00+01:00"),
    result(12, "E2", "2025-11-24T15:00:00+01:00", kind="SOS", mode="HH", km=4.0, name="SOS Médecins Strasbourg"),
    result(13, "E1", "2025-11-25T09:00:00+01:00", mode="VR", km=2.43),
]


@pytest.fixture
def table(qtbot):
    view = SlotTable()
    qtbot.addWidget(view)
    view.resize(900, 300)
    with qtbot.waitExposed(view):  # a context manager: waits on exit
        view.show()
    view.model().set_results(RESULTS)
    return view


def test_model_passes_qtmodeltester(qtmodeltester):
    model = SlotTableModel()
    qtmodeltester.check(model)
    model.set_results(RESULTS)
    qtmodeltester.check(model)


def test_french_headers_and_one_row_per_effecteur_with_its_next_slots(qtmodeltester):
    model = SlotTableModel()
    model.set_results(RESULTS)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Groupe", "Début", "Agenda", "Effecteur", "Type", "Mode", "Distance", "Commune", "Téléphone"]
    assert model.rowCount() == 2  # E1 has two slots, E2 one: two effecteurs, two rows
    row0 = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row0 == ["", "lun. 24/11 14:30, mar. 25/11 09:00", "", "Dr E1", "Médecin généraliste",
                    "Cabinet / Téléconsultation", "2,4 km", "Strasbourg", "03 88 11 22 33"]
    assert model.index(1, 4).data() == "SOS Médecins" and model.index(1, 5).data() == "Visite à domicile"
    assert model.index(1, 0).data(Qt.ItemDataRole.UserRole) == 12
    assert model.index(1, 0).data(EFFECTEUR_ID_ROLE) == "E2"
    assert "Participe au SAS" in model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert format_distance(12.06) == "12,1 km"
    # The effecteur's slots, soonest first, as child rows; a lone slot has none.
    e1 = model.index(0, 0)
    assert model.rowCount(e1) == 2 and model.rowCount(model.index(1, 0)) == 0
    assert [model.index(r, 1, e1).data() for r in range(2)] == ["lun. 24/11 14:30", "mar. 25/11 09:00"]
    assert model.index(1, 5, e1).data() == "Téléconsultation"
    assert [model.index(r, 0, e1).data(Qt.ItemDataRole.UserRole) for r in range(2)] == [11, 13]
    assert model.index(1, 0, e1).data(EFFECTEUR_ID_ROLE) == "E1"


def test_one_doctor_with_nine_slots_is_one_row_summarised():
    starts = ["2025-11-24T14:30:00+01:00", "2025-11-24T15:00:00+01:00", "2025-11-24T16:15:00+01:00"]
    starts += [f"2025-11-25T0{h}:00:00+01:00" for h in range(3, 9)]
    model = SlotTableModel()
    model.set_results([result(100 + i, "D", s) for i, s in enumerate(reversed(starts))])
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "lun. 24/11 14:30, 15:00, 16:15 +6"
    assert model.rowCount(model.index(0, 0)) == 9
    assert model.result(0)["slot_id"] == 108  # the soonest slot, whatever the order of the results
    assert len(model.results()) == 9


def test_lookups_and_reset(qtbot):
    model = SlotTableModel()
    model.set_results(RESULTS)
    assert model.index_of_slot(11) == model.index(0, 0)  # the first slot is its effecteur's row
    assert model.index_of_slot(13) == model.index(1, 0, model.index(0, 0))
    assert not model.index_of_slot(99).isValid()
    assert (model.row_of_effecteur("E1"), model.row_of_effecteur("E2"), model.row_of_effecteur("X")) == (0, 1, None)
    assert model.result(1)["effecteur"]["name"] == "SOS Médecins Strasbourg"
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_results([])
    assert model.rowCount() == 0


def test_select_slot_and_effecteur_emit_current_slot(qtbot, table):
    with qtbot.waitSignal(table.currentSlotChanged) as changed:
        assert table.select_slot(12)
    assert changed.args == [12] and table.current_result()["slot_id"] == 12
    with qtbot.waitSignal(table.currentEffecteurChanged) as effecteur:
        table.select_effecteur("E1")
    assert effecteur.args == ["E1"] and table.current_slot_id() == 11  # the effecteur's first slot
    assert table.selectionModel().isRowSelected(0, QModelIndex())
    assert table.select_slot(13)  # a later slot: its effecteur opens to show it
    assert table.isExpanded(table.model().index(0, 0)) and table.current_slot_id() == 13
    assert not table.select_slot(999)


def test_arrows_move_and_enter_books_first_slot_or_the_chosen_one(qtbot, table):
    table.setFocus()
    table.select_effecteur("E1")
    with qtbot.waitSignal(table.slotActivated) as activated:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert activated.args == [11]  # the effecteur row books its first free slot
    qtbot.keyClick(table, Qt.Key.Key_Right)  # open E1: its slots
    with qtbot.waitSignal(table.currentSlotChanged) as changed:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert changed.args == [11]
    qtbot.keyClick(table, Qt.Key.Key_Down)
    with qtbot.waitSignal(table.slotActivated) as activated:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert activated.args == [13]  # a child row books that slot
    with qtbot.waitSignal(table.currentEffecteurChanged) as effecteur:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert effecteur.args == ["E2"]
    with qtbot.waitSignal(table.slotActivated) as activated:
        qtbot.keyClick(table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert activated.args == [12]


def test_moving_within_one_effecteur_does_not_reselect_it_on_the_map(qtbot, table):
    seen = []
    table.currentEffecteurChanged.connect(seen.append)
    table.select_effecteur("E1")
    table.select_slot(13)
    table.select_effecteur("E2")
    assert seen == ["E1", "E2"]


def test_double_click_activates_once(qtbot, table):
    hits = []
    table.slotActivated.connect(hits.append)
    rect = table.visualRect(table.model().index(1, 1))
    # A real double click is press, release, double-click, release: QTest's mouseDClick alone skips
    # the first press, and QAbstractItemView ignores a double click on an index it did not see pressed.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert hits == [12]
def test_empty_state_text(qtbot, table):
    table.set_empty_text("Aucun créneau libre à moins de 15 km")
    table.model().set_results([])
    assert table.empty_text() == "Aucun créneau libre à moins de 15 km"
    assert table.current_result() is None and table.current_slot_id() is None
    image = table.grab().toImage()  # paints the message without error
    assert not image.isNull()
    with qtbot.assertNotEmitted(table.slotActivated):
        qtbot.keyClick(table, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_ranking_groups_stale_slots_and_phone_rows(qtbot):
    view = SlotTable()
    qtbot.addWidget(view)
    traitant = {**result(21, "T", "2025-11-24T16:00:00+01:00"), "group": "medecin_traitant"}
    sas = {**result(22, "S", "2025-11-24T14:00:00+01:00"), "group": "sas", "stale": True,
           "source": "doctolib"}
    call = {"effecteur": {**result(0, "X", "2025-11-24T14:00:00+01:00")["effecteur"], "accepts_extra": True},
            "distance_km": 1.0, "group": "a_appeler"}
    view.model().set_results([traitant, sas], [call])
    model = view.model()
    assert [model.index(r, 0).data() for r in range(3)] == ["Médecin traitant", "SAS", "À appeler"]
    assert model.index(1, 1).data() == "lun. 24/11 14:00 ⚠ ancien"
    assert "doctolib" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(2, 1).data() == "☎ à appeler (en sus)"
    assert model.index(2, 0).data(Qt.ItemDataRole.UserRole) is None
    view.selectRow(2)
    with qtbot.waitSignal(view.callRequested) as called:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert called.args[0]["effecteur"]["id"] == "X"
    with qtbot.waitSignal(view.currentEffecteurChanged) as current:
        view.selectRow(0)
    assert current.args == ["T"]
