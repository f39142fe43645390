"""Live agendas at a desk, without Qt (issue 14): what a search answer says about the editors, and late slots.

The server asks the doctors' agenda editors for slots and answers a search within a time
limit.  Its answer (``GET /api/v1/slots/search``) may then carry, all optional (a server
older than issue 14 sends none of them, and everything here reads them leniently):

* ``missing_editors``: ``[{"editor": "Nom", "reason": "délai de réponse dépassé"}]``, the
  editors that failed or were late for this search (:func:`missing_editors`);
* per slot: ``editor`` (its agenda), ``age_s`` (seconds since the editor last confirmed it),
  ``stale``, and ``booking``: ``"editor"`` (the booking goes into the doctor's agenda),
  ``"phone"`` (the editor only shows slots: the operator phones the effecteur, then confirms)
  or ``"local"`` (a demo or imported slot) — :func:`booking_mode`.

When late slots reach the server, it writes a journal entry of kind ``slots``
(``{"editors": [...], "effecteur_ids": [...]}``, no patient data) that every desk receives;
:func:`concerns_search` says whether it touches the desk's open search (then the desk
searches again, quietly).  A phone confirmation that cannot reach the server is kept as a
note of the case (:func:`phone_note`), written locally and synced like any note.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.services.booking.case_booking import slot_time

#: How a slot is booked (``booking`` of a search result).
BOOK_AT_EDITOR, BOOK_BY_PHONE, BOOK_LOCAL = "editor", "phone", "local"
#: The journal kind of late slots.
SLOTS_KIND = "slots"


def booking_mode(result: dict) -> str:
    """``editor``, ``phone`` or ``local`` (anything else, or nothing: ``local``, as before issue 14)."""
    mode = result.get("booking")
    return mode if mode in (BOOK_AT_EDITOR, BOOK_BY_PHONE) else BOOK_LOCAL


def editor_of(result: dict) -> str:
    """The slot's agenda editor, or ``""``."""
    editor = result.get("editor")
    return editor.strip() if isinstance(editor, str) else ""


def age_of(result: dict) -> float | None:
    """Seconds since the editor last confirmed the slot, or None when the server does not say."""
    age = result.get("age_s")
    return float(age) if isinstance(age, (int, float)) and not isinstance(age, bool) and age >= 0 else None


def age_minutes(age_s: float) -> int:
    """Whole minutes of an age, at least 0 (« il y a 0 min » reads « à l'instant »)."""
    return max(0, int(age_s // 60))


def missing_editors(body: dict) -> list[dict]:
    """``missing_editors`` of a search answer as ``[{"editor", "reason"}]`` (strings), malformed items dropped."""
    raw = body.get("missing_editors") if isinstance(body, dict) else None
    found: list[dict] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("editor"), str) and item["editor"].strip():
            reason = item.get("reason") if isinstance(item.get("reason"), str) else ""
            found.append({"editor": item["editor"].strip(), "reason": reason.strip()})
    return found


def concerns_search(entries: Iterable[dict], results: Iterable[dict], missing: Iterable[dict]) -> bool:
    """True when a ``slots`` entry among ``entries`` touches a search: one of its effecteurs, or a missing editor."""
    effecteurs = {str((r.get("effecteur") or {}).get("id")) for r in results}
    editors = {m.get("editor") for m in missing}
    for entry in entries:
        if entry.get("kind") != SLOTS_KIND:
            continue
        payload = entry.get("payload") if isinstance(entry.get("payload"), dict) else {}
        ids = payload.get("effecteur_ids") if isinstance(payload.get("effecteur_ids"), list) else []
        names = payload.get("editors") if isinstance(payload.get("editors"), list) else []
        if effecteurs & {str(i) for i in ids} or editors & {n for n in names if isinstance(n, str)}:
            return True
    return False


def phone_note(result: dict) -> str:
    """The case note kept when a phone confirmation could not reach the server (offline)."""
    effecteur = (result.get("effecteur") or {}).get("name") or "l'effecteur"
    when = slot_time(result["start"]) if result.get("start") else "?"
    return (f"RDV confirmé par téléphone avec {effecteur} le {when} — réservation NON enregistrée "
            "(serveur injoignable) : à réserver au retour du réseau (créneau confirmé par téléphone).")
