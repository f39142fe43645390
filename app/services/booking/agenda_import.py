"""Load an agenda editor's free slots into the server's search: the core's command behind ``sas fhir import``.

:func:`import_agenda_slots` is the one way slots, effecteurs and consultation sites
come in from a SAS FHIR Bundle: it checks the actor's role
(:func:`app.services.regulation.rules.agenda_import_refusal`: the technical
administrator), upserts through :func:`app.services.interop.fhir.importer.import_slots`
in the caller's transaction, writes the act to the audit trail (who, which editor,
what changed — counts only, no practitioner's identifier) and returns a
:class:`~app.services.regulation.change.ChangeRecord`.  Slots are not case data:
the act reaches no desk's journal, and no role of the room reads it as a case.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.interop.fhir.importer import ImportCounts, import_slots
from app.services.interop.fhir.model import AgendaSlot
from app.services.regulation import rules
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import forbidden
from app.services.security import audit

#: The audit trail's name for this act.
AUDIT_ACTION = "agenda.import"


def import_agenda_slots(session: Session, actor: Actor, slots: list[AgendaSlot], *,
                        source: str) -> ChangeRecord:
    """Store ``slots`` of the editor ``source`` for ``actor``; the caller commits.  Raises ``Refused`` (403)."""
    refusal = rules.agenda_import_refusal(actor)
    if refusal is not None:
        audit.log(actor.author, actor.role, AUDIT_ACTION, source[:64], "refused")  # as a route's 403
        raise forbidden(refusal)
    counts: ImportCounts = import_slots(session, slots, source=source)
    changed = counts.slots_added + counts.slots_updated + counts.effecteurs_added + counts.effecteurs_updated
    audit.record(session, actor.author, actor.role, AUDIT_ACTION, source[:64],
                 f"+{counts.slots_added} ~{counts.slots_updated} ={counts.slots_unchanged}")
    return ChangeRecord(kind="agenda_import", case_uuid=None, object_uuid=source, status=201 if changed else 200,
                        actor=actor.author, document=counts, audience=frozenset(),
                        summary={"slots_added": counts.slots_added, "slots_updated": counts.slots_updated,
                                 "slots_unchanged": counts.slots_unchanged,
                                 "effecteurs_added": counts.effecteurs_added})
