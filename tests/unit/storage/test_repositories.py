from datetime import datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.database import alembic_config, open_database
from aniworld_desktop.storage.repositories import SqlQueueRepository


async def make_episodes(engine, count, title="Harbor Lights"):
    catalog = CatalogRepository(engine)
    series = await catalog.ensure_series(title, "direct", f"direct:{title}", title)
    episodes = await catalog.upsert_episodes(
        series.id, [NewEpisode(1, n, f"Ep {n}", f"http://h/{n}.mp4") for n in range(1, count + 1)]
    )
    return series, sorted(episodes, key=lambda e: e.number)


def requests_for(series, episodes):
    return [
        QueueRequest(e.id, e.key, e.url, f"x/{e.number}.mp4", series.title, e.title)
        for e in episodes
    ]


async def test_pragmas_and_schema(database):
    async with database.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
        revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert revision == ScriptDirectory.from_config(alembic_config()).get_current_head()
        index_sql = (
            await conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name='uq_download_queue_active_episode'")
            )
        ).scalar()
        assert "UNIQUE" in index_sql and "WHERE" in index_sql


async def test_migrations_are_idempotent(paths, database):
    again = await open_database(paths.database)
    await again.dispose()


async def test_insert_and_load_in_position_order(database):
    series, episodes = await make_episodes(database, 3)
    repo = SqlQueueRepository(database)
    added = await repo.insert(list(reversed(requests_for(series, episodes))), first_position=10)
    assert [i.position for i in added] == [10, 11, 12]
    loaded = await repo.load()
    assert [i.key.episode for i in loaded] == [3, 2, 1]
    assert all(i.status is DownloadStatus.PENDING for i in loaded)
    assert loaded[0].series_title == "Harbor Lights" and loaded[0].title == "Ep 3"


async def test_file_load_on_a_thread_equals_the_sqlalchemy_read(database):
    series, episodes = await make_episodes(database, 4)
    repo = SqlQueueRepository(database)
    added = await repo.insert(requests_for(series, episodes), first_position=1)
    done = added[1].with_changes(
        status=DownloadStatus.COMPLETED, bytes_done=7, bytes_total=7, error=""
    )
    failed = added[2].with_changes(status=DownloadStatus.FAILED, error="Gone (HTTP 404).")
    await repo.save([done, failed])
    fast = await repo.load()
    slow = await repo.load_streamed()
    assert fast == slow
    assert [i.status for i in fast] == [
        DownloadStatus.PENDING, DownloadStatus.COMPLETED, DownloadStatus.FAILED,
        DownloadStatus.PENDING,
    ]  # fmt: skip
    assert fast[1].finished_at == slow[1].finished_at and fast[0].created_at is not None
    assert fast[0].finished_at is None
    assert all(type(item.key) is EpisodeKey for item in fast)  # not a plain tuple that equals it


async def test_database_refuses_a_second_active_entry_even_after_restart(paths, database):
    series, episodes = await make_episodes(database, 2)
    await SqlQueueRepository(database).insert(requests_for(series, episodes[:1]), 1)
    await database.dispose()

    reopened = await open_database(paths.database)
    try:
        repo = SqlQueueRepository(reopened)
        added = await repo.insert(requests_for(series, episodes), 5)
        assert [i.key.episode for i in added] == [2]  # episode 1 was still pending
        # Raw SQL cannot sneak past the partial unique index either.
        async with reopened.begin() as conn:
            with pytest.raises(IntegrityError):
                await conn.execute(
                    text(
                        "INSERT INTO download_queue (episode_id, status, position, url, destination,"
                        " bytes_done, error, attempts) VALUES (:e, 'paused', 9, 'u', 'd', 0, '', 0)"
                    ),
                    {"e": episodes[0].id},
                )
    finally:
        await reopened.dispose()


async def test_finished_rows_stay_as_history_and_do_not_block_a_new_entry(database):
    series, episodes = await make_episodes(database, 1)
    repo = SqlQueueRepository(database)
    (first,) = await repo.insert(requests_for(series, episodes), 1)
    await repo.save([first.with_changes(status=DownloadStatus.FAILED, error="404")])
    (second,) = await repo.insert(requests_for(series, episodes), 2)
    loaded = await repo.load()
    assert [(i.id, i.status) for i in loaded] == [
        (first.id, DownloadStatus.FAILED),
        (second.id, DownloadStatus.PENDING),
    ]


async def test_reset_interrupted(database):
    series, episodes = await make_episodes(database, 2)
    repo = SqlQueueRepository(database)
    a, _ = await repo.insert(requests_for(series, episodes), 1)
    await repo.save([a.with_changes(status=DownloadStatus.DOWNLOADING, bytes_done=5)])
    assert await repo.reset_interrupted() == 1
    loaded = {i.id: i for i in await repo.load()}
    assert loaded[a.id].status is DownloadStatus.PENDING
    assert loaded[a.id].bytes_done == 5


async def test_delete(database):
    series, episodes = await make_episodes(database, 3)
    repo = SqlQueueRepository(database)
    items = await repo.insert(requests_for(series, episodes), 1)
    await repo.delete([items[0].id, items[2].id])
    assert [i.id for i in await repo.load()] == [items[1].id]


async def test_upsert_episodes_updates_by_season_and_number(database):
    catalog = CatalogRepository(database)
    series = await catalog.ensure_series("S", "direct", "direct:s", "S")
    assert (await catalog.ensure_series("S", "direct", "direct:s", "S")).id == series.id
    (first,) = await catalog.upsert_episodes(series.id, [NewEpisode(1, 1, "a", "http://h/a")])
    (again,) = await catalog.upsert_episodes(series.id, [NewEpisode(1, 1, "b", "http://h/b")])
    assert again.id == first.id and again.title == "b"
    assert await catalog.next_episode_number(series.id, 1) == 2
    assert await catalog.next_episode_number(series.id, 2) == 1


async def test_queue_lookups_per_episode_use_an_index(database):
    """The counts and the missing list ask "is this episode queued?" once per episode; without
    an index on the queue's episode column that is a full queue scan each time (100k x 100k)."""
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    from aniworld_desktop.storage.catalog import _missing_clause
    from aniworld_desktop.storage.tables import episode_table

    query = select(episode_table.c.id).where(_missing_clause(date(2026, 1, 1)))
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    async with database.connect() as conn:
        plan = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
        details = " ".join(str(row[-1]) for row in plan)
    # Searched by episode, not by status (a status index still visits every queued row).
    assert "SEARCH download_queue USING" in details and "(episode_id=?" in details, details


def test_the_fast_queue_item_constructor_makes_what_init_makes():
    import dataclasses

    from aniworld_desktop.core.episode import EpisodeKey
    from aniworld_desktop.core.queue import QueueItem
    from aniworld_desktop.storage.repositories import _QUEUE_ITEM, _slot_constructor

    values = [f"value {n}" for n, _ in enumerate(dataclasses.fields(QueueItem))]
    values[2] = EpisodeKey(1, 2, 3)
    made, inited = _QUEUE_ITEM(*values), QueueItem(*values)
    assert _QUEUE_ITEM is not QueueItem  # the fast one is in use
    assert type(made) is QueueItem and dataclasses.astuple(made) == dataclasses.astuple(inited)
    assert made == inited and hash(made) == hash(inited) and repr(made) == repr(inited)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.status = "changed"  # still frozen

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    # A class whose __init__ does more than set fields keeps its __init__.
    assert _slot_constructor(Checked) is Checked


async def test_recent_load_leaves_the_earlier_done_rows_in_the_database(database):
    """The window's start-up: every row still to do or failed, and the done ones queued last."""
    S = DownloadStatus
    series, episodes = await make_episodes(database, 9)
    repo = SqlQueueRepository(database)
    added = await repo.insert(requests_for(series, episodes), first_position=1)

    def ended(n, status, day):
        return added[n].with_changes(status=status, finished_at=datetime(2026, 1, day, 12))

    await repo.save(
        [
            ended(0, S.COMPLETED, 5),  # the last to end, but queued first
            ended(1, S.COMPLETED, 1),
            ended(2, S.CANCELLED, 2),
            ended(3, S.COMPLETED, 4),  # queued second last of the done ones
            ended(4, S.CANCELLED, 3),  # queued last
            added[5].with_changes(status=S.FAILED, finished_at=datetime(2026, 1, 9)),
            added[6].with_changes(status=S.PAUSED, position=0),  # first in the queue
            added[7].with_changes(position=100),  # pending, the highest position
        ]
    )
    fast = await repo.load_recent(2)
    assert fast == await repo.load_recent_streamed(2)
    assert [item.id for item in fast.items] == [added[n].id for n in (6, 3, 4, 5, 8, 7)]
    assert fast.earlier == {S.COMPLETED: 2, S.CANCELLED: 1}
    assert fast.top_position == 100
    assert fast.items[1] == next(i for i in await repo.load() if i.id == added[3].id)
    # A limit above the done rows reads every row; none is left out.
    everything = await repo.load_recent(50)
    assert everything.items == await repo.load() and not everything.earlier
    none_done = await repo.load_recent(0)
    assert {i.status for i in none_done.items} == {S.FAILED, S.PAUSED, S.PENDING}
    assert none_done.earlier == {S.COMPLETED: 3, S.CANCELLED: 2}
