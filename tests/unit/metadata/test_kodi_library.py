"""Acceptance (issue 18): a library written as Kodi 20 and Jellyfin read it.

Kodi keeps a series' year only as its premiere date (a ``<year>`` alone shows as 1970), reads
the logo from ``clearlogo.png`` and season names from ``<namedseason>`` in ``tvshow.nfo``
(it ignores ``season.nfo``). One metadata run over a library of TMDB-sourced and source-only
series must give every ``tvshow.nfo`` with a year a ``<premiered>`` of that year, and the logo
under Kodi's name.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aioresponses import CallbackResult

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.metadata.nfo import read_nfo, read_tvshow
from aniworld_desktop.metadata.service import MetadataOptions, MetadataService
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from tests.unit.metadata.conftest import API, V4_TOKEN, endpoint, fixture_json

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"logo" * 25
LOGOS = re.compile(r"^https://image\.tmdb\.org/t/p/[^/]+/logo[^/]*\.png$")
IMAGES = re.compile(r"^https://image\.tmdb\.org/t/p/.*$")


def answer_search(url: Any, **kwargs: Any) -> CallbackResult:
    """TMDB knows Attack on Titan; the source-only series are not there."""
    query = str(kwargs.get("params", {}).get("query", "")) or str(url)
    if "Attack" in query:
        return CallbackResult(payload=fixture_json("search_tv.json"))
    return CallbackResult(payload={"page": 1, "results": [], "total_results": 0})


def mock_tmdb(http: Any) -> None:
    http.get(endpoint("/search/tv"), callback=answer_search, repeat=True)
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"), repeat=True)
    http.get(endpoint("/tv/1429/season/1"), payload=fixture_json("season.json"), repeat=True)
    http.get(endpoint("/configuration"), payload=fixture_json("configuration.json"), repeat=True)
    http.get(LOGOS, body=PNG, content_type="image/png", repeat=True)
    http.get(IMAGES, body=JPEG, content_type="image/jpeg", repeat=True)


async def add_series(
    catalog: CatalogRepository,
    library: Path,
    title: str,
    folder: str,
    *,
    year: int | None,
    first_aired: date | None = None,
) -> int:
    """A followed series with two episodes on disk (S01E01 aired ``first_aired``)."""
    series = await catalog.ensure_series(
        title, "feed", f"http://feeds.test/{folder}.xml", folder, year=year
    )
    season = library / folder / "Season 01"
    season.mkdir(parents=True)
    episodes = [
        NewEpisode(1, n, f"{title} {n}", f"http://feeds.test/{n}.mkv", air_date=aired)
        for n, aired in ((1, first_aired), (2, None))
    ]
    records = await catalog.upsert_episodes(series.id, episodes)
    files = []
    for record in records:
        name = f"{title} - S01E{record.number:02d}.mkv"
        (season / name).write_bytes(b"video")
        files.append((record.id, f"{folder}/Season 01/{name}", 5))
    await catalog.set_files(files)
    return series.id


@pytest.fixture
async def catalog(database: Any) -> CatalogRepository:
    return CatalogRepository(database)


@pytest.mark.parametrize("with_token", [True, False], ids=["tmdb-and-source", "source-only"])
async def test_every_tvshow_nfo_has_a_premiere_when_a_year_is_known_and_a_clearlogo(
    http: Any, limiter: Any, catalog: CatalogRepository, tmp_path: Path, with_token: bool
) -> None:
    mock_tmdb(http)
    library = tmp_path / "library"
    library.mkdir()
    ids = {
        "tmdb": await add_series(
            catalog, library, "Attack on Titan", "Attack on Titan (2013)", year=2013
        ),
        "year only": await add_series(
            catalog, library, "Harbor Lights", "Harbor Lights (2024)", year=2024
        ),
        "first episode dated": await add_series(
            catalog, library, "Kite Diaries", "Kite Diaries", year=None,
            first_aired=date(2021, 3, 14),
        ),
        "dated in another year": await add_series(
            catalog, library, "Old Reels", "Old Reels (1999)", year=1999,
            first_aired=date(2020, 5, 1),  # a re-upload: the series' own year wins
        ),
        "nothing known": await add_series(
            catalog, library, "Nameless", "Nameless", year=None
        ),
    }  # fmt: skip
    options = MetadataOptions(token=V4_TOKEN if with_token else "", api_url=API)
    service = MetadataService(catalog, EventBus(), library, options, limiter=limiter)
    results = await service.describe()
    assert all(not isinstance(result, str) for result in results.values()), results

    shows = {path.parent.name: path.read_bytes() for path in library.rglob("tvshow.nfo")}
    assert len(shows) == len(ids)
    for folder, data in shows.items():
        raw = read_nfo(data)
        if raw.get("year"):
            (premiered,) = raw["premiered"]
            assert premiered[:4] == raw["year"][0], folder
        else:
            assert "premiered" not in raw, folder
    premieres = {folder: read_tvshow(data).premiered for folder, data in shows.items()}
    assert premieres["Harbor Lights (2024)"] == date(2024, 1, 1)
    assert premieres["Kite Diaries"] == date(2021, 3, 14)
    assert premieres["Old Reels (1999)"] == date(1999, 1, 1)
    assert premieres["Nameless"] is None
    assert not list(library.rglob("logo.png"))

    aot = library / "Attack on Titan (2013)"
    if with_token:
        assert premieres["Attack on Titan (2013)"] == date(2013, 4, 7)  # TMDB's first air date
        assert (aot / "clearlogo.png").read_bytes() == PNG
        # Kodi names seasons from tvshow.nfo; season.nfo stays for Jellyfin.
        named = read_tvshow(shows["Attack on Titan (2013)"]).named_seasons
        assert named == {0: "Specials", 1: "Season 1", 2: "Season 2"}
        assert (aot / "Season 01" / "season.nfo").is_file()
    else:
        assert premieres["Attack on Titan (2013)"] == date(2013, 1, 1)
        assert not (aot / "clearlogo.png").exists()
