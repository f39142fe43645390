"""The shipped communes CSV and the place-field search (app.services.reference.communes)."""

from __future__ import annotations

import time

import pytest

from app.services.reference.communes import Commune, CommuneIndex, default_index, load_communes, normalize


@pytest.fixture(scope="module")
def communes_index() -> CommuneIndex:
    return default_index()


def _codes(results: list[Commune]) -> list[str]:
    return [c.insee for c in results]


def test_loads_every_row_with_the_documented_checks(communes_index):
    assert len(communes_index) == 35_014
    strasbourg = communes_index.get("67482")
    assert strasbourg is not None
    assert (strasbourg.name, strasbourg.departement, strasbourg.population) == ("Strasbourg", "67", 293_771)
    assert (strasbourg.lat, strasbourg.lon) == (48.56907, 7.76208)
    assert set(strasbourg.postal_codes) == {"67000", "67100", "67200"}
    reunion = communes_index.get("97411")
    assert (reunion.name, reunion.lat, reunion.lon) == ("Saint-Denis", -20.94342, 55.4444)
    assert communes_index.get("59350").lat == 50.63108
    assert communes_index.get("2a004").name == "Ajaccio"
    assert communes_index.get("99999") is None


def test_rows_without_coordinates_are_kept_without_coordinates(communes_index):
    missing = [c for c in communes_index.communes if not c.has_coordinates]
    assert len(missing) == 101
    assert all(c.lat is None and c.lon is None for c in missing)


def test_arrondissements_know_their_parent(communes_index):
    paris_15 = communes_index.get("75115")
    assert paris_15.is_arrondissement and paris_15.parent_insee == "75056"
    assert not communes_index.get("75056").is_arrondissement


def test_in_departement(communes_index):
    bas_rhin = communes_index.in_departement("67")
    assert len(bas_rhin) > 500
    assert {c.departement for c in bas_rhin} == {"67"}
    assert "67482" in _codes(bas_rhin)
    assert {c.departement for c in communes_index.in_departement("2a")} == {"2A"}
    assert communes_index.in_departement("971")
    assert communes_index.in_departement("00") == []


@pytest.mark.parametrize("text", ["strasb", "Strasbourg", "STRASBOURG", "strasbourg ", "67000", "67482",
                                  "67 000", "67000 Strasbourg", "Strasbourg 67"])
def test_strasbourg_is_the_first_hit(communes_index, text):
    assert _codes(communes_index.search(text))[0] == "67482"


def test_postal_code_prefix_ranks_by_population(communes_index):
    results = communes_index.search("67", limit=10)
    assert _codes(results)[:2] == ["67482", "67180"]  # Strasbourg, then Haguenau
    assert all(any(p.startswith("67") for p in c.postal_codes) for c in results)
    populations = [c.population for c in results]
    assert populations == sorted(populations, reverse=True)


def test_saint_and_st_are_the_same_word(communes_index):
    reference = _codes(communes_index.search("Saint-Denis"))
    assert reference[:2] == ["97411", "93066"]  # La Réunion (155k), then Seine-Saint-Denis (149k)
    for variant in ("st denis", "St-Denis", "SAINT DENIS", "saint-denis", "st. denis"):
        assert _codes(communes_index.search(variant)) == reference, variant
    assert _codes(communes_index.search("ste marie"))[0] == "97418"


def test_st_being_typed_can_still_be_strasbourg(communes_index):
    assert _codes(communes_index.search("st"))[0] == "67482"
    # Once the word is finished, "st" means "saint".
    assert communes_index.search("st ")[0].name.startswith("Saint")


def test_accents_apostrophes_hyphens_and_ligatures(communes_index):
    assert communes_index.search("saint etienne")[0].insee == "42218"
    assert communes_index.search("l'abergement clemenciat")[0].insee == "01001"
    assert communes_index.search("L’Abergement-Clémenciat")[0].insee == "01001"
    assert communes_index.search("labergement c")[0].insee == "01001"  # spaces and apostrophe left out
    assert communes_index.search("labergement")[0].name == "Labergement-Sainte-Marie"
    assert communes_index.search("oeuf en ternois")[0].insee == "62633"
    assert communes_index.search("lehavre")[0].insee == "76351"


def test_words_in_any_order(communes_index):
    results = communes_index.search("denis saint", limit=20)
    assert {"97411", "93066"} <= set(_codes(results))
    assert all("denis" in normalize(c.name) and "saint" in normalize(c.name) for c in results)


def test_quality_before_population(communes_index):
    # The exact name "Ajac" (196 inhabitants) beats the prefix match Ajaccio (76k).
    assert _codes(communes_index.search("ajac"))[:2] == ["11003", "2A004"]
    # Every hit of a name prefix search starts with that prefix.
    assert all(normalize(c.name).startswith("mont") for c in communes_index.search("mont", limit=10))


def test_limits_and_empty_queries(communes_index):
    assert communes_index.search("") == []
    assert communes_index.search("  -' ") == []
    assert communes_index.search("zzzzzz") == []
    assert communes_index.search("saint", limit=0) == []
    assert len(communes_index.search("saint", limit=3)) == 3
    assert len(communes_index.search("a", limit=25)) == 25


def test_search_is_fast(communes_index):
    queries = ["s", "saint", "st denis", "strasb", "67", "6", "la", "denis saint", "saint sur", "l'abergement",
               "paris 1", "lyon", "67000 strasbourg", "mont", "a", "y", "ste marie", "2a004", "zzzz", "bourg"]
    communes_index.search("warm-up")
    t0 = time.thread_time()
    for _ in range(5):
        for q in queries:
            communes_index.search(q)
    per_query_ms = (time.thread_time() - t0) * 1000 / (5 * len(queries))
    assert per_query_ms < 2.0


def test_loading_is_fast_enough():
    # CPU time of this thread: other processes, and threads left by earlier tests, do not count.
    t0 = time.thread_time()
    CommuneIndex(load_communes())
    assert time.thread_time() - t0 < 1.5  # about 0.4 s


def test_default_index_is_shared():
    assert default_index() is default_index()


def test_normalize():
    assert normalize("L’Île-Saint-Denis") == "l ile saint denis"
    assert normalize("St-Jean-de-Luz") == "saint jean de luz"
    assert normalize("st", expand_last=False) == "st"
    assert normalize("Œuvre") == "oeuvre"


def test_a_departements_codes_without_the_index_are_the_csv_rows_of_that_departement():
    """The embedded server's start reads them (the full index is only built when a desk searches)."""
    import csv

    from app import paths
    from app.services.reference import communes

    path = paths.resource("communes", "communes_fr.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for dep in ("67", "2A", "75", "976"):
        expected = [row["code_insee"] for row in rows if row["code_departement"] == dep]
        assert expected, dep
        assert list(communes._departement_codes(dep, path)) == expected  # the file scan, index or not
        assert communes.departement_insee_codes(dep.lower()) == expected
    assert "67482" in communes.departement_insee_codes("67")
    assert {"75056", "75101", "75120"} <= set(communes.departement_insee_codes("75"))  # Paris and arrondissements
    assert communes.departement_insee_codes("20") == []
