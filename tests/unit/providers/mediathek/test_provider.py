"""The mediathek provider against a film list served from 127.0.0.1: following a programme,
conditional GET, full and diff lists, refusing bad lists while keeping the index, resolving."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.config import Settings
from aniworld_desktop.providers.base import Provider, ProviderError, Validators
from aniworld_desktop.providers.mediathek.episodes import MediathekEpisode, Quality
from aniworld_desktop.providers.mediathek.provider import (
    RETRY_AFTER,
    FilmReference,
    MediathekDownload,
    MediathekOptions,
    MediathekProvider,
    SeriesReference,
)
from aniworld_desktop.providers.mediathek.store import FilmIndex
from aniworld_desktop.providers.mediathek.titles import Version
from aniworld_desktop.providers.registry import ProviderContext, ProviderRegistry
from tests.mediathek_lists import CREATED, ListEntry, film_list_bytes, generated_entries
from tests.unit.providers.feed_server import FeedServer

FOLLOWED = "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"


def film(title: str, n: int, *, channel: str = "ZDF", topic: str = "Der Bergdoktor") -> ListEntry:
    base = f"https://media.example.test/{channel.lower()}/{n}"
    return ListEntry(
        channel=channel,
        topic=topic,
        title=title,
        url=f"{base}/video_1800k.mp4",
        hd=f"{base}/video_3500k.mp4",
        small=f"{base}/video_480k.mp4",
        subtitle=f"{base}/untertitel.xml",
        aired=1_763_900_000 + n * 86_400,
        description=f"Was in {title} geschieht.",
        geo="DE-AT-CH" if n == 2 else "",
    )


FULL = [
    film("Heimkehr (S01/E01)", 1),
    film("Der Sturm (S01/E02)", 2),
    film("Der Sturm (S01/E02) (Audiodeskription)", 3),
    film("Der Sturm (S01/E02)", 4, channel="3Sat"),
    film("Folge 1: Die Alpen", 5, topic="Terra X"),
    *generated_entries(1500, seed=4),
]


class Clock:
    """Now, moved by the test."""

    def __init__(self) -> None:
        self.now = CREATED + timedelta(hours=3)  # the list was made this (German) morning
        self.seconds = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.now += step
        self.seconds += step.total_seconds()


@pytest.fixture
async def server():
    async with FeedServer() as running:
        running.add("/Filmliste-akt.xz", film_list_bytes(FULL), etag='"full-1"')
        running.add("/Filmliste-diff.xz", film_list_bytes([]), etag='"diff-0"')
        yield running


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def provider(tmp_path: Path, server: FeedServer, clock: Clock):
    options = MediathekOptions(
        full_list_url=server.url("/Filmliste-akt.xz"),
        diff_list_url=server.url("/Filmliste-diff.xz"),
        refresh_interval=3600,
    )
    provider = MediathekProvider(tmp_path / "data", options, clock=clock, monotonic=clock.monotonic)
    yield provider
    await provider.aclose()


def numbers(info) -> list[tuple[int, int | None]]:
    return [(e.season, e.number) for e in info.episodes]


# --- Following a programme ---------------------------------------------------------------------


async def test_following_a_programme_builds_the_index_and_lists_its_episodes(
    provider: MediathekProvider, server: FeedServer, session, tmp_path: Path
):
    assert isinstance(provider, Provider)
    assert provider.can_handle(FOLLOWED) and not provider.can_handle("https://x.test/a.xml")
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None
    assert info.title == "Der Bergdoktor"
    assert info.source_url == "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"
    assert not info.queue_now
    assert numbers(info) == [(1, 1), (1, 2)]
    first, second = info.episodes
    assert isinstance(second, MediathekEpisode)
    assert (second.title, second.channel, second.quality) == ("Der Sturm", "ZDF", Quality.HD)
    assert second.description == "Was in Der Sturm (S01/E02) geschieht."
    assert second.subtitle_url == "https://media.example.test/zdf/2/untertitel.xml"
    assert second.geo_restricted and not first.geo_restricted
    assert "Some films can only be watched in some countries." in info.description
    assert info.validators.etag
    assert [r.path for r in server.requests] == ["/Filmliste-akt.xz"]
    assert (tmp_path / "data" / "mediathek.sqlite").is_file()
    assert not list((tmp_path / "data").glob(".mediathek-*"))  # the download is gone

    # Asked again within the refresh interval: no request; an unchanged catalogue is None.
    again = await provider.fetch(FOLLOWED, session, info.validators)
    assert again is None
    assert len(server.requests) == 1


async def test_every_channel_of_a_topic_and_a_title_filter(provider: MediathekProvider, session):
    info = await provider.fetch("mediathek:?topic=der%20bergdoktor&filter=sturm", session)
    assert info is not None
    assert [(e.season, e.number, e.channel) for e in info.episodes] == [(1, 2, "3Sat")]
    assert info.source_url == "mediathek:?topic=der%20bergdoktor&filter=sturm"


async def test_the_quality_of_a_series_and_the_settings_default(
    provider: MediathekProvider, session
):
    info = await provider.fetch(FOLLOWED + "&quality=small", session)
    assert info is not None
    assert {e.quality for e in info.episodes} == {Quality.SMALL}
    # A film shown only in some countries says so in its reference, after the quality.
    assert all(
        e.url.endswith("?quality=small" + ("&geo=DE-AT-CH" if e.geo_restricted else ""))
        for e in info.episodes
    )
    assert any(e.geo_restricted for e in info.episodes)
    provider.options = replace(provider.options, quality=Quality.SD)
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None and {e.quality for e in info.episodes} == {Quality.SD}


async def test_the_preferred_versions_come_from_the_settings(provider: MediathekProvider, session):
    provider.options = replace(
        provider.options, versions=(Version.AUDIO_DESCRIPTION, Version.STANDARD)
    )
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None
    assert [e.version for e in info.episodes] == [Version.STANDARD, Version.AUDIO_DESCRIPTION]


async def test_a_programme_not_in_the_list_is_a_sentence_when_added_and_empty_when_refreshed(
    provider: MediathekProvider, session
):
    with pytest.raises(ProviderError, match="has no programme 'Gibt es nicht' on ZDF"):
        await provider.fetch("mediathek:?channel=ZDF&topic=Gibt%20es%20nicht", session)
    info = await provider.fetch(
        "mediathek:?channel=ZDF&topic=Gibt%20es%20nicht", session, Validators(etag='"old"')
    )
    assert info is not None and info.episodes == ()


# --- Resolving an episode ----------------------------------------------------------------------


async def test_an_episode_resolves_to_its_file_and_subtitles(provider: MediathekProvider, session):
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None
    resolved = await provider.resolve(info.episodes[1].url, session)
    assert isinstance(resolved, MediathekDownload)
    assert resolved.url == "https://media.example.test/zdf/2/video_3500k.mp4"
    assert resolved.subtitle_url == "https://media.example.test/zdf/2/untertitel.xml"
    assert (resolved.quality, resolved.geo) == (Quality.HD, "DE-AT-CH")
    assert resolved.expected_size is None  # the list's size is approximate
    small = info.episodes[1].url.replace("quality=hd", "quality=small")
    assert (await provider.resolve(small, session)).url.endswith("/2/video_480k.mp4")


async def test_a_film_no_longer_in_the_list_says_so(
    provider: MediathekProvider, server: FeedServer, session, clock: Clock
):
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None
    gone = info.episodes[0].url
    server.add("/Filmliste-akt.xz", film_list_bytes(FULL[1:]), etag='"full-2"')
    await provider.refresh_index(session, force_full=True)
    with pytest.raises(ProviderError, match="no longer in the public broadcasters' film list"):
        await provider.resolve(gone, session)


# --- Conditional GET, full and diff lists ------------------------------------------------------


async def test_refreshes_ask_conditionally_and_apply_the_diff_list(
    provider: MediathekProvider, server: FeedServer, session, clock: Clock
):
    await provider.fetch(FOLLOWED, session)
    new = film("Finale (S01/E03)", 9)
    server.add("/Filmliste-diff.xz", film_list_bytes([new]), etag='"diff-1"')

    clock.advance(hours=2)  # due, and the full list is still today's: the diff is enough
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None and numbers(info) == [(1, 1), (1, 2), (1, 3)]
    assert [r.path for r in server.requests] == ["/Filmliste-akt.xz", "/Filmliste-diff.xz"]
    assert "If-None-Match" not in server.requests[1].headers

    clock.advance(hours=2)  # the same diff again: asked with its ETag, answered 304
    refresh = await provider.ensure_index(session)
    assert refresh.action == "unchanged"
    assert server.requests[-1].path == "/Filmliste-diff.xz"
    assert server.requests[-1].headers["If-None-Match"] == '"diff-1"'
    assert server.requests[-1].status == 304
    assert refresh.state is not None and refresh.state.checked == clock.now
    assert refresh.state.films == len(FULL) + 1

    clock.advance(days=1)  # tomorrow the full list must be new: asked for with its ETag
    refresh = await provider.ensure_index(session)
    full_request, diff_request = server.requests[-2:]
    assert full_request.path == "/Filmliste-akt.xz" and full_request.status == 304
    assert full_request.headers["If-None-Match"] == '"full-1"'
    assert diff_request.path == "/Filmliste-diff.xz"
    assert refresh.action == "unchanged"

    server.add("/Filmliste-akt.xz", film_list_bytes(FULL[:2]), etag='"full-2"')
    clock.advance(hours=4)
    refresh = await provider.ensure_index(session)
    assert refresh.action == "full"
    assert refresh.state is not None and refresh.state.films == 2
    assert refresh.state.diff.url == ""  # a new full list starts without a diff


async def test_an_empty_diff_means_nothing_new(
    provider: MediathekProvider, server: FeedServer, session, clock: Clock
):
    await provider.ensure_index(session)
    clock.advance(hours=2)
    refresh = await provider.ensure_index(session)
    assert refresh.action == "unchanged"
    assert provider.last_error == ""


# --- Bad lists: refused with a sentence, the old index kept ------------------------------------


async def test_without_an_index_a_bad_list_is_an_error(
    provider: MediathekProvider, server: FeedServer, session
):
    server.add("/Filmliste-akt.xz", film_list_bytes(FULL)[:-300], etag='"cut"')
    with pytest.raises(ProviderError, match="The full film list is incomplete"):
        await provider.fetch(FOLLOWED, session)
    assert provider.index is not None and provider.index.state() is None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (film_list_bytes(FULL)[:-300], "incomplete"),
        (film_list_bytes([]), "has a header but no films"),
        (
            film_list_bytes([replace(f, url="ftp://x.test/" + str(n)) for n, f in enumerate(FULL)]),
            "no usable film",
        ),
        (b"<html>Wartungsarbeiten</html>", "not a MediathekView film list"),
    ],
)
async def test_a_bad_full_list_keeps_the_old_index(
    provider: MediathekProvider,
    server: FeedServer,
    session,
    clock: Clock,
    caplog,
    body: bytes,
    problem: str,
):
    before = await provider.fetch(FOLLOWED, session)
    server.add("/Filmliste-akt.xz", body, etag='"bad"')
    clock.advance(days=1)
    with caplog.at_level(logging.WARNING):
        after = await provider.fetch(FOLLOWED, session)
    assert after == before  # the same episodes, from the old index
    assert problem in provider.last_error
    assert "the index stays as it was" in caplog.text
    assert not list(provider.index.path.parent.glob(".mediathek-*"))  # type: ignore[union-attr]

    # It is not asked for again at once...
    count = len(server.requests)
    clock.advance(seconds=RETRY_AFTER / 2)
    await provider.fetch(FOLLOWED, session)
    assert len(server.requests) == count
    # ...and a refresh on demand says why.
    with pytest.raises(ProviderError, match=problem):
        await provider.refresh_index(session)


async def test_a_list_whose_entries_are_partly_bad_is_applied_with_the_rest(
    provider: MediathekProvider, server: FeedServer, session
):
    mixed = [*FULL[:2], replace(FULL[2], url="rtmp://live.example.test/stream")]
    server.add("/Filmliste-akt.xz", film_list_bytes(mixed), etag='"mixed"')
    refresh = await provider.refresh_index(session)
    assert refresh.applied is not None
    assert refresh.applied.counts.films == 2
    assert refresh.applied.counts.skipped == {"with a link that is not http": 1}


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_server_errors_are_sentences(
    provider: MediathekProvider, server: FeedServer, session, status: int
):
    server.add("/Filmliste-akt.xz", b"", status=status)
    with pytest.raises(ProviderError, match=rf"The server answered {status}.* for the full film"):
        await provider.refresh_index(session)


async def test_a_server_that_is_not_there_is_a_sentence(tmp_path: Path, session):
    provider = MediathekProvider(
        tmp_path, MediathekOptions(full_list_url="http://127.0.0.1:9/Filmliste-akt.xz")
    )
    with pytest.raises(
        ProviderError,
        match=r"The full film list could not be downloaded from 127\.0\.0\.1: the connection "
        r"was refused\. The film index is kept",
    ):
        await provider.fetch(FOLLOWED, session)


# --- References ----------------------------------------------------------------------------------


def test_series_references_have_one_spelling():
    reference = SeriesReference.parse(
        " mediathek:?topic=Terra+X&channel=ZDF&quality=HD&filter=Folge,%20Teil "
    )
    assert reference == SeriesReference("Terra X", "ZDF", "Folge, Teil", Quality.HD)
    assert (
        reference.url()
        == "mediathek:?channel=ZDF&topic=Terra%20X&filter=Folge%2C%20Teil&quality=hd"
    )
    assert SeriesReference.parse(reference.url()) == reference


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mediathek:", "names no programme"),
        ("mediathek:?channel=ZDF", "names no topic"),
        ("mediathek:?topic=X&quality=4k", "can be hd, sd or small"),
        ("mediathek:?topic=X&sender=ZDF", "parts the film list does not know: sender"),
        ("mediathek:?topic=X&topic=Y", "gives topic more than once"),
        ("mediathek:film/0000000000000001.mp4", "is one film of the film list"),
        ("https://zdf.de/terra-x", "Not a reference"),
    ],
)
def test_bad_series_references_are_sentences(url: str, problem: str):
    with pytest.raises(ProviderError, match=problem):
        SeriesReference.parse(url)


def test_film_references_round_trip_every_id():
    from aniworld_desktop.providers.mediathek.episodes import episode_url

    for key in (0, 1, -1, 2**63 - 1, -(2**63)):
        reference = FilmReference.parse(episode_url(key, Quality.SD, ".webm"))
        assert reference == FilmReference(key, Quality.SD)
    for bad in ("mediathek:film/xyz.mp4", "mediathek:film/12.mp4", "mediathek:?topic=x"):
        with pytest.raises(ProviderError):
            FilmReference.parse(bad)


# --- Registration and settings -----------------------------------------------------------------


def test_the_registry_configures_it_with_the_profile_and_settings(tmp_path: Path):
    settings = Settings().updated(
        {
            "mediathek_quality": "small",
            "mediathek_versions": "sign-language,standard",
            "mediathek_refresh_interval": "7200",
            "mediathek_full_list_url": "https://mirror.example.test/Filmliste-akt.xz",
        }
    )
    registry = ProviderRegistry.discover(ProviderContext(tmp_path, settings))
    provider = registry.get("mediathek")
    assert isinstance(provider, MediathekProvider)
    assert provider.options == MediathekOptions(
        full_list_url="https://mirror.example.test/Filmliste-akt.xz",
        refresh_interval=7200.0,
        quality=Quality.SMALL,
        versions=(Version.SIGN_LANGUAGE, Version.STANDARD),
    )
    assert provider.index is not None and provider.index.path == tmp_path / "mediathek.sqlite"
    assert registry.for_url(FOLLOWED) is provider


async def test_without_a_profile_it_says_so_and_writes_nothing(session, tmp_path: Path):
    provider = ProviderRegistry.discover().get("mediathek")
    with pytest.raises(ProviderError, match="no place to be kept"):
        await provider.fetch(FOLLOWED, session)
    with pytest.raises(ProviderError, match="no place to be kept"):
        await provider.resolve("mediathek:film/0000000000000001.mp4?quality=hd", session)


def test_the_settings_are_validated():
    from aniworld_desktop.core.errors import ConfigError

    defaults = Settings()
    assert defaults.mediathek_full_list_url == "https://liste.mediathekview.de/Filmliste-akt.xz"
    assert defaults.mediathek_diff_list_url == "https://liste.mediathekview.de/Filmliste-diff.xz"
    assert (defaults.mediathek_quality, defaults.mediathek_versions) == ("hd", "standard")
    assert defaults.mediathek_refresh_interval == 3 * 3600
    assert Settings().updated(
        {"mediathek_versions": " Audio-Description , standard"}
    ).mediathek_versions == ("audio-description,standard")
    for name, value in [
        ("mediathek_versions", "standard,standard"),
        ("mediathek_versions", "trailer"),
        ("mediathek_versions", ""),
        ("mediathek_quality", "4k"),
        ("mediathek_refresh_interval", "60"),
        ("mediathek_full_list_url", "ftp://liste.example.test/Filmliste-akt.xz"),
    ]:
        with pytest.raises(ConfigError, match=f"Invalid {name}"):
            Settings().updated({name: value})


def test_created_lists_before_nine_need_the_full_list(provider: MediathekProvider, clock: Clock):
    from aniworld_desktop.providers.mediathek.store import IndexState, ListState

    def state(created: datetime) -> IndexState:
        return IndexState(0, ListState(created=created), ListState(), None)

    clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert not provider._too_old_for_diff(state(datetime(2026, 11, 24, 8, 30, tzinfo=UTC)))
    assert provider._too_old_for_diff(state(datetime(2026, 11, 24, 7, 30, tzinfo=UTC)))
    assert provider._too_old_for_diff(state(datetime(2026, 11, 23, 20, 0, tzinfo=UTC)))


async def test_an_index_that_cannot_be_written_is_a_sentence_and_the_old_one_stays(
    provider: MediathekProvider, server: FeedServer, session, monkeypatch
):
    import errno
    import sqlite3

    before = await provider.fetch(FOLLOWED, session)
    # The failures are put into this process's FilmIndex: index on a thread here (the child
    # process sends the same exceptions back, pickled; test_child.py shows that path).
    monkeypatch.setattr(provider, "_index_in_child", False)
    for failure in (
        sqlite3.OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ):

        def broken(*args: object, failure: Exception = failure, **kwargs: object) -> None:
            raise failure

        monkeypatch.setattr(FilmIndex, "replace", broken)
        with pytest.raises(
            ProviderError,
            match=r"could not be written \((database or disk is full|the disk is full)\); the old index is kept",
        ):
            await provider.refresh_index(session, force_full=True)
        assert await provider.fetch(FOLLOWED, session) == before
        assert not list(provider.index.path.parent.glob(".mediathek-*"))  # type: ignore[union-attr]


async def test_the_search_side_for_the_window(provider: MediathekProvider, session):
    assert await provider.index_state() is None
    await provider.ensure_index(session)
    state = await provider.index_state()
    assert state is not None and state.films == len(FULL)
    assert "ZDF" in await provider.channels() and "3Sat" in await provider.channels()
    (match,) = [m for m in await provider.topics("bergdok") if m.channel == "ZDF"]
    assert (match.topic, match.films) == ("Der Bergdoktor", 3)
    reference = provider.reference_for(match, title_filter="Sturm")
    assert reference == "mediathek:?channel=ZDF&topic=Der%20Bergdoktor&filter=Sturm"
    info = await provider.fetch(reference, session)
    assert info is not None and [e.title for e in info.episodes] == ["Der Sturm"]
    films = await provider.search("bergdoktor sturm")
    assert {f.channel for f in films} == {"ZDF", "3Sat"}
    assert [f.title for f in await provider.search("sturm", channel="3sat")] == [
        "Der Sturm (S01/E02)"
    ]


async def test_saved_settings_apply_without_a_restart(provider: MediathekProvider, session):
    """The window hands saved settings to the registry: quality and versions apply at once."""
    registry = ProviderRegistry([provider])
    lists = Settings(
        mediathek_full_list_url=provider.options.full_list_url,
        mediathek_diff_list_url=provider.options.diff_list_url,
    )
    longer = replace(lists, mediathek_refresh_interval=7200.0)
    assert registry.apply_settings(longer) == []  # the same episodes: nothing to read again
    assert provider.options.refresh_interval == 7200.0
    changed = replace(
        longer, mediathek_quality="sd", mediathek_versions="audio-description,standard"
    )
    assert registry.apply_settings(changed) == ["mediathek"]
    assert provider.options.quality is Quality.SD
    assert provider.options.versions == (Version.AUDIO_DESCRIPTION, Version.STANDARD)
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None and {e.quality for e in info.episodes} == {Quality.SD}


def test_a_series_quality_is_written_into_its_reference():
    from aniworld_desktop.providers.mediathek.provider import with_quality

    url = "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"
    assert with_quality(url, Quality.SD) == url + "&quality=sd"
    assert with_quality(url + "&quality=hd", None) == url
    assert with_quality(url + "&quality=hd", Quality.SMALL) == url + "&quality=small"
    with pytest.raises(ProviderError):
        with_quality("https://example.test/feed.xml", Quality.SD)


def damage_the_films(path: Path) -> None:
    """Overwrite every page of ``path`` but the first and the meta table's with noise, as a
    power cut or a failing disk may leave a file: it opens, says what it holds, and fails on
    the films."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (meta_root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'meta'"
        ).fetchone()
    finally:
        connection.close()
    size = path.stat().st_size
    with path.open("r+b") as file:
        for page in range(2, size // page_size + 1):
            if page != meta_root:
                file.seek((page - 1) * page_size)
                file.write(bytes([0x5A]) * page_size)


async def damaged_index(provider: MediathekProvider, session) -> FilmIndex:
    """The provider's index, built from FULL, then damaged (:func:`damage_the_films`)."""
    await provider.fetch(FOLLOWED, session)
    index = provider.index
    assert index is not None
    index.close()
    damage_the_films(index.path)
    return index


async def test_a_damaged_index_is_built_again_from_the_full_list(
    provider: MediathekProvider, server: FeedServer, session, clock: Clock
):
    index = await damaged_index(provider, session)
    state = index.state()
    assert state is not None and state.films == len(FULL)  # it still says what it holds
    assert not index.damaged  # no read has met the damage (that is the next test)

    server.add("/Filmliste-diff.xz", film_list_bytes([film("Finale (S01/E03)", 9)]), etag='"d1"')
    clock.advance(hours=2)  # a diff is due: it cannot be applied to a damaged file
    refresh = await provider.ensure_index(session)
    assert refresh.action == "full"
    full, diff, again = server.requests[-3:]
    assert (full.path, diff.path, again.path) == (
        "/Filmliste-akt.xz",
        "/Filmliste-diff.xz",
        "/Filmliste-akt.xz",
    )
    assert again.status == 200 and "If-None-Match" not in again.headers  # not a 304: rebuilt
    assert refresh.state is not None and refresh.state.films == len(FULL)
    info = await provider.fetch(FOLLOWED, session)
    assert info is not None and numbers(info) == [(1, 1), (1, 2)]


async def test_an_index_a_search_found_damaged_is_built_anew_at_the_next_refresh(
    provider: MediathekProvider, server: FeedServer, session, clock: Clock
):
    index = await damaged_index(provider, session)
    assert index.search("bergdoktor") == [] and index.damaged  # said in the log, remembered
    for search in (provider.search, provider.topics):  # the window's search says so
        with pytest.raises(ProviderError, match=r"film index is damaged .* builds it again"):
            await search("bergdoktor")  # type: ignore[operator]
    requests = len(server.requests)

    clock.advance(hours=2)  # due: the full list, asked for without validators, not the diff
    refresh = await provider.ensure_index(session)
    assert refresh.action == "full"
    assert [(r.path, r.status) for r in server.requests[requests:]] == [("/Filmliste-akt.xz", 200)]
    assert "If-None-Match" not in server.requests[-1].headers
    assert not index.damaged
    assert [f.title for f in await provider.search("heimkehr")] == ["Heimkehr (S01/E01)"]
    assert await provider.search("nothing like it") == []  # found nothing: no error now


async def test_the_indexing_server_starts_while_the_list_downloads(
    provider: MediathekProvider, session, monkeypatch: pytest.MonkeyPatch
):
    from aniworld_desktop.providers.mediathek import child
    from aniworld_desktop.providers.mediathek import provider as module

    started = threading.Event()
    monkeypatch.setattr(module, "start_server", started.set)
    asked_before_indexing: list[bool] = []

    async def index(*args: object, **kwargs: object):
        asked_before_indexing.append(provider._server_start is not None)
        return await child.index_in_child(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "index_in_child", index)
    await provider.ensure_index(session)
    assert asked_before_indexing == [True]
    await provider.aclose()  # waits for the start
    assert started.is_set()


def test_starting_the_indexing_server_ahead_keeps_one_server():
    from multiprocessing import forkserver

    from aniworld_desktop.providers.mediathek.child import start_server

    start_server()
    first = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    start_server()
    assert first is not None
    assert forkserver._forkserver._forkserver_pid == first  # type: ignore[attr-defined]
