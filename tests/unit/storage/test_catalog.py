"""CatalogRepository maps its rows to the domain's records, with their states as enums."""

from __future__ import annotations

from aniworld_desktop.core.models import EpisodeKind, MetadataState
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode


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
