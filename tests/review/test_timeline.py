"""A case's timeline: every step of a case, in time order, told in French."""

from __future__ import annotations

from sqlalchemy import inspect

import app.models as models
from app.services.supervision import timeline
from app.services.supervision.shift_review import load_review
from tests.review.conftest import END, START


def test_the_timeline_tells_the_whole_case_in_order(shift, told_case):
    with shift() as session:
        items = timeline.case_timeline(session, told_case)
        has_appointments = getattr(models, "Appointment", None) is not None and \
            inspect(session.get_bind()).has_table("appointments")
    assert [i.at for i in items] == sorted(i.at for i in items)
    kinds = [i.kind for i in items]
    assert kinds[:3] == [timeline.CALL, timeline.CALL, timeline.INTAKE]
    texts = [i.text for i in items]
    assert texts[0] == "Appel présenté (15)"
    assert texts[1] == "Appel décroché en 0:20"
    assert texts[2] == "Dossier ouvert : P2, SNP, Fièvre, Sélestat"
    assert items[2].who == "arm1 (ARM)"
    assert texts.count("Note : Enfant de 4 ans, 39,5 °C") == 1  # the note's event and its note row are one step
    assert "Filière Soins Non Programmés (SNP) au lieu de la suggestion : Appel du médecin traitant" in texts
    assert "Transmis au médecin régulateur libéral (MRL)" in texts
    searches = [i for i in items if i.kind == timeline.SEARCH]
    assert [s.text for s in searches] == ["Recherche sans résultat — rayon 10 km",
                                          "Recherche de créneaux : 4 résultat(s) — rayon 20 km"]
    decision = kinds.index(timeline.DECISION)
    assert texts[decision] == "Décision : Consultation en ville sous 48 h"
    assert kinds[decision + 1] == timeline.BOOKING
    assert texts[decision + 1].startswith("Créneau réservé : Dr Anne Weber le 18/01 à ")
    assert texts[decision + 1].endswith("(cabinet)")
    hub = [i for i in items if i.kind == timeline.HUB]
    assert [h.text for h in hub] == ["Mise à jour reçue du Hub Santé (RS-EDA-MAJ) : rs-eda-maj applied (1 events)"]
    if has_appointments:
        assert "Suivi du RDV : patient non présenté" in texts
        assert any(t.startswith("RDV pris sur la plateforme SAS : Dr Anne Weber") for t in texts)
    else:
        assert timeline.APPOINTMENT not in kinds


def test_the_told_case_is_found_by_its_accented_patient_without_accents(shift, told_case):
    from app.services.supervision.shift_review import ReviewFilter, apply_filter

    with shift() as session:
        rows = load_review(session, START, END)
    found = apply_filter(rows, ReviewFilter(START, END, text="eloise-unal zoe"))
    assert [r.uuid for r in found] == [told_case]
    assert found[0].decision == "CONSULTATION_48H" and found[0].booked
    assert found[0].operators[:2] == ("arm1", "mrl1") and {"ARM", "MRL", "ADMIN"} >= found[0].roles


def test_an_unknown_case_has_an_empty_timeline(shift):
    with shift() as session:
        assert timeline.case_timeline(session, "00000000-0000-4000-8000-000000000000") == []
