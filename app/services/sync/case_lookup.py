"""Find a case of the desk's cache by what a person would give: its case number or its uuid.

``sas console --open-case`` accepts either the Hub case id
(``fr.health.samu670.DRFR15…``), its short number (the last segment, as the
queue shows it) or the case's uuid.
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import Case
from app.services.records.documents import CaseDoc, case_to_doc
from app.services.sync.local_store import LocalStore


def find_case(store: LocalStore, ref: str) -> CaseDoc | None:
    """The cached case whose uuid, case id or short number is ``ref``; None when the cache has none."""
    ref = ref.strip()
    if not ref:
        return None
    with store.session_factory() as session:
        case = session.get(Case, ref)
        if case is None:
            case = session.scalars(select(Case).where(Case.case_id == ref)).first()
        if case is None and "." not in ref:
            case = session.scalars(select(Case).where(Case.case_id.like(f"%.{ref}"))).first()
            if case is None:
                case = session.scalars(select(Case).where(Case.case_id.like(f"%{ref}"))).first()
        return case_to_doc(case) if case is not None else None
