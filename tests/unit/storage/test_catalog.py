"""CatalogRepository maps its rows to the domain's records, with their states as enums."""

from __future__ import annotations

import asyncio
from datetime import date

from aniworld_desktop.core.models import EpisodeKind, MetadataState, SeriesCounts, SeriesRecord
from aniworld_desktop.storage import catalog as catalog_module
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode, NewLocalSeries


async def test_stored_words_come_back_as_the_domains_states(database) -> None:
    catalog = CatalogRepository(database)
    series = await catalog.ensure_series("Harbor Lights", "fake", "fake:harbor", "Harbor Lights")
    assert series.metadata_state is MetadataState.PENDING
    await catalog.update_series(series.id, metadata_state=MetadataState.FAILED)
    stored = await catalog.get_series(series.id)
    assert stored is not None and stored.metadata_state is MetadataState.FAILED
    ((listed),) = await catalog.list_series()
    assert listed.metadata_state is MetadataState.FAILED
    episodes = await catalog.upsert_episodes(
        series.id,
        [
            NewEpisode(1, 1, "Fog", "fake:harbor/1"),
            NewEpisode(0, 1, "Teaser", "fake:harbor/t", kind=EpisodeKind.TRAILER),
        ],
    )
    assert {e.title: e.kind for e in episodes} == {
        "Fog": EpisodeKind.FULL,
        "Teaser": EpisodeKind.TRAILER,
    }
    assert all(type(e.kind) is EpisodeKind for e in await catalog.all_episodes())


async def test_many_series_are_read_in_turns_of_the_event_loop(database, monkeypatch) -> None:
    """2,000 series read at once held the window's loop: records are made a few hundred a
    turn, the other tasks running in between; all of them come back, in order, with counts."""
    monkeypatch.setattr(catalog_module, "ROWS_PER_TURN", 10)
    catalog = CatalogRepository(database)
    added = await catalog.add_local_series(
        [NewLocalSeries(f"Show {n:02d}", f"Show {n:02d}") for n in range(35)]
    )
    await catalog.upsert_episodes(added[0].id, [NewEpisode(1, 1, "Fog", "")])
    made_at: list[int] = []
    turns = 0
    stop = asyncio.Event()

    async def count_turns() -> None:
        nonlocal turns
        while not stop.is_set():
            turns += 1
            await asyncio.sleep(0)

    real = catalog_module._series

    def made(row: object) -> SeriesRecord:
        made_at.append(turns)
        return real(row)

    monkeypatch.setattr(catalog_module, "_series", made)
    counter = asyncio.ensure_future(count_turns())
    listed = await catalog.list_series()
    counts = await catalog.counts(date(2026, 1, 1))
    stop.set()
    await counter
    assert [s.title for s in listed] == [f"Show {n:02d}" for n in range(35)]
    # 35 rows, 10 a turn: four runs of records, the other task ran between each.
    assert len(set(made_at)) == 4
    assert counts[added[0].id].episodes == 1
    assert set(counts) == {s.id for s in added}


async def test_counts_read_each_episodes_queue_rows_right(database) -> None:
    """Every kind of episode in one series, with the queue histories that decide it: the sums
    (made from per-episode flags worked out once) say what each one is."""
    from sqlalchemy import insert

    from aniworld_desktop.core.status import DownloadStatus
    from aniworld_desktop.storage.tables import queue_table

    catalog = CatalogRepository(database)
    series = await catalog.ensure_series("Harbor Lights", "fake", "fake:harbor", "Harbor Lights")
    later = date(2030, 1, 1)
    episodes = {
        e.title: e
        for e in await catalog.upsert_episodes(
            series.id,
            [
                NewEpisode(1, 1, "on disk", "fake:1"),
                NewEpisode(1, 2, "queued", "fake:2"),
                NewEpisode(1, 3, "failed for good", "fake:3"),
                NewEpisode(1, 4, "failed for good at an old url", "fake:4-new"),
                NewEpisode(1, 5, "failed, then queued again and cancelled", "fake:5"),
                NewEpisode(1, 6, "failed, not for good", "fake:6"),
                NewEpisode(1, 7, "not released", "fake:7", air_date=later),
                NewEpisode(1, 8, "not monitored", "fake:8", monitored=False),
                NewEpisode(1, 9, "no source", ""),
                NewEpisode(0, 1, "trailer", "fake:t", kind=EpisodeKind.TRAILER),
            ],
        )
    }
    await catalog.set_files([(episodes["on disk"].id, "Harbor Lights/S01E01.mkv", 1)])
    failed, finished = DownloadStatus.FAILED.value, DownloadStatus.CANCELLED.value
    history = [
        ("queued", DownloadStatus.PENDING.value, "fake:2", False),
        ("failed for good", failed, "fake:3", True),
        ("failed for good at an old url", failed, "fake:4-old", True),
        ("failed, then queued again and cancelled", failed, "fake:5", True),
        ("failed, then queued again and cancelled", finished, "fake:5", False),
        ("failed, not for good", failed, "fake:6", False),
    ]
    async with database.begin() as conn:
        await conn.execute(
            insert(queue_table),
            [
                {
                    "episode_id": episodes[title].id,
                    "status": status,
                    "position": position,
                    "url": url,
                    "destination": f"/tmp/{position}.mkv",
                    "permanent": permanent,
                }
                for position, (title, status, url, permanent) in enumerate(history)
            ],
        )

    counts = (await catalog.counts(date(2026, 1, 1)))[series.id]

    # Full episodes: all but the trailer (9). Missing: monitored, released, not on disk, not
    # queued, not failed for good at the URL they have now: 4 (old URL), 5, 6 and 9.
    assert (counts.episodes, counts.on_disk, counts.queued, counts.failed) == (9, 1, 1, 1)
    assert (counts.missing, counts.no_source) == (4, 1)
    missing = await catalog.missing_episodes(date(2026, 1, 1), series.id)
    assert counts.missing - counts.no_source == len(missing)


async def test_counts_sum_by_series_before_meeting_the_series_table(database) -> None:
    """Joined per episode to the series table, SQLite first built a temporary index over every
    episode's flags (twice the query's time at 100,000 episodes): the sums group by series
    first, and only their per-series rows meet the series table. Every series still has its
    counts, one without episodes zeros."""
    from sqlalchemy import event

    catalog = CatalogRepository(database)
    empty, full = await catalog.add_local_series(
        [NewLocalSeries("Empty", "Empty"), NewLocalSeries("Full", "Full")]
    )
    await catalog.upsert_episodes(full.id, [NewEpisode(1, 1, "a", "fake:a")])
    statements: list[tuple[str, object]] = []

    def seen(_conn: object, _cursor: object, sql: str, params: object, *_: object) -> None:
        statements.append((sql, params))

    event.listen(database.sync_engine, "before_cursor_execute", seen)
    try:
        counts = await catalog.counts(date(2026, 1, 1))
    finally:
        event.remove(database.sync_engine, "before_cursor_execute", seen)
    assert counts[empty.id] == SeriesCounts()
    assert (counts[full.id].episodes, counts[full.id].missing) == (1, 1)
    ((sql, params),) = statements
    async with database.connect() as conn:
        plan = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)  # type: ignore[arg-type]
        details = [str(row[-1]) for row in plan]
    assert not any("episode_flags USING AUTOMATIC" in line for line in details), details
