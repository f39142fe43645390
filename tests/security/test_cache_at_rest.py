"""The console's offline cache at rest: encrypted with the server's key, never readable without it.

Real parts: an embedded server over SQLite, the real API client, the real
sync service and console cache files; the files are then read byte by byte.
"""

from __future__ import annotations

import os
import stat

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.models.db import alembic_config, make_engine, open_database, sqlite_url, upgrade
from app.services.sync import cache_crypto
from app.services.sync.api_client import ApiClient
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from tests.security.conftest import files_holding_the_name, patient_case


async def _desk_key(server, user: str = "mrl", password: str = "mrl-demo", desk: str | None = None) -> bytes:
    async with ApiClient(server.url, timeout=5.0) as client:
        await client.login(user, password)
        return await client.cache_key(desk or cache_crypto.desk_id())


@pytest.mark.asyncio
async def test_a_synced_patient_name_is_nowhere_in_clear_on_the_desk(server, server_dir, desk_dir, temp_scan):
    cache = desk_dir / "console-cache.db"
    async with ApiClient(server.url, timeout=5.0) as client:
        await client.login("mrl", "mrl-demo")
        key = await client.cache_key(cache_crypto.desk_id())
        engine, factory = cache_crypto.open_cache(cache, key)
        store = LocalStore(factory)
        doc = patient_case()
        store.save_case(doc, author="mrl")
        report = await SyncService(store, client).sync_once()
        assert report.ok and store.outbox_count() == 0
        assert any(e["uuid"] == doc.uuid and e["seq"] for e in store.journal())  # pulled back, too
        assert store.get_case(doc.uuid).patients[0].last_name == "Quetzalcoatl"
        assert (desk_dir / "console-cache.db-wal").exists()
        assert files_holding_the_name(desk_dir) == []  # open: the WAL and shared memory are encrypted too
        engine.dispose()
    assert files_holding_the_name(desk_dir) == []
    assert temp_scan() == []
    # The scan does find the name where it is in clear: the server's own database.
    assert files_holding_the_name(server_dir)


@pytest.mark.asyncio
async def test_without_the_key_the_cache_does_not_open_with_it_everything_is_back(server, desk_dir):
    cache = desk_dir / "console-cache.db"
    key = await _desk_key(server)
    engine, factory = cache_crypto.open_cache(cache, key)
    doc = patient_case()
    LocalStore(factory).save_case(doc, author="mrl")
    engine.dispose()

    assert not cache_crypto.is_plain_sqlite(cache)
    with pytest.raises(DatabaseError, match="file is not a database"):
        open_database(sqlite_url(cache))  # plain SQLite, no key
    with pytest.raises(cache_crypto.CacheKeyError) as refused:
        cache_crypto.open_cache(cache, os.urandom(32), set_aside_unreadable=False)
    assert "ne s'ouvre pas avec la clé" in refused.value.message

    # Another login, another user of the same desk: the same key, the data back.
    engine, factory = cache_crypto.open_cache(cache, await _desk_key(server, "arm", "arm-demo"))
    store = LocalStore(factory)
    assert store.get_case(doc.uuid).patients[0].first_name == "Zébulon"
    assert store.outbox_count() == 1
    engine.dispose()


def test_a_cache_the_key_does_not_open_is_set_aside_not_deleted(desk_dir):
    cache = desk_dir / "console-cache.db"
    old_key, new_key = os.urandom(32), os.urandom(32)
    engine, factory = cache_crypto.open_cache(cache, old_key)
    LocalStore(factory).save_case(patient_case(), author="mrl")
    engine.dispose()

    engine, factory = cache_crypto.open_cache(cache, new_key)
    assert LocalStore(factory).outbox_count() == 0
    engine.dispose()
    aside = [p for p in desk_dir.iterdir() if p.name.startswith("console-cache.db.illisible-") and "-wal" not in p.name]
    assert len(aside) == 1
    engine, factory = open_database(sqlite_url(aside[0]), key=old_key)
    assert LocalStore(factory).outbox_count() == 1  # the pending case is still there, under the old key
    engine.dispose()


def test_a_plain_cache_is_converted_with_its_outbox_intact(desk_dir):
    cache = desk_dir / "console-cache.db"
    engine, factory = open_database(sqlite_url(cache))  # a cache written by the previous version
    plain = LocalStore(factory)
    docs = [patient_case(), patient_case()]
    for doc in docs:
        plain.save_case(doc, author="arm")
    before = [(i.id, i.entity_uuid, i.body) for i in plain.pending_outbox()]
    engine.dispose()
    assert cache_crypto.is_plain_sqlite(cache) and files_holding_the_name(desk_dir)

    key = os.urandom(32)
    engine, factory = cache_crypto.open_cache(cache, key)
    store = LocalStore(factory)
    assert [(i.id, i.entity_uuid, i.body) for i in store.pending_outbox()] == before
    assert store.get_case(docs[1].uuid) == docs[1]
    engine.dispose()
    assert not cache_crypto.is_plain_sqlite(cache)
    assert files_holding_the_name(desk_dir) == []
    assert not list(desk_dir.glob("*.chiffrement*"))


@pytest.mark.parametrize("revision", ["0002", "0003"])
def test_an_older_encrypted_cache_upgrades_itself_on_open(desk_dir, revision):
    cache = desk_dir / "console-cache.db"
    key = os.urandom(32)
    engine = make_engine(sqlite_url(cache), key=key)
    upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO outbox (entity, entity_uuid, method, path, body, created_at, attempts, "
                          "rejected) VALUES ('case', 'u-1', 'PUT', '/api/v1/cases/u-1', '{}', "
                          "'2025-01-01 00:00:00', 0, 0)"))
    engine.dispose()

    engine, factory = cache_crypto.open_cache(cache, key)
    with engine.connect() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert current == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert [i.entity_uuid for i in LocalStore(factory).pending_outbox()] == ["u-1"]
    engine.dispose()


@pytest.mark.asyncio
async def test_the_key_route_gives_one_key_per_desk_to_authenticated_users_only(server, server_dir, desk_dir):
    desk_a, desk_b = "a" * 32, "b" * 32
    key_a = await _desk_key(server, desk=desk_a)
    assert await _desk_key(server, "arm", "arm-demo", desk=desk_a) == key_a
    assert await _desk_key(server, desk=desk_b) != key_a
    assert stat.S_IMODE((server_dir / "cache-secret.key").stat().st_mode) == 0o600

    async with httpx.AsyncClient(base_url=server.url) as http:
        anonymous = await http.get("/api/v1/desk/cache-key", params={"desk": desk_a})
        assert anonymous.status_code == 401 and "key" not in anonymous.json()
        token = (await http.post("/api/v1/auth/login", json={"username": "mrl", "password": "mrl-demo"})).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        ok = await http.get("/api/v1/desk/cache-key", params={"desk": desk_a}, headers=auth)
        assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
        bad = await http.get("/api/v1/desk/cache-key", params={"desk": "../../etc"}, headers=auth)
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"].endswith("desk")
