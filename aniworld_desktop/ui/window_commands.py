"""What the window's commands do: every service call an action, a drop or the tray asks for.

:class:`WindowCommands` is a plain object, as qutebrowser's ``CommandDispatcher`` is: it reads
what is chosen from the panes, runs the work as tasks of the window's
:class:`~aniworld_desktop.ui.tasks.TaskRunner` (whose ``failed`` signal turns an error into a
sentence) and reports through a small :class:`Feedback`, which the window implements: a
message in the status bar, the long actions' progress, an error box, the widget its dialogs
open over. Dialogs are opened with ``open()`` and awaited (``dialogs.run_dialog``); nothing
blocks the loop.

Adding a command: a method here (the public one schedules, a private coroutine does the work)
and its :class:`~aniworld_desktop.ui.actions.ActionName` in :meth:`WindowCommands.slots`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.links import read_links
from aniworld_desktop.core.models import EpisodeKind, Monitoring
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.actions import ActionName, shortcut_text
from aniworld_desktop.ui.add_links_dialog import AddLinksDialog
from aniworld_desktop.ui.dialogs import confirm, run_dialog
from aniworld_desktop.ui.drops import Drop, DropKind, read_link_file
from aniworld_desktop.ui.progress import TaskProgress
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.status_bar import MESSAGE_MS
from aniworld_desktop.ui.tasks import TaskRunner
from aniworld_desktop.ui.translation import PlainTr

if TYPE_CHECKING:
    from aniworld_desktop.config import Settings
    from aniworld_desktop.core.models import SeriesRecord
    from aniworld_desktop.core.queue import QueueItem
    from aniworld_desktop.downloads.service import Move
    from aniworld_desktop.services import Services
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog
    from aniworld_desktop.ui.mediathek_search import MediathekSearchDialog

log = logging.getLogger(__name__)

A = ActionName
S = DownloadStatus
SHOWN_REFUSALS = 10  # in the box; the rest are counted


class Feedback(Protocol):
    """How the commands report back (the window)."""

    @property
    def progress(self) -> TaskProgress:
        """Where long actions show how far they are (``async with progress.track(...)``)."""
        ...

    def message(self, text: str, timeout_ms: int = MESSAGE_MS) -> None:
        """Say ``text`` in the status bar (0: until the next message)."""

    def show_error(self, title: str, text: str) -> None:
        """Say ``text`` in the status bar and a box that does not block."""

    def dialog_parent(self) -> QWidget:
        """The widget the commands' dialogs open over."""
        ...

    def apply_settings(self, saved: Settings) -> None:
        """Settings were saved: apply what the window's own parts take from them."""


class QueueChoice(Protocol):
    """What the commands read of the queue pane."""

    def selected_ids(self) -> list[int]: ...

    def scroll_to_current(self) -> None: ...

    def add_earlier(self, items: list[QueueItem]) -> None: ...


class SeriesChoice(Protocol):
    """What the commands read of the library pane, and ask of it."""

    def selected_series(self) -> list[SeriesRecord]: ...

    def reload(self) -> None: ...


class PlaySource(Protocol):
    """A pane whose current row may be a file to play."""

    def chosen_file(self) -> str | None: ...


class WindowCommands(PlainTr):
    """The window's commands over the services.

    Attributes:
        play_source: Where Play looks: the episode list or the queue, whichever had the focus
            last (the window keeps it current).
    """

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        feedback: Feedback,
        *,
        queue: QueueChoice,
        library: SeriesChoice,
        play_source: PlaySource,
    ) -> None:
        self._services, self._tasks, self._feedback = services, tasks, feedback
        self._queue, self._library = queue, library
        self.play_source = play_source

    def slots(self) -> dict[ActionName, Callable[[], object]]:
        """The commands that actions trigger, by action."""
        from aniworld_desktop.downloads.service import Move  # loaded with the services

        return {
            A.ADD_LINKS: self.add_links_interactively,
            A.PAUSE: self.pause_selected,
            A.RESUME: self.resume_selected,
            A.CANCEL: self.cancel_selected,
            A.RETRY: self.retry_selected,
            A.REMOVE: self.remove_selected_interactively,
            A.PAUSE_ALL: self.pause_all,
            A.RESUME_ALL: self.resume_all,
            A.RETRY_FAILED: self.retry_failed,
            A.CLEAR_FINISHED: self.clear_finished_interactively,
            A.MOVE_UP: partial(self.move_selected, Move.UP),
            A.MOVE_DOWN: partial(self.move_selected, Move.DOWN),
            A.MOVE_TOP: partial(self.move_selected, Move.TOP),
            A.MOVE_BOTTOM: partial(self.move_selected, Move.BOTTOM),
            A.ADD_SERIES: self.add_series_interactively,
            A.SEARCH_MEDIATHEK: self.search_mediathek_interactively,
            A.REFRESH: self.refresh_selected,
            A.DOWNLOAD_MISSING: self.download_missing_selected,
            A.MONITOR: self.toggle_monitor,
            A.OPEN_FOLDER: self.open_folder,
            A.PLAY: self.play_selected,
            A.TMDB_MATCH: self.set_tmdb_match_interactively,
            A.SCAN: self.scan_library,
            A.AUTO_DOWNLOAD: self.run_auto_download,
            A.SETTINGS: self.open_settings,
        }

    def _say(self, text: str) -> None:
        self._feedback.message(text, MESSAGE_MS)

    # ----------------------------------------------------------------- the queue

    def _on_selection(
        self, what: str, command: Callable[[list[int]], Coroutine[Any, Any, Any]]
    ) -> None:
        ids = self._queue.selected_ids()
        if ids:
            self._tasks.run(command(ids), what=what)

    def pause_selected(self) -> None:
        """Pause the selected downloads."""
        self._on_selection(self.tr("Pause"), self._services.downloads.pause)

    def resume_selected(self) -> None:
        """Resume the selected downloads."""
        self._on_selection(self.tr("Resume"), self._services.downloads.resume)

    def cancel_selected(self) -> None:
        """Cancel the selected downloads (their partial files go)."""
        self._on_selection(self.tr("Cancel"), self._services.downloads.cancel)

    def retry_selected(self) -> None:
        """Queue the selected failed or cancelled downloads again."""
        self._on_selection(self.tr("Retry"), self._services.downloads.retry)

    def pause_all(self) -> None:
        """Pause every queued and running download (also from the tray)."""
        self._tasks.run(self._services.downloads.pause_all(), what=self.tr("Pause all"))

    def resume_all(self) -> None:
        """Resume every paused download (also from the tray)."""
        self._tasks.run(self._services.downloads.resume_all(), what=self.tr("Resume all"))

    def retry_failed(self) -> None:
        """Queue every failed download again."""
        self._tasks.run(self._services.downloads.retry_failed(), what=self.tr("Retry failed"))

    def move_selected(self, where: Move) -> None:
        """Change the priority of the selected downloads."""
        ids = self._queue.selected_ids()
        if ids:
            self._tasks.run(self._move(ids, where), what=self.tr("Move"))

    async def _move(self, ids: list[int], where: Move) -> None:
        await self._services.downloads.move(ids, where)
        self._queue.scroll_to_current()

    def remove_selected_interactively(self) -> None:
        """Remove the selected downloads once the user confirms."""
        ids = self._queue.selected_ids()
        if ids:
            self._tasks.run(self._remove(ids), what=self.tr("Remove"))

    async def _remove(self, ids: list[int]) -> None:
        question = self.tr(
            "Remove %n download(s) from the list?\n\n"
            "Unfinished downloads are cancelled and their partial files deleted. "
            "Finished files stay in the library.",
            "",
            len(ids),
        )
        if not await confirm(
            self._feedback.dialog_parent(),
            self.tr("Remove downloads"),
            question,
            self.tr("Remove"),
            object_name="confirmRemove",
        ):
            return
        removed = await self._services.downloads.remove(ids)
        self._say(self.tr("Removed %n download(s).", "", len(removed)))

    def clear_finished_interactively(self) -> None:
        """Remove every completed download from the list once the user confirms."""
        self._tasks.run(self._clear_finished(), what=self.tr("Clear finished"))

    async def _clear_finished(self) -> None:
        downloads = self._services.downloads
        # Those start-up left in the database count too: they go with the others.
        earlier = downloads.earlier()[S.COMPLETED]
        done = [i.id for i in downloads.items() if i.status is S.COMPLETED]
        if not done and not earlier:
            self._say(self.tr("No finished downloads to clear."))
            return
        # A question first: the rows are the history of what was downloaded, and gone for good.
        question = self.tr(
            "Remove %n finished download(s) from the list?\n\n"
            "Their files stay in the library; only the rows go.",
            "",
            len(done) + earlier,
        )
        if not await confirm(
            self._feedback.dialog_parent(),
            self.tr("Clear finished downloads"),
            question,
            self.tr("Clear"),
            object_name="confirmClearFinished",
        ):
            return
        if earlier:
            await self.show_earlier()
            done = [i.id for i in downloads.items() if i.status is S.COMPLETED]
        removed = await downloads.remove(done)
        self._say(self.tr("Cleared %n finished download(s).", "", len(removed)))

    def show_earlier_interactively(self) -> None:
        """Load the earlier finished downloads start-up left out, and list them."""
        self._tasks.run(self.show_earlier(), what=self.tr("Show earlier downloads"))

    async def show_earlier(self) -> None:
        downloads = self._services.downloads
        if not downloads.earlier():
            return
        async with self._feedback.progress.track(self.tr("Loading earlier downloads")):
            items = await downloads.load_earlier()
        self._queue.add_earlier(items)

    # ----------------------------------------------------------------- adding

    def add_links_interactively(self) -> None:
        """Ask for links (the clipboard's, if it holds some), then add them."""
        self._tasks.run(self._add_links_from_dialog(), what=self.tr("Add links"))

    async def _add_links_from_dialog(self) -> None:
        clipboard = QGuiApplication.clipboard().text()
        links = [link.url for link in read_links(clipboard) if link.problem is None]
        dialog = AddLinksDialog(self._feedback.dialog_parent(), "\n".join(links))
        try:
            accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
            urls, refused = dialog.links(), dialog.refusals()
        finally:
            dialog.deleteLater()
        if accepted:
            await self._add_links(urls, [], refused=refused)

    async def _add_from(
        self, make: Callable[[QWidget], AddSeriesDialog | MediathekSearchDialog]
    ) -> None:
        """Open the dialog ``make`` builds; when the user accepts it, add the link it holds."""
        dialog = make(self._feedback.dialog_parent())
        try:
            accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
            url, monitoring = dialog.url(), dialog.monitoring()
        finally:
            dialog.deleteLater()
        if accepted and url:
            await self.add_url(url, monitoring=monitoring)

    def add_links(self, urls: Iterable[str]) -> None:
        """Add links from outside (``--add``, a second launch, a web page's ``feed:`` link) in
        one task: media links are queued, feeds offered to follow, refusals listed."""
        links = [url for url in urls if url.strip()]
        if links:
            self._tasks.run(self._add_links(links, []), what=self.tr("Add links"))

    async def add_url(self, url: str, *, monitoring: Monitoring | None = None) -> None:
        """Follow or queue ``url`` and say what happened; raises AniworldError.

        ``monitoring``: which episodes of a followed series are wanted (the library's default,
        new ones only for a feed with a back catalogue, when None)."""
        self._feedback.message(self.tr("Adding {url}…").format(url=url), 0)
        library = self._services.library
        result = await (
            library.add_url(url)
            if monitoring is None
            else library.add_url(url, monitoring=monitoring)
        )
        queued, title = result.queued, result.series.title
        if queued is None:
            message = self.tr("Following {title} (%n episode(s)).", "", len(result.episodes))
        elif queued.added:
            message = self.tr("Queued %n episode(s) of {title}.", "", len(queued.added))
        else:
            message = self.tr("{title}: already in the queue.")
        self._say(message.format(title=title))

    def add_series_interactively(self, url: str = "") -> None:
        """Ask for a feed link, preview what it holds, add it when the user says so."""
        from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog  # a dialog: when asked

        # A triggered action passes its checked state: only a string is a link.
        preview, link = self._services.library.preview_url, url if isinstance(url, str) else ""
        self._tasks.run(
            self._add_from(lambda parent: AddSeriesDialog(preview, parent, link)),
            what=self.tr("Add series"),
        )

    def search_mediathek_interactively(self) -> None:
        """Search the public broadcasters' film list; follow the programme the user chooses."""
        try:
            provider = self._services.registry.get("mediathek")
        except AniworldError as exc:
            self._feedback.show_error(self.tr("Search the public broadcasters"), str(exc))
            return
        session = self._services.session
        # The dialog and the film list's parsers load when first asked for, not at start-up.
        from aniworld_desktop.providers.mediathek.provider import MediathekProvider
        from aniworld_desktop.ui.mediathek_search import MediathekSearchDialog

        if not isinstance(provider, MediathekProvider) or session is None:
            return
        self._tasks.run(
            self._add_from(lambda parent: MediathekSearchDialog(provider, session, parent)),
            what=self.tr("Search the public broadcasters"),
        )

    def follow_demo(self) -> None:
        """Follow the demo series (served by the app itself) and queue their episodes."""
        self._tasks.run(self._follow_demo(), what=self.tr("Try the demo"))

    async def _follow_demo(self) -> None:
        await self._services.library.follow_demo()
        queued = await self._services.library.queue_missing()
        self._say(
            self.tr("Following the demo series; %n episode(s) queued.", "", len(queued.added))
        )
        self._library.reload()

    # ----------------------------------------------------------------- drops

    def drop(self, drop: Drop, before: int | None) -> None:
        """Schedule what a drop on the queue asks for; the handler itself does no work."""
        if drop.kind is DropKind.QUEUE:
            self._tasks.run(
                self._services.downloads.move_before(drop.ids, before), what=self.tr("Move")
            )
        elif drop.kind is DropKind.EPISODES:
            self._tasks.run(self._queue_episodes(drop.ids), what=self.tr("Queue episodes"))
        elif drop.kind is DropKind.SERIES:
            self._tasks.run(self._queue_series(drop.ids), what=self.tr("Queue series"))
        else:
            self._tasks.run(self._add_links(drop.urls, drop.files), what=self.tr("Add links"))

    async def _queue_episodes(self, episode_ids: list[int]) -> None:
        result = await self._services.library.queue_episodes(episode_ids)
        message = self.tr("Queued %n episode(s)", "", len(result.added))
        if result.duplicates:
            message = self.tr(
                "{queued}; %n already in the queue", "", len(result.duplicates)
            ).format(queued=message)
        self._say(message + ".")

    async def _add_links(
        self, urls: list[str], files: list[Path], *, refused: Iterable[str] = ()
    ) -> None:
        """Queue the media links, offer to follow each feed, and say what was refused and why.

        Args:
            urls: Links (``feed:`` and the like are read as http(s)).
            files: Text files to read links from (dropped ``.txt`` files).
            refused: ``link: reason`` for links refused before (the dialog's), listed too.
        """
        library = self._services.library
        links = list(urls)
        refusals = list(refused)
        for file in files:
            try:
                links += await asyncio.to_thread(read_link_file, file)
            except ValueError as exc:  # too large: its sentence names the file
                refusals.append(str(exc))
            except OSError:
                refusals.append(self.tr("{name} could not be read.").format(name=file.name))
        from aniworld_desktop.library.following import split_links

        media, _ = split_links(links)
        async with self._feedback.progress.track(
            self.tr("Adding links"), total=len(media)
        ) as progress:
            result = await library.add_links(links, on_link=progress.next)
        refusals += result.refused
        followed = 0
        for url in result.feeds:
            try:
                provider, info = await library.preview_url(url)
            except AniworldError as exc:  # one bad link must not stop the others
                refusals.append(f"{url}: {exc}")
                continue
            regular = sum(1 for e in info.episodes if e.kind == EpisodeKind.FULL)
            question = self.tr(
                "Follow {title} from {provider}? The feed lists %n episode(s).", "", regular
            ).format(title=info.title, provider=provider)
            if await confirm(
                self._feedback.dialog_parent(),
                self.tr("Follow series"),
                question,
                self.tr("Follow"),
                object_name="confirmFollow",
            ):
                try:
                    await self.add_url(url)
                except AniworldError as exc:  # gone between the preview and now
                    refusals.append(f"{url}: {exc}")
                    continue
                followed += 1
        if followed:
            self._library.reload()
        summary = self.tr("Queued %n link(s)", "", len(result.queued))
        if followed:
            summary = self.tr("{queued}; following %n new series", "", followed).format(
                queued=summary
            )
        if refusals:
            listed = "\n".join(refusals[:SHOWN_REFUSALS])
            if len(refusals) > SHOWN_REFUSALS:
                more = self.tr("… and %n more.", "", len(refusals) - SHOWN_REFUSALS)
                listed += "\n" + more
            refused_text = self.tr("%n link(s) could not be added:", "", len(refusals))
            self._feedback.show_error(
                self.tr("Add links"), f"{summary}. {refused_text}\n\n{listed}"
            )
        else:
            self._say(summary + ".")

    # ----------------------------------------------------------------- series

    def refresh_selected(self) -> None:
        """Refresh the selected series, or every monitored one when none is selected."""
        chosen = self._library.selected_series()
        self._tasks.run(self._refresh(chosen), what=self.tr("Refresh"))

    async def _refresh(self, chosen: list[SeriesRecord]) -> None:
        library = self._services.library
        if not chosen:
            chosen = [s.series for s in await library.list_series() if s.series.monitored]
        results = []
        track = self._feedback.progress.track
        try:
            async with track(self.tr("Refreshing"), total=len(chosen)) as progress:
                for series in chosen:
                    progress.next(series.title)
                    results.append(await library.refresh(series))
        finally:
            self._library.reload()
        failed = [r for r in results if r.error]
        changed = sum(1 for r in results if r.changed)
        if failed:
            message = self.tr(
                "Refreshed %n series, {changed} changed; {title} failed: {error}.",
                "",
                len(results),
            ).format(
                changed=changed, title=failed[0].series.title, error=service_text(failed[0].error)
            )
        else:
            message = self.tr("Refreshed %n series, {changed} changed.", "", len(results))
            message = message.format(changed=changed)
        self._say(message)

    def download_missing_selected(self) -> None:
        """Queue the missing episodes of the selected series; of every monitored one when
        none is selected (as Refresh does)."""
        chosen = self._library.selected_series()
        what = self.tr("Download missing")
        if chosen:
            self._tasks.run(self._queue_series([s.id for s in chosen]), what=what)
        else:
            self._tasks.run(self._queue_monitored(), what=what)

    async def _queue_monitored(self) -> None:
        async with self._feedback.progress.track(self.tr("Queueing missing episodes")):
            result = await self._services.library.queue_missing()
        self._say(
            self.tr("Queued %n missing episode(s) of the monitored series.", "", len(result.added))
        )

    async def _queue_series(self, series_ids: list[int]) -> None:
        added = 0
        what = self.tr("Queueing missing episodes")
        async with self._feedback.progress.track(what, total=len(series_ids)) as p:
            for series_id in series_ids:
                p.next()
                result = await self._services.library.queue_missing(series_id, monitored_only=False)
                added += len(result.added)
        self._say(self.tr("Queued %n missing episode(s).", "", added))

    def toggle_monitor(self) -> None:
        """Monitor the selected series, or stop monitoring them."""
        chosen = self._library.selected_series()
        if chosen:
            wanted = not all(s.monitored for s in chosen)
            self._tasks.run(self._set_monitored(chosen, wanted), what=self.tr("Monitor"))

    async def _set_monitored(self, chosen: list[SeriesRecord], monitored: bool) -> None:
        for series in chosen:
            await self._services.library.set_monitored(series, monitored)

    def set_tmdb_match_interactively(self) -> None:
        """Let the user search TMDB and pick the series the metadata comes from."""
        chosen = self._library.selected_series()
        if chosen:
            self._tasks.run(self._tmdb_match(chosen[0]), what=self.tr("Set TMDB match"))

    async def _tmdb_match(self, series: SeriesRecord) -> None:
        from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog

        metadata = self._services.metadata
        dialog = TmdbMatchDialog(
            metadata.search,
            series.title,
            series.year,
            series.tmdb_id,
            self._feedback.dialog_parent(),
        )
        try:
            accepted = await run_dialog(dialog) == TmdbMatchDialog.DialogCode.Accepted
            tmdb_id = dialog.chosen_id()
        finally:
            dialog.deleteLater()
        if not accepted or tmdb_id is None:
            return
        # The library's match: stored as the user's, its catalogue brought from TMDB.
        await self._services.library.set_match(series, tmdb_id)
        metadata.schedule(series.id)
        self._say(
            self.tr(
                "{title} now takes its metadata from TMDB series {id}; "
                "the files are being rewritten."
            ).format(title=series.title, id=tmdb_id)
        )
        self._library.reload()

    def scan_library(self) -> None:
        """Look for episode files in the library again."""
        self._tasks.run(self._scan(), what=self.tr("Rescan library"))

    async def _scan(self) -> None:
        async with self._feedback.progress.track(self.tr("Scanning the library")):
            summary = await self._services.library.scan()
        message = self.tr("Scanned %n file(s): {matched} matched", "", summary.files).format(
            matched=summary.matched
        )
        if summary.unmatched:
            message = self.tr(
                "{scanned}, %n not matched to a followed episode", "", len(summary.unmatched)
            ).format(scanned=message)
        if summary.errors:
            message = f"{message}; {service_text(summary.errors[0])}"
        self._say(message + ".")
        self._library.reload()

    def run_auto_download(self) -> None:
        """Refresh the monitored series, rescan and queue what is missing (unless too soon)."""
        self._tasks.run(self._run_auto_download(), what=self.tr("Auto-download"))

    async def _run_auto_download(self) -> None:
        async with self._feedback.progress.track(self.tr("Auto-download")):
            await self._services.scheduler.run_now()

    # ----------------------------------------------------------------- files

    def open_folder(self) -> None:
        """Open the selected series' folder (or the library) in the file manager."""
        chosen = self._library.selected_series()
        library = self._services.library_dir
        folder = library / chosen[0].folder if chosen else library
        if not folder.is_dir():
            self._say(self.tr("{folder} does not exist yet.").format(folder=folder))
            return
        self._open_folder(folder)

    def open_library_folder(self) -> None:
        """Open the library folder in the file manager (from the tray), if it exists."""
        folder = self._services.library_dir
        if folder.is_dir():
            self._open_folder(folder)

    def _open_folder(self, folder: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._feedback.show_error(
                self.tr("Open folder"),
                self.tr(
                    "No file manager could open {folder}. Open it yourself, or install a file "
                    "manager that handles folders."
                ).format(folder=folder),
            )

    def playable_file(self) -> Path | None:
        """The file Play opens: the chosen episode on disk, or the chosen finished download.

        "Chosen" is the current row of :attr:`play_source`.
        """
        chosen = self.play_source.chosen_file()
        return None if chosen is None else self._services.library_dir / chosen

    def play_selected(self) -> None:
        """Open the chosen episode file in the desktop's video player."""
        path = self.playable_file()
        if path is None:
            self._say(
                self.tr("Choose an episode that is on disk, or a finished download, to play.")
            )
            return
        if not path.is_file():
            self._say(
                self.tr("{name} is not on disk any more; rescan the library ({shortcut}).").format(
                    name=path.name, shortcut=shortcut_text(A.SCAN)
                )
            )
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._say(self.tr("Playing {name}.").format(name=path.name))
            return
        self._feedback.show_error(
            self.tr("Play"),
            self.tr(
                "No video player was found for {name}. Install one (such as VLC or mpv) and "
                "make it the default for this kind of file."
            ).format(name=path.name),
        )

    async def _reread_series(self, providers: list[str]) -> None:
        """Read the catalogues of the series of ``providers`` again (their settings changed)."""
        library = self._services.library
        for summary in await library.list_series():
            if summary.series.provider in providers:
                await library.refresh(summary.series)
        self._library.reload()

    def play_from(self, source: PlaySource) -> None:
        """Play the chosen file of ``source`` (a double-click), when it has one."""
        self.play_source = source
        if self.playable_file() is not None:
            self.play_selected()

    # ----------------------------------------------------------------- settings

    def open_settings(self) -> None:
        """Open the settings; a new library folder, the download limits, automation, media
        servers and the film list's choices apply at once, the rest from the next start (the
        status bar says so)."""
        self._tasks.run(self._open_settings(), what=self.tr("Settings"))

    async def _open_settings(self) -> None:
        from aniworld_desktop.metadata.credentials import load_token_secret
        from aniworld_desktop.ui.settings_dialog import SettingsDialog
        from aniworld_desktop.ui.settings_dialog import save as save_settings_dialog

        services = self._services
        paths, settings = services.paths, services.settings
        # A keyring may block; the secret comes back wrapped (qasync logs a thread's result).
        token = (await asyncio.to_thread(load_token_secret, settings)).value
        dialog = SettingsDialog(settings, paths, self._feedback.dialog_parent(), token=token)
        try:
            if await run_dialog(dialog) != SettingsDialog.DialogCode.Accepted:
                return
            saved = await asyncio.to_thread(save_settings_dialog, dialog)
        finally:
            dialog.deleteLater()
        # The library folder, the download limits, automation, media servers and providers apply
        # at once; the rest (timeouts, retries, metadata) from the next start. A new library
        # folder: the window hears LibraryFolderChanged, reloads and offers the import.
        switched = saved.library(paths) != services.library_dir
        if switched:
            await services.switch_library(saved)
        await services.scheduler.configure(
            enabled=saved.auto_download,
            interval=saved.auto_download_interval,
            cooldown=saved.auto_download_cooldown,
        )
        services.mediaservers.configure(saved)
        # The download limits: the speed for running downloads too (from their next piece, in
        # the window's download process), the slots from the next download that starts.
        services.engine.set_speed_limit(saved.speed_limit)
        services.downloads.set_slots(saved.max_downloads, saved.max_downloads_per_host)
        services.settings = saved  # the dialog opened next shows what was saved
        # The providers' own settings (the film list's quality and versions) apply at once;
        # series whose catalogues now read differently are read again in the background.
        reread = services.registry.apply_settings(saved)
        if reread:
            self._tasks.run(self._reread_series(reread), what=self.tr("Refresh"))
        self._feedback.apply_settings(saved)
        if switched:
            self._say(
                self.tr(
                    "Settings saved; the library folder, the download limits, automation, media "
                    "servers and the public broadcasters' choices apply now, the rest from the "
                    "next start."
                )
            )
        else:
            self._say(
                self.tr(
                    "Settings saved; the download limits, automation, media servers and the "
                    "public broadcasters' choices apply now, the rest from the next start."
                )
            )
