"""The demo provider: a small catalogue that the app serves to itself on 127.0.0.1.

It makes the whole loop work on a fresh machine with no network and no account: three invented
series with two seasons each, a special, a trailer and an episode that is not out yet, artwork and
short sample videos, all under ``resources/demo``.

References, not URLs, are what the rest of the app stores, because the server's port changes on
every run:

- ``demo:<slug>`` is a series (``demo:harbor-lights``); ``demo:`` alone names none.
- ``demo:<slug>/<episode id>`` is an episode's media (``demo:harbor-lights/s01e02``).
- ``demo:<slug>/<file name>`` is a picture (``demo:harbor-lights/poster.jpg``): the series' poster
  and fanart and each episode's still.

:meth:`DemoProvider.resolve` turns any of them into an ``http://127.0.0.1:<port>/media/...`` URL,
starting the :class:`DemoServer` on first use.

``resources/demo/catalogue.json`` (format 1) lists the series; each has ``slug``, ``title``,
``year``, ``description``, ``poster``, ``fanart`` and ``episodes``, and each episode has ``id``,
``season``, ``number``, ``title``, ``media``, ``image``, ``description``, optionally ``absolute``
and ``kind`` (``full``, ``trailer``, ``bonus``), and either ``air_date`` (ISO) or ``airs_in_days``
(counted from today, so that one episode always stays "not yet released").
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import os
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from email.utils import formatdate
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import aiohttp

if TYPE_CHECKING:
    from aiohttp import web

from aniworld_desktop.providers.base import (
    EpisodeInfo,
    EpisodeKind,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
)

log = logging.getLogger(__name__)

DEMO_SCHEME = "demo:"
DEMO_DIR_ENV = "ANIWORLD_DEMO_DIR"
CATALOGUE_FILE = "catalogue.json"
DEFAULT_SECONDS_PER_FILE = 4.0
# Seconds the demo server takes per episode; set lower for a quicker demo (0: full speed).
PACE_VARIABLE = "ANIWORLD_DEMO_SECONDS_PER_FILE"

# Slugs, episode ids and file names are single plain path segments: no "/", no "..", no "~".
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
_CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
_UNPACED_CHUNK = 256 * 1024

Sleep = Callable[[float], Awaitable[object]]


def demo_resources() -> Path:
    """The folder holding ``catalogue.json`` and the demo's media.

    ``$ANIWORLD_DEMO_DIR`` wins when set; otherwise the top-level ``resources/demo`` of a source
    checkout, then ``<prefix>/share/aniworld-desktop/demo`` of an installation.

    Raises:
        ProviderError: No such folder exists.
    """
    override = os.environ.get(DEMO_DIR_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
        if not (path / CATALOGUE_FILE).is_file():
            raise ProviderError(
                f"{DEMO_DIR_ENV} is set to {path}, but there is no {CATALOGUE_FILE} in it."
            )
        return path
    candidates = (
        Path(__file__).resolve().parents[2] / "resources" / "demo",
        Path(sys.prefix) / "share" / "aniworld-desktop" / "demo",
    )
    for path in candidates:
        if (path / CATALOGUE_FILE).is_file():
            return path
    looked = " and ".join(str(path) for path in candidates)
    raise ProviderError(
        f"The demo catalogue is missing (looked in {looked}); "
        f"set {DEMO_DIR_ENV} to the folder that holds {CATALOGUE_FILE}."
    )


@dataclass(frozen=True, slots=True)
class DemoEpisode:
    """One episode as ``catalogue.json`` lists it."""

    id: str
    season: int
    number: int
    title: str
    media: str
    image: str
    kind: EpisodeKind = EpisodeKind.FULL
    absolute: int | None = None
    air_date: date | None = None
    airs_in_days: int | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class DemoSeries:
    """One series as ``catalogue.json`` lists it; its files live in ``<root>/<slug>/``."""

    slug: str
    title: str
    year: int | None
    description: str
    poster: str
    fanart: str
    episodes: tuple[DemoEpisode, ...]

    def references(self) -> dict[str, str]:
        """Each name a ``demo:<slug>/<name>`` reference may use, mapped to its file name."""
        names = {self.poster: self.poster, self.fanart: self.fanart}
        for episode in self.episodes:
            names[episode.id] = episode.media
            names[episode.image] = episode.image
        return names

    def media_files(self) -> frozenset[str]:
        """The files that are episodes (paced when served), as opposed to pictures."""
        return frozenset(episode.media for episode in self.episodes)


@dataclass(frozen=True, slots=True)
class DemoCatalogue:
    """The parsed ``catalogue.json`` of a demo folder.

    Attributes:
        root: The demo folder.
        series: By slug, in the file's order.
        digest: A hash of the file's bytes.
    """

    root: Path
    series: Mapping[str, DemoSeries]
    digest: str

    @classmethod
    def load(cls, root: Path) -> DemoCatalogue:
        """Read and check ``root/catalogue.json``; raises ProviderError if it is unusable."""
        path = root / CATALOGUE_FILE
        try:
            raw = path.read_bytes()
            data = json.loads(raw)
        except OSError as exc:
            raise ProviderError(f"The demo catalogue {path} cannot be read: {exc}.") from exc
        except ValueError as exc:
            raise ProviderError(f"The demo catalogue {path} is not valid JSON: {exc}.") from exc
        try:
            if data.get("format") != 1:
                raise ValueError(f"unknown format {data.get('format')!r}")
            series = [_parse_series(item) for item in data["series"]]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"The demo catalogue {path} is malformed: {exc}.") from exc
        by_slug = {item.slug: item for item in series}
        if len(by_slug) != len(series):
            raise ProviderError(f"The demo catalogue {path} lists a series twice.")
        return cls(root, by_slug, hashlib.sha256(raw).hexdigest())

    def get(self, slug: str) -> DemoSeries:
        """The series ``slug``; raises ProviderError naming the known ones."""
        try:
            return self.series[slug]
        except KeyError:
            known = ", ".join(f"{DEMO_SCHEME}{name}" for name in self.series) or "none"
            raise ProviderError(
                f"The demo catalogue has no series {DEMO_SCHEME}{slug} (it has {known})."
            ) from None

    def path(self, slug: str, file_name: str) -> Path:
        return self.root / slug / file_name


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"{what} {value!r} is not a plain lower-case name")
    return value


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} {value!r} is not a whole number")
    return value


def _parse_series(item: Mapping[str, Any]) -> DemoSeries:
    slug = _name(item["slug"], "slug")
    episodes = tuple(_parse_episode(entry) for entry in item["episodes"])
    if len({episode.id for episode in episodes}) != len(episodes):
        raise ValueError(f"series {slug} lists an episode id twice")
    year = item.get("year")
    return DemoSeries(
        slug=slug,
        title=str(item["title"]),
        year=None if year is None else _int(year, "year"),
        description=str(item.get("description", "")),
        poster=_name(item["poster"], "poster"),
        fanart=_name(item["fanart"], "fanart"),
        episodes=episodes,
    )


def _parse_episode(entry: Mapping[str, Any]) -> DemoEpisode:
    air_date = entry.get("air_date")
    airs_in_days = entry.get("airs_in_days")
    absolute = entry.get("absolute")
    return DemoEpisode(
        id=_name(entry["id"], "episode id"),
        season=_int(entry["season"], "season"),
        number=_int(entry["number"], "episode number"),
        title=str(entry.get("title", "")),
        media=_name(entry["media"], "media file"),
        image=_name(entry["image"], "image file"),
        kind=EpisodeKind(entry.get("kind", EpisodeKind.FULL)),
        absolute=None if absolute is None else _int(absolute, "absolute number"),
        air_date=None if air_date is None else date.fromisoformat(air_date),
        airs_in_days=None if airs_in_days is None else int(airs_in_days),
        description=str(entry.get("description", "")),
    )


def _split_reference(url: str) -> tuple[str, str | None]:
    """``demo:<slug>[/<name>]`` as (slug, name); raises ProviderError for anything else."""
    url = url.strip()
    if not url.lower().startswith(DEMO_SCHEME):
        raise ProviderError(f"Not a demo reference: {url}")
    rest = url[len(DEMO_SCHEME) :]
    slug, _, name = rest.partition("/")
    if not slug:
        raise ProviderError(
            f"{DEMO_SCHEME} alone names no series; add one of the demo series, "
            f"such as {DEMO_SCHEME}harbor-lights."
        )
    if not _NAME.match(slug) or (name and not _NAME.match(name)):
        raise ProviderError(f"Not a valid demo reference: {url}")
    return slug, name or None


def _pace_from_environment() -> float:
    raw = os.environ.get(PACE_VARIABLE, "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_SECONDS_PER_FILE
    except ValueError:
        raise ProviderError(
            f"Invalid {PACE_VARIABLE}: expected a number of seconds, got {raw!r}."
        ) from None


class DemoProvider:
    """The built-in demo catalogue (``demo:<slug>`` references).

    Attributes:
        server: The running DemoServer, or None until the first :meth:`resolve` and after
            :meth:`aclose`.
    """

    name = "demo"

    def __init__(
        self,
        resources: Path | None = None,
        *,
        seconds_per_file: float | None = None,
        sleep: Sleep = asyncio.sleep,
        today: Callable[[], date] = date.today,
    ) -> None:
        """Set up the provider; nothing is read and no server starts until first use.

        Args:
            resources: The demo folder; by default :func:`demo_resources`, looked up on use.
            seconds_per_file: How long the server takes to send a whole episode; 0 for full
                speed. By default ``ANIWORLD_DEMO_SECONDS_PER_FILE`` or 4 seconds.
            sleep: What the server awaits between paced chunks (tests pass a recorder).
            today: Today's date, for episodes listed with ``airs_in_days``.
        """
        self._resources = resources
        if seconds_per_file is None:
            seconds_per_file = _pace_from_environment()
        self._seconds_per_file = seconds_per_file
        self._sleep = sleep
        self._today = today
        self._catalogue: DemoCatalogue | None = None
        self._catalogue_stamp: tuple[int, int] | None = None
        self._lock = asyncio.Lock()
        self.server: DemoServer | None = None

    # -- the catalogue ---------------------------------------------------------------------

    def load_catalogue(self) -> DemoCatalogue:
        """The parsed catalogue, read again only when the file changed."""
        root = self._resources if self._resources is not None else demo_resources()
        try:
            stat = (root / CATALOGUE_FILE).stat()
        except OSError as exc:
            raise ProviderError(f"The demo catalogue is missing from {root}: {exc}.") from exc
        stamp = (stat.st_mtime_ns, stat.st_size)
        if (
            self._catalogue is None
            or self._catalogue.root != root
            or stamp != self._catalogue_stamp
        ):
            self._catalogue = DemoCatalogue.load(root)
            self._catalogue_stamp = stamp
        return self._catalogue

    def catalogue(self) -> list[str]:
        """The reference of every demo series, for ``--demo`` to add them all."""
        return [f"{DEMO_SCHEME}{slug}" for slug in self.load_catalogue().series]

    # -- the Provider protocol -------------------------------------------------------------

    def can_handle(self, url: str) -> bool:
        return url.strip().lower().startswith(DEMO_SCHEME)

    def recognises(self, content_type: str, head: bytes) -> bool:
        """Never: demo references are not fetched over HTTP."""
        return False

    async def fetch(
        self,
        url: str,
        session: aiohttp.ClientSession,
        validators: Validators | None = None,
    ) -> SeriesInfo | None:
        """The series from ``catalogue.json``; no network involved.

        The ETag is a hash of what would be returned, so a refresh with unchanged files (on the
        same day, since ``airs_in_days`` counts from today) answers None, "not modified".
        """
        slug, name = _split_reference(url)
        if name is not None:
            raise ProviderError(
                f"{url.strip()} is one item of a demo series; add {DEMO_SCHEME}{slug} instead."
            )
        catalogue = self.load_catalogue()
        series = catalogue.get(slug)
        info = self._series_info(catalogue, series)
        etag = '"' + hashlib.sha256(repr(info).encode()).hexdigest()[:32] + '"'
        if validators is not None and validators.etag == etag:
            return None
        return replace(info, validators=Validators(etag=etag))

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        """A URL on the running DemoServer for an episode or picture reference.

        Starts the server on first use; the URL is only valid while it runs.
        """
        slug, name = _split_reference(url)
        if name is None:
            raise ProviderError(f"{url.strip()} is a series; only its episodes can be downloaded.")
        catalogue = self.load_catalogue()
        series = catalogue.get(slug)
        file_name = series.references().get(name)
        if file_name is None:
            raise ProviderError(f"The demo series {series.title} has nothing called {name}.")
        size = _file_size(catalogue.path(slug, file_name))
        server = await self._running_server(catalogue.root)
        return ResolvedDownload(server.url_for(slug, file_name), expected_size=size)

    # -- lifetime --------------------------------------------------------------------------

    async def _running_server(self, root: Path) -> DemoServer:
        async with self._lock:
            if self.server is None or self.server.root != root:
                if self.server is not None:
                    await self.server.stop()
                server = DemoServer(
                    root, seconds_per_file=self._seconds_per_file, sleep=self._sleep
                )
                await server.start()
                self.server = server
            return self.server

    async def aclose(self) -> None:
        """Stop the server if it runs; a later :meth:`resolve` starts a new one."""
        async with self._lock:
            server, self.server = self.server, None
            if server is not None:
                await server.stop()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- helpers ---------------------------------------------------------------------------

    def _series_info(self, catalogue: DemoCatalogue, series: DemoSeries) -> SeriesInfo:
        today = self._today()
        base = f"{DEMO_SCHEME}{series.slug}"
        episodes = []
        for item in series.episodes:
            air_date = item.air_date
            if item.airs_in_days is not None:
                air_date = today + timedelta(days=item.airs_in_days)
            episodes.append(
                EpisodeInfo(
                    season=item.season,
                    number=item.number,
                    title=item.title,
                    url=f"{base}/{item.id}",
                    size=_file_size(catalogue.path(series.slug, item.media)),
                    absolute=item.absolute,
                    air_date=air_date,
                    kind=item.kind,
                    guid=f"{base}/{item.id}",
                    description=item.description,
                    image_url=f"{base}/{item.image}",
                )
            )
        return SeriesInfo(
            title=series.title,
            source_url=base,
            episodes=tuple(episodes),
            queue_now=False,
            year=series.year,
            description=series.description,
            poster_url=f"{base}/{series.poster}",
            fanart_url=f"{base}/{series.fanart}",
        )


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        raise ProviderError(
            f"The demo file {path} is missing; the demo folder is incomplete."
        ) from None


@dataclass(frozen=True, slots=True)
class _Served:
    path: Path
    content_type: str
    paced: bool


class _Unsatisfiable(Exception):
    pass


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (start, end-exclusive) a Range header asks for; None to send the whole file.

    A header we do not understand (several ranges, other units) is ignored, as RFC 9110
    allows; a range that starts beyond the end raises _Unsatisfiable (416).
    """
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - suffix), size
    start = int(first)
    if start >= size:
        raise _Unsatisfiable
    if not last:
        return start, size
    end = int(last)
    if end < start:
        return None
    return start, min(end + 1, size)


def _read_at(path: Path, offset: int, length: int) -> bytes:
    # Demo files are a few dozen KB and local: a plain read does not hold up the loop.
    with path.open("rb") as file:
        file.seek(offset)
        return file.read(length)


class DemoServer:
    """Serves the demo's episodes and pictures on 127.0.0.1, on a port of the system's choice.

    ``GET /media/<slug>/<file>`` answers 200, or 206 to a Range request, for files the catalogue
    lists and 404 for anything else, so nothing outside the demo folder can be reached. Episode
    bodies are paced so that a whole file takes ``seconds_per_file``, which makes progress
    visible in the window; pictures are sent at full speed.

    Attributes:
        root: The demo folder.
        seconds_per_file: Time to send a whole episode; 0 sends at full speed.
        tick: Seconds between two paced chunks.
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        seconds_per_file: float = DEFAULT_SECONDS_PER_FILE,
        tick: float = 0.2,
        sleep: Sleep = asyncio.sleep,
        host: str = "127.0.0.1",
    ) -> None:
        self.root = root if root is not None else demo_resources()
        self.seconds_per_file = max(0.0, seconds_per_file)
        self.tick = tick
        self._sleep = sleep
        self._host = host
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._files: dict[tuple[str, str], _Served] = {}
        self._handlers: set[asyncio.Task[Any]] = set()

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the demo server is not running")
        return self._port

    def url_for(self, slug: str, file_name: str) -> str:
        return f"http://{self._host}:{self.port}/media/{slug}/{file_name}"

    async def start(self) -> None:
        """Read the catalogue and listen; raises ProviderError if the catalogue is unusable."""
        if self._runner is not None:
            return
        # aiohttp's server half is imported when the demo serves, not with the provider (its
        # discovery is on the way to the window's first list).
        from aiohttp import web

        self._files = self._allowed_files(DemoCatalogue.load(self.root))
        app = web.Application()
        app.router.add_get("/media/{slug}/{name}", self._media)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, 0)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Break off paced bodies still being sent and close the listening socket."""
        runner, self._runner = self._runner, None
        self._port = None
        if runner is None:
            return
        for task in list(self._handlers):
            task.cancel()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _allowed_files(self, catalogue: DemoCatalogue) -> dict[tuple[str, str], _Served]:
        files: dict[tuple[str, str], _Served] = {}
        for series in catalogue.series.values():
            media = series.media_files()
            for file_name in series.references().values():
                suffix = Path(file_name).suffix.lower()
                files[(series.slug, file_name)] = _Served(
                    catalogue.path(series.slug, file_name),
                    _CONTENT_TYPES.get(suffix, "application/octet-stream"),
                    paced=file_name in media,
                )
        return files

    async def _media(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web  # imported by start()

        served = self._files.get((request.match_info["slug"], request.match_info["name"]))
        if served is None:
            raise web.HTTPNotFound()
        try:
            stat = served.path.stat()
        except OSError:
            raise web.HTTPNotFound() from None
        size = stat.st_size
        etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
        headers = {
            "Accept-Ranges": "bytes",
            "ETag": etag,
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "Cache-Control": "no-store",
        }
        if_range = request.headers.get("If-Range")
        try:
            wanted = _byte_range(request.headers.get("Range"), size)
        except _Unsatisfiable:
            headers["Content-Range"] = f"bytes */{size}"
            raise web.HTTPRequestRangeNotSatisfiable(headers=headers) from None
        if wanted is not None and if_range is not None and if_range.strip() != etag:
            wanted = None  # the client's partial copy is of another version: send it all
        start, end = wanted if wanted is not None else (0, size)
        response = web.StreamResponse(status=206 if wanted is not None else 200, headers=headers)
        if wanted is not None:
            response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        response.content_type = served.content_type
        response.content_length = end - start
        await response.prepare(request)
        if request.method == "HEAD":
            return response
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            await self._send(response, served, start, end, size)
            await response.write_eof()
        except ConnectionResetError:
            transport = request.transport
            if transport is not None and not transport.is_closing():
                raise  # our side ended it (the file shrank): let aiohttp cut the connection
            # The client went away (a paused download, the app quitting): nothing to report.
            log.debug("demo client left during %s", request.path)
        finally:
            if task is not None:
                self._handlers.discard(task)
        return response

    async def _send(
        self, response: web.StreamResponse, served: _Served, start: int, end: int, size: int
    ) -> None:
        paced = served.paced and self.seconds_per_file > 0 and self.tick > 0
        if paced:
            # The rate follows the whole file, so a resumed half takes half the time.
            steps = max(1.0, self.seconds_per_file / self.tick)
            chunk = max(1, math.ceil(size / steps))
        else:
            chunk = _UNPACED_CHUNK
        offset = start
        while offset < end:
            data = _read_at(served.path, offset, min(chunk, end - offset))
            if not data:
                # The file shrank under us: end the connection short rather than pad it.
                raise ConnectionResetError(f"{served.path} ended early")
            await response.write(data)
            offset += len(data)
            if paced and offset < end:
                await self._sleep(self.tick)
