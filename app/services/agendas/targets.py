"""Whom to ask each agenda editor about: the effecteurs of the SAMU's territory, by national identifier.

By default every editor is asked about every effecteur of the territory of the kind
it serves (:class:`~app.services.agendas.registry.EditorConfig.serves`):

* ``ps`` and ``cpts``: practitioners, by IDNPS (``8`` + RPPS) — effecteurs with an RPPS;
* ``sos``: SOS Médecins associations, by SIRET (``3`` + SIRET) — effecteurs of kind
  ``SOS`` with an ``organization_id``.

When :class:`~app.models.agenda.EffecteurEditor` rows exist for an effecteur (imported
by ``sas agendas import-editors``), only those editors are asked about it.

The territory is the consultation sites whose INSEE code starts with one of the
server's départements (as :mod:`app.services.search.territory` reads it);
:func:`targets_for` also takes explicit effecteur ids (those inside a search's radius).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur
from app.models.agenda import EffecteurEditor
from app.services.agendas.registry import EditorConfig, Registry

#: Effecteur kind of the SOS Médecins associations.
SOS_KIND = "SOS"
_CHUNK = 500


@dataclass
class EditorTargets:
    """What to ask one editor: practitioners' RPPS and SOS associations' SIRET, each with our effecteur id."""

    editor: EditorConfig
    practitioners: dict[str, str] = field(default_factory=dict)  # effecteur id -> RPPS
    sos: dict[str, str] = field(default_factory=dict)  # effecteur id -> SIRET (as stored)

    @property
    def effecteur_ids(self) -> set[str]:
        return set(self.practitioners) | set(self.sos)

    def __bool__(self) -> bool:
        return bool(self.practitioners or self.sos)

    def narrowed(self, effecteur_ids: Iterable[str]) -> EditorTargets:
        """The same editor, asked only about ``effecteur_ids``."""
        keep = set(effecteur_ids)
        return EditorTargets(self.editor, {k: v for k, v in self.practitioners.items() if k in keep},
                             {k: v for k, v in self.sos.items() if k in keep})


@dataclass(frozen=True)
class _Row:
    id: str
    kind: str
    rpps_id: str | None
    organization_id: str | None


def _in_territory(departements: Sequence[str]):
    return or_(*(ConsultationSite.city_insee_code.startswith(code, autoescape=True) for code in departements))


def _rows(session: Session, departements: Sequence[str] | None, effecteur_ids: Iterable[str] | None) -> list[_Row]:
    columns = (Effecteur.id, Effecteur.kind, Effecteur.rpps_id, Effecteur.organization_id)
    found: dict[str, _Row] = {}
    if effecteur_ids is not None:
        ids = sorted(set(effecteur_ids))
        for i in range(0, len(ids), _CHUNK):  # bounded IN lists (SQLite parameter limit)
            for r in session.execute(select(*columns).where(Effecteur.id.in_(ids[i:i + _CHUNK]))):
                found[r.id] = _Row(r.id, r.kind, r.rpps_id, r.organization_id)
        return list(found.values())
    if not departements:
        return []
    query = (select(*columns).join(ConsultationSite, ConsultationSite.effecteur_id == Effecteur.id)
             .where(_in_territory(departements)).distinct())
    return [_Row(r.id, r.kind, r.rpps_id, r.organization_id) for r in session.execute(query)]


def _assigned(session: Session, ids: list[str]) -> dict[str, set[str]]:
    """effecteur id -> the editors imported for it (only effecteurs that have rows)."""
    found: dict[str, set[str]] = {}
    for i in range(0, len(ids), _CHUNK):
        rows = session.execute(select(EffecteurEditor.effecteur_id, EffecteurEditor.editor)
                               .where(EffecteurEditor.effecteur_id.in_(ids[i:i + _CHUNK])))
        for eff, editor in rows:
            found.setdefault(eff, set()).add(editor)
    return found


def targets_for(session: Session, registry: Registry, *, departements: Sequence[str] | None = None,
                effecteur_ids: Iterable[str] | None = None) -> dict[str, EditorTargets]:
    """Editor name -> its targets: the territory's effecteurs (``departements``) or exactly ``effecteur_ids``.

    Editors with nothing to ask are left out.
    """
    if not registry:
        return {}
    rows = _rows(session, departements, effecteur_ids)
    assigned = _assigned(session, sorted(r.id for r in rows))
    out: dict[str, EditorTargets] = {}
    for editor in registry.editors:
        targets = EditorTargets(editor)
        for row in rows:
            only = assigned.get(row.id)
            if only is not None and editor.name not in only:
                continue
            if row.rpps_id and editor.serves_practitioners:
                targets.practitioners[row.id] = row.rpps_id
            elif row.kind == SOS_KIND and row.organization_id and "sos" in editor.serves:
                targets.sos[row.id] = row.organization_id
        if targets:
            out[editor.name] = targets
    return out
