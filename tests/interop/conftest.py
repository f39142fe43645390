"""Shared helpers of the Hub Santé tests: the official samples copied in ``tests/data`` (absent is a failure)."""

from __future__ import annotations

import json
from pathlib import Path

#: The official Hub Santé samples, copied from shared/data/hub-sante/examples (tests/data/README.md).
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub-sante" / "examples"


def samples(message: str) -> list[Path]:
    """The official samples of ``message`` (RS-EDA, RS-EDA-MAJ…); none found stops the collection."""
    found = sorted((EXAMPLES / message).glob("*.json"))
    if not found:
        raise FileNotFoundError(f"no official {message} sample in {EXAMPLES / message} (see tests/data/README.md)")
    return found


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def base_case(case_id: str, owner: str = "fr.health.samu670"):
    """A small valid CaseDoc with Hub ``caseId`` ``case_id`` (what an RS-EDA-MAJ updates)."""
    from app.services.records.documents import CaseDoc
    from app.services.interop.hub.rs_eda_import import case_uuid_for

    return CaseDoc(uuid=case_uuid_for(case_id), case_id=case_id, owner=owner,
                   creation="2024-01-18T10:15:00+01:00", reception="2024-01-18T10:14:30+01:00",
                   priority="P2", caller_phone="+33612345678", caller_name="Appelant Test",
                   patients=[], notes=[])
