"""The patients of a case as typed at intake: parsing and checking birth date, age, sex and GP.

:class:`PatientForm` is raw text; :func:`validate` gives one French message per
bad field (``birth_date``, ``age``, ``sex``, ``gp_rpps``) and :func:`to_doc`
builds the wire :class:`~app.services.records.documents.PatientDoc`.  Ages are typed as
``45``, ``45 ans``, ``3 mois``, ``2 sem`` or ``10 j`` and stored the Hub way
(``P45Y``, ``P3M``…).  Plain Python, no Qt.
"""

from __future__ import annotations

import re
import uuid as uuid_mod
from dataclasses import dataclass
from datetime import date, datetime

from app.codes import case_codes
from app.services.records.documents import MAX_AGE_YEARS, PatientDoc, age_years

#: The official sexes (:data:`app.codes.case_codes.SEXES`) with the words a desk shows.
SEXES = {code: {"M": "Masculin", "F": "Féminin", "O": "Autre", "UN": "Inconnu"}[code] for code in case_codes.SEXES}
_AGE_UNITS = {"": "Y", "a": "Y", "an": "Y", "ans": "Y", "m": "M", "mois": "M", "s": "W", "sem": "W",
              "semaine": "W", "semaines": "W", "j": "D", "jour": "D", "jours": "D"}


@dataclass
class PatientForm:
    last_name: str = ""
    first_name: str = ""
    birth_date: str = ""
    age: str = ""
    sex: str = ""
    gp_name: str = ""
    gp_rpps: str = ""

    def is_empty(self) -> bool:
        return not any(v.strip() for v in vars(self).values())


def parse_birth_date(text: str) -> date | None:
    """``"03/02/1950"``, ``"3-2-1950"`` or ``"1950-02-03"`` → a date; ``""`` → None; else ValueError."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError("Date de naissance invalide (jj/mm/aaaa)") from None


def parse_age(text: str) -> str | None:
    """``"45"`` → ``"P45Y"``, ``"3 mois"`` → ``"P3M"``; ``""`` → None; else ValueError."""
    text = text.strip().lower()
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,3})\s*([a-z]*)", text)
    if not m or m.group(2) not in _AGE_UNITS:
        raise ValueError("Âge invalide (ex. 45, 3 mois, 10 j)")
    return f"P{int(m.group(1))}{_AGE_UNITS[m.group(2)]}"


def validate(form: PatientForm, *, today: date | None = None) -> dict[str, str]:
    """``{field: French message}`` for every bad field of one patient."""
    today = today or date.today()
    errors: dict[str, str] = {}
    try:
        born = parse_birth_date(form.birth_date)
        if born is not None and born > today:
            errors["birth_date"] = "Date de naissance dans le futur"
        elif born is not None and today.year - born.year > MAX_AGE_YEARS:
            errors["birth_date"] = f"Date de naissance de plus de {MAX_AGE_YEARS} ans"
    except ValueError as exc:
        errors["birth_date"] = str(exc)
    try:
        age = parse_age(form.age)
        if age is not None and (age_years(age) or 0) > MAX_AGE_YEARS:
            errors["age"] = f"Âge supérieur à {MAX_AGE_YEARS} ans"
    except ValueError as exc:
        errors["age"] = str(exc)
    if form.sex and form.sex not in SEXES:
        errors["sex"] = "Sexe : M, F, O ou UN"
    if form.gp_rpps.strip() and not re.fullmatch(r"\d{11}", form.gp_rpps.strip()):
        errors["gp_rpps"] = "RPPS du médecin traitant : 11 chiffres"
    return errors


def to_doc(form: PatientForm, *, case_uuid: str, owner: str, case_number: str, rank: int) -> PatientDoc:
    """The wire patient (``patientId`` ``{owner}.patient.{case number}-{rank}``); the form must validate."""
    return PatientDoc(
        uuid=str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, f"case/{case_uuid}/patient/{rank}")),
        patient_id=f"{owner}.patient.{case_number}-{rank}", rank=rank,
        last_name=form.last_name.strip() or None, first_name=form.first_name.strip() or None,
        birth_date=parse_birth_date(form.birth_date), age=parse_age(form.age), sex=form.sex or None,
        general_practitioner_name=form.gp_name.strip() or None,
        general_practitioner_rpps=form.gp_rpps.strip() or None,
    )


def summary(form: PatientForm) -> str:
    """``"MARTIN Jeanne, F, 03/02/1950"`` for the list of patients."""
    parts = [" ".join(p for p in (form.last_name.strip().upper(), form.first_name.strip()) if p) or "Patient"]
    parts += [p for p in (form.sex, form.birth_date.strip() or (form.age.strip() and f"{form.age.strip()}")) if p]
    return ", ".join(parts)
