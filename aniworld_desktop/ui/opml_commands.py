"""File > Import/Export Subscriptions (OPML): moving subscriptions from and to podcast programs.

:class:`SubscriptionCommands` asks for a file (a file dialog, opened with ``open()`` and
awaited, never ``exec()``), then reads or writes it with :mod:`aniworld_desktop.library.opml`
in a task of the window's :class:`~aniworld_desktop.ui.tasks.TaskRunner`. An import follows
each feed through the library's normal add path with the long action's progress and Cancel in
the status bar, and lists every feed it could not follow with the reason.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QDialog, QFileDialog

from aniworld_desktop.durable import write_atomic
from aniworld_desktop.library.opml import (
    exportable_feeds,
    follow_feeds,
    read_opml_file,
    write_opml,
)
from aniworld_desktop.ui.dialogs import confirm, run_dialog
from aniworld_desktop.ui.translation import PlainTr

if TYPE_CHECKING:
    from aniworld_desktop.library.service import LibraryService
    from aniworld_desktop.ui.tasks import TaskRunner
    from aniworld_desktop.ui.window_commands import Feedback, SeriesChoice

EXPORT_NAME = "aniworld-desktop-subscriptions.opml"
SHOWN_REFUSALS = 10  # in the box; the rest are counted


class SubscriptionCommands(PlainTr):
    """Import and export of the followed feeds as OPML."""

    def __init__(
        self,
        library: LibraryService,
        tasks: TaskRunner,
        feedback: Feedback,
        *,
        series: SeriesChoice,
    ) -> None:
        self._library, self._tasks, self._feedback, self._series = library, tasks, feedback, series
        self.folder = Path(QDir.homePath())  # where the file dialogs open; follows the user

    def _filters(self) -> str:
        return ";;".join((self.tr("OPML files (*.opml *.xml)"), self.tr("All files (*)")))

    # ----------------------------------------------------------------- import

    def import_opml(self) -> None:
        """Ask for an OPML file, then follow its feeds."""
        self._tasks.run(self._import(), what=self.tr("Import subscriptions"))

    async def _import(self) -> None:
        path = await self._choose(
            self.tr("Import Subscriptions (OPML)"), QFileDialog.AcceptMode.AcceptOpen
        )
        if path is None:
            return
        reading = await asyncio.to_thread(read_opml_file, path)  # OpmlError: its sentence
        what = self.tr("Importing subscriptions")
        try:
            async with self._feedback.progress.track(what, total=len(reading.feeds)) as progress:
                result = await follow_feeds(self._library, reading, on_feed=progress.next)
        finally:
            self._series.reload()
        summary = self.tr("Following %n new series", "", len(result.followed))
        if result.already:
            summary = self.tr("{summary}; %n followed already", "", len(result.already)).format(
                summary=summary
            )
        if not result.refused:
            self._feedback.message(summary + ".")
            return
        listed = "\n".join(result.refused[:SHOWN_REFUSALS])
        rest = len(result.refused) - SHOWN_REFUSALS
        if rest > 0:
            listed += "\n" + self.tr("… and %n more.", "", rest)
        refused = self.tr("%n feed(s) could not be followed:", "", len(result.refused))
        self._feedback.show_error(
            self.tr("Import subscriptions"), f"{summary}. {refused}\n\n{listed}"
        )

    # ----------------------------------------------------------------- export

    def export_opml(self) -> None:
        """Ask where, then save the followed feeds as an OPML file."""
        self._tasks.run(self._export(), what=self.tr("Export subscriptions"))

    async def _export(self) -> None:
        path = await self._choose(
            self.tr("Export Subscriptions (OPML)"), QFileDialog.AcceptMode.AcceptSave
        )
        if path is None:
            return
        if path.exists() and not await confirm(
            self._feedback.dialog_parent(),
            self.tr("Export subscriptions"),
            self.tr("{name} exists already. Replace it?").format(name=path.name),
            self.tr("Replace"),
            object_name="confirmReplace",
        ):
            return
        feeds = exportable_feeds(await self._library.list_series())
        await asyncio.to_thread(write_atomic, path, write_opml(feeds))  # UnwritableError: said
        self._feedback.message(
            self.tr("Saved %n feed(s) to {path}.", "", len(feeds)).format(path=path)
        )

    # ----------------------------------------------------------------- the file dialog

    async def _choose(self, title: str, mode: QFileDialog.AcceptMode) -> Path | None:
        """A file the user chose in a file dialog, or None when they cancelled."""
        saving = mode is QFileDialog.AcceptMode.AcceptSave
        dialog = QFileDialog(self._feedback.dialog_parent(), title, str(self.folder))
        dialog.setObjectName("opmlExportDialog" if saving else "opmlImportDialog")
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(self._filters())
        if saving:
            dialog.setDefaultSuffix("opml")
            dialog.selectFile(EXPORT_NAME)
            # We ask ourselves, without blocking: Qt's own question is a nested event loop.
            dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        try:
            accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
            chosen = dialog.selectedFiles()
        finally:
            dialog.deleteLater()
        if not accepted or not chosen:
            return None
        path = Path(chosen[0])
        self.folder = path.parent
        return path
