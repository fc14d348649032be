"""Managing series: monitor modes and check boxes, remove (files kept or trashed), source
changes (attach a feed, a feed that moved), the details pane's record, a new library folder."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import LibraryFolderChanged, SeriesChanged, SeriesRemoved
from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    Monitoring,
    MonitorMode,
)
from aniworld_desktop.library import managing as managing_module
from aniworld_desktop.library.managing import SeriesManager
from aniworld_desktop.providers.base import EpisodeInfo, SeriesInfo, Validators
from tests.fakes import EVERYTHING
from tests.unit.library.conftest import TODAY, World, make_files
from tests.unit.providers.feed_server import FeedServer


def states(episode_states):
    return {(s.episode.season, s.episode.number): s.state for s in episode_states}


async def test_a_feed_with_a_back_catalogue_is_followed_for_new_episodes_only(world: World):
    result = await world.library.add_url("fake:harbor")
    series = result.series
    assert series.monitoring == Monitoring(MonitorMode.NEW)
    now = states(await world.library.episode_states(series))
    # What the feed lists today is its back catalogue; only the unreleased one is wanted.
    assert now[(1, 1)] is now[(1, 2)] is EpisodeAvailability.UNMONITORED
    assert now[(0, 1)] is EpisodeAvailability.UNMONITORED
    assert now[(1, 3)] is EpisodeAvailability.NOT_RELEASED
    assert await world.library.missing() == []
    assert (await world.library.queue_missing()).added == []

    # The feed publishes episode 4 (released): it appeared after the follow, so it is wanted.
    info = world.source.info
    world.source.info = SeriesInfo(
        info.title,
        info.source_url,
        (*info.episodes, EpisodeInfo(1, 4, "Gale", "fake:harbor/4", air_date=date(2026, 11, 20))),
        year=info.year,
        validators=Validators(etag='"v2"'),
    )
    refreshed = await world.library.refresh(series)
    assert refreshed.error == "" and refreshed.changed
    (missing,) = await world.library.missing()
    assert (missing.key.season, missing.key.episode) == (1, 4)


async def test_changing_the_mode_applies_it_to_the_catalogue(world: World):
    series = (await world.library.add_url("fake:harbor")).series
    changed: list[SeriesChanged] = []
    world.bus.subscribe(SeriesChanged, changed.append)
    await world.library.set_monitoring(series, Monitoring(MonitorMode.ALL))
    assert [e.series_id for e in changed] == [series.id]
    assert {(r.key.season, r.key.episode) for r in await world.library.missing()} == {
        (1, 1), (1, 2), (0, 1),
    }  # fmt: skip
    await world.library.set_monitoring(series, Monitoring(MonitorMode.SEASON, 1))
    assert {(r.key.season, r.key.episode) for r in await world.library.missing()} == {
        (1, 1), (1, 2),
    }  # fmt: skip
    await world.library.set_monitoring(series, Monitoring(MonitorMode.NONE))
    assert await world.library.missing() == []
    stored = await world.catalog.get_series(series.id)
    assert stored is not None and stored.monitoring == Monitoring(MonitorMode.NONE)


async def test_check_boxes_per_episode_and_per_season(world: World):
    series = (await world.library.add_url("fake:harbor", monitoring=EVERYTHING)).series
    episodes = {(e.season, e.number): e for e in await world.catalog.episodes(series.id)}
    season_one = [e.id for (s, _), e in episodes.items() if s == 1]
    await world.library.set_episodes_monitored(season_one, False)
    assert {(r.key.season, r.key.episode) for r in await world.library.missing()} == {(0, 1)}
    await world.library.set_episodes_monitored([episodes[(1, 2)].id], True)
    assert {(r.key.season, r.key.episode) for r in await world.library.missing()} == {
        (0, 1), (1, 2),
    }  # fmt: skip
    (summary,) = await world.library.list_series()
    assert summary.counts.missing == 2


async def test_remove_keeps_the_files_cancels_downloads_and_the_scan_leaves_the_folder(
    world: World,
):
    series = (await world.library.add_url("fake:harbor", monitoring=EVERYTHING)).series
    make_files(world.library_dir, "Harbor Lights (2024)/Season 01/hl.s01e01.mkv")
    await world.library.scan()
    queued = await world.library.queue_missing()
    assert queued.added
    part = world.library_dir / (queued.added[0].destination + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"half")
    removed: list[SeriesRemoved] = []
    world.bus.subscribe(SeriesRemoved, removed.append)
    result = await world.library.remove(series)
    assert result.files == "kept" and result.cancelled == len(queued.added)
    assert result.message.startswith("Harbor Lights is no longer followed; its files in ")
    assert (world.library_dir / "Harbor Lights (2024)/Season 01/hl.s01e01.mkv").exists()
    assert not part.exists()  # a cancelled download's part file goes
    assert world.downloads.items() == []
    assert await world.library.list_series() == []
    assert await world.catalog.episodes(series.id) == []
    assert [(e.series_id, e.files) for e in removed] == [(series.id, result.message)]
    summary = await world.library.scan()
    assert summary.followed == [] and await world.library.list_series() == []


async def test_remove_with_files_moves_the_folder_to_the_trash_only_inside_the_library(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    trash = tmp_path / "trash"
    trash.mkdir()
    monkeypatch.setattr(managing_module, "_send_to_trash", lambda p: p.rename(trash / p.name))
    make_files(world.library_dir, "Quiet Valley/S01E01.mkv")
    await world.library.scan()
    (summary,) = await world.library.list_series()
    result = await world.library.remove(summary.series, delete_files=True)
    assert result.files == "trashed"
    assert not (world.library_dir / "Quiet Valley").exists()
    assert (trash / "Quiet Valley" / "S01E01.mkv").exists()

    # Without a trash it is deleted; a folder that leads out of the library never is.
    def no_trash(path: Path) -> None:
        raise OSError("no trash here")

    monkeypatch.setattr(managing_module, "_send_to_trash", no_trash)
    make_files(world.library_dir, "Paper Moons/S01E01.mkv")
    outside = tmp_path / "elsewhere"
    make_files(outside, "keep.mkv")
    (world.library_dir / "Linked").symlink_to(outside, target_is_directory=True)
    await world.library.scan()
    moons = next(
        s.series for s in await world.library.list_series() if s.series.folder == "Paper Moons"
    )
    assert (await world.library.remove(moons, delete_files=True)).files == "deleted"
    assert not (world.library_dir / "Paper Moons").exists()
    linked = await world.catalog.ensure_series("Linked", "fake", "fake:linked", "Linked")
    result = await world.library.remove(linked, delete_files=True)
    assert result.files == "failed" and "is a link" in result.message
    assert (outside / "keep.mkv").exists()
    escaping = await world.catalog.ensure_series("Up", "fake", "fake:up", "..")
    result = await world.library.remove(escaping, delete_files=True)
    assert result.files == "failed" and "not a folder inside the library" in result.message
    assert world.library_dir.exists()


async def test_a_feed_is_attached_to_the_folder_series_that_holds_its_folder(world: World):
    make_files(world.library_dir, "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01.mkv")
    await world.library.scan()
    (local,) = await world.library.list_series()
    assert local.series.is_local
    result = await world.library.add_url("fake:harbor")
    assert result.series.id == local.series.id  # attached, not a second series
    (summary,) = await world.library.list_series()
    assert (summary.series.provider, summary.series.source_url) == ("fake", "fake:harbor")
    assert summary.series.monitoring == Monitoring(MonitorMode.ALL)  # its mode is kept
    now = states(await world.library.episode_states(summary.series))
    assert now[(1, 1)] is EpisodeAvailability.ON_DISK  # the row of the file gained the feed
    episode = next(
        e for e in await world.catalog.episodes(local.series.id) if (e.season, e.number) == (1, 1)
    )
    assert (episode.url, episode.title) == ("fake:harbor/1", "Fog")
    assert {(r.key.season, r.key.episode) for r in await world.library.missing()} == {
        (1, 2), (0, 1),
    }  # fmt: skip


async def test_set_source_attaches_and_refuses_an_address_another_series_has(world: World):
    make_files(world.library_dir, "Moon/S01E01.mkv")
    await world.library.scan()
    (local,) = await world.library.list_series()
    await world.library.add_url("fake:harbor")
    with pytest.raises(UsageError, match="Harbor Lights follows fake:harbor already"):
        await world.library.set_source(local.series, "fake:harbor")
    world.source.info = SeriesInfo("Moon", "fake:moon", (EpisodeInfo(1, 2, "Two", "fake:moon/2"),))
    result = await world.library.set_source(local.series, "fake:moon")
    assert (result.series.id, result.series.source_url) == (local.series.id, "fake:moon")


async def test_a_feed_that_moved_for_good_is_followed_there(world: World):
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Moved</title>
        <item><title>One</title><guid>m1</guid><enclosure url="http://x.invalid/1.mp4"
        type="video/mp4"/></item></channel></rss>"""
    from aniworld_desktop.providers.feed import FeedProvider

    world.library.sources._registry.register(FeedProvider())  # type: ignore[attr-defined]
    async with FeedServer() as server:
        server.add("/new.xml", body)
        server.add("/old.xml", body)
        series = (await world.library.add_url(server.url("/old.xml"))).series
        server.redirect("/temp.xml", "/new.xml", status=302)
        server.redirect("/old.xml", "/temp.xml", status=301)
        await world.library.refresh(series)
        stored = await world.catalog.get_series(series.id)
        assert stored is not None and stored.source_url == server.url("/old.xml")  # 302 on the way
        server.redirect("/old.xml", "/new.xml", status=301)
        await world.library.refresh(stored)
        stored = await world.catalog.get_series(series.id)
        assert stored is not None and stored.source_url == server.url("/new.xml")


async def test_details_show_only_artwork_already_on_disk(world: World):
    series = (await world.library.add_url("fake:harbor", monitoring=EVERYTHING)).series
    make_files(world.library_dir, "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01.mkv")
    folder = world.library_dir / "Harbor Lights (2024)"
    (folder / "poster.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "Season 01" / "Harbor Lights - S01E01-thumb.jpg").write_bytes(b"\xff\xd8\xff")
    await world.library.scan()
    details = await world.library.details(series)
    assert details.poster == folder / "poster.jpg"
    assert details.fanart is None and details.banner is None and details.logo is None
    (episode_id,) = details.thumbnails
    assert details.thumbnails[episode_id].name == "Harbor Lights - S01E01-thumb.jpg"
    assert details.counts.on_disk == 1 and details.tmdb_url == ""


async def test_a_new_library_folder_applies_at_once(world: World, tmp_path: Path):
    make_files(world.library_dir, "Harbor Lights/S01E01.mkv")
    await world.library.scan()
    events: list[LibraryFolderChanged] = []
    world.bus.subscribe(LibraryFolderChanged, events.append)
    other = tmp_path / "other library"
    make_files(other, "Paper Moons (2019)/S01E01.mkv")
    world.library.set_library_dir(other)
    assert [e.folder for e in events] == [str(other)]
    summary = await world.library.scan()
    assert summary.followed == ["Paper Moons (2019)"]
    assert world.library.sources.library_dir == world.library.organizer.library_dir == other


async def test_a_scan_follows_folders_without_asking_anyone(world: World):
    make_files(
        world.library_dir,
        "Paper Moons (2019) [tmdbid-77]/Season 1/Paper.Moons.S01E01.mkv",
        "Paper Moons (2019) [tmdbid-77]/Season 1/Paper.Moons.S01E02-E03.mkv",
        "anime/[Grp] Kaze - 05 [1080p].mkv",
        "empty/notes.txt",
    )
    changed: list[SeriesChanged] = []
    world.bus.subscribe(SeriesChanged, changed.append)
    summary = await world.library.scan()
    assert summary.followed == ["Paper Moons (2019) [tmdbid-77]", "anime"]
    listed = {s.series.folder: s for s in await world.library.list_series()}
    moons = listed["Paper Moons (2019) [tmdbid-77]"]
    assert (moons.series.title, moons.series.year, moons.series.tmdb_id) == (
        "Paper Moons",
        2019,
        None,
    )
    assert (moons.counts.episodes, moons.counts.on_disk) == (3, 3)
    anime = await world.catalog.episodes(listed["anime"].series.id)
    assert [(e.season, e.number, e.absolute) for e in anime] == [(1, 5, 5)]
    assert len(changed) == 2
    again = await world.library.scan()
    assert again.followed == [] and again.matched == 3
    assert await asyncio.to_thread((world.library_dir / "empty" / "notes.txt").exists)


async def test_an_episode_without_a_source_is_never_queued_even_when_dropped(world: World):
    make_files(world.library_dir, "Moon/S01E01.mkv", "Other/S01E01.mkv")
    await world.library.scan()
    summary, _ = await world.library.list_series()
    (episode,) = await world.catalog.episodes(summary.series.id)
    assert episode.kind is EpisodeKind.FULL and not episode.has_source
    (world.library_dir / "Moon" / "S01E01.mkv").unlink()
    await world.library.scan()  # gone: the row says missing, with no source
    now = states(await world.library.episode_states(summary.series))
    assert now[(1, 1)] is EpisodeAvailability.MISSING
    assert await world.library.missing() == []
    dropped = await world.library.queue_episodes([episode.id])  # dragged onto the queue
    assert dropped.added == [] and world.downloads.items() == []


async def test_the_series_manager_works_on_its_own(world: World):
    """SeriesManager without the facade: monitoring, details, removal of a series without a
    folder."""
    manager = SeriesManager(
        world.catalog,
        world.downloads,
        library_dir=world.library_dir,
        bus=world.bus,
        today=lambda: TODAY,
    )
    changed: list[SeriesChanged] = []
    removed: list[SeriesRemoved] = []
    world.bus.subscribe(SeriesChanged, changed.append)
    world.bus.subscribe(SeriesRemoved, removed.append)
    series = await world.catalog.ensure_series("Quiet", "fake", "fake:quiet", "Quiet (2020)")
    await manager.set_monitored(series, False)
    stored = await world.catalog.get_series(series.id)
    assert stored is not None and not stored.monitored
    assert [e.series_id for e in changed] == [series.id]
    make_files(world.library_dir, "Quiet (2020)/poster.jpg")
    details = await manager.details(series)
    assert details.poster == world.library_dir / "Quiet (2020)/poster.jpg"
    assert (details.fanart, details.tmdb_url) == (None, "")
    (world.library_dir / "Quiet (2020)/poster.jpg").unlink()
    (world.library_dir / "Quiet (2020)").rmdir()
    result = await manager.remove(series, delete_files=True)
    assert (result.files, result.cancelled) == ("missing", 0)
    assert result.message == (
        f"Quiet is no longer followed; it had no folder in the library "
        f"({world.library_dir / 'Quiet (2020)'})."
    )
    assert [e.series_id for e in removed] == [series.id]
    assert await world.catalog.get_series(series.id) is None
