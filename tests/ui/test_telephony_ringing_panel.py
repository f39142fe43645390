"""The ringing panel's known cases are readable: each case on two lines, every line in sight, no side scroll.

Found on the room screenshot (issue 15): one case squeezed to a single cut line under a horizontal
scroll bar, its number and motive unreadable.  The oracle is the list's geometry: each row's
rectangle lies inside the visible viewport, whole.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.services.desk.telephony_desk import DeskCall
from app.ui.qt import QWidget
from app.ui.telephony.ringing import RingingPanel

CASES = [{"case_id": "fr.health.samu670.DRFR1567034130000" + str(n), "created_at": "2024-11-24T14:30:00+00:00",
          "motive": "Gêne respiratoire", "caller_name": "Mme Martin-Schneider", "city": "Strasbourg"}
         for n in range(1, 4)]


def test_every_known_case_is_shown_whole_on_two_lines(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(1400, 800)
    panel = RingingPanel(parent)
    call = DeskCall("c1", "room-1", "0612345678", datetime.now(timezone.utc))
    panel.show_ringing(call)
    parent.show()
    panel.set_lookup("room-1", {"open_cases": CASES[:1], "recent_cases": CASES[1:],
                                "duplicate_warning": "Doublon possible : dossier 341300001"})
    qtbot.waitExposed(parent)
    view = panel.cases
    assert view.count() == 3
    assert not view.horizontalScrollBar().isVisible()
    viewport = view.viewport().rect()
    for row in range(view.count()):
        text = view.item(row).text()
        assert "\n" in text and "Gêne respiratoire · Mme Martin-Schneider · Strasbourg" in text
        assert viewport.contains(view.visualItemRect(view.item(row))), (row, view.visualItemRect(view.item(row)))
    assert "en cours" in view.item(0).text().splitlines()[0]
