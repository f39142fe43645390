"""Is this call about a case already open?  Matching on the callback number and the address.

A new call matches a case when one of its numbers (caller or callback) is one of
the case's, or when the address is the same in the same commune (compared
without case, accents, punctuation or the usual street-type abbreviations).
Only cases still open, or opened in the last :data:`WINDOW`, are candidates:
an ARM then sees them and may attach the call to one instead of opening a
second case.  Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.services.regulation import queue
from app.services.records.documents import CaseDoc
from app.codes.nomenclatures import fold

WINDOW = timedelta(hours=24)
_ABBREVIATIONS = {"r": "rue", "av": "avenue", "bd": "boulevard", "bld": "boulevard", "pl": "place",
                  "ch": "chemin", "imp": "impasse", "rte": "route", "all": "allee", "fg": "faubourg",
                  "st": "saint", "ste": "sainte", "bis": "b", "ter": "t"}


@dataclass(frozen=True)
class Duplicate:
    case: CaseDoc
    #: Why it matches, in French ("même numéro de rappel", "même adresse").
    reasons: tuple[str, ...]


def address_key(address: str | None, insee: str | None) -> str:
    """``"12, R. des Juifs"`` in 67482 → ``"67482|12 rue des juifs"``; empty when there is no address."""
    words = [_ABBREVIATIONS.get(w, w) for w in fold(address or "")]
    return f"{insee or ''}|{' '.join(words)}" if words else ""


def find(cases: Iterable[CaseDoc], *, phones: Iterable[str | None], address: str | None, insee: str | None,
         now: datetime, exclude: str | None = None) -> list[Duplicate]:
    """Open or recent cases sharing a number or the address, newest first."""
    wanted = {p for p in phones if p}
    key = address_key(address, insee)
    found = []
    for case in cases:
        if case.uuid == exclude or not (queue.is_open(case) or now - case.creation <= WINDOW):
            continue
        reasons = []
        if wanted & {case.caller_phone, case.callback_phone}:
            reasons.append("même numéro de téléphone")
        if key and address_key(case.address_complete, case.city_insee_code) == key:
            reasons.append("même adresse")
        if reasons:
            found.append(Duplicate(case, tuple(reasons)))
    found.sort(key=lambda d: d.case.creation, reverse=True)
    return found
