"""Migrations upgrade a database that already holds data, and never rebuild it empty."""

import contextlib
import sqlite3

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from aniworld_desktop.storage.database import alembic_config, open_database


def make_revision_0001(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored)"
                " VALUES (1, 'Harbor Lights', 'direct', 'direct:hl', 'Harbor Lights', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO episode (id, series_id, season, number, title, url)"
                " VALUES (7, 1, 1, 2, 'Fog', 'http://h/e.mkv')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO download_queue (episode_id, status, position, url, destination,"
                " bytes_done, error, attempts) VALUES (7, 'paused', 1, 'http://h/e.mkv', 'x', 5, '', 0)"
            )
        )
    engine.dispose()


async def test_upgrade_from_0001_keeps_every_row(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_revision_0001(path)
    engine = await open_database(path)
    try:
        async with engine.connect() as conn:
            episode = (
                await conn.execute(text("SELECT title, url, kind, guid, file_path FROM episode"))
            ).one()
            assert tuple(episode) == ("Fog", "http://h/e.mkv", "full", "", None)
            series = (
                await conn.execute(text("SELECT title, description, refresh_error FROM series"))
            ).one()
            assert tuple(series) == ("Harbor Lights", "", "")
            queue = (
                await conn.execute(text("SELECT status, bytes_done FROM download_queue"))
            ).one()
            assert tuple(queue) == ("paused", 5)
    finally:
        await engine.dispose()


def test_head_revision_constant_is_alembic_head():
    # A new migration must bump HEAD_REVISION, or databases would not be migrated to it.
    from alembic.script import ScriptDirectory

    from aniworld_desktop.storage.database import HEAD_REVISION

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


async def test_up_to_date_database_opens_without_alembic(tmp_path):
    import asyncio
    import subprocess
    import sys

    path = tmp_path / "db.sqlite3"
    engine = await open_database(path)
    await engine.dispose()
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from aniworld_desktop.storage.database import open_database\n"
        "async def main():\n"
        f"    engine = await open_database(Path({str(path)!r}))\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    out = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def schema_of(path):
    """Tables, columns, indexes and foreign keys, as SQLite reports them (not as SQL text)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = sorted(
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] != "alembic_version"
        )
        shape = {}
        for table in tables:
            columns = conn.execute(f"PRAGMA table_info('{table}')").fetchall()
            indexes = {}
            for index in conn.execute(f"PRAGMA index_list('{table}')").fetchall():
                name, unique, origin, partial = index[1], index[2], index[3], index[4]
                info = [r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")]
                where = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE name=?", (name,)
                ).fetchone()
                clause = (where[0] or "").partition(" WHERE ")[2].strip() if where else ""
                key = name if not name.startswith("sqlite_autoindex") else f"auto:{info}"
                indexes[key] = (unique, origin, partial, info, clause)
            keys = sorted(conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall())
            shape[table] = (columns, indexes, [k[2:] for k in keys])
        return shape


async def test_a_new_database_gets_the_same_schema_as_every_migration(tmp_path):
    fresh = tmp_path / "fresh.sqlite3"
    engine = await open_database(fresh)  # created from the tables, stamped
    await engine.dispose()
    migrated = tmp_path / "migrated.sqlite3"
    sync_engine = create_engine(f"sqlite:///{migrated}")
    with sync_engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    sync_engine.dispose()
    assert schema_of(fresh) == schema_of(migrated)
    # And the fresh one is at the newest revision, so the next start migrates nothing.
    from aniworld_desktop.storage.database import HEAD_REVISION

    with contextlib.closing(sqlite3.connect(fresh)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]


def make_revision_0005(path):
    """A database of the last release: a feed series with a TMDB id, episodes, a queue."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.execute(
            text(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored, tmdb_id)"
                " VALUES (3, 'Harbor Lights', 'feed', 'http://h/feed.xml', 'Harbor Lights', 1,"
                " 4242), (4, 'Paper Moons', 'feed', 'http://h/moons.xml', 'Paper Moons', 0, NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO episode (id, series_id, season, number, title, url, file_path)"
                " VALUES (7, 3, 1, 1, 'Fog', 'http://h/1.mkv', 'Harbor Lights/S01E01.mkv'),"
                " (8, 3, 1, 2, 'Tide', 'http://h/2.mkv', NULL),"
                " (9, 4, 1, 1, 'Moon', 'http://h/m.mkv', NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO download_queue (id, episode_id, status, position, url, destination,"
                " bytes_done, error, attempts) VALUES"
                " (11, 8, 'paused', 1, 'http://h/2.mkv', 'x', 5, '', 0),"
                " (12, 7, 'completed', 0, 'http://h/1.mkv', 'y', 9, '', 1)"
            )
        )
    engine.dispose()


async def test_upgrade_to_0008_keeps_every_series_episode_and_queue_row(tmp_path):
    # Copying the series table drops the old one; with foreign keys on (as the app has them)
    # SQLite would delete every episode and queue row on the way unless they are kept aside.
    path = tmp_path / "old.sqlite3"
    make_revision_0005(path)
    engine = await open_database(path)
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            series = (
                await conn.execute(
                    text(
                        "SELECT id, title, provider, source_url, monitored, tmdb_id, monitor_mode,"
                        " monitor_season, match_state, match_note FROM series ORDER BY id"
                    )
                )
            ).all()
            assert [tuple(r) for r in series] == [
                (3, "Harbor Lights", "feed", "http://h/feed.xml", 1, 4242, "all", None,
                 "matched", ""),
                (4, "Paper Moons", "feed", "http://h/moons.xml", 0, None, "all", None,
                 "unmatched", ""),
            ]  # fmt: skip
            episodes = (
                await conn.execute(
                    text("SELECT id, series_id, number, file_path, monitored FROM episode")
                )
            ).all()
            assert sorted(tuple(r) for r in episodes) == [
                (7, 3, 1, "Harbor Lights/S01E01.mkv", 1),
                (8, 3, 2, None, 1),
                (9, 4, 1, None, 1),
            ]
            queue = (
                await conn.execute(
                    text("SELECT id, episode_id, status, bytes_done FROM download_queue")
                )
            ).all()
            assert sorted(tuple(r) for r in queue) == [
                (11, 8, "paused", 5),
                (12, 7, "completed", 9),
            ]
            assert (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all() == []
        async with engine.begin() as conn:
            # Local series: no provider, no address; any number of them (NULLs are not equal).
            await conn.execute(
                text(
                    "INSERT INTO series (title, folder, monitored, created_at) VALUES"
                    " ('A', 'A', 1, '2026-12-01'), ('B', 'B', 1, '2026-12-01')"
                )
            )
            with pytest.raises(IntegrityError):  # a real address stays unique
                await conn.execute(
                    text(
                        "INSERT INTO series (title, provider, source_url, folder, monitored,"
                        " created_at) VALUES ('C', 'feed', 'http://h/feed.xml', 'C', 1, '2026')"
                    )
                )
    finally:
        await engine.dispose()


def test_downgrade_from_0008_keeps_the_series_with_a_source(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_revision_0005(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
        conn.execute(text("INSERT INTO series (title, folder, monitored) VALUES ('L', 'L', 1)"))
        conn.execute(
            text(
                "INSERT INTO episode (series_id, season, number, title, url) VALUES (5, 1, 1, '', '')"
            )
        )
        command.downgrade(config, "0007")
        assert conn.execute(text("SELECT id FROM series ORDER BY id")).scalars().all() == [3, 4]
        assert conn.execute(text("SELECT count(*) FROM episode")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM download_queue")).scalar() == 2
    engine.dispose()
