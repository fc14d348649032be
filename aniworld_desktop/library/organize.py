"""Bringing a library into shape: the renames that bring a series to the naming convention,
shown before they are done (importing its folders is :mod:`~aniworld_desktop.library.importing`'s).

Nothing here fetches anything; it reads the library folder and the catalogue, and renames only
inside the library, never over a file, never while the series is downloading. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.models import EpisodeRecord, SeriesRecord
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.durable import write_failure_reason
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.storage.catalog import CatalogRepository

__all__ = ["FileMove", "OrganizePlan", "Organizer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileMove:
    """One file to rename, both paths relative to the library root."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class OrganizePlan:
    """What ``organize()`` would do to one series, shown before it is done.

    Attributes:
        series: The series.
        folder: The folder the convention gives it.
        moves: Episode files and their side files (subtitles, NFO, thumbnails) to rename.
        skipped: Files left where they are, each with the reason.
    """

    series: SeriesRecord
    folder: str
    moves: list[FileMove]
    skipped: list[str]


class Organizer:
    """Renames to the naming convention.

    Attributes:
        library_dir: The library root; nothing is renamed outside it.
        naming: The convention files are renamed to.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        downloads: DownloadService,
        *,
        library_dir: Path,
        naming: NamingTemplate,
    ) -> None:
        self._catalog = catalog
        self._downloads = downloads
        self.library_dir = library_dir
        self.naming = naming

    async def plan_organize(self, series: SeriesRecord) -> OrganizePlan:
        """The renames that bring a series to the naming convention. Changes nothing.

        Each episode file moves to its template path; files next to it that share its name
        (``.srt``, ``.nfo``, ``-thumb.jpg``...) move with it. A file holding several episodes, a
        target that already exists, or anything that would leave the library is skipped.
        """
        folder = self.naming.series_folder(series.title, series.year)
        episodes = [e for e in await self._catalog.episodes(series.id) if e.file_path]
        by_file: dict[str, list[EpisodeRecord]] = defaultdict(list)
        for episode in episodes:
            by_file[episode.file_path or ""].append(episode)
        moves: list[FileMove] = []
        skipped: list[str] = []
        root = self.library_dir.resolve()
        targets: set[str] = set()
        for source, held in sorted(by_file.items()):
            if len(held) > 1:
                skipped.append(f"{source}: holds {len(held)} episodes; left as it is")
                continue
            episode = held[0]
            target = self.naming.episode_path(
                series, episode, suffix=Path(source).suffix.lower(), folder=folder
            )
            if target == source:
                continue
            if not (root / target).resolve().is_relative_to(root):
                skipped.append(f"{source}: its new name would leave the library")
                continue
            if (self.library_dir / target).exists() or target in targets:
                skipped.append(f"{source}: {target} already exists")
                continue
            targets.add(target)
            moves.append(FileMove(source, target))
            moves.extend(_side_files(self.library_dir, source, target))
        return OrganizePlan(series, folder, moves, skipped)

    async def organize(self, plan: OrganizePlan) -> int:
        """Carry out a plan from :meth:`plan_organize`; returns the number of files moved.

        Refused while the series has anything in the queue: a download would land under the
        old name. Nothing is overwritten; a file that vanished since the plan is skipped.
        """
        series = plan.series
        if any(
            item.key.series_id == series.id and item.status.is_active()
            for item in self._downloads.items()
        ):
            raise UsageError(
                f"{series.title} has downloads in the queue; organize it when they are done."
            )
        moved = 0
        old_folders: set[Path] = set()
        failure: str | None = None
        for move in plan.moves:
            source, target = self.library_dir / move.source, self.library_dir / move.target
            if not source.exists() or target.exists():
                continue
            try:
                await asyncio.to_thread(_rename, source, target)
            except OSError as exc:
                # Stop at the first refusal (a read-only drive refuses them all); what was
                # moved before it is still recorded below.
                failure = f"Cannot rename {move.source}: {write_failure_reason(exc)}"
                break
            old_folders.add(source.parent)
            moved += 1
        files = {m.source: m.target for m in plan.moves}
        await self._catalog.set_files(
            [
                (e.id, files[e.file_path], e.file_size)
                for e in await self._catalog.episodes(series.id)
                if e.file_path in files and (self.library_dir / files[e.file_path]).exists()
            ]
        )
        if failure is not None:
            log.warning("organizing %s stopped: %s", series.title, failure)
            raise LibraryUnavailableError(
                f"{failure} (in the library folder {self.library_dir}). "
                f"{moved} of {len(plan.moves)} file(s) were renamed before that; the rest "
                "are where they were.",
                self.library_dir,
            )
        await self._catalog.update_series(series.id, folder=plan.folder)
        await asyncio.to_thread(_remove_empty_folders, old_folders, self.library_dir)
        log.info("organized %s: %d file(s) renamed", series.title, moved)
        return moved


def _side_files(root: Path, source: str, target: str) -> list[FileMove]:
    """Subtitles, NFO files and thumbnails named after ``source``, renamed along with it."""
    source_path = root / source
    stem, new_stem = Path(source).stem, Path(target).stem
    moves = []
    try:
        entries = list(os.scandir(source_path.parent))
    except OSError:
        return []
    for entry in entries:
        if entry.name == source_path.name or not entry.name.startswith(stem):
            continue
        rest = entry.name[len(stem) :]
        if rest.startswith((".", "-")) and entry.is_file():
            new_name = new_stem + rest
            moves.append(
                FileMove(
                    f"{Path(source).parent.as_posix()}/{entry.name}",
                    f"{Path(target).parent.as_posix()}/{new_name}",
                )
            )
    return moves


def _rename(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # checked again here: never overwrite
        return
    os.rename(source, target)


def _remove_empty_folders(folders: set[Path], root: Path) -> None:
    """Remove folders left empty by a move, up to (never including) the library root."""
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        current = folder
        while current != root and current.is_relative_to(root):
            try:
                current.rmdir()  # fails, as it should, when anything is left inside
            except OSError:
                break
            current = current.parent
