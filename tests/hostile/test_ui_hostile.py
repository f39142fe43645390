"""Hostile strings typed and pasted into the console: no exception, same text back, nothing executed.

* the intake panel (name, address, notes; a few by real key clicks): the form carries the
  exact text, validation answers (a French message for control characters), a valid
  case is saved in the local cache and read back identical;
* the journal table shows what was saved (surge reasons, effecteur names, notes) as is;
* the search bar takes any text in its editable fields;
* the map: effecteur names from the catalogue become popups whose text equals the input,
  and none of the payloads (each would set ``window.__pwned``) ever runs.
"""

from __future__ import annotations

import json

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timezone  # noqa: E402

import pytest  # noqa: E402

from app.models.db import open_database, sqlite_url  # noqa: E402
from app.services.intake import form as intake
from app.services.sync.local_store import LocalStore  # noqa: E402
from app.ui.case.journal_view import COL_SUMMARY, JournalModel, JournalView  # noqa: E402
from app.ui.qt import QLineEdit  # noqa: E402
from tests.hostile.catalogue import SHORT, has_lone_surrogate, sample  # noqa: E402
from tests.hostile.conftest import refusal  # noqa: E402

#: The UI sample: every short string but lone surrogates (a QString cannot hold them: PySide turns them away).
UI_STRINGS = [h.text for h in SHORT if not has_lone_surrogate(h.text)]
NOW = datetime(2026, 1, 18, 10, 15, tzinfo=timezone.utc)


def test_ui_sample_is_at_least_300():
    assert len(UI_STRINGS) >= 300


def _as_qt_keeps_it(text: str, *, plain: bool, max_units: int | None = None) -> str:
    """What a Qt text field holds after ``setText(text)``: PySide drops a leading byte-order mark (U+FEFF,
    U+FFFE); a plain-text document also turns line / paragraph separators into new lines and no-break
    spaces into spaces; a line edit keeps the whole characters that fit in its ``max_units`` UTF-16 code
    units (the stored length caps what can be typed).  Everything else is kept exactly."""
    text = re.sub(r"^[\ufeff\ufffe]+", "", text)
    if plain:
        text = re.sub(r"\r\n|[\r\u2028\u2029]", "\n", text).replace("\xa0", " ")
    if max_units is not None:
        kept, units = [], 0
        for char in text:
            units += 2 if ord(char) > 0xFFFF else 1
            if units > max_units:
                break
            kept.append(char)
        text = "".join(kept)
    return text


@pytest.fixture
def panel(qtbot):
    """An intake panel on the shipped communes, shown (as in tests/ui)."""
    from app.services.reference.communes import default_index
    from app.ui.intake.panel import IntakePanel

    widget = IntakePanel(communes=default_index(), home_departement="67")
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
    return widget


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    engine, sessions = open_database(sqlite_url(tmp_path_factory.mktemp("ui-hostile") / "cache.db"))
    yield LocalStore(sessions)
    engine.dispose()


@pytest.mark.parametrize("field", ["name_edit", "address_edit", "notes_edit"])
def test_intake_fields_keep_the_exact_text_and_save_it(qtbot, panel, store, field):
    widget = getattr(panel, field)
    attr = {"name_edit": "caller_name", "address_edit": "address", "notes_edit": "notes"}[field]
    base = intake.IntakeForm(caller_phone="0612345678", commune_insee="67482", commune_name="Strasbourg",
                             motive_code="M03.14", priority="P2")
    for n, text in enumerate(UI_STRINGS):
        if isinstance(widget, QLineEdit):
            widget.setText(text)
            shown = widget.text()
        else:
            widget.clear()
            widget.insertPlainText(text)
            shown = widget.toPlainText()
        form = panel.form()
        assert getattr(form, attr) == shown
        line = isinstance(widget, QLineEdit)
        assert shown == _as_qt_keeps_it(text, plain=not line, max_units=widget.maxLength() if line else None), \
            repr(text)
        text = shown
        errors = {e.field: e.message for e in intake.validate(form, communes=panel.communes())}
        problem = refusal(text.strip())  # the console strips with Python's str.strip
        if problem is not None:
            assert errors.get(attr, "").startswith("Texte refusé"), repr(text)
            continue
        assert attr not in errors, (repr(text), errors)
        filled = intake.IntakeForm(**{**base.__dict__, attr: text})
        doc = intake.build_case_doc(filled, uuid=f"00000000-0000-4000-8000-{field[:4]}{n:08d}",
                                    case_id=f"fr.health.samu670.DRFR1567026{len(field):02d}{n:08d}",
                                    owner="fr.health.samu670", now=NOW, author="arm", communes=panel.communes())
        store.save_case(doc, author="arm")
        back = store.get_case(doc.uuid)
        if attr == "notes":
            assert [x.freetext for x in back.notes] == ([text.strip()] if text.strip() else [])
        else:
            assert getattr(back, {"address": "address_complete"}.get(attr, attr)) == (text.strip() or None)


def test_a_few_strings_typed_key_by_key(qtbot, panel):
    # ASCII only: QTest's key clicks assert on other characters (qasciikey.cpp); those go through setText above.
    for text in ["O'Brien <b>", "Smith & Wesson <i>", "'; DROP TABLE cases; --", "{{7*7}} ${x} %s {0}", "=cmd|' /C calc'!A0"]:
        panel.name_edit.clear()
        qtbot.keyClicks(panel.name_edit, text)
        assert panel.form().caller_name == text


def test_journal_view_shows_hostile_text_as_is(qtbot):
    entries = []
    for i, text in enumerate(UI_STRINGS):
        entries.append({"seq": 3 * i + 1, "uuid": f"s{i}", "kind": "surge", "author": text[:64], "author_role": "MRL",
                        "created_at": "2026-01-18T10:00:00+00:00", "payload": {"active": True, "reason": text},
                        "pending": False})
        entries.append({"seq": 3 * i + 2, "uuid": f"o{i}", "kind": "orientation", "author": "mrl",
                        "author_role": "MRL", "created_at": "2026-01-18T10:00:00+00:00",
                        "payload": {"decision_key": "CONSEIL", "effecteur_name": text}, "pending": False})
        entries.append({"seq": 3 * i + 3, "uuid": f"e{i}", "kind": "case_event", "author": "arm", "author_role": "ARM",
                        "created_at": "2026-01-18T10:00:00+00:00",
                        "payload": {"type": "note", "case_uuid": "c", "freetext": text}, "pending": False})
    entries.append({"seq": 99999, "uuid": "p", "kind": "purge", "author": "dpo", "author_role": "ADMIN",
                    "created_at": "2026-01-18T10:00:00+00:00", "payload": {"redacted": "x"}, "pending": False})
    view = JournalView()
    qtbot.addWidget(view)
    model: JournalModel = view.model()
    view.set_entries(entries)
    view.resize(900, 500)
    view.show()
    view.grab()  # paint every visible row: bidi, zalgo and emoji go through the text layout
    summaries = [model.index(r, COL_SUMMARY).data() for r in range(model.rowCount())]
    for text in UI_STRINGS:
        assert any(text in s for s in summaries if s), repr(text)


def test_search_bar_takes_any_text(qtbot):
    from app.ui.search.bar import SearchBar

    bar = SearchBar()
    qtbot.addWidget(bar)
    edits = bar.findChildren(QLineEdit)
    for text in sample(120):
        for edit in edits:
            edit.setText(text.text)
            edit.textEdited.emit(text.text)
            edit.returnPressed.emit()
    bar.grab()


# --- the map -------------------------------------------------------------------------------------

MAP_STRINGS = [h.text for h in SHORT if h.category in ("html_js", "template")] + \
              [h.text for h in sample(60) if not has_lone_surrogate(h.text)]


def test_map_popups_show_text_and_run_nothing(qtbot):
    from tests.ui.test_map_view import apply_and_wait, effecteur, inspect, js, make_view

    view = make_view(qtbot)
    if not view.is_ready():
        with qtbot.waitSignal(view.ready, timeout=15000):
            pass
    items = [effecteur(1000 + i, 41.5 + 0.1 * (i % 90), -4.5 + 0.15 * (i // 90) + 0.001 * i, name=text,
                       kind_label=text, phone=text[:40], next_slots=[text]) for i, text in enumerate(MAP_STRINGS)]
    apply_and_wait(qtbot, view, lambda: view.show_patient(48.6, 7.7, MAP_STRINGS[0]))
    apply_and_wait(qtbot, view, lambda: view.show_effecteurs(items))
    for item, text in zip(items, MAP_STRINGS):
        view.select(item["id"])  # highlighted only: the popup opens as on a click
        view.run_js_json(f"window.sasMap.openPopup({json.dumps(item['id'])})", lambda _: None)
        qtbot.waitUntil(lambda: inspect(qtbot, view)["popupId"] == item["id"], timeout=10000)
        assert js(qtbot, view, "document.querySelector('.sas-popup-name').textContent") == text
    qtbot.wait(300)  # an injected <img src=x> fails to load and runs its onerror asynchronously
    assert js(qtbot, view, "typeof window.__pwned") == "undefined"
    assert js(qtbot, view, "document.querySelectorAll('.leaflet-pane img[src=x], .leaflet-pane script').length") == 0
