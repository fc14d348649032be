"""Library > Import: the library's series folders as proposals, matched on TMDB, to follow.

:class:`ImportDialog` is not modal: the window stays usable while it looks through the library
and matches each folder (rate limited; a big library takes minutes), with a progress bar and a
Cancel button. Each row is a folder: its poster when one is in the folder (read off the loop),
TMDB's match and year, the episode files found, how sure the match is, and a sentence when
something is wrong (no match, two folders claiming one TMDB id, TMDB unreachable). The user
ticks the folders to follow, may change a match (the TMDB match dialog) or say there is none,
and Import applies the ticked ones through the library; unticked ones are left out of scans
from then on. Nothing here stores anything itself, and nothing is renamed or deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.models import MatchState
from aniworld_desktop.ui.dialogs import run_dialog
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.tmdb_match_dialog import ID_ROLE, Search, TmdbMatchDialog
from aniworld_desktop.ui.tmdb_match_dialog import Column as ResultColumn

if TYPE_CHECKING:
    from aniworld_desktop.library.importing import ImportProposal, ImportResult
    from aniworld_desktop.library.tmdb_matching import MatchProgress

log = logging.getLogger(__name__)

POSTER_NAMES = ("poster.jpg", "poster.png", "folder.jpg", "cover.jpg")
ICON_WIDTH, ICON_HEIGHT = 32, 48
POSTER_BATCH = 50  # posters read per trip to the worker thread


class Importer(Protocol):
    """The library's import calls (``LibraryService``)."""

    async def propose_import(
        self,
        *,
        match: bool = True,
        include: Sequence[str] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> list[ImportProposal]: ...

    async def apply_import(
        self,
        proposals: Sequence[ImportProposal],
        *,
        skip: Sequence[ImportProposal] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> ImportResult: ...


class Column:
    """Columns of the proposals."""

    FOLDER, MATCH, YEAR, EPISODES, CONFIDENCE, NOTE = range(6)


def read_posters(root: Path, folders: Sequence[str]) -> dict[str, QImage]:
    """The small poster of each folder that has one (a worker thread calls this)."""
    found: dict[str, QImage] = {}
    for folder in folders:
        for name in POSTER_NAMES:
            path = root / folder / name
            if path.is_file():
                image = QImage(str(path))
                if not image.isNull():
                    found[folder] = image.scaled(
                        ICON_WIDTH,
                        ICON_HEIGHT,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                break
    return found


class ImportDialog(QDialog):
    """The proposals and their import (see the module's docstring).

    Attributes:
        proposals: The proposals shown, in row order (edited matches included).
        table: One row per proposal; the Folder column's check box says whether to import it.
        status: What is happening or what happened, as a sentence.
        progress: How far the matching or the import is.
        import_button, cancel_button, match_button, no_match_button, close_button: What they say.

    Signals:
        imported(ImportResult): The ticked proposals were imported.
        busyChanged(bool): Looking or importing started (True) or ended.
    """

    imported = Signal(object)
    busyChanged = Signal(bool)

    def __init__(
        self,
        importer: Importer,
        search: Search,
        library_dir: Path,
        parent: QWidget | None = None,
        *,
        include: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import Library"))
        self.setModal(False)
        self.resize(900, 520)
        self._importer, self._search, self._library_dir = importer, search, library_dir
        self._include = tuple(include)
        self._task: asyncio.Task[None] | None = None
        self.proposals: list[ImportProposal] = []

        intro = QLabel(
            self.tr(
                "Each folder of {folder} that is no followed series yet. Tick the ones to follow; "
                "the ones left unticked are left out of scans from now on. Nothing is renamed "
                "or deleted."
            ).format(folder=library_dir),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTreeWidget(self)
        self.table.setObjectName("importTable")
        self.table.setAccessibleName(self.tr("Proposed series"))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setHeaderLabels(
            [
                self.tr("Folder"),
                self.tr("TMDB match"),
                self.tr("Year"),
                self.tr("Episodes"),
                self.tr("Confidence"),
                self.tr("Problem"),
            ]
        )
        self.table.setIconSize(QPixmap(ICON_WIDTH, ICON_HEIGHT).size())
        header = self.table.header()
        header.setStretchLastSection(True)
        header.resizeSection(Column.FOLDER, 220)
        header.resizeSection(Column.MATCH, 180)
        for column in (Column.YEAR, Column.EPISODES, Column.CONFIDENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentItemChanged.connect(self._current_changed)
        self.table.itemChanged.connect(self._ticks_changed)

        self.status = QLabel(self)
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.match_button = QPushButton(self.tr("Change &Match…"), self)
        self.match_button.clicked.connect(self.change_match_interactively)
        self.no_match_button = QPushButton(self.tr("&No Match"), self)
        self.no_match_button.setToolTip(self.tr("Follow the folder without a TMDB match"))
        self.no_match_button.clicked.connect(self.clear_match)
        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.close)

        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.match_button)
        buttons.addWidget(self.no_match_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.table, 1)
        box.addWidget(self.status)
        box.addLayout(progress_row)
        box.addLayout(buttons)
        self._set_busy(False)

    # ----------------------------------------------------------------- running

    @property
    def busy(self) -> bool:
        """Looking through the library or importing, until the dialog has taken the end in
        (its buttons follow then): a task that is done but not yet seen still counts."""
        return self._task is not None

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._task = task
        self._set_busy(True)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        if task is not self._task:
            return
        self._task = None
        self._set_busy(False)
        if task.cancelled():
            self.status.setText(self.tr("Cancelled."))
            return
        exc = task.exception()
        if isinstance(exc, AniworldError):
            self.status.setText(service_text(str(exc)))
        elif exc is not None:
            self.status.setText(self.tr("Something went wrong; the activity log says what."))
            log.error("import failed", exc_info=exc)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.table.setEnabled(not busy)
        self.import_button.setEnabled(not busy and bool(self.ticked()))
        self._current_changed()
        self.busyChanged.emit(busy)

    def cancel(self) -> None:
        """Stop looking or importing (what was imported stays imported)."""
        if self._task is not None:
            self._task.cancel()

    def _on_progress(self, progress: MatchProgress) -> None:
        self.progress.setRange(0, max(progress.total, 1))
        self.progress.setValue(progress.done)
        what = (
            self.tr("Bringing the episodes of {folder}")
            if progress.stage == "episodes"
            else self.tr("Matching {folder}")
        )
        self.status.setText(
            self.tr("{what} ({done} of {total})").format(
                what=what.format(folder=progress.folder), done=progress.done, total=progress.total
            )
        )

    # ----------------------------------------------------------------- proposals

    def start(self) -> None:
        """Look through the library and match its folders (the dialog calls this when shown)."""
        if self.busy:
            return
        self.status.setText(self.tr("Looking through {folder}…").format(folder=self._library_dir))
        self.progress.setRange(0, 0)  # busy until the first match reports
        self._run(self._propose())

    async def _propose(self) -> None:
        proposals = await self._importer.propose_import(
            include=self._include, on_progress=self._on_progress
        )
        self.show_proposals(proposals)
        await self._load_posters([p.folder for p in proposals])

    def show_proposals(self, proposals: Sequence[ImportProposal]) -> None:
        """Fill the table with ``proposals``, every one ticked."""
        self.proposals = list(proposals)
        self.table.blockSignals(True)
        try:
            self.table.clear()
            for proposal in self.proposals:
                item = QTreeWidgetItem(self.table)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Column.FOLDER, Qt.CheckState.Checked)
                self._fill_row(item, proposal)
        finally:
            self.table.blockSignals(False)
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        problems = sum(1 for p in self.proposals if self.problem(p))
        if not self.proposals:
            self.status.setText(self.tr("Every folder of the library is followed already."))
        else:
            self.status.setText(
                self.tr("%n folder(s) to import", "", len(self.proposals))
                + (self.tr("; %n need(s) a look.", "", problems) if problems else ".")
            )
        self.import_button.setEnabled(not self.busy and bool(self.ticked()))

    def problem(self, proposal: ImportProposal) -> str:
        """The sentence for a proposal's row, in the window's language ("" when all is well)."""
        if proposal.note:
            return service_text(proposal.note)
        if proposal.state is MatchState.UNMATCHED:
            return self.tr("No TMDB match: it is followed with what is on disk.")
        if proposal.state is MatchState.NEEDS_REVIEW:
            return self.tr("Not sure of this match: check it, or change it.")
        return ""

    def _fill_row(self, item: QTreeWidgetItem, proposal: ImportProposal) -> None:
        match = proposal.match
        item.setText(Column.FOLDER, proposal.folder)
        item.setText(Column.MATCH, (match.name or f"TMDB {match.id}") if match else "—")
        if match is not None:
            item.setToolTip(Column.MATCH, match.url)
        year = (match.year if match else None) or proposal.year
        item.setText(Column.YEAR, str(year) if year else "")
        item.setText(Column.EPISODES, str(proposal.recognised))
        item.setToolTip(
            Column.EPISODES,
            self.tr("{recognised} of %n video file(s) name their episode", "", proposal.video_files)
            .format(recognised=proposal.recognised),
        )  # fmt: skip
        confidence = proposal.confidence
        item.setText(
            Column.CONFIDENCE, f"{confidence:.0%}" if confidence is not None and match else ""
        )
        problem = self.problem(proposal)
        item.setText(Column.NOTE, problem)
        item.setToolTip(Column.NOTE, problem)

    async def _load_posters(self, folders: list[str]) -> None:
        rows = {folder: row for row, folder in enumerate(folders)}
        for start in range(0, len(folders), POSTER_BATCH):
            batch = folders[start : start + POSTER_BATCH]
            found = await asyncio.to_thread(read_posters, self._library_dir, batch)
            for folder, image in found.items():
                item = self.table.topLevelItem(rows[folder])
                if item is not None and item.text(Column.FOLDER) == folder:
                    item.setIcon(Column.FOLDER, QIcon(QPixmap.fromImage(image)))

    def ticked(self) -> list[ImportProposal]:
        """The proposals whose rows are ticked."""
        return [
            proposal
            for row, proposal in enumerate(self.proposals)
            if (item := self.table.topLevelItem(row)) is not None
            and item.checkState(Column.FOLDER) == Qt.CheckState.Checked
        ]

    def set_ticked(self, row: int, ticked: bool) -> None:
        """Tick or untick the proposal at ``row``."""
        item = self.table.topLevelItem(row)
        if item is not None:
            state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
            item.setCheckState(Column.FOLDER, state)

    def _ticks_changed(self, *_: object) -> None:
        self.import_button.setEnabled(not self.busy and bool(self.ticked()))

    def _current_changed(self, *_: object) -> None:
        chosen = not self.busy and self.table.currentItem() is not None
        self.match_button.setEnabled(chosen)
        self.no_match_button.setEnabled(chosen)

    def replace_proposal(self, row: int, proposal: ImportProposal) -> None:
        """Show ``proposal`` (an edited match) at ``row``."""
        self.proposals[row] = proposal
        item = self.table.topLevelItem(row)
        if item is not None:
            self.table.blockSignals(True)
            try:
                self._fill_row(item, proposal)
            finally:
                self.table.blockSignals(False)

    def current_row(self) -> int:
        """The row of the current proposal, -1 for none."""
        item = self.table.currentItem()
        return -1 if item is None else self.table.indexOfTopLevelItem(item)

    def clear_match(self) -> None:
        """The current folder has no TMDB match (TMDB's guess was wrong)."""
        row = self.current_row()
        if row >= 0:
            self.replace_proposal(
                row, self.proposals[row].unmatched(self.tr("No TMDB match, as you chose."))
            )

    def change_match_interactively(self) -> None:
        """Search TMDB for the current folder's series and take the one chosen."""
        row = self.current_row()
        if row >= 0 and not self.busy:
            self._run(self._change_match(row))

    async def _change_match(self, row: int) -> None:
        proposal = self.proposals[row]
        current = proposal.match.id if proposal.match else None
        dialog = TmdbMatchDialog(self._search, proposal.title, proposal.year, current, self)
        try:
            accepted = await run_dialog(dialog) == TmdbMatchDialog.DialogCode.Accepted
            tmdb_id = dialog.chosen_id()
            chosen = dialog.results.currentItem()
            name, year = "", None
            if chosen is not None and chosen.data(ResultColumn.TITLE, ID_ROLE) == tmdb_id:
                name = chosen.text(ResultColumn.TITLE)
                year_text = chosen.text(ResultColumn.YEAR)
                year = int(year_text) if year_text.isdigit() else None
        finally:
            dialog.deleteLater()
        if accepted and tmdb_id is not None:
            # Loaded with the services; importing it here keeps the window's start-up light.
            from aniworld_desktop.library.tmdb_matching import TMDBMatch

            self.replace_proposal(row, proposal.matched_by_hand(TMDBMatch(tmdb_id, name, year)))

    # ----------------------------------------------------------------- importing

    def start_import(self) -> None:
        """Follow the ticked folders with their matches; the others are left out."""
        chosen = self.ticked()
        if chosen and not self.busy:
            skipped = [p for p in self.proposals if p not in chosen]
            self.status.setText(self.tr("Importing %n series…", "", len(chosen)))
            self.progress.setRange(0, len(chosen))
            self.progress.setValue(0)
            self._run(self._import(chosen, skipped))

    async def _import(self, chosen: list[ImportProposal], skipped: list[ImportProposal]) -> None:
        result = await self._importer.apply_import(
            chosen, skip=skipped, on_progress=self._on_progress
        )
        matched = result.count(MatchState.MATCHED, MatchState.MANUAL, MatchState.FROM_NFO)
        review = result.count(MatchState.NEEDS_REVIEW)
        unmatched = result.count(MatchState.UNMATCHED)
        self.status.setText(
            self.tr(
                "Imported %n series: {matched} matched, {review} to review, {unmatched} not "
                "matched.",
                "",
                len(result.series),
            ).format(matched=matched, review=review, unmatched=unmatched)
        )
        done = {p.folder for p in chosen} | {p.folder for p in skipped}
        left = [p for p in self.proposals if p.folder not in done]
        self.table.blockSignals(True)
        try:
            self.table.clear()
        finally:
            self.table.blockSignals(False)
        self.proposals = []
        if left:
            self.show_proposals(left)
        self.imported.emit(result)

    # ----------------------------------------------------------------- closing

    def showEvent(self, event: QShowEvent) -> None:
        """The first showing starts looking through the library."""
        super().showEvent(event)
        if not self.proposals and self._task is None and not self.status.text():
            self.start()

    async def aclose(self) -> None:
        """Close, and wait until what ran has stopped (the window, before the services stop)."""
        task = self._task
        self.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing stops what runs (what was imported stays); the dialog hears no more of it,
        as it may be deleted before the task has ended."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        super().closeEvent(event)
