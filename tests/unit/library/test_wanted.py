"""WantedEpisodes on its own: each episode's state, what is missing, queueing it (real SQLite
catalogue and queue from the library's world; the series followed through the facade)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aniworld_desktop.core.models import EpisodeAvailability, SeriesRecord
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.library import wanted as wanted_module
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.wanted import WantedEpisodes, queue_request
from tests.fakes import EVERYTHING
from tests.unit.library.conftest import TODAY, World


def wanted_of(world: World, naming: NamingTemplate | None = None) -> WantedEpisodes:
    return WantedEpisodes(
        world.catalog,
        world.downloads,
        library_dir=world.library_dir,
        naming=naming or NamingTemplate(),
        today=lambda: TODAY,
    )


async def follow(world: World) -> SeriesRecord:
    await world.library.add_url("fake:harbor", monitoring=EVERYTHING)
    return await world.library.find_series("harbor")


async def test_missing_episodes_are_named_by_its_template(world: World) -> None:
    series = await follow(world)
    wanted = wanted_of(world, NamingTemplate("{series}/{season}x{episode:02} {title}"))
    assert sorted(r.destination for r in await wanted.missing(series.id)) == [
        "Harbor Lights (2024)/0x01 Behind the Lights.mp4",
        "Harbor Lights (2024)/1x01 Fog.mp4",
        "Harbor Lights (2024)/1x02 Tide.mp4",
    ]
    (episode, *_) = await world.catalog.episodes(series.id)
    default = queue_request(series, episode)
    assert default.destination == wanted_of(world).queue_request(series, episode).destination
    assert (default.episode_id, default.series_title) == (episode.id, "Harbor Lights")


async def test_states_say_unmonitored_unreleased_extra_and_queued(world: World) -> None:
    series = await follow(world)
    wanted = wanted_of(world)
    episodes = {(e.season, e.number): e for e in await world.catalog.episodes(series.id)}
    await world.catalog.set_monitored([(episodes[(0, 1)].id, False)])
    added = await wanted.queue_episodes([episodes[(1, 1)].id])
    assert [i.episode_id for i in added.added] == [episodes[(1, 1)].id]
    states = {
        (s.episode.season, s.episode.number): s.state for s in await wanted.episode_states(series)
    }
    assert states == {
        (0, 1): EpisodeAvailability.UNMONITORED,
        (0, 2): EpisodeAvailability.TRAILER,
        (1, 1): EpisodeAvailability.QUEUED,
        (1, 2): EpisodeAvailability.MISSING,
        (1, 3): EpisodeAvailability.NOT_RELEASED,
    }
    assert (await wanted.queue_episodes([episodes[(1, 1)].id, 999_999])).added == []


async def test_queue_missing_takes_only_monitored_series_unless_one_is_named(world: World) -> None:
    series = await follow(world)
    wanted = wanted_of(world)
    await world.catalog.update_series(series.id, monitored=False)
    assert (await wanted.queue_missing()).added == []
    assert len((await wanted.queue_missing(monitored_only=False)).added) == 3
    assert await wanted.missing() == []


async def test_a_read_only_library_queues_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await follow(world)
    library = world.library_dir

    def access(path: object, mode: int) -> bool:
        return Path(str(path)) != library  # as on a share remounted read-only

    monkeypatch.setattr(wanted_module.os, "access", access)
    with pytest.raises(LibraryUnavailableError, match="is read-only, so nothing was queued"):
        await wanted_of(world).queue_missing()
    assert world.downloads.items() == []
