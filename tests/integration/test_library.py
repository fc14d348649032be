"""LibraryService over a real SQLite catalogue: following, refreshing, scanning, what is missing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

import aiohttp
import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.base import (
    EpisodeInfo,
    Validators,
)
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import EVERYTHING, FakeFeed

TODAY = date(2026, 11, 24)


@pytest.fixture
async def world(database, tmp_path):
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    feed = FakeFeed()
    registry = ProviderRegistry([DirectProvider(), feed])
    bus = EventBus()
    async with aiohttp.ClientSession() as session, DownloadEngine() as engine:
        downloads = DownloadService(SqlQueueRepository(database), bus, engine, library_dir)
        library = LibraryService(
            CatalogRepository(database),
            downloads,
            registry,
            session,
            library_dir=library_dir,
            scan_cache_file=tmp_path / "scan-cache.json",
            bus=bus,
            today=lambda: TODAY,
        )
        downloads.resolver = library.download_request
        await downloads.start(run=False)
        try:
            yield library, downloads, feed, library_dir
        finally:
            await downloads.stop()
            await library.flush()


async def test_follow_stores_the_catalogue_and_counts_only_full_released_episodes(world):
    library, downloads, feed, library_dir = world
    result = await library.add_url("fake:harbor", monitoring=EVERYTHING)
    assert result.provider == "fake" and result.queued is None
    assert result.series.folder == "Harbor Lights (2024)"
    (summary,) = await library.list_series()
    # Full episodes: 1, 2, 3 and the special; the trailer never counts.
    assert (summary.counts.episodes, summary.counts.on_disk, summary.counts.queued) == (4, 0, 0)
    # Missing: released and not on disk: 1, 2 and the special (3 airs next year).
    assert summary.counts.missing == 3
    states = {
        (s.episode.season, s.episode.number): s.state
        for s in await library.episode_states(summary.series)
    }
    assert states[(1, 3)] == "not released"
    assert states[(1, 1)] == "missing"
    trailer = [
        s for s in await library.episode_states(summary.series) if s.episode.kind == "trailer"
    ]
    assert [t.state for t in trailer] == ["trailer"]
    assert trailer[0].episode.season == 0  # unnumbered extras live with the specials


async def test_missing_queues_with_template_names_and_never_twice(world):
    library, downloads, feed, library_dir = world
    await library.add_url("fake:harbor", monitoring=EVERYTHING)
    first = await library.queue_missing()
    assert sorted(r.destination for r in first.added) == [
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog.mp4",
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E02 - Tide.mp4",
        "Harbor Lights (2024)/Specials/Harbor Lights - S00E01 - Behind the Lights.mp4",
    ]
    again = await library.queue_missing()
    assert again.added == [] and again.duplicates == []  # queued ones are not missing
    (summary,) = await library.list_series()
    assert (summary.counts.missing, summary.counts.queued) == (0, 3)


async def test_refresh_is_conditional_and_a_failure_is_kept_not_raised(world):
    library, downloads, feed, library_dir = world
    await library.add_url("fake:harbor", monitoring=EVERYTHING)
    (series,) = [s.series for s in await library.list_series()]
    unchanged = await library.refresh(series)
    assert unchanged.changed is False and unchanged.error == ""
    assert feed.fetches[-1] == Validators(etag='"v1"')

    feed.info = replace(
        feed.info,
        episodes=(*feed.info.episodes, EpisodeInfo(2, 1, "New Season", "fake:harbor/21")),
        validators=Validators(etag='"v2"'),
    )
    changed = await library.refresh(series)
    assert changed.changed and changed.episodes == 6
    feed.fail = True
    failed = await library.refresh(series)
    assert failed.error == "The feed is gone (HTTP 410)."
    (summary,) = await library.list_series()
    assert summary.series.refresh_error == "The feed is gone (HTTP 410)."
    assert summary.counts.episodes == 5  # the stored catalogue is intact


async def test_scan_marks_episodes_on_disk_and_notices_deletions(world):
    library, downloads, feed, library_dir = world
    await library.add_url("fake:harbor", monitoring=EVERYTHING)
    season = library_dir / "Harbor Lights (2024)" / "Season 01"
    season.mkdir(parents=True)
    (season / "harbor.lights.s01e01.mkv").write_bytes(b"x" * 10)
    (season / "Harbor Lights - S01E02E03.mkv").write_bytes(b"y" * 20)
    (library_dir / "Unfollowed Show").mkdir()
    (library_dir / "Unfollowed Show" / "Unfollowed.Show.S01E01.mkv").write_bytes(b"z")
    (library_dir / "loose.mkv").write_bytes(b"in the root: no series")
    summary = await library.scan()
    # Every folder of the library is a series: the one nobody followed is followed now, as a
    # series without a source whose catalogue is its file until TMDB says more.
    assert summary.followed == ["Unfollowed Show"]
    assert (summary.files, summary.matched) == (4, 3)
    assert [f.path for f in summary.unmatched] == ["loose.mkv"]
    listed, unfollowed = await library.list_series()
    assert listed.counts.on_disk == 3  # the multi-episode file holds episodes 2 and 3
    assert listed.counts.missing == 1  # only the special is left
    assert (unfollowed.series.title, unfollowed.series.provider) == ("Unfollowed Show", None)
    assert (unfollowed.counts.episodes, unfollowed.counts.on_disk) == (1, 1)
    proposals = await library.propose_import(match=False)  # to match: it has no TMDB match yet
    assert [(p.folder, p.title, p.video_files, p.series_id) for p in proposals] == [
        ("Unfollowed Show", "Unfollowed Show", 1, unfollowed.series.id)
    ]

    (season / "harbor.lights.s01e01.mkv").unlink()
    again = await library.scan()
    assert again.parsed == 0  # nothing new to read: names come from the cache
    assert again.followed == []
    listed, _ = await library.list_series()
    assert (listed.counts.on_disk, listed.counts.missing) == (2, 2)
    assert (season / "Harbor Lights - S01E02E03.mkv").exists()  # a scan renames nothing


async def test_existing_folder_is_used_instead_of_the_template_one(world):
    library, downloads, feed, library_dir = world
    (library_dir / "harbor lights").mkdir()
    result = await library.add_url("fake:harbor", monitoring=EVERYTHING)
    assert result.series.folder == "harbor lights"
    destinations = {r.destination.rsplit("/", 1)[0] for r in await library.missing()}
    assert destinations == {"harbor lights/Season 01", "harbor lights/Specials"}


async def test_download_resolves_provider_references_at_download_time(world, tmp_path):
    from tests.fault_server import FaultServer

    library, downloads, feed, library_dir = world
    async with FaultServer(tmp_path / "srv") as server:
        data = server.add_payload("fog.mkv", 30_000)
        feed.resolved["fake:harbor/1"] = server.url("fog.mkv")
        feed.info = replace(feed.info, episodes=feed.info.episodes[:1])
        await library.add_url("fake:harbor", monitoring=EVERYTHING)
        (item,) = (await library.queue_missing()).added
        assert item.url == "fake:harbor/1"  # the reference is stored, not today's address
        downloads.start_workers()
        await asyncio.wait_for(downloads.wait_idle(), 10)
        await library.flush()
        assert (library_dir / item.destination).read_bytes() == data
        (listed,) = await library.list_series()
        assert (listed.counts.on_disk, listed.counts.missing) == (1, 0)


async def test_find_series(world):
    library, downloads, feed, library_dir = world
    await library.add_url("fake:harbor", monitoring=EVERYTHING)
    assert (await library.find_series("harbor")).title == "Harbor Lights"
    assert (await library.find_series("1")).title == "Harbor Lights"
    with pytest.raises(Exception, match="No series 'nothing'"):
        await library.find_series("nothing")


async def test_organize_shows_the_plan_then_renames_with_side_files(world):
    library, downloads, feed, library_dir = world
    (library_dir / "harbor.lights").mkdir()
    result = await library.add_url("fake:harbor", monitoring=EVERYTHING)
    assert result.series.folder == "harbor.lights"  # the existing folder was adopted
    old = library_dir / "harbor.lights" / "S1"
    old.mkdir()
    (old / "hl.s01e01.mkv").write_bytes(b"one")
    (old / "hl.s01e01.en.srt").write_bytes(b"subs")
    (old / "hl.s01e02e03.mkv").write_bytes(b"two and three")
    await library.scan()
    series = await library.find_series("harbor")

    plan = await library.plan_organize(series)
    assert plan.folder == "Harbor Lights (2024)"
    assert [(m.source, m.target) for m in plan.moves] == [
        (
            "harbor.lights/S1/hl.s01e01.mkv",
            "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog.mkv",
        ),
        (
            "harbor.lights/S1/hl.s01e01.en.srt",
            "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog.en.srt",
        ),
    ]
    assert plan.skipped == ["harbor.lights/S1/hl.s01e02e03.mkv: holds 2 episodes; left as it is"]
    assert (old / "hl.s01e01.mkv").exists()  # planning changes nothing

    # Not while the series has something in the queue.
    (queued,) = (await library.queue_missing(series.id)).added
    with pytest.raises(Exception, match="has downloads in the queue"):
        await library.organize(plan)
    await downloads.cancel([queued.id])

    assert await library.organize(plan) == 2
    new = library_dir / "Harbor Lights (2024)" / "Season 01"
    assert (new / "Harbor Lights - S01E01 - Fog.mkv").read_bytes() == b"one"
    assert (new / "Harbor Lights - S01E01 - Fog.en.srt").read_bytes() == b"subs"
    assert (old / "hl.s01e02e03.mkv").exists()  # skipped, untouched
    states = {
        (s.episode.season, s.episode.number): s.episode.file_path
        for s in await library.episode_states(await library.find_series("harbor"))
    }
    assert states[(1, 1)] == "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog.mkv"
    assert (await library.find_series("harbor")).folder == "Harbor Lights (2024)"


async def test_organize_never_overwrites(world):
    library, downloads, feed, library_dir = world
    (library_dir / "harbor.lights").mkdir()
    series = (await library.add_url("fake:harbor", monitoring=EVERYTHING)).series
    (library_dir / "harbor.lights" / "hl.s01e01.mkv").write_bytes(b"mine")
    target = library_dir / "Harbor Lights (2024)" / "Season 01" / "Harbor Lights - S01E01 - Fog.mkv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"already there")
    await library.scan()  # follows "Harbor Lights (2024)" too: a folder of the library
    plan = await library.plan_organize(series)
    assert plan.moves == []
    assert plan.skipped == [
        f"harbor.lights/hl.s01e01.mkv: {target.relative_to(library_dir)} already exists"
    ]
    assert await library.organize(plan) == 0
    assert target.read_bytes() == b"already there"


async def test_preview_stores_nothing_and_dropped_episodes_queue(world):
    library, downloads, feed, library_dir = world
    provider, info = await library.preview_url("fake:harbor")
    assert (provider, info.title, len(info.episodes)) == ("fake", "Harbor Lights", 5)
    assert await library.list_series() == []
    await library.add_url("fake:harbor", monitoring=EVERYTHING)
    series = await library.find_series("harbor")
    states = await library.episode_states(series)
    not_released = next(s.episode for s in states if s.state == "not released")
    first = next(s.episode for s in states if (s.episode.season, s.episode.number) == (1, 1))
    result = await library.queue_episodes([first.id, not_released.id, first.id])
    assert sorted(i.key.episode for i in result.added) == [1, 3]  # a drop queues what it names
    again = await library.queue_episodes([first.id])
    assert again.added == [] and len(again.duplicates) == 1
    await library.set_monitored(series, False)
    assert (await library.find_series("harbor")).monitored is False
    assert (await library.queue_missing()).added == []  # not monitored: auto-download skips it


async def test_following_a_series_you_already_have_knows_its_files_at_once(world):
    """No "Download Missing" of what is on disk: the folder is scanned when it is followed."""
    library, downloads, feed, library_dir = world
    season = library_dir / "Harbor Lights" / "Season 1"
    season.mkdir(parents=True)
    (season / "Harbor.Lights.S01E01.1080p.mkv").write_bytes(b"x" * 10)
    result = await library.add_url("fake:harbor", monitoring=EVERYTHING)
    assert result.series.folder == "Harbor Lights"
    (listed,) = await library.list_series()
    assert listed.counts.on_disk == 1
    assert sorted(r.title for r in await library.missing()) == ["Behind the Lights", "Tide"]
