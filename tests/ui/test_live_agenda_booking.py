"""Booking with live agendas (issue 14): the editors' refusals, the call flow of phone-only agendas, offline.

Real widgets driven with the keyboard, a real ``sas server`` process, the desk's own client through
:class:`tests.ui.live_agenda_support.ContractTransport` (which records every booking request's body
and answers the editors' refusals in the server's error shape).  The oracle of what was booked is
the server's journal, read over HTTP.
"""

from __future__ import annotations

import pytest

from app.services.sync.worker import SyncService
from app.ui.qt import QApplication, Qt
from app.ui.search.phone_booking import PhoneBookingDialog
from tests.ui import live_agenda_support
from tests.ui.live_agenda_support import bookings, open_case, run

# The real server and the desks behind the live agendas contract (fixtures of the support module).
server, make_desk = live_agenda_support.server, live_agenda_support.make_desk

pytestmark = pytest.mark.e2e
CTRL = Qt.KeyboardModifier.ControlModifier


def _enter_on(qtbot, window, effecteur_id: str):
    """Select the effecteur's row, press Entrée: the dialog it opened."""
    table = window.slot_table
    assert table.select_effecteur(effecteur_id)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    dialog = window.search.booking.confirmation
    assert dialog is not None, window.status.message()
    assert dialog.isVisible() and QApplication.activeModalWidget() is dialog
    return dialog


def test_slot_taken_at_the_editor_shows_its_message_searches_again_and_books_nothing(qtbot, make_desk, server):
    window, desk, _store, transport = make_desk()
    case = open_case(qtbot, window, desk)
    dialog = _enter_on(qtbot, window, "eff-0")
    assert "Le rendez-vous sera inscrit dans l'agenda du médecin chez Doctolib." in dialog.text()
    searches = transport.searches
    transport.refuse_next(409, "slot_taken_at_editor", "Le créneau vient d'être donné dans l'agenda Doctolib.")
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert "Le créneau vient d'être donné dans l'agenda Doctolib." in window.status.message()
    assert "Rien n'est réservé" in window.status.message()
    assert transport.searches == searches + 1
    assert bookings(server, case.uuid) == []
    assert desk.case_booking() is None and window.search.book_button.isEnabled()

    # The editor does not answer (503): its message, the list kept as it was, nothing booked.
    dialog = _enter_on(qtbot, window, "eff-0")
    transport.refuse_next(503, "editor_unavailable", "L'agenda Doctolib ne répond pas.")
    searches = transport.searches
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ne répond pas" in window.status.message(), timeout=15_000)
    assert window.status.message() == "Rien n'est réservé : L'agenda Doctolib ne répond pas."
    qtbot.wait(300)
    assert transport.searches == searches and window.slot_table.model().rowCount() == 3
    assert bookings(server, case.uuid) == []

    # The desk keeps working: the next Entrée books at the editor.
    dialog = _enter_on(qtbot, window, "eff-0")
    with qtbot.waitSignal(window.orientationRecorded, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert [s for s, _ in bookings(server, case.uuid)] == ["booked"]
    assert transport.bookings[-1].get("confirmed_by_phone") is None  # not a phone booking: not sent


def test_enter_on_a_phone_only_slot_opens_the_call_flow_and_only_a_confirmation_books(qtbot, make_desk, server):
    window, desk, _store, transport = make_desk()
    case = open_case(qtbot, window, desk)
    slot = window.slot_table.model().slots_of(window.slot_table.model().row_of_effecteur("eff-1"))[0]

    dialog = _enter_on(qtbot, window, "eff-1")
    assert isinstance(dialog, PhoneBookingDialog)
    assert dialog.name_label.text() == "Dr Bernard Oberlin"
    assert dialog.phone_label.text() == "03 88 12 34 56"  # formatted like every number of the console
    assert dialog.phone_label.font().pointSizeF() > 2 * window.font().pointSizeF()
    assert "Agendaphone ne prend pas les réservations" in dialog.text() and "M. Jean Dupont" in dialog.text()
    assert dialog.when_label.text().startswith("Créneau : ") and " à " in dialog.when_label.text()
    assert dialog.grab().save("/tmp/live_agenda_phone.png")

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # « Pas de réponse / refusé »: nothing booked
    qtbot.waitUntil(lambda: window.search.booking.confirmation is None, timeout=5_000)
    qtbot.wait(300)
    assert transport.bookings == [] and bookings(server) == []

    dialog = _enter_on(qtbot, window, "eff-1")
    with qtbot.waitSignal(window.orientationRecorded, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)  # « RDV confirmé par téléphone »
    assert len(transport.bookings) == 1
    sent = transport.bookings[0]
    assert sent["slot_id"] == slot["slot_id"] and sent["confirmed_by_phone"] is True
    assert sent["case_id"] == case.uuid and sent["rebook"] is False
    assert bookings(server, case.uuid) == [("booked", slot["slot_id"])]
    assert "Créneau réservé" in window.status.message()


def test_a_phone_confirmation_offline_books_nothing_says_so_and_is_kept_in_the_case(qtbot, make_desk, server):
    window, desk, store, transport = make_desk()
    case = open_case(qtbot, window, desk)
    dialog = _enter_on(qtbot, window, "eff-1")
    server.stop()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "n'est PAS réservé" in window.status.message(), timeout=15_000)
    assert "noté dans le dossier" in window.status.message()
    notes = [i.body for i in store.pending_outbox() if i.entity == "case_event"
             and i.body.get("case_uuid") == case.uuid and i.body.get("type") == "note"]
    assert any("RDV confirmé par téléphone avec Dr Bernard Oberlin" in (n.get("freetext") or "") for n in notes), notes
    assert desk.case_booking() is None
    server.start()
    assert bookings(server) == []


def test_an_osnp_books_the_doctors_decision_through_the_call_flow(qtbot, make_desk, server):
    """The worklist's flow: the MRL decides, the OSNP opens the case, phones the effecteur, confirms."""
    mrl_window, mrl, _mrl_store, _ = make_desk("mrl", "MRL")
    case = open_case(qtbot, mrl_window, mrl)
    decision = mrl.record_decision("CONSULTATION_48H")
    assert run(qtbot, SyncService(mrl._store, mrl.client, live=False).push_once()).ok

    window, osnp, store, transport = make_desk("osnp", "OSNP")
    assert run(qtbot, SyncService(store, osnp.client, live=False).sync_once()).ok
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        window.regulation.open_case(case.uuid, ask=False)  # as the « À réserver » worklist does
    dialog = _enter_on(qtbot, window, "eff-1")
    assert isinstance(dialog, PhoneBookingDialog) and dialog.phone_label.text() == "03 88 12 34 56"
    with qtbot.waitSignal(window.orientationRecorded, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert transport.bookings[-1]["orientation_id"] == decision.uuid
    assert transport.bookings[-1]["confirmed_by_phone"] is True
    assert [s for s, _ in bookings(server, case.uuid)] == ["booked"]
