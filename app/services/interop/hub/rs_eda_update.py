"""A case's changes as Hub Santé RS-EDA-MAJ ``createCaseHealthUpdate`` (export).

Once a neighbouring SAMU has integrated a case (its RC-REF came back), what happens
to the case afterwards travels as RS-EDA-MAJ, never as a second RS-EDA (the Hub's
creation is not idempotent: 701 CASE_ALREADY_EXISTS).  The update carries the
case's *current* state in the fields the RS-EDA-MAJ schema admits — qualification
``details`` (status, priority) and risk threats, patients, medical notes and
decisions (the update schema has no room for the address or the alert) — and the receiver keeps only what it
does not have yet (new notes, patients and decisions; the latest status and priority), which is
what :mod:`app.services.interop.hub.rs_eda_import` and :mod:`app.server.hub.records` do on
our side.  So an update is complete on its own, and a lost or replayed one does no
harm: the next one carries everything again.

The notes the transport itself wrote on the case (« Hub Santé : dossier transmis
à … », the neighbour's acknowledgement) stay home: they describe our exchange, not
the patient.  Plain Python, no database, no Qt.
"""

from __future__ import annotations

from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.interop.hub import rs_eda

ROOT_KEY = "createCaseHealthUpdate"
#: Top-level fields of ``createCaseHealthUpdate`` this console fills (the schema's, minus creation data).
#: Location and alert are the creation's: the update schema keeps only external ids and alert notes there.
UPDATE_FIELDS = ("caseId", "senderCaseId", "perimeter", "qualification", "owner", "patient", "medicalNote",
                 "decision")
#: What the update's ``qualification`` and its ``details`` admit.
_QUALIFICATION_FIELDS = ("riskThreat", "details")
_DETAILS_FIELDS = ("status", "priority", "careLevel")
#: Prefix of the notes :mod:`app.server.hub.inbox` writes about the exchange itself.
TRANSPORT_NOTE_PREFIX = "Hub Santé : "


def case_to_rs_eda_update(doc: CaseDoc, orientations: list[tuple[OrientationDoc, str | None]] = ()) -> dict:
    """The ``createCaseHealthUpdate`` payload of a case's current state (see the module docstring)."""
    notes = [n for n in doc.notes if not n.freetext.startswith(TRANSPORT_NOTE_PREFIX)]
    full = rs_eda.case_to_rs_eda(doc.model_copy(update={"notes": notes}), orientations)
    qualification = {k: v for k, v in (full.get("qualification") or {}).items() if k in _QUALIFICATION_FIELDS}
    if "details" in qualification:
        qualification["details"] = {k: v for k, v in qualification["details"].items() if k in _DETAILS_FIELDS}
    full["qualification"] = qualification
    return {key: full[key] for key in UPDATE_FIELDS if full.get(key) not in (None, [], {})}


def integrated_note_prefix(recipient: str) -> str:
    """How the note of ``recipient``'s acknowledgement begins (:mod:`app.server.hub.inbox`)."""
    return f"{TRANSPORT_NOTE_PREFIX}accusé de réception de {recipient} "


def integrated_by(doc: CaseDoc, recipient: str) -> bool:
    """Whether ``recipient`` acknowledged the case (its note is on it): it then gets updates, not a creation."""
    prefix = integrated_note_prefix(recipient)
    return any(n.freetext.startswith(prefix) for n in doc.notes)
