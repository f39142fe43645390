"""Who may report what about a call, and what each report does to it: the rules of the call events.

* ``presented`` — the call rang at a desk: the call keeps the **earliest** time over every desk.
* ``answered`` — the first desk wins (it becomes ``answered_by`` and the call's holder); the same
  report from another desk is refused 409 ``call_taken``.  An answer also undoes an
  « abandoned » that was only another desk's ringing leg closing first.
* ``ended`` — from the desk holding the call (another desk's ringing leg closing is kept as a
  report, and changes nothing); before any answer, the call ends **abandoned**.
* ``abandoned`` — the caller hung up before anyone answered (refused once answered).
* ``transferred`` (blind transfer to ``target``) by the holder; ``handed_over`` by the desk
  taking the call (the accompanied P0 hand-over): the holder changes; both are kept with their times.
* ``dialled`` — a desk called out (an effecteur, a patient): an outgoing call, logged on its case.

Every desk role reports its own calls; the chef de salle too (it answers when the room is
overwhelmed), except call-outs.  Linking a call to a case is for the roles that write cases.
"""

from __future__ import annotations

from datetime import datetime

from app.models import Call
from app.services.regulation.actor import Actor
from app.services.regulation.errors import Refused, conflict, forbidden, invalid

#: Roles whose desks have a softphone and report its calls.
CALL_DESKS = frozenset({"ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR"})
#: Roles that call out from a case (effecteur, patient).
DIAL_ROLES = frozenset({"ARM", "OSNP", "MRL", "MRU"})
#: Roles that link a call to a case (they write cases).
LINK_ROLES = frozenset({"ARM", "OSNP", "MRL", "MRU"})
#: Events a desk may report several times for one call (each time is its own report).
REPEATABLE = frozenset({"transferred", "handed_over", "dialled"})
CALL_TAKEN = "call_taken"
NOT_YOURS = "Seul le poste qui a l'appel en main le transfère"
DIAL_REFUSED = "Votre rôle ne passe pas d'appel sortant depuis un dossier"
LINK_REFUSED = "Seuls les rôles qui saisissent les dossiers y rattachent un appel"


def event_refusal(actor: Actor, event: str) -> str | None:
    """None when ``actor`` may report ``event``, else the French reason (a 403)."""
    if actor.role not in CALL_DESKS:
        return "Votre rôle n'a pas de téléphone de régulation"
    if event == "dialled" and actor.role not in DIAL_ROLES:
        return DIAL_REFUSED
    return None


def report_key(event: str, author: str, at: datetime) -> str:
    """The key under which a replay of the same report is recognised."""
    key = f"{event}|{author}"
    return f"{key}|{at.isoformat()}" if event in REPEATABLE else key


def _holds(call: Call, author: str) -> bool:
    """Whether ``author``'s desk has the call now (after a hand-over: the desk that took it)."""
    return author == (call.holder or call.answered_by)


def apply(call: Call, event: str, at: datetime, author: str, target: str | None) -> bool:
    """Apply one report to ``call``; True when the call changed.  Raises :class:`Refused`."""
    if event in ("presented", "dialled"):
        if event == "dialled":
            if not target:
                raise invalid("target", "numéro ou poste appelé obligatoire pour un appel sortant")
            call.direction, call.target = "out", target
        if call.presented_at is None or at < call.presented_at:
            call.presented_at = at
            return True
        return event == "dialled"
    if event == "answered":
        return _answer(call, at, author)
    if event == "ended":
        return _end(call, at, author)
    if event == "abandoned":
        if call.answered_by is not None:
            raise conflict("Appel déjà décroché : il ne peut pas être abandonné", error="call_answered")
        call.ended_at, call.abandoned = min(at, call.ended_at or at), call.direction == "in"
        return True
    if call.answered_by is None:
        raise invalid("event", "un appel se transfère une fois décroché")
    entry = {"event": event, "at": at.isoformat(), "target": target or author, "by": author}
    if event == "transferred":
        if not target:
            raise invalid("target", "poste ou numéro vers lequel transférer obligatoire")
        if not _holds(call, author):
            raise forbidden(NOT_YOURS)
    else:  # handed_over: the desk taking the call says so
        call.holder = author
    call.transfers = [*(call.transfers or []), entry]
    return True


def _answer(call: Call, at: datetime, author: str) -> bool:
    if call.answered_by is not None and call.answered_by != author:
        raise call_taken(call)
    if call.answered_by == author:
        return False
    if call.abandoned or (call.ended_at is not None and call.ended_at >= at):
        # What looked abandoned was a ringing leg closing because this desk took the call.
        call.abandoned, call.ended_at = False, None
    call.answered_at, call.answered_by, call.holder = at, author, author
    if call.presented_at is None or call.presented_at > at:
        call.presented_at = at
    return True


def _end(call: Call, at: datetime, author: str) -> bool:
    if call.answered_by is None:
        if call.ended_at is not None:
            return False
        call.ended_at, call.abandoned = at, call.direction == "in"
        return True
    if not _holds(call, author) or call.ended_at is not None:
        return False  # another desk's leg, or already ended: kept as a report only
    call.ended_at = max(at, call.answered_at or at)
    return True


def call_taken(call: Call) -> Refused:
    error = conflict(f"Appel déjà décroché par {call.answered_by}", error=CALL_TAKEN)
    error.current = {"call_id": call.call_id, "answered_by": call.answered_by,
                     "answered_at": call.answered_at.isoformat() if call.answered_at else None}
    return error
