"""Queue items as the services and the UI see them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aniworld_desktop.core.clock import iso_utc
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.status import DownloadStatus


@dataclass(frozen=True, slots=True)
class QueueRequest:
    """One episode someone wants downloaded: what ``DownloadService.add_to_queue()`` takes.

    Attributes:
        episode_id: Row id of the episode in the catalogue.
        key: ``(series_id, season, episode)``, the in-memory de-duplication key.
        url: Where the file comes from (http or https).
        destination: Path relative to the library folder, already sanitised.
        series_title: Shown in the queue table.
        title: Episode title, may be empty.
        expected_size: Bytes, when the source announced it.
    """

    episode_id: int
    key: EpisodeKey
    url: str
    destination: str
    series_title: str = ""
    title: str = ""
    expected_size: int | None = None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One row of the download queue. Immutable: the service publishes a new copy on each change.

    Attributes:
        id: Row id in ``download_queue``.
        episode_id: The episode it downloads.
        key: ``(series_id, season, episode)``.
        series_title, title: For display.
        url: Source URL.
        destination: Relative to the library folder.
        status: See :class:`DownloadStatus`.
        position: Priority; lower goes first.
        bytes_done, bytes_total: Progress; ``bytes_total`` is None until the server says.
        error: Why it failed or is being retried, as a sentence; empty otherwise.
        attempts: Failed attempts so far in this run of retries.
        permanent: Failed in a way retrying the same URL cannot fix (the server said 404 or 410,
            sent something that is not the video); such an episode is not queued again until
            the user retries it or its URL changes. Never set for a full disk or an unwritable
            library, which the next run tries again.
        created_at, finished_at: When it was queued, and when it ended.
        expected_size: Bytes the source announced when it was queued (``bytes_total`` follows
            what the server says).
        etag, last_modified: The server's validators when this item's part file began; None
            until it began, "" when the server sent none.
    """

    id: int
    episode_id: int
    key: EpisodeKey
    series_title: str
    title: str
    url: str
    destination: str
    status: DownloadStatus
    position: int
    bytes_done: int = 0
    bytes_total: int | None = None
    error: str = ""
    attempts: int = 0
    created_at: datetime | None = None
    finished_at: datetime | None = field(default=None)
    permanent: bool = False
    expected_size: int | None = None
    etag: str | None = None
    last_modified: str | None = None

    def with_changes(self, **changes: Any) -> QueueItem:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The stable shape of ``queue --json``; scripts on NAS boxes depend on these keys."""
        return {
            "id": self.id,
            "episode_id": self.episode_id,
            "series": self.series_title,
            "series_id": self.key.series_id,
            "season": self.key.season,
            "episode": self.key.episode,
            "title": self.title,
            "status": self.status.value,
            "position": self.position,
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "error": self.error,
            "url": self.url,
            "destination": self.destination,
            "created_at": iso_utc(self.created_at),
            "finished_at": iso_utc(self.finished_at),
        }
