"""Managing followed series from the window: remove, change the source, choose the monitor mode,
and the quality of a series of the public broadcasters' film list.

:class:`SeriesCommands` is a plain object like
:class:`~aniworld_desktop.ui.window_commands.WindowCommands`: it reads the chosen series from
the library pane, asks what it must ask (without a nested event loop: every dialog is opened
with ``open()`` and awaited) and runs the library's calls as tasks of the window's
:class:`~aniworld_desktop.ui.tasks.TaskRunner`.

Removing asks first, and keeps the files unless the user picks "Remove and Delete Files", which
asks a second time naming the folder: deleting is never one click away.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.models import Monitoring, MonitorMode
from aniworld_desktop.ui.actions import ActionName
from aniworld_desktop.ui.dialogs import confirm, run_dialog, url_problem
from aniworld_desktop.ui.import_dialog import ImportDialog, Importer
from aniworld_desktop.ui.mediathek_texts import quality_text
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.translation import PlainTr

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from aniworld_desktop.core.models import EpisodeState, SeriesRecord
    from aniworld_desktop.library.following import AddUrlResult
    from aniworld_desktop.ui.tasks import TaskRunner
    from aniworld_desktop.ui.tmdb_match_dialog import Search
    from aniworld_desktop.ui.window_commands import Feedback, SeriesChoice

A = ActionName


class RemoveChoice(Enum):
    """What the user chose in the remove question."""

    CANCEL = "cancel"
    KEEP_FILES = "keep"
    DELETE_FILES = "delete"


class Removed(Protocol):
    """What removing a series answers (``RemoveResult``): the sentence of what became of it."""

    @property
    def message(self) -> str: ...


class SeriesManager(Protocol):
    """The library's calls these commands make (``LibraryService``)."""

    async def remove(self, series: SeriesRecord, *, delete_files: bool = False) -> Removed: ...

    async def set_source(
        self, series: SeriesRecord, url: str, provider_name: str | None = None
    ) -> AddUrlResult: ...

    async def set_monitoring(self, series: SeriesRecord, monitoring: Monitoring) -> int: ...

    async def episode_states(self, series: SeriesRecord) -> list[EpisodeState]: ...


def follows_film_list(series: SeriesRecord) -> bool:
    """The series follows a programme of the public broadcasters' film list."""
    return series.provider == "mediathek" and (series.source_url or "").startswith("mediathek:")


def latest_season(states: Sequence[EpisodeState]) -> int:
    """The highest numbered season (specials left out), 1 when there is none."""
    return max((s.episode.season for s in states if s.episode.season > 0), default=1)


class Library(SeriesManager, Importer, Protocol):
    """Everything these commands ask of the library."""


class SeriesCommands(PlainTr):
    """Remove, Change Source, Quality, the Monitor submenu and Library > Import.

    Attributes:
        import_dialog: The import view while it is open (one at a time), else None.
    """

    def __init__(
        self,
        library: Library,
        tasks: TaskRunner,
        feedback: Feedback,
        *,
        series: SeriesChoice,
        library_dir: Callable[[], Path],
        search: Search,
        default_quality: Callable[[], str] = lambda: "",
    ) -> None:
        self._library, self._tasks, self._feedback = library, tasks, feedback
        self._series = series
        self._library_dir = library_dir
        self._search = search
        self._default_quality = default_quality
        self.import_dialog: ImportDialog | None = None

    def slots(self) -> dict[ActionName, Callable[[], object]]:
        """The commands that actions trigger, by action."""
        return {
            A.IMPORT_LIBRARY: self.open_import,
            A.REMOVE_SERIES: self.remove_interactively,
            A.CHANGE_SOURCE: self.change_source_interactively,
            A.SERIES_QUALITY: self.choose_quality_interactively,
            A.MONITOR_NEW: partial(self.set_monitoring, MonitorMode.NEW),
            A.MONITOR_SEASON: partial(self.set_monitoring, MonitorMode.SEASON),
            A.MONITOR_ALL: partial(self.set_monitoring, MonitorMode.ALL),
            A.MONITOR_NONE: partial(self.set_monitoring, MonitorMode.NONE),
        }

    # ----------------------------------------------------------------- import

    def open_import(self, include: Sequence[str] = ()) -> ImportDialog:
        """Show the import view (it starts looking through the library); the open one if any."""
        dialog = self.import_dialog
        if dialog is None:
            dialog = ImportDialog(
                self._library,
                self._search,
                self._library_dir(),
                self._feedback.dialog_parent(),
                include=include if isinstance(include, (list, tuple)) else (),
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.imported.connect(lambda _result: self._series.reload())
            dialog.destroyed.connect(self._import_closed)
            self.import_dialog = dialog
            dialog.show()
        else:  # the open one comes to the front
            dialog.raise_()
            dialog.activateWindow()
        return dialog

    def _import_closed(self, *_: object) -> None:
        self.import_dialog = None

    async def aclose(self) -> None:
        """Close the import view and wait for its work to stop (the window is closing)."""
        if self.import_dialog is not None:
            await self.import_dialog.aclose()

    def offer_import(self, folder: str) -> None:
        """The library is another folder now: offer to look through it for series to import."""
        self._tasks.run(self._offer_import(folder), what=self.tr("Import library"))

    async def _offer_import(self, folder: str) -> None:
        if await confirm(
            self._feedback.dialog_parent(),
            self.tr("Library folder changed"),
            self.tr(
                "The library is {folder} now, without a restart. Look through it for series "
                "folders to import?"
            ).format(folder=folder),
            self.tr("Look for Series"),
            object_name="offerImport",
        ):
            self.open_import()

    # ----------------------------------------------------------------- remove

    def remove_interactively(self) -> None:
        """Ask, then stop following the chosen series (files kept unless chosen otherwise)."""
        chosen = self._series.selected_series()
        if chosen:
            self._tasks.run(self._remove(chosen), what=self.tr("Remove series"))

    async def ask_remove(self, chosen: Sequence[SeriesRecord]) -> RemoveChoice:
        """The first question: remove keeping the files, remove deleting them, or not at all."""
        box = QMessageBox(self._feedback.dialog_parent())
        box.setObjectName("confirmRemoveSeries")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Remove series"))
        if len(chosen) == 1:
            text = self.tr(
                "Stop following {title}?\n\nIts queued downloads are cancelled. Its files stay "
                "in {folder}, and scans leave that folder alone from now on."
            ).format(title=chosen[0].title, folder=self._library_dir() / chosen[0].folder)
        else:
            text = self.tr(
                "Stop following %n series?\n\nTheir queued downloads are cancelled. Their "
                "files stay in the library, and scans leave their folders alone from now on.",
                "",
                len(chosen),
            )
        box.setText(text)
        keep = box.addButton(self.tr("Remove, Keep Files"), QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName("removeKeepFiles")
        delete = box.addButton(
            self.tr("Remove and Delete Files…"), QMessageBox.ButtonRole.DestructiveRole
        )
        delete.setObjectName("removeDeleteFiles")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        try:
            await run_dialog(box)
            clicked = box.clickedButton()
        finally:
            box.deleteLater()
        if clicked is keep:
            return RemoveChoice.KEEP_FILES
        if clicked is delete:
            return RemoveChoice.DELETE_FILES
        return RemoveChoice.CANCEL

    async def _remove(self, chosen: list[SeriesRecord]) -> None:
        choice = await self.ask_remove(chosen)
        if choice is RemoveChoice.CANCEL:
            return
        delete = choice is RemoveChoice.DELETE_FILES
        if delete:
            folders = "\n".join(str(self._library_dir() / s.folder) for s in chosen)
            question = self.tr(
                "Delete these folders and every file in them?\n\n{folders}\n\nThey go to the "
                "trash where the system has one; otherwise they are deleted for good."
            ).format(folders=folders)
            if not await confirm(
                self._feedback.dialog_parent(),
                self.tr("Delete files"),
                question,
                self.tr("Delete Files"),
                object_name="confirmDeleteFiles",
            ):
                return
        sentences = []
        try:
            for series in chosen:
                result = await self._library.remove(series, delete_files=delete)
                sentences.append(service_text(result.message))
        finally:
            self._series.reload()
        self._feedback.message(" ".join(sentences))

    # ----------------------------------------------------------------- source

    def change_source_interactively(self) -> None:
        """Ask for a feed address for the chosen series (attached, or its new address)."""
        chosen = self._series.selected_series()
        if chosen:
            self._tasks.run(self._change_source(chosen[0]), what=self.tr("Change source"))

    async def _change_source(self, series: SeriesRecord) -> None:
        dialog = QInputDialog(self._feedback.dialog_parent())
        dialog.setObjectName("changeSourceDialog")
        dialog.setWindowTitle(self.tr("Change source of {title}").format(title=series.title))
        dialog.setLabelText(
            self.tr("The address of its feed (what is on disk stays; the catalogues merge):")
            if series.is_local
            else self.tr("The new address of its source:")
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(series.source_url or "")
        dialog.resize(560, dialog.sizeHint().height())
        try:
            accepted = await run_dialog(dialog) == QInputDialog.DialogCode.Accepted
            url = dialog.textValue().strip()
        finally:
            dialog.deleteLater()
        if not accepted or url == (series.source_url or ""):
            return
        problem = url_problem(url)
        if problem is not None:
            self._feedback.show_error(self.tr("Change source"), problem)
            return
        self._feedback.message(self.tr("Reading {url}…").format(url=url), 0)
        try:
            result = await self._library.set_source(series, url)
        finally:
            self._series.reload()
        self._feedback.message(
            self.tr("{title} now follows {url} (%n episode(s)).", "", len(result.episodes)).format(
                title=result.series.title, url=result.series.source_url or url
            )
        )

    # ----------------------------------------------------------------- quality

    def choose_quality_interactively(self) -> None:
        """Ask in which quality the chosen series of the film list are downloaded."""
        chosen = [s for s in self._series.selected_series() if follows_film_list(s)]
        if not chosen:
            self._feedback.show_error(
                self.tr("Quality"),
                self.tr(
                    "Only series of the public broadcasters' film list have a quality to "
                    "choose: select one first."
                ),
            )
            return
        self._tasks.run(self._choose_quality(chosen), what=self.tr("Quality"))

    async def _choose_quality(self, chosen: list[SeriesRecord]) -> None:
        # Loaded with the services by now (the window shows before the providers are imported).
        from aniworld_desktop.providers.mediathek.episodes import Quality
        from aniworld_desktop.providers.mediathek.provider import SeriesReference, with_quality

        current = {SeriesReference.parse(s.source_url or "").quality for s in chosen}
        default = self._default_quality()
        choices: list[tuple[Quality | None, str]] = [
            (
                None,
                self.tr("As in the settings ({quality})").format(quality=quality_text(default))
                if default
                else self.tr("As in the settings"),
            )
        ]
        choices += [(quality, quality_text(quality.value)) for quality in Quality]
        dialog = QInputDialog(self._feedback.dialog_parent())
        dialog.setObjectName("seriesQualityDialog")
        dialog.setWindowTitle(
            self.tr("Quality of {title}").format(title=chosen[0].title)
            if len(chosen) == 1
            else self.tr("Quality of %n series", "", len(chosen))
        )
        dialog.setLabelText(self.tr("Download the episodes in:"))
        dialog.setComboBoxItems([text for _, text in choices])
        dialog.setComboBoxEditable(False)
        if len(current) == 1:
            (shown,) = current
            dialog.setTextValue(next(text for quality, text in choices if quality == shown))
        try:
            accepted = await run_dialog(dialog) == QInputDialog.DialogCode.Accepted
            text = dialog.textValue()
        finally:
            dialog.deleteLater()
        if not accepted:
            return
        wanted = next(quality for quality, shown in choices if shown == text)
        read_again = 0
        try:
            for series in chosen:
                url = with_quality(series.source_url or "", wanted)
                if url != series.source_url:
                    # The catalogue is read under the new reference: every episode's file is
                    # chosen again, and those queued from now on download in that quality.
                    result = await self._library.set_source(series, url)
                    read_again += len(result.episodes)
        finally:
            self._series.reload()
        self._feedback.message(
            self.tr(
                "Episodes downloaded in {quality} from now on (%n read again).", "", read_again
            ).format(quality=text)
        )

    # ----------------------------------------------------------------- monitoring

    def set_monitoring(self, mode: MonitorMode) -> None:
        """Choose which episodes of the chosen series are wanted."""
        chosen = self._series.selected_series()
        if chosen:
            self._tasks.run(self._set_monitoring(chosen, mode), what=self.tr("Monitor"))

    async def _set_monitoring(self, chosen: list[SeriesRecord], mode: MonitorMode) -> None:
        changed = 0
        try:
            for series in chosen:
                season = None
                if mode is MonitorMode.SEASON:
                    season = latest_season(await self._library.episode_states(series))
                changed += await self._library.set_monitoring(series, Monitoring(mode, season))
        except (AniworldError, ValueError):
            self._series.reload()
            raise
        self._series.reload()
        self._feedback.message(self.monitor_sentence(mode, changed))

    def monitor_sentence(self, mode: MonitorMode, changed: int) -> str:
        """What a monitor mode now means, with how many episodes changed."""
        texts = {
            MonitorMode.NEW: self.tr("Only new episodes are wanted now"),
            MonitorMode.SEASON: self.tr("The latest season and later ones are wanted now"),
            MonitorMode.ALL: self.tr("Every episode is wanted now"),
            MonitorMode.NONE: self.tr("No episode is wanted now"),
        }
        return self.tr("{mode}; %n episode(s) changed.", "", changed).format(mode=texts[mode])
