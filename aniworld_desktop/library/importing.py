"""Bringing a library in: its folders as proposals (with TMDB's match for each), then followed.

:meth:`Importer.propose` reads the library (the scanner's walk, no network) and lists each
folder with videos that no series holds yet, and each series without a source whose match is
not confirmed; with a TMDB token it then matches each (rate limited, ``concurrency`` at a time,
reporting progress). It stores nothing, so the window can show the proposals, let the user
change a match or leave a folder out, and cancel. :meth:`Importer.apply` follows the chosen
folders with their matches, brings each confirmed match's seasons and episodes from TMDB, and
scans. Neither renames, moves nor deletes a file. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from aniworld_desktop.core.gcpause import collector_paused, release
from aniworld_desktop.core.models import MatchState, SeriesRecord
from aniworld_desktop.library.folders import parse_series_folder
from aniworld_desktop.library.scanner import ScannedFile, ScanResult
from aniworld_desktop.library.tmdb_matching import (
    MatchOutcome,
    MatchProgress,
    SeriesMatcher,
    TMDBMatch,
    claim_conflicts,
)
from aniworld_desktop.storage.catalog import CatalogRepository, NewLocalSeries

__all__ = ["ImportProposal", "ImportResult", "Importer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportProposal:
    """A folder of the library as a series to follow, with what was found in it.

    Attributes:
        folder: The folder's name (under the library root).
        title: Its title (TMDB's name once matched, else from the folder's name).
        year: Its year, if known.
        video_files: Video files in it.
        recognised: Those whose names say which episode they are.
        series_id: The series that holds it already (one without a source, not matched yet),
            or None for a folder nobody follows.
        match: TMDB's series for it (a proposal while ``state`` is ``needs_review``), or None.
        confidence: How sure the match is (0..1); 1.0 for an id from an NFO, the folder's
            name or the user.
        state: How the match was made.
        note: The sentence for its row ("TMDB knows no series 'X'.", "Also claimed by...").
    """

    folder: str
    title: str
    year: int | None
    video_files: int
    recognised: int
    series_id: int | None = None
    match: TMDBMatch | None = None
    confidence: float | None = None
    state: MatchState = MatchState.UNMATCHED
    note: str = ""

    def matched_by_hand(self, match: TMDBMatch) -> ImportProposal:
        """This proposal with the user's choice of match (the match dialog's answer)."""
        return replace(self, match=match, confidence=1.0, state=MatchState.MANUAL, note="")

    def unmatched(self, note: str = "") -> ImportProposal:
        """This proposal without a match (the user said TMDB's guess is wrong)."""
        return replace(self, match=None, confidence=None, state=MatchState.UNMATCHED, note=note)

    @property
    def outcome(self) -> MatchOutcome:
        return MatchOutcome(self.state, self.match, self.confidence, self.note)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: each series with how its match ended, and the folders left out."""

    series: tuple[tuple[SeriesRecord, MatchOutcome], ...]
    skipped: tuple[str, ...] = ()

    def count(self, *states: MatchState) -> int:
        return sum(1 for _, outcome in self.series if outcome.state in states)


class Importer:
    """Import proposals and their application (see the module's docstring).

    Attributes:
        matcher: Finds matches and brings catalogues from TMDB.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        matcher: SeriesMatcher,
        *,
        walk: Callable[[], Awaitable[ScanResult]],
        scan: Callable[[], Awaitable[object]],
    ) -> None:
        """Args:
        catalog: Series and episodes.
        matcher: Matching and TMDB catalogues.
        walk: The library's files, recording nothing (raises LibraryUnavailableError).
        scan: The library's scan, which records the files of the series followed.
        """
        self._catalog = catalog
        self.matcher = matcher
        self._walk = walk
        self._scan = scan

    async def propose(
        self,
        *,
        match: bool = True,
        include: Sequence[str] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> list[ImportProposal]:
        """Folders to follow or to match, by folder name; stores nothing.

        Folders whose series were removed (their files kept) are left out, unless named in
        ``include``.

        Raises:
            LibraryUnavailableError: The library folder cannot be read.
        """
        with collector_paused():  # 100,000 files: see LibraryService.scan
            result = await self._walk()
            counts = await asyncio.to_thread(_count_by_folder, result.files)
            await asyncio.to_thread(release, result.files)
        all_series = await self._catalog.list_series()
        held = {s.folder.casefold(): s for s in all_series}
        ignored = {f.casefold() for f in await self._catalog.ignored_folders()}
        ignored -= {f.rstrip("/").casefold() for f in include}
        # 2,000 folders' names read and proposals made held the window's loop for 50 ms.
        proposals = await asyncio.to_thread(_proposals, counts, held, ignored)
        if not match:
            return proposals
        wanted = [
            (p.folder, p.title, p.year, parse_series_folder(p.folder).tmdb_id)
            for p in proposals
            if p.state is MatchState.UNMATCHED
        ]
        outcomes = await self.matcher.find_many(wanted, on_progress=on_progress)
        proposals = [_with(p, outcomes[p.folder]) if p.folder in outcomes else p for p in proposals]
        claimed = [(p.folder, p.match.id) for p in proposals if p.match is not None]
        conflicts = claim_conflicts(
            claimed,
            [(s.folder, s.tmdb_id) for s in all_series if s.confirmed_tmdb_id is not None
             and s.tmdb_id is not None],
        )  # fmt: skip
        return [
            replace(p, state=MatchState.NEEDS_REVIEW, note=conflicts[p.folder])
            if p.folder in conflicts and p.state is not MatchState.MANUAL
            else p
            for p in proposals
        ]

    async def apply(
        self,
        proposals: Sequence[ImportProposal],
        *,
        skip: Sequence[ImportProposal] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> ImportResult:
        """Follow and match the proposals (see the module's docstring), then scan.

        A proposal whose folder a series holds meanwhile is matched as that series. The
        folders of ``skip`` are left alone by scans from now on (the user said they are no
        series); importing one of them later follows it again.
        """
        await self._catalog.set_folders_ignored([p.folder for p in skip])
        await self._catalog.set_folders_ignored([p.folder for p in proposals], ignored=False)
        new = [NewLocalSeries(p.title, p.folder, p.year) for p in proposals if p.series_id is None]
        await self._catalog.add_local_series(new)
        by_folder = {s.folder.casefold(): s for s in await self._catalog.list_series()}
        chosen: list[tuple[SeriesRecord, MatchOutcome]] = []
        for proposal in proposals:
            series = by_folder.get(proposal.folder.casefold())
            if series is not None:
                chosen.append((series, proposal.outcome))
        proposed = {p.folder.casefold() for p in proposals}
        held = [
            (s.folder, s.tmdb_id)
            for s in by_folder.values()
            if s.confirmed_tmdb_id is not None and s.folder.casefold() not in proposed
        ]
        results = await self.matcher.apply(chosen, held, on_progress)
        await self._scan()
        log.info(
            "imported %d folder(s): %d matched, %d to review, %d not matched",
            len(results),
            sum(1 for _, o in results if o.state.is_confirmed()),
            sum(1 for _, o in results if o.state is MatchState.NEEDS_REVIEW),
            sum(1 for _, o in results if o.state is MatchState.UNMATCHED),
        )
        return ImportResult(tuple(results), tuple(p.folder for p in skip))


def _proposals(
    counts: dict[str, tuple[str, int, int]],
    held: dict[str, SeriesRecord],
    ignored: set[str],
) -> list[ImportProposal]:
    """The folders to propose, sorted by name (worker thread: pure, 2,000 folders long)."""
    proposals: list[ImportProposal] = []
    for key, (folder, videos, recognised) in counts.items():
        if key in ignored:
            continue
        series = held.get(key)
        if series is None:
            name = parse_series_folder(folder)
            proposals.append(ImportProposal(folder, name.title, name.year, videos, recognised))
        elif series.is_local and not series.match_state.is_confirmed():
            proposal = ImportProposal(
                series.folder,
                series.title,
                series.year,
                videos,
                recognised,
                series_id=series.id,
                state=series.match_state,
                note=series.match_note,
                confidence=series.tmdb_confidence,
                match=TMDBMatch(series.tmdb_id) if series.tmdb_id is not None else None,
            )
            proposals.append(proposal)
    proposals.sort(key=lambda p: p.folder.casefold())
    return proposals


def _count_by_folder(files: Sequence[ScannedFile]) -> dict[str, tuple[str, int, int]]:
    """Per series folder (by its name in any case): its name, its videos, and how many of
    those say which episode they are (worker thread: 100,000 files long)."""
    counts: dict[str, tuple[str, int, int]] = {}
    for file in files:
        folder = file.series_folder
        if not folder:
            continue
        key = folder.casefold()
        name, videos, recognised = counts.get(key, (folder, 0, 0))
        counts[key] = (name, videos + 1, recognised + (file.parsed is not None))
    return counts


def _with(proposal: ImportProposal, outcome: MatchOutcome) -> ImportProposal:
    title, year = proposal.title, proposal.year
    if outcome.match is not None and outcome.state.is_confirmed():
        title = outcome.match.name or title
        year = outcome.match.year or year
    return replace(
        proposal,
        title=title,
        year=year,
        match=outcome.match,
        confidence=outcome.confidence,
        state=outcome.state,
        note=outcome.note,
    )
