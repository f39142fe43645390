"""The desk's cache forgets cases past the retention period at login, as the server's purge does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from app.models import Case
from app.services.sync import cache_crypto
from app.services.sync.api_client import ApiClient
from app.services.sync.desk_cache import DeskCache
from app.services.sync.worker import SyncService
from tests.security.conftest import patient_case


@pytest.mark.asyncio
async def test_login_purges_the_cached_cases_past_retention_and_keeps_the_others(server, desk_dir, monkeypatch):
    async with ApiClient(server.url, timeout=5.0) as client:
        await client.login("mrl", "mrl-demo")
        cache = DeskCache.open(desk_dir / "console-cache.db", await client.cache_key(cache_crypto.desk_id()))
        store, factory = cache.store, cache.store.session_factory
        old, recent = patient_case(), patient_case()
        old = old.model_copy(update={"creation": datetime.now(timezone.utc) - timedelta(days=40)})
        store.save_case(old, author="mrl")
        store.save_case(recent, author="mrl")
        pending = patient_case().model_copy(update={"creation": datetime.now(timezone.utc) - timedelta(days=40)})
        assert (await SyncService(store, client).sync_once()).ok
        store.save_case(pending, author="mrl")  # old but not yet sent: kept until the server has it

        with factory() as session, session.begin():  # as if last touched 40 days ago
            session.execute(update(Case).where(Case.uuid.in_([old.uuid, pending.uuid]))
                            .values(updated_at=datetime.now(timezone.utc) - timedelta(days=40)))

        monkeypatch.setenv("SAS_RETENTION_DAYS", "30")
        cache.purge_expired("mrl")

        assert store.get_case(old.uuid) is None
        assert store.get_case(recent.uuid) is not None
        assert store.get_case(pending.uuid) is not None and store.outbox_count() == 1
        cache.close()
