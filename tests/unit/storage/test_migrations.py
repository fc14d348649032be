"""Migrations upgrade a database that already holds data, and never rebuild it empty."""

import contextlib
import sqlite3

from alembic import command
from sqlalchemy import create_engine, text

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
