"""NFOService and MetadataService: TMDB replies (aioresponses) and provider data to NFO files."""

from __future__ import annotations

import asyncio
import gc
import re
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import (
    Event,
    EventBus,
    MetadataJobFailed,
    MetadataJobFinished,
)
from aniworld_desktop.core.models import EpisodeRecord, MetadataState, SeriesRecord
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.secret import Secret
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.metadata.errors import MetadataError, TMDBAuthError
from aniworld_desktop.metadata.nfo import read_episode, read_nfo, read_season, read_tvshow
from aniworld_desktop.metadata.service import MetadataOptions, MetadataService, NFOService
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from tests.unit.metadata.conftest import (
    API,
    V4_TOKEN,
    endpoint,
    fixture_json,
    request_count,
    sent,
)

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
IMAGES = re.compile(r"^https://image\.tmdb\.org/t/p/.*$")


def series_record(**changes) -> SeriesRecord:
    base = dict(
        id=1,
        title="Attack on Titan",
        provider="feed",
        source_url="http://feeds.test/aot.xml",
        folder="Attack on Titan (2013)",
        year=2013,
        description="From the feed.",
    )
    base.update(changes)
    return SeriesRecord(**base)


def episodes_on_disk(library: Path) -> list[EpisodeRecord]:
    season = library / "Attack on Titan (2013)" / "Season 01"
    season.mkdir(parents=True)
    records = []
    for n in (1, 2):
        name = f"Attack on Titan - S01E{n:02d}.mkv"
        (season / name).write_bytes(b"video")
        records.append(
            EpisodeRecord(
                id=n,
                series_id=1,
                season=1,
                number=n,
                title=f"Feed title {n}",
                url="u",
                description=f"Feed plot {n}",
                file_path=f"Attack on Titan (2013)/Season 01/{name}",
            )
        )
    return records


def mock_tmdb(http) -> None:
    http.get(endpoint("/search/tv"), payload=fixture_json("search_tv.json"), repeat=True)
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"), repeat=True)
    http.get(endpoint("/tv/1429/season/1"), payload=fixture_json("season.json"), repeat=True)
    http.get(endpoint("/configuration"), payload=fixture_json("configuration.json"), repeat=True)
    http.get(IMAGES, body=JPEG, content_type="image/jpeg", repeat=True)


def options(**changes) -> MetadataOptions:
    return MetadataOptions(**{"token": V4_TOKEN, "api_url": API, **changes})


async def test_tmdb_writes_every_file_kodi_and_jellyfin_read(http, limiter, tmp_path):
    mock_tmdb(http)
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    async with NFOService(options(), limiter=limiter) as nfo:
        result = await nfo.describe(series_record(), episodes, library)
    assert (result.source, result.tmdb_id) == ("tmdb", 1429)
    folder = library / "Attack on Titan (2013)"
    show = read_tvshow((folder / "tvshow.nfo").read_bytes())
    assert show.title == "Attack on Titan" and show.year == 2013
    assert show.unique_ids["tmdb"] == "1429" and show.unique_ids["imdb"] == "tt2560140"
    assert show.default_id == "tmdb"
    raw = read_nfo((folder / "tvshow.nfo").read_bytes())
    assert raw["genre"] == ["Animation", "Sci-Fi & Fantasy"]
    assert raw["studio"] == ["NHK", "MBS"] and raw["country"] == ["JP"]
    season = read_season((folder / "Season 01" / "season.nfo").read_bytes())
    assert season.season == 1
    first = read_episode((folder / "Season 01" / "Attack on Titan - S01E01.nfo").read_bytes())
    assert first.title.startswith("To You, in 2000 Years")
    assert (first.season, first.episode) == (1, 1)
    for picture in (
        "poster.jpg",
        "fanart.jpg",
        "season-specials-poster.jpg",
        "season01-poster.jpg",
    ):
        assert (folder / picture).read_bytes() == JPEG, picture
    assert (folder / "Season 01" / "Attack on Titan - S01E01-thumb.jpg").read_bytes() == JPEG
    # Episode 2 has no still: no thumb, and nothing half-written.
    assert not (folder / "Season 01" / "Attack on Titan - S01E02-thumb.jpg").exists()
    assert not list(folder.rglob("*.tmp"))


async def test_a_second_run_changes_nothing(http, limiter, tmp_path):
    mock_tmdb(http)
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    async with NFOService(options(), limiter=limiter) as nfo:
        await nfo.describe(series_record(), episodes, library)
        again = await nfo.describe(series_record(tmdb_id=1429), episodes, library)
    assert again.written == 0


async def test_without_a_token_the_provider_data_is_written(tmp_path):
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    async with NFOService(MetadataOptions()) as nfo:
        assert nfo.tmdb is None
        result = await nfo.describe(series_record(), episodes, library)
    assert result.source == "provider"
    folder = library / "Attack on Titan (2013)"
    show = read_tvshow((folder / "tvshow.nfo").read_bytes())
    assert (show.title, show.plot, show.year) == ("Attack on Titan", "From the feed.", 2013)
    episode = read_episode((folder / "Season 01" / "Attack on Titan - S01E02.nfo").read_bytes())
    assert (episode.title, episode.plot) == ("Feed title 2", "Feed plot 2")


async def test_no_match_falls_back_to_the_provider_with_a_note(http, limiter, tmp_path):
    http.get(endpoint("/search/tv"), payload={"page": 1, "results": []}, repeat=True)
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    async with NFOService(options(), limiter=limiter) as nfo:
        result = await nfo.describe(series_record(), episodes, library)
    assert result.source == "provider"
    assert "TMDB knows no series 'Attack on Titan'" in result.warnings[0]


async def test_the_shared_session_is_closed_after_an_error_inside(limiter, tmp_path):
    nfo = NFOService(options(), limiter=limiter)
    with pytest.raises(RuntimeError, match="boom"):
        async with nfo:
            session = nfo.tmdb.session
            assert nfo.images.session is session  # one session shared by both clients
            raise RuntimeError("boom")
    assert session.closed
    assert nfo.tmdb is None and nfo.images is None
    gc.collect()  # and nothing warns about an unclosed session (warnings are errors here)


async def test_a_lent_session_is_used_and_left_open(limiter, tmp_path):
    async with aiohttp.ClientSession() as lent:
        nfo = NFOService(options(), limiter=limiter, session=lent)
        async with nfo:
            assert nfo.tmdb.session is lent and nfo.images.session is lent
        assert not lent.closed and nfo.session is lent
        async with nfo:  # entered again: the same lent session
            assert nfo.images.session is lent
        assert not lent.closed


async def test_its_own_session_is_made_on_entering_and_closed_on_leaving(limiter, tmp_path):
    nfo = NFOService(options(), limiter=limiter)
    assert nfo.session is None
    async with nfo:
        first = nfo.session
        assert first is not None and nfo.images.session is first
    assert first.closed and nfo.session is None
    async with nfo:  # entered again: a new one
        assert nfo.session is not first and not nfo.session.closed


async def test_missing_library_folder_is_a_clear_error(tmp_path):
    async with NFOService(MetadataOptions()) as nfo:
        with pytest.raises(Exception, match="is not there"):
            await nfo.describe(series_record(), [], tmp_path / "unmounted")


@pytest.fixture
async def catalog(database):
    return CatalogRepository(database)


async def test_jobs_report_events_and_keep_the_tmdb_id(http, limiter, catalog, tmp_path):
    mock_tmdb(http)
    library = tmp_path / "library"
    series = await catalog.ensure_series(
        "Attack on Titan", "feed", "http://feeds.test/aot.xml", "Attack on Titan (2013)", year=2013
    )
    broken = await catalog.ensure_series("Broken", "feed", "http://feeds.test/b.xml", "Broken")
    on_disk = episodes_on_disk(library)
    records = await catalog.upsert_episodes(
        series.id, [NewEpisode(e.season, e.number, e.title, e.url) for e in on_disk]
    )
    await catalog.set_files([(r.id, e.file_path, 5) for r, e in zip(records, on_disk, strict=True)])
    (library / "Broken").write_text("a file where the series folder should be")
    (lost,) = await catalog.upsert_episodes(broken.id, [NewEpisode(1, 1, "x", "u")])
    await catalog.set_files([(lost.id, "Broken/x.mkv", 1)])
    bus = EventBus()
    seen: list[Event] = []
    bus.subscribe(Event, seen.append)
    service = MetadataService(catalog, bus, library, options(), limiter=limiter)
    results = await service.describe()
    assert results[series.id].tmdb_id == 1429
    assert isinstance(results[broken.id], str)
    outcomes = {
        e.series_id: type(e) for e in seen if isinstance(e, MetadataJobFinished | MetadataJobFailed)
    }
    assert outcomes == {series.id: MetadataJobFinished, broken.id: MetadataJobFailed}
    stored = {s.id: s for s in await catalog.list_series()}
    assert (stored[series.id].tmdb_id, stored[series.id].metadata_state) == (1429, "done")
    assert stored[broken.id].metadata_state == "failed" and stored[broken.id].metadata_error


async def test_repair_finds_incomplete_tvshow_files(catalog, tmp_path):
    library = tmp_path / "library"
    complete = await catalog.ensure_series("A", "feed", "http://f/a", "A")
    partial = await catalog.ensure_series("B", "feed", "http://f/b", "B")
    (library / "A").mkdir(parents=True)
    (library / "B").mkdir()
    (library / "B" / "tvshow.nfo").write_text("<tvshow><title>B</title></tvshow>")
    service = MetadataService(catalog, EventBus(), library, MetadataOptions())
    assert sorted(await service.needing_repair()) == [complete.id, partial.id]
    with pytest.raises(Exception, match="No TMDB token"):
        await service.test_connection()
    await service.set_tmdb_id(partial, 99)
    assert {s.id: s.tmdb_id for s in await catalog.list_series()}[partial.id] == 99


async def test_a_run_describes_what_it_changed_and_what_was_left_undone(catalog, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    series = {}
    for name in ("done", "refreshed", "downloaded", "old download", "never", "failed", "broken"):
        record = await catalog.ensure_series(name, "feed", f"http://f/{name}", name)
        series[name] = record.id
        if name not in ("never", "failed"):
            await catalog.update_series(record.id, metadata_state=MetadataState.DONE)
    await catalog.update_series(series["failed"], metadata_state=MetadataState.FAILED)
    (library / "broken").mkdir()  # a folder without its tvshow.nfo needs repair
    started = datetime(2026, 11, 24, 12, 0)

    def finished(name: str, at: datetime, status: DownloadStatus) -> QueueItem:
        key = EpisodeKey(series[name], 1, 1)
        return QueueItem(1, 1, key, name, "", "u", "d", status, 1, finished_at=at)

    downloads = [
        finished("downloaded", started, DownloadStatus.COMPLETED),
        finished("old download", started - timedelta(seconds=1), DownloadStatus.COMPLETED),
        finished("done", started + timedelta(hours=1), DownloadStatus.FAILED),
    ]
    service = MetadataService(catalog, EventBus(), library, MetadataOptions())
    wanted = await service.series_to_describe(
        started, changed=[series["refreshed"]], downloads=downloads
    )
    assert wanted == sorted(
        series[name] for name in ("refreshed", "downloaded", "never", "failed", "broken")
    )
    assert await service.series_to_describe(started) == sorted(
        series[name] for name in ("never", "failed", "broken")
    )


async def test_followed_events_schedule_one_job_per_burst(catalog, tmp_path):
    from aniworld_desktop.core.episode import EpisodeKey
    from aniworld_desktop.core.events import DownloadFinished, MetadataJobStarted, SeriesChanged
    from aniworld_desktop.core.queue import QueueItem
    from aniworld_desktop.core.status import DownloadStatus

    library = tmp_path / "library"
    (library / "A").mkdir(parents=True)
    series = await catalog.ensure_series("A", "feed", "http://f/a", "A")
    bus = EventBus()
    started: list[MetadataJobStarted] = []
    bus.subscribe(MetadataJobStarted, started.append)
    service = MetadataService(catalog, bus, library, MetadataOptions())
    service.debounce = 0.01
    service.follow()
    item = QueueItem(
        1, 1, EpisodeKey(series.id, 1, 1), "A", "", "u", "d", DownloadStatus.COMPLETED, 1
    )
    for _ in range(3):
        bus.publish(DownloadFinished(item))
    bus.publish(SeriesChanged(series.id))
    await asyncio.wait_for(asyncio.gather(*service._scheduled.values()), 5)
    assert [e.series_id for e in started] == [series.id]  # four events, one job
    assert (library / "A" / "tvshow.nfo").exists()

    service.debounce = 60
    bus.publish(SeriesChanged(series.id))
    await service.aclose()  # a scheduled job is cancelled at shutdown, nothing left running
    assert not service._scheduled


# --- search, for choosing the TMDB match by hand ---------------------------------------------------


async def test_search_returns_typed_results_and_passes_the_year(http, limiter, catalog, tmp_path):
    http.get(endpoint("/search/tv"), payload=fixture_json("search_tv.json"), repeat=True)
    service = MetadataService(catalog, EventBus(), tmp_path, options(), limiter=limiter)

    results = await service.search("  Attack on Titan ", 2013)
    anywhen = await service.search("Attack on Titan")

    assert [r.id for r in results] == [1429, 64196]  # the result without an id is dropped
    assert (results[0].name, results[0].original_name, results[0].year) == (
        "Attack on Titan",
        "進撃の巨人",
        2013,
    )
    assert results[1].overview == "Spin-off set in a middle school."
    assert [r.id for r in anywhen] == [1429, 64196]
    (_, with_year), (_, without_year) = sent(http)
    assert with_year["params"]["query"] == "Attack on Titan"  # blanks trimmed
    assert with_year["params"]["first_air_date_year"] == "2013"
    assert "first_air_date_year" not in without_year["params"]


async def test_search_without_a_token_says_where_to_set_one(http, catalog, tmp_path):
    service = MetadataService(catalog, EventBus(), tmp_path, MetadataOptions(api_url=API))
    with pytest.raises(MetadataError) as caught:
        await service.search("Attack on Titan")
    message = str(caught.value)
    assert message.startswith("No TMDB token is set") and "Settings" in message
    assert message.endswith(".")
    assert request_count(http) == 0


async def test_search_for_nothing_asks_for_a_title(http, limiter, catalog, tmp_path):
    service = MetadataService(catalog, EventBus(), tmp_path, options(), limiter=limiter)
    with pytest.raises(MetadataError, match="Type a title"):
        await service.search("   ")
    assert request_count(http) == 0


async def test_search_with_a_refused_token_is_a_clear_error(http, limiter, catalog, tmp_path):
    http.get(endpoint("/search/tv"), status=401, payload=fixture_json("error_401.json"))
    service = MetadataService(catalog, EventBus(), tmp_path, options(), limiter=limiter)
    with pytest.raises(TMDBAuthError) as caught:
        await service.search("Attack on Titan", 2013)
    assert "TMDB refused the token (HTTP 401)" in str(caught.value)
    assert V4_TOKEN not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert request_count(http) == 1
    gc.collect()  # the job's session is closed: nothing warns about it (warnings are errors)


def waiting_for_the_keyring(
    catalog, limiter, tmp_path
) -> tuple[MetadataService, asyncio.Future[Secret]]:
    """A service without a token in its settings, and the keyring's answer, not given yet."""
    import dataclasses

    lookup: asyncio.Future[Secret] = asyncio.get_running_loop().create_future()
    service = MetadataService(
        catalog,
        EventBus(),
        tmp_path,
        dataclasses.replace(options(), token=""),
        limiter=limiter,
        token_source=lambda: lookup,
    )
    return service, lookup


async def test_token_looked_up_later_is_used_once_it_arrives(http, limiter, catalog, tmp_path):
    http.get(endpoint("/search/tv"), payload=fixture_json("search_tv.json"), repeat=True)
    service, lookup = waiting_for_the_keyring(catalog, limiter, tmp_path)
    first = asyncio.ensure_future(service.search("Attack on Titan"))
    second = asyncio.ensure_future(service.search("Attack on Titan"))
    await asyncio.sleep(0)
    assert not first.done()  # waits for the keyring instead of saying "no token"
    lookup.set_result(Secret(options().token))
    assert [r.id for r in await first] == [1429, 64196]
    assert [r.id for r in await second] == [1429, 64196]
    assert service.options.token == options().token


async def test_resolved_options_wait_for_the_keyring_token(limiter, catalog, tmp_path):
    service, lookup = waiting_for_the_keyring(catalog, limiter, tmp_path)
    resolved = asyncio.ensure_future(service.resolved_options())
    await asyncio.sleep(0)
    assert not resolved.done()  # the keyring has not answered yet
    lookup.set_result(Secret("from the keyring"))
    assert (await resolved).token == "from the keyring"


def test_a_write_refused_by_the_drive_is_a_sentence_not_an_errno():
    import errno

    from aniworld_desktop.metadata.service import _job_failure

    refused = OSError(errno.EROFS, "Read-only file system", "/media/library/Harbor Lights")
    assert _job_failure(refused) == "Cannot write in /media/library: the drive is read-only."
    assert _job_failure(MetadataError("TMDB is down.")) == "TMDB is down."


@pytest.mark.parametrize(
    ("old_logo", "kept"),
    [
        (JPEG, False),  # the logo an earlier version saved from TMDB: now clearlogo.png
        (PNG + b"the user's own", True),  # another picture is the user's: untouched
    ],
)
async def test_the_logo_is_saved_as_clearlogo_and_our_old_logo_png_retired(
    http, limiter, tmp_path, old_logo: bytes, kept: bool
):
    mock_tmdb(http)
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    folder = library / "Attack on Titan (2013)"
    (folder / "logo.png").write_bytes(old_logo)
    async with NFOService(options(), limiter=limiter) as nfo:
        await nfo.describe(series_record(), episodes, library)
    assert (folder / "clearlogo.png").read_bytes() == JPEG  # what the fake TMDB serves
    assert (folder / "logo.png").exists() is kept
    if kept:
        assert (folder / "logo.png").read_bytes() == old_logo


async def test_without_the_logo_kind_an_old_logo_png_stays(http, limiter, tmp_path):
    mock_tmdb(http)
    library = tmp_path / "library"
    episodes = episodes_on_disk(library)
    folder = library / "Attack on Titan (2013)"
    (folder / "logo.png").write_bytes(JPEG)
    async with NFOService(options(artwork=frozenset({"poster"})), limiter=limiter) as nfo:
        await nfo.describe(series_record(), episodes, library)
    assert not (folder / "clearlogo.png").exists()
    assert (folder / "logo.png").read_bytes() == JPEG
