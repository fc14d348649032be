"""A kill at any statement of a schema upgrade leaves a profile that opens with its queue.

A database at revision 0001 with queue rows in every state is upgraded in a forked child that
SIGKILLs itself just before statement N (a SQLite trace callback on every connection it opens,
so PRAGMAs, the revision check, each DDL statement and the COMMIT are all kill points) or in
the middle of the copy made before the upgrade (the backup API, one page at a time). For
every N until the upgrade runs through, the profile is then opened as the app opens it, and
must hold every queue row as it was, at the newest revision, with nothing set aside.

Before the upgrade ran in one transaction, 26 of 40 such kill points left a database that
every command refused ("duplicate column name: description").
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from aniworld_desktop.storage import database as db
from aniworld_desktop.storage.database import (
    HEAD_REVISION,
    alembic_config,
    backup_path,
    open_database,
)
from aniworld_desktop.storage.repositories import SqlQueueRepository

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a child to kill")

MAX_KILL_POINTS = 2000  # far above the upgrade's statement count; the loop cannot run away
# (id, episode id, status, position, url, destination, bytes done, bytes total, error)
QUEUE = [
    (1, 11, "completed", 1, "http://127.0.0.1:9/e1.mkv", "S/e1.mkv", 100, 100, ""),
    (2, 12, "failed", 2, "http://127.0.0.1:9/e2.mkv", "S/e2.mkv", 0, None, "HTTP 404"),
    (3, 12, "pending", 3, "http://127.0.0.1:9/e2.mkv", "S/e2.mkv", 0, None, ""),
    (4, 13, "paused", 4, "http://127.0.0.1:9/e3.mkv", "S/e3.mkv", 5, 50, ""),
    (5, 14, "downloading", 5, "http://127.0.0.1:9/e4.mkv", "S/e4.mkv", 7, 70, ""),
    (6, 15, "cancelled", 6, "http://127.0.0.1:9/e5.mkv", "S/e5.mkv", 0, None, ""),
]


def make_revision_0001(path: Path) -> None:
    """A database as version 0001 of the app left it, in WAL mode, with a queue."""
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored)"
                " VALUES (1, 'Harbor Lights', 'feed', 'http://127.0.0.1:9/feed', 'S', 1)"
            )
        )
        for number in range(1, 6):
            conn.execute(
                text(
                    "INSERT INTO episode (id, series_id, season, number, title, url)"
                    " VALUES (:id, 1, 1, :n, :t, :u)"
                ),
                {"id": 10 + number, "n": number, "t": f"E{number}", "u": f"http://h/e{number}"},
            )
        for row in QUEUE:
            conn.execute(
                text(
                    "INSERT INTO download_queue (id, episode_id, status, position, url,"
                    " destination, bytes_done, bytes_total, error, attempts)"
                    " VALUES (:id, :ep, :st, :pos, :url, :dest, :done, :total, :err, 0)"
                ),
                dict(
                    zip(
                        ("id", "ep", "st", "pos", "url", "dest", "done", "total", "err"),
                        row,
                        strict=True,
                    )
                ),
            )
    engine.dispose()


class _KillAt:
    """In the child: counts statements and backup pages, and SIGKILLs itself at the n-th."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0

    def point(self, *_: Any) -> None:
        self.seen += 1
        if self.seen == self.n:
            os.kill(os.getpid(), signal.SIGKILL)


def _upgrade_in_child(path: Path, kill_at: int) -> int:
    """Fork; the child upgrades ``path`` and dies at kill point ``kill_at``. Returns the
    child's wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 3
        try:
            killer = _KillAt(kill_at)
            connect = sqlite3.connect

            class Traced(sqlite3.Connection):
                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    super().__init__(*args, **kwargs)
                    self.set_trace_callback(killer.point)

                def backup(self, target: sqlite3.Connection, **kwargs: Any) -> None:
                    super().backup(target, pages=1, progress=killer.point)

            def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
                return connect(*args, **{**kwargs, "factory": Traced})

            # SQLAlchemy's pysqlite dialect connects through sqlite3.dbapi2.
            sqlite3.connect = sqlite3.dbapi2.connect = traced
            db.migrate_file(path)
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    return status


async def _open_like_the_app(path: Path) -> tuple[list[tuple[Any, ...]], list[str], str]:
    notices: list[str] = []
    engine = await open_database(path, notices=notices)
    try:
        items = await SqlQueueRepository(engine).load()
        async with engine.connect() as conn:
            revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).one()
    finally:
        await engine.dispose()
    rows = [
        (
            i.id,
            i.episode_id,
            i.status.value,
            i.position,
            i.url,
            i.destination,
            i.bytes_done,
            i.bytes_total,
            i.error,
        )
        for i in items
    ]
    return rows, notices, revision[0]


def test_sigkill_at_every_statement_of_the_upgrade_leaves_a_profile_that_opens(tmp_path):
    # Imported before forking, so each child starts upgrading at once.
    import alembic.command
    import alembic.script  # noqa: F401

    original = tmp_path / "revision-0001.sqlite3"
    make_revision_0001(original)
    target = tmp_path / "profile" / "aniworld.sqlite3"
    kills = 0
    for n in range(1, MAX_KILL_POINTS):
        shutil.rmtree(target.parent, ignore_errors=True)
        target.parent.mkdir()
        shutil.copy(original, target)
        status = _upgrade_in_child(target, n)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if not killed:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child at {n}: {status}"
        rows, notices, revision = asyncio.run(_open_like_the_app(target))
        assert notices == [], f"killed before point {n}: {notices}"
        assert revision == HEAD_REVISION
        assert rows == QUEUE, f"killed before point {n}"
        assert not backup_path(target).exists(), "the copy outlives a finished upgrade"
        assert sorted(p.name for p in target.parent.iterdir() if ".corrupt" in p.name) == []
        if not killed:
            break
        kills += 1
    else:
        pytest.fail("the upgrade never ran through")
    # Every migration statement was a kill point: far more than the five revisions.
    assert kills > 30, kills
    print(f"\n{kills} kill points, each left a profile that opens with its queue")


def test_a_failed_upgrade_puts_the_copy_back(tmp_path, monkeypatch):
    path = tmp_path / "aniworld.sqlite3"
    make_revision_0001(path)

    def half_then_fail(path: Path, busy_timeout_ms: int) -> None:
        # What a transaction cannot undo: a change committed on its own, then an error.
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("ALTER TABLE series ADD COLUMN description TEXT")
        connection.execute("DELETE FROM download_queue")
        connection.close()
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(db, "_migrate", half_then_fail)
    with pytest.raises(db.AniworldError, match="put back as it was"):
        db.migrate_file(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM download_queue").fetchone() == (len(QUEUE),)
        columns = [row[1] for row in connection.execute("PRAGMA table_info(series)")]
        assert "description" not in columns
    finally:
        connection.close()
    assert backup_path(path).exists()  # kept until an upgrade succeeds
    monkeypatch.undo()
    rows, notices, revision = asyncio.run(_open_like_the_app(path))
    assert (rows, notices, revision) == (QUEUE, [], HEAD_REVISION)
    assert not backup_path(path).exists()


def test_a_damaged_file_after_an_unfinished_upgrade_comes_back_from_the_copy(tmp_path):
    path = tmp_path / "aniworld.sqlite3"
    make_revision_0001(path)
    db._back_up(path)  # as an upgrade does first; then the process died, the file got damaged
    path.write_bytes(b"\0" * 8192)
    rows, notices, revision = asyncio.run(_open_like_the_app(path))
    assert rows == QUEUE
    assert revision == HEAD_REVISION
    assert len(notices) == 1 and "copy made before the last upgrade" in notices[0]
    assert any(".corrupt" in p.name for p in tmp_path.iterdir())  # the damaged file is kept
