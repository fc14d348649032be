"""The catalogue: series, their episodes, the files on disk, and what is missing.

Rows become the domain's records (:mod:`aniworld_desktop.core.models`) here and nowhere else,
their stored words becoming the states' enums. Core statements only; bulk writes are executemany, and the per-series counts are one aggregate
query, so a library of thousands of series lists in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

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
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.models import (
    EpisodeKind,
    EpisodeRecord,
    MetadataState,
    SeriesCounts,
    SeriesRecord,
)
from aniworld_desktop.core.status import ACTIVE_STATUSES, DownloadStatus
from aniworld_desktop.storage.tables import episode_table, queue_table, series_table

FULL = EpisodeKind.FULL.value
_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_FAILED = DownloadStatus.FAILED.value


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


# What a refresh of the catalogue may change in an existing episode row.
_CATALOGUE_FIELDS = (
    "title", "url", "size", "absolute", "air_date", "kind", "guid", "description", "image_url",
)  # fmt: skip
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
)


# The columns above are in the records' field order; these two are stored as words.
_METADATA_STATE = [f.name for f in fields(SeriesRecord)].index("metadata_state")
_KIND = [f.name for f in fields(EpisodeRecord)].index("kind")


def _series(row: Any) -> SeriesRecord:
    values = list(row)
    values[_METADATA_STATE] = MetadataState(values[_METADATA_STATE])
    return SeriesRecord(*values)


def _episode(row: Any) -> EpisodeRecord:
    values = list(row)
    values[_KIND] = EpisodeKind(values[_KIND])
    return EpisodeRecord(*values)


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
    """In the catalogue, a full episode, released, not on disk, not queued or downloading, and
    not failed for good at its URL."""
    return and_(
        episode_table.c.kind == FULL,
        or_(episode_table.c.air_date.is_(None), episode_table.c.air_date <= today),
        episode_table.c.file_path.is_(None),
        not_(_queued_clause()),
        not_(_failed_for_good_clause()),
    )


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
    ) -> SeriesRecord:
        """The series with ``source_url``, created when new (an existing one keeps its folder)."""
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
                )
                .on_conflict_do_nothing(index_elements=[series_table.c.source_url])
            )
            row = (
                await conn.execute(
                    select(*_SERIES_COLUMNS).where(series_table.c.source_url == source_url)
                )
            ).one()
        return _series(row)

    async def update_series(self, series_id: int, **values: Any) -> None:
        """Change stored fields of a series (metadata, refresh state, monitored, folder)."""
        if values:
            async with self._engine.begin() as conn:
                await conn.execute(
                    update(series_table).where(series_table.c.id == series_id).values(**values)
                )

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
            return [_series(row) for row in await conn.execute(query)]

    async def counts(self, today: date) -> dict[int, SeriesCounts]:
        """Per series: regular episodes, on disk, missing and queued, in one query."""
        full = episode_table.c.kind == FULL
        query = (
            select(
                series_table.c.id,
                func.sum(case((full, 1), else_=0)),
                func.sum(case((and_(full, episode_table.c.file_path.is_not(None)), 1), else_=0)),
                func.sum(case((_missing_clause(today), 1), else_=0)),
                func.sum(case((and_(full, _queued_clause()), 1), else_=0)),
                func.sum(
                    case(
                        (
                            and_(
                                full,
                                episode_table.c.file_path.is_(None),
                                not_(_queued_clause()),
                                _failed_for_good_clause(),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
            )
            .select_from(series_table)
            .outerjoin(episode_table, episode_table.c.series_id == series_table.c.id)
            .group_by(series_table.c.id)
        )
        async with self._engine.connect() as conn:
            return {
                row[0]: SeriesCounts(*(int(n or 0) for n in row[1:]))
                for row in await conn.execute(query)
            }

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

        The file on disk is never touched here: only a scan or a finished download knows it.
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
            }
            for e in episodes
        ]
        if not rows:
            return []
        statement = sqlite_insert(episode_table)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[
                episode_table.c.series_id,
                episode_table.c.season,
                episode_table.c.number,
            ],
            set_={name: getattr(excluded, name) for name in _CATALOGUE_FIELDS},
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
        """Episodes to fetch: full, released, not on disk, not queued (one series or all)."""
        query = select(*_EPISODE_COLUMNS).where(_missing_clause(today))
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
        """Record ``(episode_id, file_path, file_size)``; a None path means "not on disk"."""
        if not files:
            return
        statement = (
            update(episode_table)
            .where(episode_table.c.id == bindparam("b_id"))
            .values(file_path=bindparam("b_path"), file_size=bindparam("b_size"))
        )
        async with self._engine.begin() as conn:
            await conn.execute(
                statement,
                [{"b_id": i, "b_path": path, "b_size": size} for i, path, size in files],
            )
