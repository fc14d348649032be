"""Tables, in SQLAlchemy 2's declarative style. Schema changes go through an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from aniworld_desktop.core.status import ACTIVE_STATUSES

# Named constraints keep Alembic's batch migrations on SQLite deterministic.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(ACTIVE_STATUSES)))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SeriesRow(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String, nullable=False)
    # Both NULL for a local series: a folder of the library without a source (migration 0008).
    # SQLite's UNIQUE lets any number of NULLs through, so only real addresses are unique.
    provider: Mapped[str | None] = mapped_column(String)
    source_url: Mapped[str | None] = mapped_column(String, unique=True)
    folder: Mapped[str] = mapped_column(String, nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)
    monitored: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.now()
    )
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    poster_url: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    fanart_url: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    # Conditional-GET state of the last refresh, and how it went.
    etag: Mapped[str | None] = mapped_column(String)
    last_modified: Mapped[str | None] = mapped_column(String)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime)
    refresh_error: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    # The TMDB series this one is, found by a search or set by hand, and how its metadata went.
    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    metadata_state: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    metadata_error: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    # Which episodes are wanted (core.models.MonitorMode; "season" with monitor_season), and
    # how sure the TMDB match is (core.models.MatchState), with the sentence for its row.
    monitor_mode: Mapped[str] = mapped_column(Text, nullable=False, server_default="all")
    monitor_season: Mapped[int | None] = mapped_column(Integer)
    match_state: Mapped[str] = mapped_column(Text, nullable=False, server_default="unmatched")
    tmdb_confidence: Mapped[float | None] = mapped_column(Float)
    match_note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    # What TMDB says that the window shows: genres one per line, first air date, status.
    genres: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    premiered: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class EpisodeRow(Base):
    __tablename__ = "episode"
    __table_args__ = (UniqueConstraint("series_id", "season", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), nullable=False, index=True
    )
    season: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String, nullable=False, default="")
    url: Mapped[str] = mapped_column(String, nullable=False, default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    absolute: Mapped[int | None] = mapped_column(Integer)
    air_date: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, server_default="full")
    guid: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    image_url: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    # The file on disk, relative to the library root, as the last scan found it.
    file_path: Mapped[str | None] = mapped_column(String)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    # Only monitored episodes are ever missing (set by the series' monitor mode, then by hand).
    monitored: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("1"))


class QueueRow(Base):
    __tablename__ = "download_queue"
    __table_args__ = (
        # At most one active entry per episode; finished and failed rows stay as history.
        Index(
            "uq_download_queue_active_episode",
            "episode_id",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
        ),
        Index("ix_download_queue_status_position", "status", "position"),
        # For every status: "is this episode queued?" must not scan the queue (migration 0004).
        Index("ix_download_queue_episode_id", "episode_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    url: Mapped[str] = mapped_column(String, nullable=False)
    destination: Mapped[str] = mapped_column(String, nullable=False)
    bytes_done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    bytes_total: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Last, as migration 0006 added it. Failed for good at the source (404, 410, not a video): not queued again by every run.
    permanent: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # The size the source announced (bytes_total follows the server), and the validators of the
    # answer that began the part file: NULL until it began, '' when the server sent none
    # (migration 0007).
    expected_size: Mapped[int | None] = mapped_column(BigInteger)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)


class HttpCacheRow(Base):
    """An API reply kept so a re-run does not fetch it again (see storage.reply_cache)."""

    __tablename__ = "http_cache"

    # The request's method, URL and parameters, never its credentials.
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


# Core statements work on the Table objects; the cast tells mypy they are Tables, not FromClauses.
series_table = cast(Table, SeriesRow.__table__)
episode_table = cast(Table, EpisodeRow.__table__)
queue_table = cast(Table, QueueRow.__table__)


class AppStateRow(Base):
    """One named value kept between runs (see storage.app_state and migration 0005)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
