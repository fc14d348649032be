"""The reply cache in SQLite, and the metadata columns migration 0003 adds."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

from aniworld_desktop.storage.database import alembic_config, open_database
from aniworld_desktop.storage.reply_cache import ReplyCache, SqlReplyCache


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(database, clock) -> SqlReplyCache:
    return SqlReplyCache(database, timedelta(hours=1), clock=clock)


async def test_what_is_put_is_got(cache):
    assert await cache.get("GET /tv/1") is None
    await cache.put("GET /tv/1", '{"id": 1}')
    assert await cache.get("GET /tv/1") == '{"id": 1}'
    assert await cache.get("GET /tv/2") is None


async def test_a_put_replaces_and_refreshes(cache, clock):
    await cache.put("k", "old")
    clock.now += timedelta(minutes=50)
    await cache.put("k", "new")
    clock.now += timedelta(minutes=50)
    assert await cache.get("k") == "new"


async def test_an_old_reply_is_a_miss_and_purged(cache, clock):
    await cache.put("old", "1")
    clock.now += timedelta(minutes=30)
    await cache.put("young", "2")
    clock.now += timedelta(minutes=31)
    assert await cache.get("old") is None
    assert await cache.get("young") == "2"
    assert await cache.purge() == 1
    assert await cache.get("young") == "2"


async def test_text_survives_as_it_was(cache):
    body = '{"name": "進撃の巨人 & <friends> \\"quoted\\" 🎉"}'
    await cache.put("k", body)
    assert await cache.get("k") == body


async def test_a_broken_store_is_a_miss_not_a_failure(tmp_path, caplog):
    # A database without the table stands for one that is locked, read-only or damaged.
    broken = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        cache: ReplyCache = SqlReplyCache(broken, timedelta(hours=1))
        caplog.set_level(logging.WARNING)
        await cache.put("k", "v")
        assert await cache.get("k") is None
    finally:
        await broken.dispose()
    assert "reply cache" in caplog.text


def _make_revision_0002(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored)"
                " VALUES (1, 'Harbor Lights', 'direct', 'direct:hl', 'Harbor Lights', 1)"
            )
        )
    engine.dispose()


async def test_upgrade_from_0002_adds_the_metadata_columns_and_keeps_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    _make_revision_0002(path)
    engine = await open_database(path)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT title, tmdb_id, metadata_state, metadata_error FROM series")
                )
            ).one()
            assert tuple(row) == ("Harbor Lights", None, "", "")
            assert (await conn.execute(text("SELECT count(*) FROM http_cache"))).scalar() == 0
    finally:
        await engine.dispose()


def test_downgrade_to_0002_removes_them(tmp_path):
    path = tmp_path / "db.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        command.downgrade(config, "0002")
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(series)"))}
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()
    assert "tmdb_id" not in columns and "refresh_error" in columns
    assert "http_cache" not in tables
