import asyncio
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.providers.base import EpisodeKind, ProviderError, Validators
from aniworld_desktop.providers.base import Provider as ProviderProtocol
from aniworld_desktop.providers.demo import (
    DEMO_DIR_ENV,
    DemoCatalogue,
    DemoProvider,
    DemoServer,
    demo_resources,
)

REPO_DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo"
TODAY = date(2026, 11, 24)
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class RecordingSleep:
    """Stands in for asyncio.sleep in the server: records each pause, waits for nothing."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.calls.append(delay)
        await asyncio.sleep(0)


class GateSleep:
    """Holds the server at its first pause until the test opens the gate."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.open = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.reached.set()
        await self.open.wait()


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    monkeypatch.delenv(DEMO_DIR_ENV, raising=False)


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def provider():
    async with DemoProvider(seconds_per_file=0, today=lambda: TODAY) as provider:
        yield provider


def _file(slug: str, name: str) -> bytes:
    return (REPO_DEMO / slug / name).read_bytes()


async def _raw_status(port: int, path: str) -> int:
    """The status line's code for a request sent exactly as written (no client normalising)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        status_line = await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
    return int(status_line.split()[1])


# -- the catalogue -------------------------------------------------------------------------


def test_catalogue_lists_three_series():
    urls = DemoProvider().catalogue()
    assert urls == ["demo:harbor-lights", "demo:clockwork-garden", "demo:paper-moons"]


def test_is_a_provider_that_handles_only_demo_references():
    provider = DemoProvider()
    assert isinstance(provider, ProviderProtocol)
    assert provider.name == "demo"
    assert provider.can_handle("demo:harbor-lights")
    assert provider.can_handle(" DEMO:paper-moons/s01e01")
    assert not provider.can_handle("https://example.test/demo:x")
    assert not provider.recognises("video/mp4", b"\x00\x00\x00\x18ftypmp42")


async def test_fetch_returns_the_series_with_two_seasons_and_artwork(provider, session):
    info = await provider.fetch("demo:harbor-lights", session)
    assert info is not None
    assert info.title == "Harbor Lights"
    assert info.source_url == "demo:harbor-lights"
    assert info.year == 2019
    assert "lighthouse" in info.description
    assert not info.queue_now
    assert info.poster_url == "demo:harbor-lights/poster.jpg"
    assert info.fanart_url == "demo:harbor-lights/fanart.jpg"
    assert {e.season for e in info.episodes} == {0, 1, 2}
    episode = next(e for e in info.episodes if (e.season, e.number) == (1, 2))
    assert episode.url == "demo:harbor-lights/s01e02"
    assert episode.title == "Low Tide"
    assert episode.size == len(_file("harbor-lights", "s01e02.mp4"))
    assert episode.air_date == date(2019, 4, 12)
    assert episode.kind is EpisodeKind.FULL
    assert episode.guid == "demo:harbor-lights/s01e02"
    assert episode.description
    assert episode.image_url == "demo:harbor-lights/s01e02.jpg"


async def test_every_series_has_two_seasons_of_three_or_four_episodes(provider, session):
    for url in provider.catalogue():
        info = await provider.fetch(url, session)
        assert info is not None and info.description and info.year
        for season in (1, 2):
            count = sum(1 for e in info.episodes if e.season == season)
            assert 3 <= count <= 4, (url, season)


async def test_catalogue_has_a_special_a_trailer_and_an_unreleased_episode(provider, session):
    episodes = []
    for url in provider.catalogue():
        info = await provider.fetch(url, session)
        assert info is not None
        episodes.extend(info.episodes)
    specials = [e for e in episodes if e.season == 0 and e.kind is EpisodeKind.FULL]
    trailers = [e for e in episodes if e.kind is EpisodeKind.TRAILER]
    future = [e for e in episodes if e.air_date is not None and e.air_date > TODAY]
    assert [e.title for e in specials] == ["A Lantern for Winter"]
    assert [e.url for e in trailers] == ["demo:clockwork-garden/s00e01"]
    assert [(e.url, e.air_date) for e in future] == [
        ("demo:paper-moons/s02e03", TODAY + timedelta(days=14))
    ]
    assert len({e.url for e in episodes}) == len(episodes) == 23


async def test_unreleased_episode_stays_in_the_future_whatever_the_date(session):
    later = date(2040, 1, 1)
    async with DemoProvider(today=lambda: later) as provider:
        info = await provider.fetch("demo:paper-moons", session)
    assert info is not None
    (finale,) = [e for e in info.episodes if e.url.endswith("/s02e03")]
    assert finale.air_date == later + timedelta(days=14)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("demo:no-such-show", "no series demo:no-such-show"),
        ("demo:", "names no series"),
        ("demo:harbor-lights/s01e01", "add demo:harbor-lights instead"),
        ("demo:../secrets", "Not a valid demo reference"),
        ("https://example.test/x", "Not a demo reference"),
    ],
)
async def test_fetch_refuses_what_is_not_a_series(provider, session, url, message):
    with pytest.raises(ProviderError, match=message):
        await provider.fetch(url, session)


async def test_fetch_with_the_same_validators_means_not_modified(provider, session):
    info = await provider.fetch("demo:paper-moons", session)
    assert info is not None and info.validators.etag
    assert await provider.fetch("demo:paper-moons", session, info.validators) is None
    again = await provider.fetch("demo:paper-moons", session, Validators(etag='"other"'))
    assert again is not None and again.validators == info.validators


async def test_fetch_needs_no_server(provider, session):
    await provider.fetch("demo:clockwork-garden", session)
    assert provider.server is None


# -- resolving and serving ---------------------------------------------------------------


async def test_resolve_starts_the_server_and_serves_the_exact_bytes(provider, session):
    resolved = await provider.resolve("demo:harbor-lights/s01e02", session)
    expected = _file("harbor-lights", "s01e02.mp4")
    assert provider.server is not None and provider.server.running
    port = provider.server.port
    assert resolved.url == f"http://127.0.0.1:{port}/media/harbor-lights/s01e02.mp4"
    assert resolved.expected_size == len(expected)
    async with session.get(resolved.url) as response:
        assert response.status == 200
        assert response.content_type == "video/mp4"
        assert response.headers["Accept-Ranges"] == "bytes"
        assert response.content_length == len(expected)
        assert await response.read() == expected
    # one server per provider: a second resolve reuses it
    again = await provider.resolve("demo:paper-moons/s01e01", session)
    assert provider.server.port == port and again.url.startswith(f"http://127.0.0.1:{port}/")


async def test_concurrent_first_resolves_start_one_server(provider, session):
    results = await asyncio.gather(
        *(provider.resolve(url, session) for url in ["demo:harbor-lights/s01e01"] * 5)
    )
    assert len({r.url for r in results}) == 1


async def test_artwork_references_resolve_to_pictures(provider, session):
    info = await provider.fetch("demo:clockwork-garden", session)
    assert info is not None
    for reference, name in [
        (info.poster_url, "poster.jpg"),
        (info.fanart_url, "fanart.jpg"),
        (info.episodes[1].image_url, "s01e01.jpg"),
    ]:
        resolved = await provider.resolve(reference, session)
        async with session.get(resolved.url) as response:
            assert response.status == 200
            assert response.content_type == "image/jpeg"
            assert await response.read() == _file("clockwork-garden", name)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("demo:harbor-lights", "is a series"),
        ("demo:harbor-lights/s09e09", "nothing called s09e09"),
        ("demo:harbor-lights/catalogue.json", "nothing called catalogue.json"),
        ("demo:nope/s01e01", "no series demo:nope"),
    ],
)
async def test_resolve_refuses_unknown_items(provider, session, url, message):
    with pytest.raises(ProviderError, match=message):
        await provider.resolve(url, session)
    assert provider.server is None


async def test_range_request_gets_206_and_the_slice(provider, session):
    resolved = await provider.resolve("demo:paper-moons/s01e03", session)
    data = _file("paper-moons", "s01e03.mp4")
    size = len(data)
    async with session.get(resolved.url, headers={"Range": "bytes=100-1099"}) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 100-1099/{size}"
        assert await response.read() == data[100:1100]
    async with session.get(resolved.url, headers={"Range": "bytes=1000-"}) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 1000-{size - 1}/{size}"
        assert await response.read() == data[1000:]
    async with session.get(resolved.url, headers={"Range": "bytes=-10"}) as response:
        assert response.status == 206
        assert await response.read() == data[-10:]
    async with session.get(resolved.url, headers={"Range": f"bytes={size}-"}) as response:
        assert response.status == 416
        assert response.headers["Content-Range"] == f"bytes */{size}"


async def test_if_range_of_another_version_sends_the_whole_file(provider, session):
    resolved = await provider.resolve("demo:paper-moons/s01e01", session)
    data = _file("paper-moons", "s01e01.mp4")
    async with session.get(resolved.url) as response:
        etag = response.headers["ETag"]
        await response.read()
    headers = {"Range": "bytes=10-", "If-Range": etag}
    async with session.get(resolved.url, headers=headers) as response:
        assert response.status == 206
        assert await response.read() == data[10:]
    headers["If-Range"] = '"stale"'
    async with session.get(resolved.url, headers=headers) as response:
        assert response.status == 200
        assert await response.read() == data


async def test_head_announces_the_size_without_a_body(provider, session):
    resolved = await provider.resolve("demo:harbor-lights/s02e01", session)
    async with session.head(resolved.url) as response:
        assert response.status == 200
        assert response.content_length == resolved.expected_size


@pytest.mark.parametrize(
    "path",
    [
        "/media/../catalogue.json",
        "/media/%2e%2e/catalogue.json",
        "/media/harbor-lights/../../catalogue.json",
        "/media/harbor-lights/%2e%2e%2fcatalogue.json",
        "/media/harbor-lights/..%2F..%2Fcatalogue.json",
        "/media/harbor-lights/%2e%2e%2f%2e%2e%2fcatalogue.json",
        "/media/%2e%2e%2fharbor-lights/s01e01.mp4",
        "/catalogue.json",
        "/media/harbor-lights/s01e01",
        "/media/harbor-lights/nothing.mp4",
        "/media/harbor-lights/",
    ],
)
async def test_nothing_outside_the_catalogue_is_served(provider, session, path):
    await provider.resolve("demo:harbor-lights/s01e01", session)
    assert provider.server is not None
    assert await _raw_status(provider.server.port, path) == 404


async def test_files_in_the_folder_but_not_in_the_catalogue_are_not_served(tmp_path, session):
    root = tmp_path / "demo"
    _write_tiny_demo(root)
    (root / "tiny" / "secret.mp4").write_bytes(b"not listed")
    async with DemoServer(root, seconds_per_file=0) as server:
        async with session.get(server.url_for("tiny", "secret.mp4")) as response:
            assert response.status == 404
        async with session.get(server.url_for("tiny", "e1.mp4")) as response:
            assert await response.read() == b"episode one"


# -- pacing --------------------------------------------------------------------------------


async def _download(provider, session, url, headers=None) -> bytes:
    resolved = await provider.resolve(url, session)
    async with session.get(resolved.url, headers=headers or {}) as response:
        return await response.read()


async def test_episodes_are_paced_over_seconds_per_file(session):
    sleep = RecordingSleep()
    data = _file("harbor-lights", "s01e01.mp4")
    async with DemoProvider(seconds_per_file=4.0, sleep=sleep) as provider:
        assert await _download(provider, session, "demo:harbor-lights/s01e01") == data
        full = list(sleep.calls)
        sleep.calls.clear()
        half = len(data) // 2
        got = await _download(
            provider, session, "demo:harbor-lights/s01e01", {"Range": f"bytes={half}-"}
        )
        assert got == data[half:]
        resumed = list(sleep.calls)
    tick = full[0]
    assert set(full) == {tick}
    # a whole file takes about seconds_per_file; a resumed half about half of it
    assert 3.0 <= len(full) * tick <= 4.0
    assert 1.4 <= len(resumed) * tick <= 2.2


async def test_unpaced_server_and_pictures_never_pause(session):
    sleep = RecordingSleep()
    async with DemoProvider(seconds_per_file=0, sleep=sleep) as provider:
        await _download(provider, session, "demo:harbor-lights/s01e01")
    async with DemoProvider(seconds_per_file=4.0, sleep=sleep) as provider:
        await _download(provider, session, "demo:harbor-lights/fanart.jpg")
    assert sleep.calls == []


async def test_a_paused_server_holds_back_the_rest_of_the_body(session):
    gate = GateSleep()
    data = _file("paper-moons", "s02e02.mp4")
    async with DemoProvider(seconds_per_file=4.0, sleep=gate) as provider:
        resolved = await provider.resolve("demo:paper-moons/s02e02", session)
        async with session.get(resolved.url) as response:
            first = await response.content.readany()
            await gate.reached.wait()
            # while the server pauses, no more than its first chunk can have arrived
            assert 0 < len(first) <= response.content.total_bytes < len(data) // 10
            gate.open.set()
            rest = await response.read()
    assert first + rest == data


# -- lifetime ------------------------------------------------------------------------------


async def test_aclose_stops_the_server_and_resolve_starts_it_again(session):
    provider = DemoProvider(seconds_per_file=0)
    first = await provider.resolve("demo:harbor-lights/s01e01", session)
    await provider.aclose()
    assert provider.server is None
    with pytest.raises(aiohttp.ClientConnectionError):
        async with session.get(first.url) as response:
            await response.read()
    second = await provider.resolve("demo:harbor-lights/s01e01", session)
    try:
        async with session.get(second.url) as response:
            assert await response.read() == _file("harbor-lights", "s01e01.mp4")
    finally:
        await provider.aclose()
    await provider.aclose()  # a second close is harmless


async def test_aclose_breaks_off_a_paced_download_at_once(session):
    gate = GateSleep()
    provider = DemoProvider(seconds_per_file=4.0, sleep=gate)
    resolved = await provider.resolve("demo:paper-moons/s01e02", session)
    async with session.get(resolved.url) as response:
        await gate.reached.wait()
        await asyncio.wait_for(provider.aclose(), timeout=5)
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
    assert provider.server is None


async def test_async_with_closes_the_server(session):
    async with DemoProvider(seconds_per_file=0) as provider:
        await provider.resolve("demo:harbor-lights/s01e01", session)
        server = provider.server
        assert server is not None and server.running
    assert not server.running and provider.server is None


# -- where the resources are -----------------------------------------------------------------


def test_resources_are_found_in_the_checkout():
    assert demo_resources() == REPO_DEMO


def test_override_points_at_another_folder(tmp_path, monkeypatch):
    root = tmp_path / "mine"
    _write_tiny_demo(root)
    monkeypatch.setenv(DEMO_DIR_ENV, str(root))
    assert demo_resources() == root
    assert DemoProvider().catalogue() == ["demo:tiny"]


def test_override_without_a_catalogue_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(DEMO_DIR_ENV, str(tmp_path))
    with pytest.raises(ProviderError, match=f"{DEMO_DIR_ENV} is set to .* no catalogue.json"):
        demo_resources()
    with pytest.raises(ProviderError, match=DEMO_DIR_ENV):
        DemoProvider().catalogue()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["series"][0].update(slug="../up"),
        lambda d: d["series"][0]["episodes"][0].update(media="../../etc/passwd"),
        lambda d: d["series"][0]["episodes"][0].update(season="one"),
        lambda d: d.update(format=2),
        lambda d: d["series"].append(dict(d["series"][0])),
    ],
)
def test_a_malformed_catalogue_is_refused(tmp_path, change):
    root = tmp_path / "demo"
    _write_tiny_demo(root)
    data = json.loads((root / "catalogue.json").read_text())
    change(data)
    (root / "catalogue.json").write_text(json.dumps(data))
    with pytest.raises(ProviderError, match="demo catalogue"):
        DemoCatalogue.load(root)


async def test_a_missing_media_file_is_a_clear_error(tmp_path, session):
    root = tmp_path / "demo"
    _write_tiny_demo(root)
    (root / "tiny" / "e1.mp4").unlink()
    with pytest.raises(ProviderError, match="is missing; the demo folder is incomplete"):
        await DemoProvider(root).fetch("demo:tiny", session)


def test_every_listed_file_is_in_the_repository():
    catalogue = DemoCatalogue.load(REPO_DEMO)
    assert len(catalogue.series) == 3
    for series in catalogue.series.values():
        for picture in [series.poster, series.fanart, *(e.image for e in series.episodes)]:
            head = (REPO_DEMO / series.slug / picture).read_bytes()[:8]
            assert head.startswith((JPEG_MAGIC, PNG_MAGIC)), (series.slug, picture)
        for episode in series.episodes:
            media = (REPO_DEMO / series.slug / episode.media).read_bytes()
            assert len(media) > 1000 and media[4:8] == b"ftyp", (series.slug, episode.media)
    total = sum(p.stat().st_size for p in REPO_DEMO.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024


def _write_tiny_demo(root: Path) -> None:
    (root / "tiny").mkdir(parents=True)
    for name, body in [("e1.mp4", b"episode one"), ("e1.jpg", JPEG_MAGIC + b"x")]:
        (root / "tiny" / name).write_bytes(body)
    shutil.copy(root / "tiny" / "e1.jpg", root / "tiny" / "poster.jpg")
    catalogue = {
        "format": 1,
        "series": [
            {
                "slug": "tiny",
                "title": "Tiny",
                "poster": "poster.jpg",
                "fanart": "poster.jpg",
                "episodes": [
                    {
                        "id": "s01e01",
                        "season": 1,
                        "number": 1,
                        "media": "e1.mp4",
                        "image": "e1.jpg",
                    }
                ],
            }
        ],
    }
    (root / "catalogue.json").write_text(json.dumps(catalogue))


async def test_a_client_leaving_mid_download_is_not_an_error(session, caplog):
    # A paused download closes its connection while the server is still sending.
    gate = GateSleep()
    async with DemoProvider(seconds_per_file=4.0, sleep=gate) as provider:
        resolved = await provider.resolve("demo:paper-moons/s01e02", session)
        assert provider.server is not None
        handlers = provider.server._handlers
        response = await session.get(resolved.url)
        await gate.reached.wait()
        response.close()  # the client goes away
        gate.open.set()
        for _ in range(200):
            if not handlers:
                break
            await asyncio.sleep(0.01)
        assert not handlers
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
