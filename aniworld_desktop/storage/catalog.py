"""The catalogue: series, their episodes, the files on disk, and what is missing.

Rows become the domain's records (:mod:`aniworld_desktop.core.models`) here and nowhere else,
their stored words becoming the states' enums. Core statements only; bulk writes are executemany, and the per-series counts are one aggregate
query, so a library of thousands of series lists in one round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    and_,
    bindparam,
    case,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.gcpause import collector_paused
from aniworld_desktop.core.models import (
    EpisodeKind,
    EpisodeRecord,
    MatchState,
    MetadataState,
    Monitoring,
    MonitorMode,
    SeriesCounts,
    SeriesRecord,
)
from aniworld_desktop.core.status import ACTIVE_STATUSES, DownloadStatus
from aniworld_desktop.storage.app_state import AppStateRepository
from aniworld_desktop.storage.database import BUSY_TIMEOUT_MS, DatabaseBusyError, is_busy
from aniworld_desktop.storage.tables import episode_table, queue_table, series_table

BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000

FULL = EpisodeKind.FULL.value
_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_FAILED = DownloadStatus.FAILED.value
_KNOWN_SERIES = select(
    series_table.c.id, series_table.c.folder, series_table.c.provider.is_not(None)
)
_KNOWN_EPISODES = select(
    episode_table.c.id,
    episode_table.c.series_id,
    episode_table.c.season,
    episode_table.c.number,
    episode_table.c.absolute,
    episode_table.c.file_path,
    episode_table.c.file_size,
    episode_table.c.air_date,
    episode_table.c.kind,
)


def _known_from_file(path: Path) -> tuple[list[tuple[int, str, bool]], list[KnownEpisode]]:
    """:meth:`CatalogRepository.known_episodes` with plain sqlite3 (worker thread)."""
    dialect = sqlite_dialect()
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as conn:
            series = conn.execute(str(_KNOWN_SERIES.compile(dialect=dialect))).fetchall()
            rows = conn.execute(str(_KNOWN_EPISODES.compile(dialect=dialect))).fetchall()
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusyError(path, BUSY_TIMEOUT_MS) from exc
        raise
    with collector_paused():  # 100,000 objects without cycles: a collection finds nothing
        # Plain sqlite3 gives the air date as the ISO text SQLAlchemy stored.
        episodes = [
            KnownEpisode(i, s, se, n, a, p, z, date.fromisoformat(d) if d else None, k)
            for i, s, se, n, a, p, z, d, k in rows
        ]
    return [(r[0], r[1], bool(r[2])) for r in series], episodes


@dataclass(frozen=True, slots=True)
class NewEpisode:
    """An episode to insert or update, keyed by ``(season, number)`` within its series."""

    season: int
    number: int
    title: str
    url: str
    size: int | None = None
    absolute: int | None = None
    air_date: date | None = None
    kind: EpisodeKind = EpisodeKind.FULL
    guid: str = ""
    description: str = ""
    image_url: str = ""
    monitored: bool = True  # for a new row only: an existing one keeps its own


@dataclass(frozen=True, slots=True)
class FoundEpisode:
    """An episode a scan found on disk that the catalogue does not know yet (a local series
    without a TMDB match): a row of its own until TMDB says what the series holds."""

    series_id: int
    season: int
    number: int
    absolute: int | None
    file_path: str
    file_size: int
    monitored: bool = True


@dataclass(frozen=True, slots=True)
class NewLocalSeries:
    """A folder of the library to follow as a series without a source."""

    title: str
    folder: str
    year: int | None = None
    tmdb_id: int | None = None
    match_state: MatchState = MatchState.UNMATCHED
    match_note: str = ""


@dataclass(frozen=True, slots=True)
class KnownEpisode:
    """What a scan needs of an episode row: light, so 100,000 of them load off the loop."""

    id: int
    series_id: int
    season: int
    number: int
    absolute: int | None
    file_path: str | None
    file_size: int | None
    air_date: date | None = None  # a daily show's file is found by it
    kind: str = FULL


# The guid of a row made from a file on disk (FoundEpisode): TMDB's catalogue replaces them.
FOUND_ON_DISK = "disk:"
# The guid of a row from TMDB's catalogue is this and TMDB's episode id.
FROM_TMDB = "tmdb:"
# The app_state key of the folders a scan does not follow (JSON list of folder names).
IGNORED_FOLDERS_KEY = "library_ignored_folders"
# Rows written at once; between two, the event loop runs (100,000 rows would hold it).
WRITE_CHUNK = 500

# What a refresh of the catalogue may change in an existing episode row: the source's value,
# or what the row had where the source has none (TMDB may have filled it).
_CATALOGUE_FIELDS = ("url", "kind")
_KEEP_WHEN_EMPTY = ("title", "guid", "description", "image_url")
_KEEP_WHEN_NULL = ("size", "absolute", "air_date")
_SERIES_COLUMNS = (
    series_table.c.id,
    series_table.c.title,
    series_table.c.provider,
    series_table.c.source_url,
    series_table.c.folder,
    series_table.c.year,
    series_table.c.monitored,
    series_table.c.description,
    series_table.c.poster_url,
    series_table.c.fanart_url,
    series_table.c.etag,
    series_table.c.last_modified,
    series_table.c.refreshed_at,
    series_table.c.refresh_error,
    series_table.c.tmdb_id,
    series_table.c.metadata_state,
    series_table.c.metadata_error,
    series_table.c.monitor_mode,
    series_table.c.monitor_season,
    series_table.c.match_state,
    series_table.c.tmdb_confidence,
    series_table.c.match_note,
    series_table.c.genres,
    series_table.c.premiered,
    series_table.c.status,
)
_EPISODE_COLUMNS = (
    episode_table.c.id,
    episode_table.c.series_id,
    episode_table.c.season,
    episode_table.c.number,
    episode_table.c.title,
    episode_table.c.url,
    episode_table.c.size,
    episode_table.c.absolute,
    episode_table.c.air_date,
    episode_table.c.kind,
    episode_table.c.guid,
    episode_table.c.description,
    episode_table.c.image_url,
    episode_table.c.file_path,
    episode_table.c.file_size,
    episode_table.c.monitored,
)


_R = TypeVar("_R")

# The columns above are in the records' field order; these are stored as words (and lines).
_SERIES_FIELDS = [f.name for f in fields(SeriesRecord)]
_METADATA_STATE = _SERIES_FIELDS.index("metadata_state")
_MONITOR_MODE = _SERIES_FIELDS.index("monitor_mode")
_MATCH_STATE = _SERIES_FIELDS.index("match_state")
_GENRES = _SERIES_FIELDS.index("genres")
_KIND = [f.name for f in fields(EpisodeRecord)].index("kind")


def _series(row: Any) -> SeriesRecord:
    values = list(row)
    values[_METADATA_STATE] = MetadataState(values[_METADATA_STATE])
    values[_MONITOR_MODE] = MonitorMode(values[_MONITOR_MODE])
    values[_MATCH_STATE] = MatchState(values[_MATCH_STATE])
    values[_GENRES] = tuple(g for g in values[_GENRES].split("\n") if g)
    return SeriesRecord(*values)


def _counts(row: Any) -> SeriesCounts:
    return SeriesCounts(*(int(n or 0) for n in row[1:]))


# Rows made into records per turn of the event loop. The window's library pane reads every
# series again as an import goes on: 2,000 records in one go held its loop for 30-60 ms.
ROWS_PER_TURN = 250


async def _by_turns(rows: Sequence[Any], make: Callable[[Any], _R]) -> list[_R]:
    """``make(row)`` for every row, handing the event loop back every ``ROWS_PER_TURN``."""
    made: list[_R] = []
    for start in range(0, len(rows), ROWS_PER_TURN):
        if start:
            await asyncio.sleep(0)
        made.extend(map(make, rows[start : start + ROWS_PER_TURN]))
    return made


def _episode(row: Any) -> EpisodeRecord:
    values = list(row)
    values[_KIND] = EpisodeKind(values[_KIND])
    values[-1] = bool(values[-1])
    return EpisodeRecord(*values)


def series_values(**values: Any) -> dict[str, Any]:
    """Record values as columns: enums as their words, genres one per line."""
    if "genres" in values:
        values["genres"] = "\n".join(values["genres"])
    if "monitoring" in values:
        monitoring: Monitoring = values.pop("monitoring")
        values["monitor_mode"] = monitoring.mode.value
        values["monitor_season"] = monitoring.season
    for name in ("metadata_state", "monitor_mode", "match_state"):
        if name in values and values[name] is not None:
            values[name] = str(values[name])
    return values


def _queued_clause() -> Any:
    return exists().where(
        queue_table.c.episode_id == episode_table.c.id, queue_table.c.status.in_(_ACTIVE)
    )


def _failed_for_good_clause() -> Any:
    """The episode's last queue row failed for good at the source, for the URL it has now.

    Such an episode is not missing (to be queued by every run) but failed; the user's retry
    reuses that row, and a new URL in the catalogue makes the row another URL's.
    """
    later = queue_table.alias("later")
    return exists().where(
        queue_table.c.episode_id == episode_table.c.id,
        queue_table.c.status == _FAILED,
        queue_table.c.permanent.is_(True),
        queue_table.c.url == episode_table.c.url,
        not_(
            exists().where(
                later.c.episode_id == queue_table.c.episode_id, later.c.id > queue_table.c.id
            )
        ),
    )


def _missing_clause(today: date) -> Any:
    """In the catalogue, a full episode, monitored, released, not on disk, not queued or
    downloading, and not failed for good at its URL (with or without a source: see
    :func:`_downloadable`)."""
    return and_(
        episode_table.c.kind == FULL,
        episode_table.c.monitored.is_(True),
        or_(episode_table.c.air_date.is_(None), episode_table.c.air_date <= today),
        episode_table.c.file_path.is_(None),
        not_(_queued_clause()),
        not_(_failed_for_good_clause()),
    )


def _downloadable() -> Any:
    """The episode has a source to download it from (TMDB's rows of a local series have not)."""
    return episode_table.c.url != ""


class CatalogRepository:
    """Series, episodes and their files."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # ------------------------------------------------------------------ series

    async def ensure_series(
        self,
        title: str,
        provider: str,
        source_url: str,
        folder: str,
        *,
        year: int | None = None,
        description: str = "",
        poster_url: str = "",
        fanart_url: str = "",
        monitored: bool = True,
        monitoring: Monitoring | None = None,
    ) -> SeriesRecord:
        """The series with ``source_url``, created when new (an existing one keeps its folder
        and its monitor mode; a new one gets ``monitoring``, ``all`` when None)."""
        mode = monitoring or Monitoring(MonitorMode.ALL)
        async with self._engine.begin() as conn:
            await conn.execute(
                sqlite_insert(series_table)
                .values(
                    title=title,
                    provider=provider,
                    source_url=source_url,
                    folder=folder,
                    year=year,
                    monitored=monitored,
                    description=description,
                    poster_url=poster_url,
                    fanart_url=fanart_url,
                    created_at=utc_now(),
                    monitor_mode=mode.mode.value,
                    monitor_season=mode.season,
                )
                .on_conflict_do_nothing(index_elements=[series_table.c.source_url])
            )
            row = (
                await conn.execute(
                    select(*_SERIES_COLUMNS).where(series_table.c.source_url == source_url)
                )
            ).one()
        return _series(row)

    async def add_local_series(self, new: Sequence[NewLocalSeries]) -> list[SeriesRecord]:
        """Follow folders of the library as series without a source (one statement for all).

        A folder another series holds already (in any case) is left to it.
        """
        if not new:
            return []
        now = utc_now()
        async with self._engine.begin() as conn:
            held = {
                folder.casefold()
                for folder in (await conn.execute(select(series_table.c.folder))).scalars()
            }
            rows = []
            for series in new:
                if series.folder.casefold() in held:
                    continue
                held.add(series.folder.casefold())
                rows.append(
                    {
                        "title": series.title,
                        "folder": series.folder,
                        "year": series.year,
                        "monitored": True,
                        "created_at": now,
                        "tmdb_id": series.tmdb_id,
                        "match_state": series.match_state.value,
                        "match_note": series.match_note,
                    }
                )
            if not rows:
                return []
            for start in range(0, len(rows), WRITE_CHUNK):
                await conn.execute(sqlite_insert(series_table), rows[start : start + WRITE_CHUNK])
            folders = [row["folder"] for row in rows]
            added: list[SeriesRecord] = []
            for start in range(0, len(folders), 500):  # under SQLite's bound-parameter limit
                result = await conn.execute(
                    select(*_SERIES_COLUMNS).where(
                        series_table.c.provider.is_(None),
                        series_table.c.folder.in_(folders[start : start + 500]),
                    )
                )
                added.extend(map(_series, result))
            return added

    async def ignored_folders(self) -> set[str]:
        """Folders of the library a scan leaves alone: their series were removed, files kept."""
        text = await AppStateRepository(self._engine).get(IGNORED_FOLDERS_KEY)
        try:
            folders = json.loads(text) if text else []
        except ValueError:
            return set()
        return {f for f in folders if isinstance(f, str)} if isinstance(folders, list) else set()

    async def set_folders_ignored(self, folders: Iterable[str], ignored: bool = True) -> None:
        """Leave these folders alone in scans (True), or follow them again (False)."""
        current = await self.ignored_folders()
        changed = current | set(folders) if ignored else current - set(folders)
        if changed != current:
            await AppStateRepository(self._engine).set(
                IGNORED_FOLDERS_KEY, json.dumps(sorted(changed), ensure_ascii=False)
            )

    async def update_series(self, series_id: int, **values: Any) -> None:
        """Change stored fields of a series (metadata, refresh state, monitored, folder).

        Values are given as the record has them (enums, ``genres`` a tuple, ``monitoring``).
        """
        if values:
            async with self._engine.begin() as conn:
                await conn.execute(
                    update(series_table)
                    .where(series_table.c.id == series_id)
                    .values(**series_values(**values))
                )

    async def delete_series(self, series_id: int) -> None:
        """Forget a series: its row, its catalogue and its queue rows (by their cascade)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                queue_table.delete().where(
                    queue_table.c.episode_id.in_(
                        select(episode_table.c.id).where(episode_table.c.series_id == series_id)
                    )
                )
            )
            await conn.execute(episode_table.delete().where(episode_table.c.series_id == series_id))
            await conn.execute(series_table.delete().where(series_table.c.id == series_id))

    async def get_series(self, series_id: int) -> SeriesRecord | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(*_SERIES_COLUMNS).where(series_table.c.id == series_id))
            ).one_or_none()
        return _series(row) if row else None

    async def list_series(self, *, monitored_only: bool = False) -> list[SeriesRecord]:
        query = select(*_SERIES_COLUMNS).order_by(func.lower(series_table.c.title))
        if monitored_only:
            query = query.where(series_table.c.monitored.is_(True))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return await _by_turns(rows, _series)

    async def counts(self, today: date) -> dict[int, SeriesCounts]:
        """Per series: regular episodes, on disk, missing, queued, failed for good, and missing
        without a source, in one query; every series has an entry.

        Each episode's two queue look-ups (queued; failed for good) are made once, in a
        materialised step, and the sums read them: written inline, SQLite ran them again in
        every sum that names them (seven times per episode, seconds over 100,000 episodes).
        The sums group that step by series before it meets the series table: joined to it per
        episode, SQLite built a temporary index over the whole step first (twice the time at
        100,000 episodes).
        """
        full = episode_table.c.kind == FULL
        released = or_(episode_table.c.air_date.is_(None), episode_table.c.air_date <= today)
        flags = (
            select(
                episode_table.c.series_id,
                full.label("full"),
                episode_table.c.file_path.is_not(None).label("on_disk"),
                and_(full, episode_table.c.monitored.is_(True), released).label("wanted"),
                _downloadable().label("downloadable"),
                _queued_clause().label("queued"),
                _failed_for_good_clause().label("failed"),
            )
            .cte("episode_flags")
            .prefix_with("MATERIALIZED")
        )
        waiting = and_(flags.c.full, not_(flags.c.on_disk), not_(flags.c.queued))
        missing = and_(
            flags.c.wanted, not_(flags.c.on_disk), not_(flags.c.queued), not_(flags.c.failed)
        )
        sums = (
            select(
                flags.c.series_id,
                func.sum(case((flags.c.full, 1), else_=0)).label("episodes"),
                func.sum(case((and_(flags.c.full, flags.c.on_disk), 1), else_=0)).label("on_disk"),
                func.sum(case((missing, 1), else_=0)).label("missing"),
                func.sum(case((and_(flags.c.full, flags.c.queued), 1), else_=0)).label("queued"),
                func.sum(case((and_(waiting, flags.c.failed), 1), else_=0)).label("failed"),
                func.sum(case((and_(missing, not_(flags.c.downloadable)), 1), else_=0)).label(
                    "no_source"
                ),
            )
            .group_by(flags.c.series_id)
            .subquery("series_sums")
        )
        # Every series, those without episodes too (their sums are NULL: zero).
        query = select(series_table.c.id, *list(sums.c)[1:]).outerjoin(
            sums, sums.c.series_id == series_table.c.id
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        made = await _by_turns(rows, _counts)
        return dict(zip((row[0] for row in rows), made, strict=True))

    # ------------------------------------------------------------------ episodes

    async def next_episode_number(self, series_id: int, season: int) -> int:
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(func.coalesce(func.max(episode_table.c.number), 0)).where(
                    episode_table.c.series_id == series_id, episode_table.c.season == season
                )
            )
            return int(result.scalar_one()) + 1

    async def upsert_episodes(
        self, series_id: int, episodes: Iterable[NewEpisode]
    ) -> list[EpisodeRecord]:
        """Insert or update episodes by ``(season, number)``; returns them with their ids.

        A source's rows: an existing row takes the source's url and kind, and its title, guid,
        description, picture, size, absolute number and air date where the source gives one
        (so what TMDB filled in stays where the feed says nothing). A new row is monitored as
        its ``monitored`` says; an existing one keeps its flag. The file on disk is never
        touched here: only a scan or a finished download knows it.
        """
        rows = [
            {
                "series_id": series_id,
                "season": e.season,
                "number": e.number,
                "title": e.title,
                "url": e.url,
                "size": e.size,
                "absolute": e.absolute,
                "air_date": e.air_date,
                "kind": EpisodeKind(e.kind).value,
                "guid": e.guid,
                "description": e.description,
                "image_url": e.image_url,
                "monitored": e.monitored,
            }
            for e in episodes
        ]
        if not rows:
            return []
        statement = sqlite_insert(episode_table)
        excluded = statement.excluded
        columns = episode_table.c
        set_: dict[str, Any] = {name: getattr(excluded, name) for name in _CATALOGUE_FIELDS}
        for name in _KEEP_WHEN_EMPTY:
            new = getattr(excluded, name)
            set_[name] = case((new != "", new), else_=getattr(columns, name))
        for name in _KEEP_WHEN_NULL:
            set_[name] = func.coalesce(getattr(excluded, name), getattr(columns, name))
        statement = statement.on_conflict_do_update(
            index_elements=[columns.series_id, columns.season, columns.number], set_=set_
        )
        keys = {(r["season"], r["number"]) for r in rows}
        async with self._engine.begin() as conn:
            await conn.execute(statement, rows)
            result = await conn.execute(
                select(*_EPISODE_COLUMNS).where(episode_table.c.series_id == series_id)
            )
            return [_episode(row) for row in result if (row[2], row[3]) in keys]

    async def episodes(self, series_id: int) -> list[EpisodeRecord]:
        """The catalogue of one series, by season and number."""
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(*_EPISODE_COLUMNS)
                .where(episode_table.c.series_id == series_id)
                .order_by(episode_table.c.season, episode_table.c.number)
            )
            return [_episode(row) for row in result]

    async def episodes_by_id(self, ids: Iterable[int]) -> list[EpisodeRecord]:
        """The episodes with these ids, by series, season and number."""
        wanted = sorted(set(ids))
        found: list[EpisodeRecord] = []
        async with self._engine.connect() as conn:
            for start in range(0, len(wanted), 500):  # under SQLite's bound-parameter limit
                result = await conn.execute(
                    select(*_EPISODE_COLUMNS).where(
                        episode_table.c.id.in_(wanted[start : start + 500])
                    )
                )
                found.extend(_episode(row) for row in result)
        return sorted(found, key=lambda e: (e.series_id, e.season, e.number))

    async def all_episodes(self) -> list[EpisodeRecord]:
        async with self._engine.connect() as conn:
            result = await conn.execute(select(*_EPISODE_COLUMNS))
            return [_episode(row) for row in result]

    async def active_queue_status(self, series_id: int) -> dict[int, DownloadStatus]:
        """Episode id -> status of its active queue entry, for one series."""
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(queue_table.c.episode_id, queue_table.c.status)
                .join(episode_table, episode_table.c.id == queue_table.c.episode_id)
                .where(
                    episode_table.c.series_id == series_id,
                    queue_table.c.status.in_(_ACTIVE),
                )
            )
            return {row[0]: DownloadStatus(row[1]) for row in result}

    async def missing_episodes(
        self, today: date, series_id: int | None = None
    ) -> list[EpisodeRecord]:
        """Episodes to fetch: full, monitored, released, not on disk, not queued, and with a
        source to download them from (one series or all)."""
        query = select(*_EPISODE_COLUMNS).where(_missing_clause(today), _downloadable())
        if series_id is not None:
            query = query.where(episode_table.c.series_id == series_id)
        query = query.order_by(
            episode_table.c.series_id, episode_table.c.season, episode_table.c.number
        )
        async with self._engine.connect() as conn:
            return [_episode(row) for row in await conn.execute(query)]

    async def has_files(self) -> bool:
        """Whether any episode is recorded on disk."""
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                select(episode_table.c.id).where(episode_table.c.file_path.is_not(None)).limit(1)
            )
        return found is not None

    async def set_files(self, files: Sequence[tuple[int, str | None, int | None]]) -> None:
        """Record ``(episode_id, file_path, file_size)``; a None path means "not on disk".

        Written in chunks in one transaction, so a rescan that moved 100,000 files does not
        hold the event loop while the parameters of all of them are prepared.
        """
        if not files:
            return
        statement = (
            update(episode_table)
            .where(episode_table.c.id == bindparam("b_id"))
            .values(file_path=bindparam("b_path"), file_size=bindparam("b_size"))
        )
        async with self._engine.begin() as conn:
            for start in range(0, len(files), WRITE_CHUNK):
                await conn.execute(
                    statement,
                    [
                        {"b_id": i, "b_path": path, "b_size": size}
                        for i, path, size in files[start : start + WRITE_CHUNK]
                    ],
                )

    async def add_found_episodes(self, found: Sequence[FoundEpisode]) -> None:
        """Rows for files on disk the catalogue does not know (series without a source).

        A row that exists meanwhile (same season and number) is left as it is.
        """
        if not found:
            return
        statement = sqlite_insert(episode_table).on_conflict_do_nothing(
            index_elements=[
                episode_table.c.series_id,
                episode_table.c.season,
                episode_table.c.number,
            ]
        )
        async with self._engine.begin() as conn:
            for start in range(0, len(found), WRITE_CHUNK):
                await conn.execute(
                    statement,
                    [
                        {
                            "series_id": f.series_id,
                            "season": f.season,
                            "number": f.number,
                            "absolute": f.absolute,
                            "title": "",
                            "url": "",
                            "guid": FOUND_ON_DISK,
                            "file_path": f.file_path,
                            "file_size": f.file_size,
                            "monitored": f.monitored,
                        }
                        for f in found[start : start + WRITE_CHUNK]
                    ],
                )

    async def delete_episodes(self, ids: Sequence[int]) -> None:
        """Remove rows from a catalogue (rows made from files, which TMDB's replace)."""
        if not ids:
            return
        async with self._engine.begin() as conn:
            for start in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
                await conn.execute(
                    episode_table.delete().where(episode_table.c.id.in_(ids[start : start + 500]))
                )

    async def update_episodes(self, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Change fields of episodes: ``(episode_id, {column: value})`` each."""
        if not changes:
            return
        async with self._engine.begin() as conn:
            for episode_id, values in changes:
                await conn.execute(
                    update(episode_table).where(episode_table.c.id == episode_id).values(**values)
                )

    async def set_monitored(self, flags: Sequence[tuple[int, bool]]) -> None:
        """Record ``(episode_id, monitored)`` for each."""
        if not flags:
            return
        statement = (
            update(episode_table)
            .where(episode_table.c.id == bindparam("b_id"))
            .values(monitored=bindparam("b_monitored"))
        )
        async with self._engine.begin() as conn:
            for start in range(0, len(flags), WRITE_CHUNK):
                await conn.execute(
                    statement,
                    [
                        {"b_id": i, "b_monitored": flag}
                        for i, flag in flags[start : start + WRITE_CHUNK]
                    ],
                )

    async def known_episodes(self) -> tuple[list[tuple[int, str, bool]], list[KnownEpisode]]:
        """Every series as ``(id, folder, has_source)`` and every episode as a
        :class:`KnownEpisode`: what a scan matches files to.

        A file database is read on a worker thread with a read-only connection of its own, and
        the rows made into objects there: at 100,000 episodes that is a third of a second the
        event loop (the window's) would otherwise spend.
        """
        path = self._engine.url.database
        if path and path != ":memory:" and self._engine.url.get_backend_name() == "sqlite":
            return await asyncio.to_thread(_known_from_file, Path(path))
        async with self._engine.connect() as conn:
            series = [tuple(r) for r in await conn.execute(_KNOWN_SERIES)]
            episodes = [KnownEpisode(*r) for r in await conn.execute(_KNOWN_EPISODES)]
        return [(r[0], r[1], bool(r[2])) for r in series], episodes
