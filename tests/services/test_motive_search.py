"""The motive search finds the callers' everyday words and the official list's own synonyms."""

from __future__ import annotations

import pytest

from app.codes import nomenclatures
from app.services.intake import form as intake


def _codes(text: str, limit: int = 5) -> list[str]:
    return [code for code, _display in intake.search_motives(text, limit=limit)]


@pytest.mark.parametrize("text, expected", [
    ("toux", "M03.12"),            # Gêne respiratoire: « toux » is in the official description
    ("asthme", "M03.12"),
    ("fievre", "M03.14"),          # Fièvre, without the accent
    ("FIÈVRE", "M03.14"),
    ("douleur thorax", "M03.06"),  # Douleur thoracique: the caller's word
    ("douleur poitrine", "M03.06"),
    ("chute", "M06.03"),           # Personne restant à terre suite à une chute
    ("il est tombé", "M06.03"),
    ("mal au ventre", "M03.20"),   # Douleur abdominale isolée
    ("mal de tête", "M03.11"),     # Céphalée, migraines
    ("syncope", "M03.10"),         # Malaise avec perte de connaissance: official description
    ("diarrhée", "M03.21"),
    ("fiev", "M03.14"),            # a word typed partly
])
def test_common_words_find_the_official_motive_first(text, expected):
    found = _codes(text)
    assert found, f"« {text} » finds nothing"
    assert found[0] == expected, f"« {text} » → {found}"


def test_a_label_match_ranks_before_a_description_match():
    # « saignements » starts four labels; « épistaxis » is only in two descriptions (M02.01, M03.18).
    assert set(_codes("saignements", 10)[:4]) == {"M02.01", "M03.03", "M03.04", "M03.18"}
    assert set(_codes("epistaxis")) == {"M02.01", "M03.18"}
    # « respiratoire » is in labels (M01.03, M03.12) before any description.
    assert set(_codes("respiratoire")[:2]) == {"M01.03", "M03.12"}


def test_codes_and_empty_text_still_work():
    assert _codes("m0306") == ["M03.06"]
    assert _codes("") == []
    assert _codes("zzzz") == []


def test_other_lists_read_their_descriptions_too():
    fact = [c.code for c in nomenclatures.search(nomenclatures.FACT, "tombé")]
    assert fact and all(nomenclatures.label(nomenclatures.FACT, c) for c in fact)
    assert any("chute" in nomenclatures.label(nomenclatures.FACT, c).lower() for c in fact[:3])
