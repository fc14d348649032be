"""Which TMDB series a series is, and TMDB's seasons and episodes as its catalogue.

A match comes, in this order, from an existing ``tvshow.nfo``'s ``<uniqueid type="tmdb">``
(trusted: ``from_nfo``), from an id in the folder name (``manual``), or from a search by title
and year scored by :func:`~aniworld_desktop.metadata.tmdb_scoring.scored_match`: at or above the
threshold it is ``matched``, below it ``needs_review`` (TMDB's guess kept as a proposal, used
for nothing until the user confirms it). Two folders claiming one id are both ``needs_review``,
each note naming the other. When TMDB cannot be reached the series stays ``unmatched`` with a
note saying so, and the next run tries again. Nothing here renames, moves or deletes a file.

Once a match is confirmed, TMDB's seasons and episodes become the catalogue of a series without
a source (not downloadable: its missing episodes say "no source"), and fill the gaps of a
feed's catalogue (titles, plots, air dates), never removing a feed's rows. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.core.models import EpisodeRecord, MatchState, SeriesRecord
from aniworld_desktop.library.folders import parse_series_folder
from aniworld_desktop.metadata.errors import (
    MetadataError,
    TMDBAuthError,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from aniworld_desktop.metadata.nfo import read_tvshow
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.metadata.tmdb_replies import ImageConfiguration, SeasonDetails, TVDetails
from aniworld_desktop.metadata.tmdb_scoring import scored_match
from aniworld_desktop.storage.catalog import (
    FOUND_ON_DISK,
    FROM_TMDB,
    CatalogRepository,
    NewEpisode,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MatchOutcome",
    "MatchProgress",
    "SeriesMatcher",
    "TMDBMatch",
    "TMDBSource",
    "claim_conflicts",
]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

TMDBSource = Callable[[], AbstractAsyncContextManager[TMDBClient | None]]
"""Opens a TMDB client on the app's rate limiter and reply cache; yields None without a token."""

# Requests in flight at once: enough to keep the rate limiter's 40 a second busy through
# TMDB's answer time; the limiter, not this, sets the pace.
DEFAULT_CONCURRENCY = 8
_POSTER_SIZE = "w185"  # small: a row's thumbnail, never saved unless the metadata job writes it
NO_TOKEN_NOTE = "No TMDB token is set: add one in Settings to match it."


@dataclass(frozen=True, slots=True)
class TMDBMatch:
    """A TMDB series as a proposal or a details pane shows it.

    Attributes:
        id: Its TMDB id.
        name: Its name on TMDB ("" when only the id is known).
        year: Its first air year.
        poster_url: A small poster on TMDB's image server ("" when it has none).
    """

    id: int
    name: str = ""
    year: int | None = None
    poster_url: str = ""

    @property
    def url(self) -> str:
        """Its page on TMDB."""
        return f"https://www.themoviedb.org/tv/{self.id}"


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """What matching one folder found.

    Attributes:
        state: How sure (see :class:`~aniworld_desktop.core.models.MatchState`).
        match: The series found (a proposal while ``needs_review``), or None.
        confidence: 0..1 for a search's match; 1.0 for an id from a file or the folder name.
        note: The sentence for its row ("" when there is nothing to say).
    """

    state: MatchState
    match: TMDBMatch | None = None
    confidence: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class MatchProgress:
    """How far a long matching or import is: ``done`` of ``total`` series, the last one's
    folder, and what is being done (``"matching"``, ``"episodes"``)."""

    done: int
    total: int
    folder: str = ""
    stage: str = "matching"


def claim_conflicts(
    claims: Iterable[tuple[str, int]], held: Iterable[tuple[str, int]] = ()
) -> dict[str, str]:
    """Folders whose TMDB id another folder claims too, each with the sentence for its row.

    Args:
        claims: ``(folder, tmdb_id)`` of the folders being matched.
        held: ``(folder, tmdb_id)`` of series already matched, which keep their match.
    """
    by_id: dict[int, list[str]] = defaultdict(list)
    for folder, tmdb_id in (*held, *claims):
        if folder not in by_id[tmdb_id]:
            by_id[tmdb_id].append(folder)
    notes: dict[str, str] = {}
    for folder, tmdb_id in claims:
        others = [f for f in by_id[tmdb_id] if f != folder]
        if others:
            named = ", ".join(f"'{f}'" for f in others)
            notes[folder] = (
                f"Also claimed by folder {named} (TMDB series {tmdb_id}): confirm which one it is."
            )
    return notes


def _unreachable(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".") or "TMDB could not be reached"
    return f"{text}; will retry at the next run."


class SeriesMatcher:
    """Finds each series' TMDB match and brings its catalogue from TMDB.

    Attributes:
        library_dir: The library root, where ``tvshow.nfo`` files are read (never written).
        threshold: A search's match below this confidence waits for the user.
        tmdb: Opens a TMDB client (set by the composition root; None: matching is off).

    Events:
        SeriesChanged: A series' match or catalogue changed.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        *,
        library_dir: Path,
        today: Callable[[], date],
        bus: EventBus | None = None,
        threshold: float = 0.85,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._catalog = catalog
        self.library_dir = library_dir
        self._today = today
        self._bus = bus
        self.threshold = threshold
        self.concurrency = concurrency
        self.tmdb: TMDBSource | None = None

    # ------------------------------------------------------------------ finding a match

    async def find(
        self,
        tmdb: TMDBClient,
        folder: str,
        title: str,
        year: int | None,
        *,
        folder_id: int | None = None,
        nfo_id: int | None = None,
    ) -> MatchOutcome:
        """The match of one folder: its NFO's id (:meth:`nfo_ids`), the id in its name, or a
        search.

        Never raises for TMDB's trouble: an outage becomes an ``unmatched`` outcome whose note
        says so (the next run tries again).
        """
        try:
            for tmdb_id, state in ((nfo_id, MatchState.FROM_NFO), (folder_id, MatchState.MANUAL)):
                if tmdb_id is None:
                    continue
                try:
                    details = await tmdb.tv_details(tmdb_id)
                except TMDBNotFound:
                    log.info("%s: TMDB has no series %d; searching instead", folder, tmdb_id)
                    continue
                match = TMDBMatch(details.id, details.name, details.year, "")
                return MatchOutcome(state, await self._with_poster(tmdb, match, details), 1.0)
            scored = scored_match(await tmdb.search_tv(title, year), title, year)
        except (TMDBUnavailable, TMDBRateLimited) as exc:
            return MatchOutcome(MatchState.UNMATCHED, note=_unreachable(exc))
        except TMDBAuthError as exc:
            return MatchOutcome(MatchState.UNMATCHED, note=str(exc))
        except MetadataError as exc:  # a reply we could not read: worth another try later
            return MatchOutcome(MatchState.UNMATCHED, note=_unreachable(exc))
        if scored is None:
            shown = f"'{title}'" + (f" ({year})" if year else "")
            return MatchOutcome(MatchState.UNMATCHED, note=f"TMDB knows no series {shown}.")
        found = scored.result
        match = TMDBMatch(found.id, found.name, found.year, "")
        if found.poster_path:
            try:
                config = await tmdb.configuration()
                match = replace(match, poster_url=_poster(config, found.poster_path))
            except MetadataError:
                pass  # a row without a thumbnail; the match itself stands
        if scored.confidence >= self.threshold:
            return MatchOutcome(MatchState.MATCHED, match, scored.confidence)
        shown = f"'{found.name}'" + (f" ({found.year})" if found.year else "")
        why = (
            f", as likely as '{scored.rival.name}'"
            + (f" ({scored.rival.year})" if scored.rival.year else "")
            if scored.rival is not None
            else ""
        )
        note = (
            f"TMDB's best guess is {shown}{why}, {scored.confidence:.0%} sure: confirm it or "
            "choose another."
        )
        return MatchOutcome(MatchState.NEEDS_REVIEW, match, scored.confidence, note)

    async def _with_poster(
        self, tmdb: TMDBClient, match: TMDBMatch, details: TVDetails
    ) -> TMDBMatch:
        if not details.poster_path:
            return match
        try:
            config = await tmdb.configuration()
        except MetadataError:
            return match
        return replace(match, poster_url=_poster(config, details.poster_path))

    def nfo_ids(self, folders: Sequence[str]) -> dict[str, int]:
        """The TMDB ids of the folders' ``tvshow.nfo`` files, where they have one (a worker
        thread's job: one call for all, not a thread hand-over per folder)."""
        return {f: tmdb_id for f in folders if (tmdb_id := self._nfo_id(f)) is not None}

    def _nfo_id(self, folder: str) -> int | None:
        """The TMDB id of the folder's ``tvshow.nfo``, if it has a readable one."""
        path = self.library_dir / folder / "tvshow.nfo"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            text = read_tvshow(data).unique_ids.get("tmdb", "").strip()
        except MetadataError:
            log.info("%s is not a readable NFO file; not used for matching", path)
            return None
        return int(text) if text.isdigit() and int(text) > 0 else None

    async def find_many(
        self,
        wanted: Sequence[tuple[str, str, int | None, int | None]],
        *,
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> dict[str, MatchOutcome]:
        """Match many folders, ``concurrency`` at a time: ``(folder, title, year, folder_id)``
        each; outcomes by folder, claims of one id by two folders not yet looked at."""
        if self.tmdb is None:
            return {f: MatchOutcome(MatchState.UNMATCHED, note=NO_TOKEN_NOTE) for f, *_ in wanted}
        outcomes: dict[str, MatchOutcome] = {}
        nfo = await asyncio.to_thread(self.nfo_ids, [folder for folder, *_ in wanted])
        async with self.tmdb() as tmdb:
            if tmdb is None:
                return {
                    f: MatchOutcome(MatchState.UNMATCHED, note=NO_TOKEN_NOTE) for f, *_ in wanted
                }

            async def one(item: tuple[str, str, int | None, int | None]) -> None:
                folder, title, year, tmdb_id = item
                outcomes[folder] = await self.find(
                    tmdb, folder, title, year, folder_id=tmdb_id, nfo_id=nfo.get(folder)
                )
                if on_progress is not None:
                    on_progress(MatchProgress(len(outcomes), len(wanted), folder))

            await _each(wanted, one, self.concurrency)
        return outcomes

    # ------------------------------------------------------------------ the catalogue

    async def load_catalogue(self, tmdb: TMDBClient, series: SeriesRecord) -> int:
        """Bring a confirmed match's seasons and episodes into the series' catalogue.

        Returns:
            How many of TMDB's episodes the catalogue holds now.

        Raises:
            MetadataError: TMDB could not be asked (the caller keeps the series as it was).
        """
        tmdb_id = series.confirmed_tmdb_id
        if tmdb_id is None:
            return 0
        details = await tmdb.tv_details(tmdb_id)
        seasons: list[SeasonDetails] = []
        for summary in details.seasons:
            try:
                seasons.append(await tmdb.season(tmdb_id, summary.season_number))
            except TMDBNotFound:
                log.info("TMDB lists season %d of %d but has none", summary.season_number, tmdb_id)
        try:
            config: ImageConfiguration | None = await tmdb.configuration()
        except MetadataError:
            config = None
        return await self.store_catalogue(series, details, seasons, config)

    async def store_catalogue(
        self,
        series: SeriesRecord,
        details: TVDetails,
        seasons: Sequence[SeasonDetails],
        config: ImageConfiguration | None = None,
    ) -> int:
        """Merge TMDB's seasons into the series' catalogue (see the module's docstring).

        A row with a source keeps what its source said and only gains what it lacks; a row
        without one is TMDB's. Rows a scan made from files TMDB does not know are dropped (the
        next scan matches those files to TMDB's rows, or makes them again). New rows are
        monitored by the series' mode, as if they existed when it was chosen when the series
        had no catalogue yet.
        """
        existing = await self._catalog.episodes(series.id)
        by_key = {(e.season, e.number): e for e in existing}
        first_load = all(e.guid == FOUND_ON_DISK for e in existing)
        may_insert = series.is_local or any(e.guid.startswith(FROM_TMDB) for e in existing)
        monitoring, today = series.monitoring, self._today()
        new: list[NewEpisode] = []
        changes: list[tuple[int, dict[str, Any]]] = []
        keys: set[tuple[int, int]] = set()
        absolute = 0
        for season in sorted(seasons, key=lambda s: (s.season_number == 0, s.season_number)):
            for episode in sorted(season.episodes, key=lambda e: e.episode_number):
                key = (season.season_number, episode.episode_number)
                if key in keys:
                    continue
                keys.add(key)
                number: int | None = None
                if season.season_number > 0:
                    absolute += 1
                    number = absolute
                guid = f"{FROM_TMDB}{episode.id or ''}"
                row = by_key.get(key)
                if row is None:
                    if may_insert:
                        new.append(
                            NewEpisode(
                                season=key[0],
                                number=key[1],
                                title=episode.name,
                                url="",
                                absolute=number,
                                air_date=episode.air_date,
                                guid=guid,
                                description=episode.overview,
                                monitored=monitoring.wants(
                                    key[0], episode.air_date, today, existing=first_load,
                                    has_source=False,
                                ),
                            )
                        )  # fmt: skip
                    continue
                merged = _merged(
                    row, episode.name, episode.overview, episode.air_date, number, guid
                )
                if merged:
                    changes.append((row.id, merged))
        dropped = [
            e.id
            for e in existing
            if may_insert and e.guid == FOUND_ON_DISK and (e.season, e.number) not in keys
        ]
        await self._catalog.update_episodes(changes)
        await self._catalog.delete_episodes(dropped)
        await self._catalog.upsert_episodes(series.id, new)
        values: dict[str, Any] = {
            "genres": details.genres,
            "premiered": details.first_air_date,
            "status": details.status,
        }
        if series.is_local or not series.description:
            values["description"] = details.overview or series.description
        if (
            config is not None
            and details.poster_path
            and (series.is_local or not series.poster_url)
        ):
            values["poster_url"] = _poster(config, details.poster_path, "w500")
        if series.is_local:
            values["title"] = details.name or series.title
            values["year"] = details.year or series.year
        await self._catalog.update_series(series.id, **values)
        log.info(
            "%s: TMDB series %d, %d episode(s) new, %d filled in, %d found on disk dropped",
            series.title, details.id, len(new), len(changes), len(dropped),
        )  # fmt: skip
        return len(keys)

    # ------------------------------------------------------------------ a run's matching

    async def match_series(
        self,
        series: Sequence[SeriesRecord],
        *,
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> list[tuple[SeriesRecord, MatchOutcome]]:
        """Match followed series and bring the catalogue of each confirmed one; store both.

        What the import's apply and each auto-download run do for the series not matched
        yet; a series TMDB could not be asked about stays ``unmatched`` and says so.
        """
        if not series:
            return []
        wanted = []
        for record in series:
            name = parse_series_folder(record.folder)
            wanted.append((record.folder, record.title, record.year or name.year, name.tmdb_id))
        outcomes = await self.find_many(wanted, on_progress=on_progress)
        held = [
            (s.folder, s.tmdb_id)
            for s in await self._catalog.list_series()
            if s.confirmed_tmdb_id is not None and s.tmdb_id is not None
            and s.folder not in outcomes
        ]  # fmt: skip
        results = await self.apply(
            [(record, outcomes[record.folder]) for record in series], held, on_progress
        )
        return results

    async def apply(
        self,
        chosen: Sequence[tuple[SeriesRecord, MatchOutcome]],
        held: Sequence[tuple[str, int | None]] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> list[tuple[SeriesRecord, MatchOutcome]]:
        """Store each series' match and, for a confirmed one, its catalogue from TMDB.

        Two of them (or one and a series in ``held``) claiming one id are both left to the
        user (``needs_review``) unless the user chose it (``manual``).
        """
        claims = [(s.folder, o.match.id) for s, o in chosen if o.match is not None]
        conflicts = claim_conflicts(
            claims, [(folder, tmdb_id) for folder, tmdb_id in held if tmdb_id is not None]
        )
        settled: list[tuple[SeriesRecord, MatchOutcome]] = []
        for record, outcome in chosen:
            note = conflicts.get(record.folder)
            if note is not None and outcome.state is not MatchState.MANUAL:
                outcome = replace(outcome, state=MatchState.NEEDS_REVIEW, note=note)
            settled.append((record, outcome))
        confirmed = [(r, o) for r, o in settled if o.state.is_confirmed()]
        results: dict[int, MatchOutcome] = {}
        if confirmed and self.tmdb is not None:
            async with self.tmdb() as tmdb:

                async def one(chosen: tuple[SeriesRecord, MatchOutcome]) -> None:
                    record, outcome = chosen
                    assert outcome.match is not None
                    stored = replace(
                        record,
                        tmdb_id=outcome.match.id,
                        match_state=outcome.state,
                        tmdb_confidence=outcome.confidence,
                    )
                    try:
                        # Without a token the user's match is kept; a refresh with one brings
                        # its catalogue.
                        if tmdb is not None:
                            await self.load_catalogue(tmdb, stored)
                    except (TMDBUnavailable, TMDBRateLimited, TMDBAuthError) as exc:
                        outcome = MatchOutcome(MatchState.UNMATCHED, note=_unreachable(exc))
                    except MetadataError as exc:
                        outcome = MatchOutcome(MatchState.UNMATCHED, note=_unreachable(exc))
                    results[record.id] = outcome
                    if on_progress is not None:
                        on_progress(
                            MatchProgress(len(results), len(confirmed), record.folder, "episodes")
                        )

                await _each(confirmed, one, self.concurrency)
        final = [(r, results.get(r.id, o)) for r, o in settled]
        for record, outcome in final:
            await self._record(record, outcome)
        return final

    async def _record(self, series: SeriesRecord, outcome: MatchOutcome) -> None:
        match = outcome.match
        values: dict[str, Any] = {
            "tmdb_id": match.id if match is not None else None,
            "match_state": outcome.state,
            "tmdb_confidence": outcome.confidence,
            "match_note": outcome.note,
        }
        if outcome.state.is_confirmed() and match is not None and match.id != series.tmdb_id:
            values["metadata_state"] = ""  # describe it again, from its new match
        await self._catalog.update_series(series.id, **values)
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))


def _merged(
    row: EpisodeRecord,
    title: str,
    overview: str,
    air_date: date | None,
    absolute: int | None,
    guid: str,
) -> dict[str, Any]:
    """What TMDB changes in an existing row: all of a row without a source, the gaps of one
    with a source (a feed's title, plot and dates stay the feed's)."""
    values: dict[str, Any] = {}
    if not row.has_source:
        if title and title != row.title:
            values["title"] = title
        if overview and overview != row.description:
            values["description"] = overview
        if air_date is not None and air_date != row.air_date:
            values["air_date"] = air_date
        if absolute is not None and absolute != row.absolute:
            values["absolute"] = absolute
        if row.guid != guid:
            values["guid"] = guid
        return values
    if title and not row.title:
        values["title"] = title
    if overview and not row.description:
        values["description"] = overview
    if air_date is not None and row.air_date is None:
        values["air_date"] = air_date
    if absolute is not None and row.absolute is None:
        values["absolute"] = absolute
    return values


def _poster(config: ImageConfiguration, path: str, size: str = _POSTER_SIZE) -> str:
    sizes = config.poster_sizes
    return config.url(path, ImageConfiguration.closest_size(sizes, size) if sizes else size)


async def _each(
    items: Sequence[_T], work: Callable[[_T], Awaitable[None]], concurrency: int
) -> None:
    """``work(item)`` for every item, ``concurrency`` at a time, by that many workers (not a
    task per item: 2,000 tasks made at once held the event loop for tens of milliseconds).
    Cancelling this cancels them all (an import's Cancel); a failure stops the others."""
    queue = iter(items)

    async def worker() -> None:
        for item in queue:
            await work(item)

    tasks = [asyncio.ensure_future(worker()) for _ in range(max(1, min(concurrency, len(items))))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
