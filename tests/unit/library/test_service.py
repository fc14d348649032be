"""LibraryService: listing, where each episode is, what is missing and queueing it, scanning."""

from __future__ import annotations

import asyncio

import pytest

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import DownloadFinished, Event
from aniworld_desktop.core.models import EpisodeAvailability, SeriesRecord
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.errors import PermanentDownloadError
from aniworld_desktop.library.service import LibraryUnavailableError
from tests.fakes import EVERYTHING
from tests.unit.library.conftest import World


async def follow(world: World) -> SeriesRecord:
    await world.library.add_url("fake:harbor", monitoring=EVERYTHING)
    return await world.library.find_series("harbor")


async def test_each_episode_says_where_it_is(world: World) -> None:
    series = await follow(world)
    states = {
        (s.episode.season, s.episode.number): s for s in await world.library.episode_states(series)
    }
    (world.library_dir / "Harbor Lights (2024)/Season 01").mkdir(parents=True)
    (world.library_dir / "Harbor Lights (2024)/Season 01/Harbor.Lights.S01E01.mkv").write_bytes(
        b"x"
    )
    await world.library.scan()
    special = states[(0, 1)].episode
    world.downloader.outcomes[special.url] = [PermanentDownloadError("gone")]
    world.source.resolved[special.url] = special.url  # resolved as it is, then refused
    await world.library.queue_episodes([special.id])
    world.downloads.start_workers()
    await asyncio.wait_for(world.downloads.wait_idle(), 10)
    tide = states[(1, 2)].episode
    world.source.resolved[tide.url] = tide.url
    world.downloader.gates[tide.url] = asyncio.Event()  # held while the test looks
    await world.library.queue_episodes([tide.id])
    await asyncio.wait_for(world.downloader.started[tide.url].wait(), 10)

    now = {
        (s.episode.season, s.episode.number): s.state
        for s in await world.library.episode_states(series)
    }
    assert now == {
        (0, 1): EpisodeAvailability.FAILED,
        (0, 2): EpisodeAvailability.TRAILER,
        (1, 1): EpisodeAvailability.ON_DISK,
        (1, 2): EpisodeAvailability.DOWNLOADING,
        (1, 3): EpisodeAvailability.NOT_RELEASED,
    }
    assert all(type(state) is EpisodeAvailability for state in now.values())
    (summary,) = await world.library.list_series()
    # Regular episodes only: the trailer never counts; the special its source refused for good
    # is failed, not missing again (it would be queued again by every run).
    counts = summary.counts
    assert (counts.episodes, counts.on_disk, counts.missing, counts.queued, counts.failed) == (
        4,
        1,
        0,
        1,
        1,
    )


async def test_series_are_found_by_id_or_unambiguous_title(world: World) -> None:
    series = await follow(world)
    world.source.info = type(world.source.info)("Harbor Nights", "fake:nights", ())
    await world.library.add_url("fake:nights", monitoring=EVERYTHING)
    assert (await world.library.find_series(str(series.id))).title == "Harbor Lights"
    assert (await world.library.find_series("HARBOR LIGHTS")).id == series.id
    with pytest.raises(UsageError, match="'harbor' matches several series: Harbor Lights, Harbor"):
        await world.library.find_series("harbor")
    with pytest.raises(UsageError, match="No series 'moon'"):
        await world.library.find_series("moon")


async def test_what_is_missing_is_queued_once_with_the_templates_names(world: World) -> None:
    series = await follow(world)
    assert sorted(r.destination for r in await world.library.missing(series.id)) == [
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog.mp4",
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E02 - Tide.mp4",
        "Harbor Lights (2024)/Specials/Harbor Lights - S00E01 - Behind the Lights.mp4",
    ]
    await world.library.set_monitored(series, False)
    assert (await world.library.queue_missing()).added == []  # only monitored series
    first = await world.library.queue_missing(series.id)  # one series: asked for by name
    assert len(first.added) == 3
    assert (await world.library.queue_missing(series.id)).added == []
    assert await world.library.missing() == []


async def test_a_library_that_is_not_there_is_not_taken_for_an_empty_one(world: World) -> None:
    series = await follow(world)
    folder = world.library_dir / "Harbor Lights (2024)"
    folder.mkdir()
    (folder / "Harbor.Lights.S01E01.mkv").write_bytes(b"x")
    await world.library.scan()
    (folder / "Harbor.Lights.S01E01.mkv").unlink()
    folder.rmdir()  # an empty mount point: every file seems gone
    with pytest.raises(LibraryUnavailableError, match="holds no videos, but 1 episode"):
        await world.library.scan()
    world.library_dir.rmdir()  # the share itself is gone
    with pytest.raises(LibraryUnavailableError, match="cannot be found"):
        await world.library.scan()
    states = await world.library.episode_states(series)
    assert [s.episode.file_path for s in states if s.state == EpisodeAvailability.ON_DISK] == [
        "Harbor Lights (2024)/Harbor.Lights.S01E01.mkv"
    ]  # nothing was changed


async def test_a_finished_download_is_on_disk_before_the_next_scan(world: World) -> None:
    series = await follow(world)
    (item, *_) = (await world.library.queue_missing(series.id)).added
    done = item.with_changes(status=DownloadStatus.COMPLETED, bytes_total=123)
    world.bus.publish(DownloadFinished(done))
    await world.library.flush()
    (episode,) = [e for e in await world.catalog.episodes(series.id) if e.id == item.episode_id]
    assert (episode.file_path, episode.file_size) == (item.destination, 123)


async def test_its_parts_share_its_folder_and_naming(world: World) -> None:
    library = world.library
    assert library.sources.library_dir == library.organizer.library_dir == library.library_dir
    assert library.sources.naming is library.organizer.naming is library.naming
    result = await library.add_url("https://cdn.example/Harbor.Lights.S01E02.mkv")
    (queued,) = result.queued.added if result.queued else []
    assert (
        queued.destination == library.queue_request(result.series, result.episodes[0]).destination
    )


async def test_a_new_library_folder_reaches_every_part(world: World, tmp_path) -> None:
    library = world.library
    other = tmp_path / "other"
    library.set_library_dir(other)
    parts = (
        library.sources,
        library.organizer,
        library.matcher,
        library.scanner,
        library.wanted,
        library.manager,
    )
    assert [part.library_dir for part in parts] == [other] * len(parts)
    assert library.wanted.naming is library.naming


async def test_an_early_read_of_the_series_is_the_next_lists_unless_something_happened(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's opening starts the series list (its counts query) while the queue loads:
    the next list_series() takes it, one read, when nothing was announced on the bus since;
    after an announcement it reads again, as a change may be newer than the early answer."""
    await follow(world)
    reads = 0
    real_counts = world.catalog.counts

    async def counted(today: object) -> object:
        nonlocal reads
        reads += 1
        return await real_counts(today)  # type: ignore[arg-type]

    monkeypatch.setattr(world.catalog, "counts", counted)
    world.library.read_series_early()
    world.library.read_series_early()  # one at a time
    (quiet,) = await world.library.list_series()
    assert reads == 1 and quiet.counts.queued == 0

    world.library.read_series_early()
    await asyncio.sleep(0.05)  # the early read has its answer
    series = await world.library.find_series("harbor")
    states = await world.library.episode_states(series)
    wanted = [s.episode.id for s in states if s.episode.season == 1 and s.episode.number == 2]
    world.source.resolved.update({s.episode.url: s.episode.url for s in states})
    await world.library.queue_episodes(wanted)  # announced: QueueItemsAdded
    (changed,) = await world.library.list_series()
    assert reads == 3 and changed.counts.queued == 1  # read again, the queued one counted
    (again,) = await world.library.list_series()  # no early read: an ordinary one
    assert reads == 4 and again == changed

    world.library.read_series_early()
    await world.library.drop_early_read()  # at shutdown: ended (here before it ran), not taken
    await world.library.list_series()
    assert reads == 5  # the list after it read on its own
    # Dropped, it no longer listens on the bus.
    assert world.library._count_event not in [r() for r in world.bus._listeners.get(Event, [])]
