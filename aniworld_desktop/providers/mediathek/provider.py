"""The ``mediathek`` provider: follow a programme of the public broadcasters' film list.

Following a series means following a channel and topic, optionally only the films whose title
contains some words (MediathekView's "Abos"), written as a reference of our own that the
library stores as the series' source:

- ``mediathek:?channel=ZDF&topic=Terra%20X&filter=Folge&quality=hd`` is a series (``channel``,
  ``filter`` and ``quality`` may be left out: every channel, every title, the settings' quality);
- ``mediathek:film/<id>.mp4?quality=hd`` is an episode: one film of the index, which
  :meth:`MediathekProvider.resolve` turns into its current URL at download time, with its
  subtitles.

The film list itself (``Filmliste-akt.xz``, several hundred thousand films) is downloaded with
conditional GET into a temporary file, read and indexed in a child process (:mod:`.child`) into
``mediathek.sqlite`` beside the app's database (:mod:`.store`), and refreshed when a catalogue is
asked for and the last check is older than the refresh interval: the diff list
(``Filmliste-diff.xz``) when the index holds today's full list, as MediathekView does, the full
list otherwise. A list that cannot be used is refused with a sentence and the index stays as it
was.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp

from aniworld_desktop.config import MEDIATHEK_DIFF_LIST_URL, MEDIATHEK_FULL_LIST_URL
from aniworld_desktop.durable import write_failure_reason
from aniworld_desktop.net.errors import explain, host_of
from aniworld_desktop.providers.base import (
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
    check_url,
)
from aniworld_desktop.providers.mediathek.child import Operation, index_in_child, start_server
from aniworld_desktop.providers.mediathek.episodes import (
    Built,
    Quality,
    build_episodes,
    choose_url,
    geo_restricted,
)
from aniworld_desktop.providers.mediathek.filmlist import (
    GERMAN_TIME,
    EmptyFilmListError,
    Film,
    FilmListError,
)
from aniworld_desktop.providers.mediathek.store import (
    INDEX_FILE,
    Applied,
    FilmIndex,
    IndexState,
    ListState,
    TopicMatch,
    is_damage,
)
from aniworld_desktop.providers.mediathek.titles import Version

if TYPE_CHECKING:
    from aniworld_desktop.config import Settings
    from aniworld_desktop.providers.registry import ProviderContext

log = logging.getLogger(__name__)

SCHEME = "mediathek:"
# MediathekView's own numbers: a list older than three hours is refreshed; a diff list covers
# what is new since the full list made each morning, so it only applies to a list made today
# after nine o'clock (German time), else the full list is needed.
DEFAULT_REFRESH_INTERVAL = 3 * 3600.0
DIFF_BASE_HOUR = 9
MAX_LIST_BYTES = 1 << 30
RETRY_AFTER = 600.0  # after a failed refresh, the old index is used this long before trying again
_TIMEOUT = aiohttp.ClientTimeout(total=1800, sock_connect=30, sock_read=120)
_CHUNK = 1 << 20


_T = TypeVar("_T")


class _DamagedIndexError(ProviderError):
    """The live index file is damaged where a diff needs it (see :func:`.store.is_damage`)."""


@dataclass(frozen=True, slots=True)
class MediathekOptions:
    """The settings the provider follows.

    Attributes:
        full_list_url: Where the full film list is published.
        diff_list_url: Where the diff list is published.
        refresh_interval: Seconds before the lists are asked for again.
        quality: The default quality of a series that names none.
        versions: The versions of an episode to download, the preferred first.
    """

    full_list_url: str = MEDIATHEK_FULL_LIST_URL
    diff_list_url: str = MEDIATHEK_DIFF_LIST_URL
    refresh_interval: float = DEFAULT_REFRESH_INTERVAL
    quality: Quality = Quality.HD
    versions: tuple[Version, ...] = (Version.STANDARD,)

    @classmethod
    def from_settings(cls, settings: Settings) -> MediathekOptions:
        return cls(
            full_list_url=settings.mediathek_full_list_url,
            diff_list_url=settings.mediathek_diff_list_url,
            refresh_interval=settings.mediathek_refresh_interval,
            quality=Quality(settings.mediathek_quality),
            versions=tuple(Version(v) for v in settings.mediathek_versions.split(",") if v),
        )


@dataclass(frozen=True, slots=True)
class SeriesReference:
    """A followed programme: ``mediathek:?channel=...&topic=...&filter=...&quality=...``.

    Attributes:
        topic: The programme's topic, as the list spells it (case does not matter).
        channel: The broadcaster; empty for every channel.
        title_filter: Comma-separated words, one of which the title must contain; empty for all.
        quality: The quality to download; None for the settings' default.
    """

    topic: str
    channel: str = ""
    title_filter: str = ""
    quality: Quality | None = None

    @classmethod
    def parse(cls, url: str) -> SeriesReference:
        """Read a series reference; raises ProviderError with a sentence for anything else."""
        text = url.strip()
        if not text.lower().startswith(SCHEME):
            raise ProviderError(f"Not a reference to the public broadcasters' film list: {url}")
        rest = text[len(SCHEME) :]
        if rest.startswith("film/"):
            raise ProviderError(
                f"{text} is one film of the film list; follow its programme "
                "(mediathek:?channel=...&topic=...) instead."
            )
        if not rest.startswith("?"):
            raise ProviderError(
                f"{text} names no programme: write it as mediathek:?channel=ZDF&topic=Terra%20X."
            )
        values = parse_qs(rest[1:], keep_blank_values=True)
        unknown = sorted(set(values) - {"channel", "topic", "filter", "quality"})
        if unknown:
            raise ProviderError(
                f"{text} has parts the film list does not know: {', '.join(unknown)} "
                "(known: channel, topic, filter, quality)."
            )

        def one(name: str) -> str:
            found = [v.strip() for v in values.get(name, []) if v.strip()]
            if len(set(found)) > 1:
                raise ProviderError(f"{text} gives {name} more than once.")
            return found[0] if found else ""

        topic = one("topic")
        if not topic:
            raise ProviderError(f"{text} names no topic: add &topic=... (the programme's name).")
        quality_text = one("quality").lower()
        if quality_text and quality_text not in {q.value for q in Quality}:
            raise ProviderError(
                f"{text} asks for the quality {quality_text!r}; it can be hd, sd or small."
            )
        return cls(
            topic=topic,
            channel=one("channel"),
            title_filter=one("filter"),
            quality=Quality(quality_text) if quality_text else None,
        )

    def url(self) -> str:
        """The reference in one spelling, so one programme is one series."""
        parts = [("channel", self.channel), ("topic", self.topic), ("filter", self.title_filter)]
        if self.quality is not None:
            parts.append(("quality", self.quality.value))
        return SCHEME + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in parts if v)


def with_quality(url: str, quality: Quality | None) -> str:
    """A series reference ``url`` that downloads in ``quality`` (None: the settings' default).

    Raises:
        ProviderError: ``url`` is no series reference of the film list.
    """
    return replace(SeriesReference.parse(url), quality=quality).url()


@dataclass(frozen=True, slots=True)
class FilmReference:
    """One film: ``mediathek:film/<16 hex digits><suffix>?quality=hd``."""

    key: int
    quality: Quality | None = None

    @classmethod
    def parse(cls, url: str) -> FilmReference:
        text = url.strip()
        parts = urlsplit(text)
        path = parts.path
        if parts.scheme.lower() != SCHEME[:-1] or not path.startswith("film/"):
            raise ProviderError(f"Not a film of the public broadcasters' film list: {url}")
        name = path[len("film/") :].split(".", 1)[0]
        try:
            if len(name) != 16:
                raise ValueError
            unsigned = int(name, 16)
        except ValueError:
            raise ProviderError(f"Not a valid film of the film list: {url}") from None
        key = unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned
        quality_text = parse_qs(parts.query).get("quality", [""])[0].lower()
        try:
            quality = Quality(quality_text) if quality_text else None
        except ValueError:
            raise ProviderError(f"{text} asks for an unknown quality.") from None
        return cls(key, quality)


@dataclass(frozen=True, slots=True)
class MediathekDownload(ResolvedDownload):
    """A film's file, with what the download path may save beside it.

    Attributes:
        subtitle_url: Subtitles (TTML or WebVTT) of the film, or empty.
        quality: The quality of ``url``.
        geo: Where it can be watched; empty for everywhere.
    """

    subtitle_url: str = ""
    quality: Quality = Quality.SD
    geo: str = ""


@dataclass(frozen=True, slots=True)
class IndexRefresh:
    """What a refresh of the index did.

    Attributes:
        action: ``"full"`` (a full list was applied), ``"diff"``, ``"unchanged"`` (the server
            said not modified), or ``"skipped"`` (the last check is recent enough).
        applied: The list applied, for ``full`` and ``diff``.
        state: The index afterwards.
    """

    action: str
    applied: Applied | None = None
    state: IndexState | None = None


@dataclass(slots=True)
class _Downloaded:
    path: Path
    etag: str | None
    last_modified: str | None


@dataclass(slots=True)
class _Health:
    failed_at: float | None = None
    error: str = ""


class MediathekProvider:
    """Series from the film list of the public broadcasters, published by MediathekView.

    Attributes:
        options: The settings followed.
        index: The film index, or None until the provider is configured with a profile.
        last_error: Why the last refresh of the film list failed; empty after a good one.
    """

    name = "mediathek"

    def __init__(
        self,
        data_dir: Path | None = None,
        options: MediathekOptions | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = lambda: asyncio.get_running_loop().time(),
        index_in_child: bool = True,
    ) -> None:
        """Set up the provider; nothing is read or downloaded until a catalogue is asked for.

        Args:
            data_dir: The profile's data folder, where ``mediathek.sqlite`` is kept. Without
                one (a plug-in registry without a profile) every request says so.
            options: The settings to follow; the defaults otherwise.
            clock: Now, in UTC (tests pass a fixed one).
            monotonic: Seconds for the retry pause after a failed refresh.
            index_in_child: Index a downloaded list in a child process (the window's loop
                never waits for it); False runs it on a worker thread of this process.
        """
        self.options = options or MediathekOptions()
        self.index: FilmIndex | None = None
        self._data_dir: Path | None = None
        self._clock = clock
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._health = _Health()
        self._index_in_child = index_in_child
        self._server_start: asyncio.Future[None] | None = None  # held while it runs
        if data_dir is not None:
            self._use(data_dir)

    def configure(self, context: ProviderContext) -> None:
        """Use the profile's data folder and settings (the registry calls this at start)."""
        self.options = MediathekOptions.from_settings(context.settings)
        self._use(context.data_dir)

    def apply_settings(self, settings: Settings) -> bool:
        """Follow changed settings from now on (saved in the window, no restart needed).

        Returns:
            Whether the episodes chosen change (quality or versions): the followed series'
            catalogues are then read again, so their episodes take the new choice.
        """
        options = MediathekOptions.from_settings(settings)
        changed = (options.quality, options.versions) != (
            self.options.quality,
            self.options.versions,
        )
        self.options = options
        return changed

    def _use(self, data_dir: Path) -> None:
        if self.index is not None:
            self.index.close()
        self._data_dir = data_dir
        self.index = FilmIndex(data_dir / INDEX_FILE)

    @property
    def last_error(self) -> str:
        return self._health.error

    def _require_index(self) -> FilmIndex:
        if self.index is None:
            raise ProviderError(
                "The public broadcasters' film list has no place to be kept in this run "
                "(no profile folder was given to the mediathek provider)."
            )
        return self.index

    # -- the Provider protocol -------------------------------------------------------------

    def can_handle(self, url: str) -> bool:
        return url.strip().lower().startswith(SCHEME)

    def recognises(self, content_type: str, head: bytes) -> bool:
        """Never: programmes are references of our own, not documents at a URL."""
        return False

    async def fetch(
        self,
        url: str,
        session: aiohttp.ClientSession,
        validators: Validators | None = None,
    ) -> SeriesInfo | None:
        """The programme's episodes from the index, refreshing the film list first when due.

        With ``validators`` (a refresh) a programme that has no films at the moment gives an
        empty catalogue, and an unchanged one None; without (adding it) it is an error.

        Raises:
            ProviderError: The reference is not valid, there is no index and the film list
                cannot be had, or (when adding) the programme has no films.
        """
        reference = SeriesReference.parse(url)
        index = self._require_index()
        await self.ensure_index(session)
        films = await asyncio.to_thread(index.films_of, reference.topic, reference.channel)
        built = self.episodes(films, reference)
        if not built.episodes and validators is None:
            raise ProviderError(self._nothing_to_follow(reference, films, built))
        title = films[0].topic if films else reference.topic
        info = SeriesInfo(
            title=title,
            source_url=reference.url(),
            episodes=built.episodes,
            description=_describe(reference, films),
            expiring=True,  # the broadcasters' recordings leave the film list after a while
        )
        digest = hashlib.sha256(repr((info.title, info.episodes)).encode()).hexdigest()[:32]
        etag = f'"{digest}"'
        if validators is not None and validators.etag == etag:
            return None
        return replace(info, validators=Validators(etag=etag))

    def episodes(self, films: Sequence[Film], reference: SeriesReference) -> Built:
        """The episodes of a programme's films under the current settings."""
        return build_episodes(
            films,
            quality=reference.quality or self.options.quality,
            versions=self.options.versions,
            title_filter=reference.title_filter,
        )

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> MediathekDownload:
        """The film's current URL in its quality (or the nearest one), with its subtitles.

        Raises:
            ProviderError: The film is no longer in the film list, or offers only a stream
                playlist.
        """
        reference = FilmReference.parse(url)
        index = self._require_index()
        film = await asyncio.to_thread(index.film, reference.key)
        if film is None:
            raise ProviderError(
                f"{url.strip()} is no longer in the public broadcasters' film list (they take "
                "recordings offline after a while), so it cannot be downloaded any more."
            )
        chosen = choose_url(film, reference.quality or self.options.quality)
        if chosen is None:
            raise ProviderError(
                f"{film.topic}: {film.title} ({film.channel}) is offered only as a stream "
                "playlist, which cannot be downloaded as a file."
            )
        download_url, quality = chosen
        return MediathekDownload(
            url=check_url(download_url),
            subtitle_url=film.subtitle_url,
            quality=quality,
            geo=film.geo,
        )

    async def aclose(self) -> None:
        if self._server_start is not None:  # a thread that cannot be cancelled: let it end
            await asyncio.gather(self._server_start, return_exceptions=True)
        if self.index is not None:
            await asyncio.to_thread(self.index.close)

    # -- searching (for the window) ------------------------------------------------------

    async def search(self, text: str, *, channel: str = "", limit: int = 50) -> list[Film]:
        """Films whose topic or title has words starting with each word of ``text``.

        Raises:
            ProviderError: The index is damaged (it finds nothing until it is built again).
        """
        index = self._require_index()
        found = await asyncio.to_thread(index.search, text, channel=channel, limit=limit)
        return self._found(index, found)

    async def topics(self, text: str, *, channel: str = "", limit: int = 20) -> list[TopicMatch]:
        """Programmes whose name has words starting with each word of ``text``.

        Raises:
            ProviderError: The index is damaged (it finds nothing until it is built again).
        """
        index = self._require_index()
        found = await asyncio.to_thread(index.topics, text, channel=channel, limit=limit)
        return self._found(index, found)

    @staticmethod
    def _found(index: FilmIndex, found: list[_T]) -> list[_T]:
        if not found and index.damaged:
            raise ProviderError(
                "The film index is damaged and finds nothing; the next refresh of the film "
                "list builds it again."
            )
        return found

    async def index_state(self) -> IndexState | None:
        """What the film index holds and when it was last checked; None before the first list."""
        return await asyncio.to_thread(self._require_index().state)

    async def channels(self) -> list[str]:
        """The broadcasters in the film index, for a search's channel choice."""
        return await asyncio.to_thread(self._require_index().channels)

    def reference_for(
        self, match: TopicMatch, *, title_filter: str = "", quality: Quality | None = None
    ) -> str:
        """The series reference that follows a search result's programme."""
        return SeriesReference(match.topic, match.channel, title_filter, quality).url()

    async def programme_films(self, topic: str, channel: str = "", limit: int = 50) -> list[Film]:
        """The newest ``limit`` films of a programme, newest first (the search's detail)."""
        films = await asyncio.to_thread(self._require_index().films_of, topic, channel)
        return films[::-1][:limit]

    # -- the film list ---------------------------------------------------------------------

    async def ensure_index(self, session: aiohttp.ClientSession) -> IndexRefresh:
        """Refresh the film list when the last check is older than the refresh interval.

        A failed refresh keeps the old index and is logged; it is retried after
        ``RETRY_AFTER`` seconds. Without any index the failure is raised.
        """
        index = self._require_index()
        async with self._lock:
            state = await asyncio.to_thread(index.state)
            now = self._clock()
            if state is not None:
                due = state.checked is None or (
                    (now - state.checked).total_seconds() >= self.options.refresh_interval
                )
                failed_at = self._health.failed_at
                cooling = failed_at is not None and (self._monotonic() - failed_at < RETRY_AFTER)
                if not due or cooling:
                    return IndexRefresh("skipped", state=state)
            try:
                return await self._refresh(session, state, force_full=False)
            except (ProviderError, OSError) as exc:
                self._health.failed_at = self._monotonic()
                self._health.error = str(exc)
                if state is None:
                    raise
                log.warning("the film list was not refreshed; the index stays as it was: %s", exc)
                return IndexRefresh("skipped", state=state)

    async def refresh_index(
        self, session: aiohttp.ClientSession, *, force_full: bool = False
    ) -> IndexRefresh:
        """Ask for the film list now (a "Refresh" button); errors are raised, the index kept.

        Raises:
            ProviderError: The list could not be downloaded or used.
        """
        index = self._require_index()
        async with self._lock:
            state = await asyncio.to_thread(index.state)
            try:
                return await self._refresh(session, state, force_full=force_full)
            except (ProviderError, OSError) as exc:
                self._health.failed_at = self._monotonic()
                self._health.error = str(exc)
                raise

    async def _refresh(
        self, session: aiohttp.ClientSession, state: IndexState | None, *, force_full: bool
    ) -> IndexRefresh:
        index = self._require_index()
        await asyncio.to_thread(self._remove_leftovers)
        options = self.options
        same_full = state is not None and state.full.url == options.full_list_url
        # A file a read found damaged is built anew, from a list asked for without validators.
        anew = force_full or not same_full or index.damaged
        if state is None or anew or self._too_old_for_diff(state):
            downloaded = await self._download(
                session,
                options.full_list_url,
                "the full film list",
                None if state is None or anew else state.full,
            )
            if downloaded is not None:
                applied = await self._apply("replace", downloaded, options.full_list_url)
                return self._done("full", applied, await asyncio.to_thread(index.state))
            if state is None:  # a 304 without an index: cannot happen (no validators were sent)
                raise ProviderError("The server of the film list answered without a film list.")
        assert state is not None
        same_diff = state.diff.url == options.diff_list_url
        downloaded = await self._download(
            session,
            options.diff_list_url,
            "the diff film list",
            state.diff if same_diff and _after(state.diff, state.full) else None,
        )
        if downloaded is None:
            await asyncio.to_thread(index.mark_checked, self._clock())
            return self._done("unchanged", None, await asyncio.to_thread(index.state))
        try:
            applied = await self._apply("apply_diff", downloaded, options.diff_list_url)
        except _DamagedIndexError as exc:
            # A cache of a public list: a file a power cut or a disk damaged is built anew.
            log.warning("%s; building it again from the full film list", exc)
            downloaded = await self._download(
                session, options.full_list_url, "the full film list", None
            )
            if downloaded is None:  # a 304 to a request without validators
                raise ProviderError(
                    "The server of the film list answered without a film list."
                ) from exc
            applied = await self._apply("replace", downloaded, options.full_list_url)
            return self._done("full", applied, await asyncio.to_thread(index.state))
        except EmptyFilmListError as exc:
            # Nothing new since the full list: the index is up to date.
            log.info("%s", exc)
            await asyncio.to_thread(index.mark_checked, self._clock())
            return self._done("unchanged", None, await asyncio.to_thread(index.state))
        return self._done("diff", applied, await asyncio.to_thread(index.state))

    def _done(self, action: str, applied: Applied | None, state: IndexState | None) -> IndexRefresh:
        self._health.failed_at = None
        self._health.error = ""
        if applied is not None:
            log.info(
                "film list applied (%s, made %s): %s; the index holds %d films",
                action,
                applied.header.created.isoformat()
                if applied.header.created
                else "at an unknown time",
                applied.counts.summary(),
                applied.films,
            )
        return IndexRefresh(action, applied, state)

    def _too_old_for_diff(self, state: IndexState) -> bool:
        """MediathekView's rule: a diff only applies to a full list made today after 9:00."""
        created = state.full.created
        if created is None:
            return True
        today = self._clock().astimezone(GERMAN_TIME).date()
        base = datetime.combine(today, time(DIFF_BASE_HOUR), tzinfo=GERMAN_TIME)
        return created < base

    async def _apply(self, operation: Operation, downloaded: _Downloaded, url: str) -> Applied:
        """Index a downloaded list: in a child process (see :mod:`.child`), or on a thread."""
        index = self._require_index()
        try:
            if self._index_in_child:
                applied = await index_in_child(
                    operation,
                    index.path,
                    downloaded.path,
                    url=url,
                    etag=downloaded.etag,
                    last_modified=downloaded.last_modified,
                    now=self._clock(),
                )
            else:
                method = index.replace if operation == "replace" else index.apply_diff
                applied = await asyncio.to_thread(
                    method,
                    downloaded.path,
                    url=url,
                    etag=downloaded.etag,
                    last_modified=downloaded.last_modified,
                    now=self._clock(),
                )
            if operation == "replace":
                index.damaged = False  # a new file (the child's swap does not reach this object)
            return applied
        except FilmListError:
            raise
        except (OSError, sqlite3.Error) as exc:
            # A full disk, a folder that cannot be written: SQLite's and the system's words.
            where = downloaded.path.parent
            if is_damage(exc):
                raise _DamagedIndexError(f"The film index in {where} is damaged ({exc})") from None
            reason = write_failure_reason(exc) if isinstance(exc, OSError) else str(exc)
            raise ProviderError(
                f"The film index in {where} could not be written ({reason}); the old index is kept."
            ) from None
        finally:
            await asyncio.to_thread(_unlink, downloaded.path)

    def _remove_leftovers(self) -> None:
        """Downloads a crash left behind."""
        if self._data_dir is None:
            return
        for path in self._data_dir.glob(".mediathek-*.part"):
            _unlink(path)

    async def _download(
        self,
        session: aiohttp.ClientSession,
        url: str,
        what: str,
        known: ListState | None,
    ) -> _Downloaded | None:
        """Download a list to a temporary file; None when the server says it has not changed."""
        url = check_url(url)
        assert self._data_dir is not None
        headers = {"Accept": "application/x-xz, application/octet-stream;q=0.9, */*;q=0.5"}
        conditional = False
        if known is not None:
            if known.etag and _header_safe(known.etag):
                headers["If-None-Match"] = known.etag
                conditional = True
            if known.last_modified and _header_safe(known.last_modified):
                headers["If-Modified-Since"] = known.last_modified
                conditional = True
        target = self._data_dir / f".mediathek-{secrets.token_hex(6)}.part"
        try:
            async with session.get(url, headers=headers, timeout=_TIMEOUT) as response:
                if response.status == 304 and conditional:
                    return None
                if response.status != 200:
                    reason = f" ({response.reason})" if response.reason else ""
                    raise ProviderError(
                        f"The server answered {response.status}{reason} for {what} at {url}."
                    )
                await asyncio.to_thread(self._data_dir.mkdir, parents=True, exist_ok=True)
                if self._index_in_child:
                    # The indexing process's server starts while the list downloads.
                    self._server_start = asyncio.ensure_future(asyncio.to_thread(start_server))
                await self._save(response, target, url, what)
                return _Downloaded(
                    target, response.headers.get("ETag"), response.headers.get("Last-Modified")
                )
        except BaseException as exc:
            await asyncio.to_thread(_unlink, target)
            if isinstance(exc, aiohttp.ClientError | TimeoutError):
                raise ProviderError(_download_failure(exc, url, what)) from None
            if isinstance(exc, OSError):
                raise ProviderError(
                    f"{what.capitalize()} could not be saved in {target.parent}: "
                    f"{write_failure_reason(exc)}."
                ) from None
            raise

    async def _save(
        self, response: aiohttp.ClientResponse, target: Path, url: str, what: str
    ) -> None:
        file = await asyncio.to_thread(target.open, "wb")
        try:
            size = 0
            async for chunk in response.content.iter_chunked(_CHUNK):
                size += len(chunk)
                if size > MAX_LIST_BYTES:
                    raise ProviderError(
                        f"{what.capitalize()} at {url} is larger than {MAX_LIST_BYTES >> 20} MB; "
                        "that is not a film list."
                    )
                # A write to the page cache is quick, but the loop need not wait for even that.
                await asyncio.to_thread(file.write, chunk)
        finally:
            await asyncio.to_thread(file.close)

    def _nothing_to_follow(
        self, reference: SeriesReference, films: Sequence[Film], built: Built
    ) -> str:
        where = f" on {reference.channel}" if reference.channel else ""
        if not films:
            return (
                f"The film list has no programme {reference.topic!r}{where} at the moment; "
                "search the film list for its exact name."
            )
        why = ", ".join(f"{n} {reason}" for reason, n in built.left_out.most_common())
        return (
            f"None of the {len(films)} films of {reference.topic!r}{where} can be followed ({why})."
        )


def _describe(reference: SeriesReference, films: Sequence[Film]) -> str:
    channels = sorted({film.channel for film in films})
    shown = reference.channel or ", ".join(channels) or "the public broadcasters"
    text = f"{reference.topic} ({shown}), from the public broadcasters' film list."
    if any(geo_restricted(film.geo) for film in films):
        text += " Some films can only be watched in some countries."
    return text


def _after(diff: ListState, full: ListState) -> bool:
    """The diff state belongs to the current full list (was applied after it)."""
    return bool(diff.applied and full.applied and diff.applied >= full.applied)


def _header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable() and "\n" not in value


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _download_failure(exc: BaseException, url: str, what: str) -> str:
    """A sentence for a failed download, without aiohttp's own text (it quotes requests)."""
    failed = explain(f"{what.capitalize()} could not be downloaded from {host_of(url)}", exc)
    return f"{failed} The film index is kept as it was."
