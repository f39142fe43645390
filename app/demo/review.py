"""Dress a demo shift for the shift review: patients, motives, addresses, notes and slot searches.

:func:`app.demo.shift.fill_shift` writes the clocks, hand-overs and
decisions the indicators need; the review also searches the text of cases
(names, motive, address, notes) and shows slot searches, so :func:`dress_shift`
adds, to every case that has none yet: a patient with a French name (accents
included), a motive and an address in a commune of the Bas-Rhin, a note on
about one case in three, and one ``search`` case event (with its result count,
about one in eight finding nothing) on each decided SNP case.  Deterministic
for a given ``seed``; rows are inserted in bulk.  Used by the review's
benchmark, its tests and the PDF sample.  Plain Python, no Qt.
"""

from __future__ import annotations

import random
import uuid as uuid_mod
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, CaseNote, Patient
from app.demo.names import MEN, NUMBERS, STREETS, SURNAMES, WOMEN

MOTIVES = ("Douleur thoracique", "Fièvre", "Traumatisme d'un membre", "Malaise", "Douleur abdominale",
           "Difficulté respiratoire", "Céphalée", "Vomissements, diarrhée", "Éruption cutanée", "Douleur dentaire")
CITIES = ("Strasbourg", "Sélestat", "Haguenau", "Saverne", "Obernai", "Molsheim", "Schiltigheim",
          "Illkirch-Graffenstaden", "Bischwiller", "Erstein")
NOTES = ("Patient anxieux, rappel conseillé", "Traitement en cours : paracétamol", "Allergie à la pénicilline",
         "Vit seul, voisine présente", "Antécédent d'asthme", "Fille sur place, joignable")


def _uuid(rng: random.Random) -> str:
    return str(uuid_mod.UUID(int=rng.getrandbits(128), version=4))


def dress_shift(session: Session, *, seed: int = 11) -> int:
    """Add text and searches to the cases without a patient; returns how many cases were dressed."""
    rng = random.Random(seed)
    rows = session.execute(select(Case.uuid, Case.case_id, Case.creation, Case.perimeter, Case.decided_at,
                                  Case.created_by)
                           .where(~Case.uuid.in_(select(Patient.case_uuid))).order_by(Case.case_id)).all()
    cases, patients, notes, events = [], [], [], []
    for c in rows:
        female = rng.random() < 0.5
        first, last = rng.choice(WOMEN if female else MEN), rng.choice(SURNAMES)
        city = rng.choice(CITIES)
        cases.append({"b_uuid": c.uuid, "health_motive_label": rng.choice(MOTIVES), "city_name": city,
                      "address_complete": f"{rng.choice(NUMBERS)} {rng.choice(STREETS)}, {city}",
                      "caller_name": f"{rng.choice(WOMEN + MEN)} {last}"})
        patients.append({"uuid": _uuid(rng), "case_uuid": c.uuid, "patient_id": f"{c.case_id}.patient.1", "rank": 1,
                         "first_name": first, "last_name": last, "sex": "F" if female else "M",
                         "age": f"P{rng.randint(1, 95)}Y"})
        if rng.random() < 0.33:
            notes.append({"uuid": _uuid(rng), "case_uuid": c.uuid, "creation": c.creation + timedelta(seconds=90),
                          "author": c.created_by, "author_role": "ARM", "freetext": rng.choice(NOTES)})
        if c.perimeter == "SNP" and c.decided_at is not None:
            found = 0 if rng.random() < 0.125 else rng.randint(1, 25)
            events.append({"uuid": _uuid(rng), "case_uuid": c.uuid, "type": "search",
                           "created_at": c.decided_at - timedelta(seconds=rng.randint(30, 120)),
                           "author": c.created_by, "author_role": "ARM",
                           "payload": {"type": "search", "search": {
                               "result_count": found, "effecteur_ids": [],
                               "criteria": {"radius_km": rng.choice((10, 15, 20))}}}})
    if cases:
        stmt = (update(Case).where(Case.uuid == bindparam("b_uuid"))
                .values(health_motive_label=bindparam("health_motive_label"), city_name=bindparam("city_name"),
                        address_complete=bindparam("address_complete"), caller_name=bindparam("caller_name")))
        session.connection().execute(stmt, cases)
    for table, batch in ((Patient, patients), (CaseNote, notes), (CaseEvent, events)):
        if batch:
            session.execute(insert(table), batch)
    session.commit()
    return len(cases)
