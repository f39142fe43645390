"""Issue 13 finding: the review's « Statut » read « En cours » for decided cases."""

from __future__ import annotations

from datetime import datetime, timezone

from app.services.supervision.shift_review import ReviewRow
from app.ui.supervisor.review_model import display

STATUS_COLUMN = 9  # ReviewModel.HEADERS: … Décision, Statut, Opérateurs


def _row(**fields) -> ReviewRow:
    return ReviewRow(uuid="u", case_id="fr.health.samu670.DRFR15670240180001", presented=datetime(
        2024, 1, 18, 9, tzinfo=timezone.utc), priority="P2", stream="SNP", **fields)


def test_a_decided_case_reads_decided_and_an_undecided_one_en_cours():
    assert display(_row(status="ACTIF", decision="CONSULTATION_48H", booked=True))[STATUS_COLUMN] == "Décidé"
    assert display(_row(status="ACTIF"))[STATUS_COLUMN] == "En cours"
    assert display(_row(status="CLOTURE", decision="CONSEIL"))[STATUS_COLUMN] == "Clôturé"
