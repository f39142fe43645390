"""A search the desk records is the one the stats, the timeline and the journal read (one shape, one reader)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.models import Case
from app.models.db import open_database, sqlite_url
from app.services.regulation import case_events
from app.services.supervision import stats_rows, timeline
from app.services.records import journal_text
from app.services.records.documents import CaseEventDoc, SearchRecordDoc

T = datetime(2024, 1, 18, 9, 0, tzinfo=timezone.utc)


def test_an_empty_search_recorded_like_the_desk_does_counts_as_empty_everywhere(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"))
    try:
        with factory() as session, session.begin():
            case = Case(uuid="c-1", case_id="fr.health.samu670.DRFR15670240180001", owner="fr.health.samu670",
                        creation=T, reception=T, priority="P2", perimeter="SNP")
            session.add(case)
            for n, found in enumerate((0, 7)):
                doc = CaseEventDoc(uuid=f"s-{n}", case_uuid="c-1", created_at=T + timedelta(minutes=n + 1),
                                   type="search", search=SearchRecordDoc(result_count=found,
                                                                         criteria={"radius_km": 15}))
                session.add(case_events.apply(case, doc, author="mrl", author_role="MRL"))
        with factory() as session:
            searches = stats_rows.load_searches(session, T, T + timedelta(hours=1))
            assert sorted(s.results for s in searches) == [0, 7]
            payloads = [e.payload for e in session.get(Case, "c-1").events]
    finally:
        engine.dispose()
    texts = sorted(timeline.search_text(p) for p in payloads)
    assert texts[0].startswith("Recherche de créneaux : 7 résultat(s)")
    assert texts[1].startswith("Recherche sans résultat") and "15 km" in texts[1]
    # The case view's event list says the same (one French describer for every screen).
    assert sorted(journal_text.event_text(p) for p in payloads) == ["Recherche de créneaux : 7 résultat(s)",
                                                                   "Recherche sans résultat"]
