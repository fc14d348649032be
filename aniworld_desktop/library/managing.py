"""Managing followed series: what is monitored, removing a series, and its details.

:class:`SeriesManager` changes which episodes of a series are wanted (the whole series, a
monitoring mode, single episodes), unfollows a series (its folder kept, or moved to the trash,
only ever inside the library), and gathers what the details pane shows from the artwork already
on disk. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aniworld_desktop.core.events import EventBus, SeriesChanged, SeriesRemoved
from aniworld_desktop.core.models import (
    EpisodeRecord,
    Monitoring,
    SeriesCounts,
    SeriesDetails,
    SeriesRecord,
)
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.storage.catalog import CatalogRepository

__all__ = ["RemoveResult", "SeriesManager"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """What removing a series did.

    Attributes:
        series: The series, as it was.
        cancelled: Queue entries removed with it (active ones cancelled, part files deleted).
        files: What became of its folder: ``kept``, ``trashed``, ``deleted``, ``missing``
            (there was none) or ``failed``.
        message: All of it in a sentence.
    """

    series: SeriesRecord
    cancelled: int
    files: str
    message: str


class SeriesManager:
    """Monitoring choices, removal and details of the followed series.

    Attributes:
        library_dir: The library root; a removed series' folder is only touched inside it.

    Events:
        SeriesChanged: When what is monitored of a series changed.
        SeriesRemoved: When a series was removed, with what became of its files.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        downloads: DownloadService,
        *,
        library_dir: Path,
        bus: EventBus | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._catalog = catalog
        self._downloads = downloads
        self.library_dir = library_dir
        self._bus = bus
        self._today = today

    async def set_monitored(self, series: SeriesRecord, monitored: bool) -> None:
        """Monitored series have their missing episodes downloaded automatically."""
        await self._catalog.update_series(series.id, monitored=monitored)
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))

    async def set_monitoring(self, series: SeriesRecord, monitoring: Monitoring) -> int:
        """Choose which episodes of a series are wanted, and apply it to its catalogue now
        (per-episode choices made before are replaced). Returns how many flags changed."""
        today = self._today()
        episodes = await self._catalog.episodes(series.id)
        flags = [
            (e.id, wanted)
            for e in episodes
            if (wanted := monitoring.wants(
                e.season, e.air_date, today, existing=True, has_source=e.has_source
            )) != e.monitored
        ]  # fmt: skip
        await self._catalog.update_series(series.id, monitoring=monitoring)
        await self._catalog.set_monitored(flags)
        log.info("%s: monitor %s (%d episode(s) changed)", series.title, monitoring, len(flags))
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return len(flags)

    async def set_episodes_monitored(self, episode_ids: Sequence[int], monitored: bool) -> None:
        """Tick or untick episodes (a season's: all of its episodes' ids)."""
        episodes = await self._catalog.episodes_by_id(episode_ids)
        await self._catalog.set_monitored([(e.id, monitored) for e in episodes])
        if self._bus is not None:
            for series_id in sorted({e.series_id for e in episodes}):
                self._bus.publish(SeriesChanged(series_id))

    async def remove(self, series: SeriesRecord, *, delete_files: bool = False) -> RemoveResult:
        """Unfollow a series: its record, catalogue and queue entries go (active downloads
        cancelled first, their part files deleted); its files stay, and scans leave its folder
        alone from now on. With ``delete_files`` its folder goes to the trash where the
        system has one (else it is deleted), only ever inside the library folder.

        Events:
            SeriesRemoved: With what became of the files.
        """
        ids = [i.id for i in self._downloads.items() if i.key.series_id == series.id]
        cancelled = await self._downloads.remove(ids)
        await self._catalog.delete_series(series.id)
        await self._downloads.recount_earlier()  # its finished rows not loaded went too
        folder = self.library_dir / series.folder
        if delete_files:
            files, message = await asyncio.to_thread(_discard_folder, self.library_dir, folder)
        else:
            await self._catalog.set_folders_ignored([series.folder])
            files, message = "kept", f"its files in {folder} were kept"
        sentence = f"{series.title} is no longer followed; {message}."
        if cancelled:
            sentence += f" {len(cancelled)} queue entr{'y was' if len(cancelled) == 1 else 'ies were'} removed."
        log.info("%s", sentence)
        if self._bus is not None:
            self._bus.publish(SeriesRemoved(series.id, series.title, sentence))
        return RemoveResult(series, len(cancelled), files, sentence)

    async def details(self, series: SeriesRecord) -> SeriesDetails:
        """The series with its counts and the artwork already in its folder (nothing is
        fetched): what the window's details pane shows."""
        counts = (await self._catalog.counts(self._today())).get(series.id, SeriesCounts())
        episodes = await self._catalog.episodes(series.id)
        pictures, thumbnails = await asyncio.to_thread(
            _artwork, self.library_dir, series.folder, episodes
        )
        tmdb = series.confirmed_tmdb_id
        return SeriesDetails(
            series,
            counts,
            thumbnails=thumbnails,
            tmdb_url=f"https://www.themoviedb.org/tv/{tmdb}" if tmdb is not None else "",
            **pictures,
        )


# Artwork a media server or we keep in a series folder, in the order looked for.
_ARTWORK = {
    "poster": ("poster.jpg", "poster.png", "folder.jpg", "cover.jpg"),
    "fanart": ("fanart.jpg", "fanart.png", "backdrop.jpg", "background.jpg"),
    "banner": ("banner.jpg", "banner.png"),
    "logo": ("logo.png", "clearlogo.png"),
}


def _artwork(
    root: Path, folder: str, episodes: Sequence[EpisodeRecord]
) -> tuple[dict[str, Path | None], dict[int, Path]]:
    """The series' pictures and its episodes' thumbnails that exist on disk (worker thread)."""
    base = root / folder
    pictures: dict[str, Path | None] = {}
    for kind, names in _ARTWORK.items():
        pictures[kind] = next((base / n for n in names if (base / n).is_file()), None)
    thumbnails = {}
    for episode in episodes:
        if episode.file_path:
            video = root / episode.file_path
            thumb = video.with_name(f"{video.stem}-thumb.jpg")
            if thumb.is_file():
                thumbnails[episode.id] = thumb
    return pictures, thumbnails


def _send_to_trash(path: Path) -> None:
    """The desktop's trash (freedesktop, Recycle Bin, macOS Trash); raises OSError without one."""
    from send2trash import send2trash
    from send2trash.exceptions import TrashPermissionError

    try:
        send2trash(str(path))
    except TrashPermissionError as exc:  # no trash on that volume that we may write
        raise OSError(str(exc)) from None


def _discard_folder(root: Path, folder: Path) -> tuple[str, str]:
    """Move a series folder to the trash, or delete it where there is none (worker thread).

    Only a folder strictly inside the library root, reached without a symbolic link, is
    touched. Returns what was done (``trashed``, ``deleted``, ``missing``, ``failed``) and a
    clause saying it.
    """
    try:
        real_root = root.resolve(strict=True)
    except OSError:
        return "failed", f"the library folder {root} is not there, so nothing was deleted"
    if folder.is_symlink():
        return "failed", f"{folder} is a link, so it was left as it is"
    if not folder.exists():
        return "missing", f"it had no folder in the library ({folder})"
    real = folder.resolve()
    if real == real_root or not real.is_relative_to(real_root) or not real.is_dir():
        return "failed", f"{folder} is not a folder inside the library, so it was left as it is"
    try:
        _send_to_trash(real)
        return "trashed", f"its folder {folder} was moved to the trash"
    except OSError as exc:
        log.info("no trash for %s (%s); deleting it", folder, exc)
    try:
        shutil.rmtree(real)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return "failed", f"its folder {folder} could not be deleted ({reason})"
    return "deleted", f"its folder {folder} was deleted (there is no trash here)"
