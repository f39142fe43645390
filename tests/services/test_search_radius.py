"""The département radius table: the platform's anchors, every département covered, steps, lookups."""

from __future__ import annotations

from app.codes.places import departement_of_insee
from app.services.reference.communes import default_index
from app.services.search.radius import FALLBACK_RADIUS_KM, MAX_RADIUS_KM, all_rules, rule_for


def test_published_anchors_and_density_order():
    assert {d: rule_for(d).radius_km for d in ("75", "92", "93", "94", "95", "69")} == dict.fromkeys(
        ("75", "92", "93", "94", "95", "69"), 5.0)
    assert {d: rule_for(d).radius_km for d in ("48", "23", "36")} == dict.fromkeys(("48", "23", "36"), 50.0)
    assert rule_for("67").radius_km < rule_for("05").radius_km  # Bas-Rhin denser than Hautes-Alpes
    assert all(5 <= r.radius_km <= 50 and 3 <= r.step_km <= 25 for r in all_rules())


def test_every_departement_with_communes_has_a_rule():
    # Overseas collectivities (975, 977, 978, 98x) have no SAMU of their own: they get the fallback.
    departements = {d for d in default_index().departements() if d[:3] not in ("975", "977", "978")
                    and not d.startswith("98")}
    assert {r.departement for r in all_rules()} == departements


def test_lookup_by_commune_and_widening():
    assert departement_of_insee("75056") == "75" and departement_of_insee("97411") == "974"
    assert departement_of_insee("2A004") == "2A" and departement_of_insee(None) is None
    paris = rule_for(insee="75056")
    assert (paris.radius_km, paris.widened(paris.radius_km)) == (5.0, 8.0)
    assert rule_for("48").widened(190) == MAX_RADIUS_KM
    assert rule_for("ZZ").radius_km == rule_for(insee="bad").radius_km == FALLBACK_RADIUS_KM
