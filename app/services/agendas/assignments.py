"""Which editors hold which effecteur's agenda: the per-effecteur list behind ``sas agendas import-editors``.

A CSV file (``;`` or ``,``, UTF-8, an optional header) with two columns: the effecteur —
its national identifier (IDNPS ``8`` + RPPS, or the RPPS alone; ``3`` + SIRET, or the
SIRET alone, for a SOS Médecins association) or our effecteur id — and the editor's name.
An effecteur may appear on several lines (several editors).

:func:`import_effecteur_editors` is the core command: the technical administrator only
(:func:`editors_import_refusal`), all or nothing (every line is checked first; the
errors name the line and the column), then the editors of each effecteur named in the
file *replace* its previous list (:class:`~app.models.agenda.EffecteurEditor`).  The act
goes to the audit trail with counts only.  From then on the live agendas ask only those
editors about those effecteurs (:mod:`app.services.agendas.targets`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.models import Effecteur
from app.models.agenda import EffecteurEditor
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import Refused, forbidden
from app.services.security import audit

AUDIT_ACTION = "agenda.editors.import"
ROLES = frozenset({"ADMIN"})
REFUSED = "Éditeurs des effecteurs : réservé à l'administrateur technique (ADMIN)"
_HEADERS = {"effecteur", "editeur", "éditeur", "editor", "identifiant", "id"}


def editors_import_refusal(actor: Actor) -> str | None:
    """Why ``actor`` may not set the effecteurs' editors (None when it may)."""
    return None if actor.role in ROLES else REFUSED


def read_csv(text: str) -> list[tuple[int, str, str]]:
    """(line number, effecteur, editor) of each non-empty line; a header line is skipped."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in _HEADERS:
            continue
        rows.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
    return rows


def _resolve(session: Session, value: str) -> Effecteur | None:
    row = session.get(Effecteur, value)
    if row is not None:
        return row
    digits = value if re.fullmatch(r"\d+", value) else ""
    if len(digits) in (11, 12):  # RPPS, or IDNPS (8 + RPPS)
        rpps = digits[1:] if len(digits) == 12 else digits
        if len(digits) == 12 and not digits.startswith("8"):
            return None
        return session.scalars(select(Effecteur).where(Effecteur.rpps_id == rpps).order_by(Effecteur.id)).first()
    if len(digits) in (14, 15):  # SIRET, or 3 + SIRET
        siret = digits[1:] if len(digits) == 15 else digits
        return session.scalars(select(Effecteur).where(or_(Effecteur.organization_id == siret,
                                                           Effecteur.organization_id == "3" + siret))
                               .order_by(Effecteur.id)).first()
    return None


def import_effecteur_editors(session: Session, actor: Actor, rows: list[tuple[int, str, str]], *,
                             known_editors: Collection[str] | None = None) -> ChangeRecord:
    """Set the editors of the effecteurs of ``rows``; the caller commits.  Raises ``Refused`` (403, 422)."""
    refusal = editors_import_refusal(actor)
    if refusal is not None:
        audit.log(actor.author, actor.role, AUDIT_ACTION, "-", "refused")
        raise forbidden(refusal)
    problems: list[dict] = []
    wanted: dict[str, set[str]] = {}
    for number, who, editor in rows:
        effecteur = _resolve(session, who) if who else None
        if effecteur is None:
            problems.append({"field": f"ligne {number}, effecteur",
                             "message": "effecteur inconnu (identifiant national ou identifiant d'effecteur)"
                             if who else "obligatoire"})
            continue
        if not editor or len(editor) > 40:
            problems.append({"field": f"ligne {number}, éditeur", "message": "nom d'éditeur attendu (40 caractères "
                                                                               "au plus)"})
            continue
        if known_editors is not None and editor not in known_editors:
            problems.append({"field": f"ligne {number}, éditeur",
                             "message": f"« {editor} » n'est pas dans le registre des éditeurs"})
            continue
        wanted.setdefault(effecteur.id, set()).add(editor)
    if not rows:
        problems.append({"field": "fichier", "message": "aucune ligne à importer"})
    if problems:
        audit.log(actor.author, actor.role, AUDIT_ACTION, "-", "invalid")
        raise Refused(422, "validation", "Fichier refusé : " + " ; ".join(f"{p['field']} : {p['message']}"
                                                                          for p in problems[:10]), fields=problems)
    ids = sorted(wanted)
    for i in range(0, len(ids), 500):
        session.execute(delete(EffecteurEditor).where(EffecteurEditor.effecteur_id.in_(ids[i:i + 500])))
    pairs = [(eff, editor) for eff in ids for editor in sorted(wanted[eff])]
    session.add_all(EffecteurEditor(effecteur_id=eff, editor=editor) for eff, editor in pairs)
    session.flush()
    audit.record(session, actor.author, actor.role, AUDIT_ACTION, "-", f"{len(ids)} eff. {len(pairs)} liens")
    return ChangeRecord(kind="agenda_editors", case_uuid=None, object_uuid="-", status=200, actor=actor.author,
                        document=wanted, audience=frozenset(),
                        summary={"effecteurs": len(ids), "links": len(pairs),
                                 "editors": sorted({e for s in wanted.values() for e in s})})
