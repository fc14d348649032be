"""The window's status bar: messages, long actions, the queue's counts and speed, the free disk
space and when the next auto-download runs.

It reads what it shows from the services itself (counts, speed and the next run are kept up to
date by them, so reading is cheap) and announces the counts, so the window can enable the
queue-wide actions and the tray can show the same numbers without keeping a copy.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDate, QLocale, QTime, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from aniworld_desktop.core.events import AutoDownloadFailed, AutoDownloadFired, AutoDownloadSkipped
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.progress import TaskProgress
from aniworld_desktop.ui.queue_model import format_size, format_speed
from aniworld_desktop.ui.service_texts import service_text, skip_reason_text
from aniworld_desktop.ui.tasks import TaskRunner

S = DownloadStatus
MESSAGE_MS = 8000  # how long a message stays
STATUS_REFRESH_MS = 1000
COUNTS_DELAY_MS = 150  # batches the counts refresh after a burst of queue changes
DISK_REFRESH_MS = 30_000
LOW_DISK_COLOUR = "#d64040"


def free_space(folder: Path) -> int | None:
    """Free bytes on the disk that holds ``folder`` (or its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return None


class QueueCounts(Protocol):
    """What the status bar reads of the download queue (``DownloadService``)."""

    def counts(self) -> Mapping[DownloadStatus, int]: ...

    def total_speed(self) -> float: ...


class Schedule(Protocol):
    """What the status bar reads of the auto-download timer (``SchedulerService``)."""

    enabled: bool

    def next_run(self) -> datetime | None: ...


class StatusBar(QStatusBar):
    """Messages on the left; long actions, counts, speed, free disk and next run on the right.

    Attributes:
        progress: The long actions' progress, time left and Cancel.
        counts_label, speed_label, disk_label, auto_label: The permanent parts.

    Signals:
        countsChanged(Counter[DownloadStatus]): The queue was counted again (at most every
            150 ms after changes).
        refreshed(Counter[DownloadStatus], float): The counts and the total speed in bytes per
            second, as shown now (every second).
    """

    countsChanged = Signal(object)
    refreshed = Signal(object, float)

    def __init__(
        self,
        downloads: QueueCounts,
        scheduler: Schedule,
        tasks: TaskRunner,
        *,
        library_dir: Path,
        min_free_disk: int,
        parent: QWidget | None = None,
    ) -> None:
        """Show ``downloads`` and ``scheduler``; the disk is the one holding ``library_dir``."""
        super().__init__(parent)
        self._downloads, self._scheduler, self._tasks = downloads, scheduler, tasks
        self._library_dir, self._min_free_disk = library_dir, min_free_disk
        self._counts: Counter[DownloadStatus] = Counter()
        self.progress = TaskProgress(self)
        self.progress.cancelled.connect(
            lambda what: self.showMessage(
                self.tr("{what}: cancelled.").format(what=what), MESSAGE_MS
            )
        )
        self.counts_label = self._label("countsLabel")
        self.speed_label = self._label("speedLabel")
        self.disk_label = self._label("diskLabel")
        self.auto_label = self._label("autoLabel")
        for widget in (self.progress, self.counts_label, self.speed_label, self.disk_label,
                       self.auto_label):  # fmt: skip
            self.addPermanentWidget(widget)
        self.set_next_auto_download(None)
        self._counts_timer = self._timer(COUNTS_DELAY_MS, self.refresh_counts, single=True)
        self._status_timer = self._timer(STATUS_REFRESH_MS, self.refresh_speed)
        self._disk_timer = self._timer(DISK_REFRESH_MS, self.refresh_disk)
        self._disk_task: asyncio.Task[None] | None = None

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    def _timer(self, interval_ms: int, slot: Callable[[], None], *, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        return timer

    def set_library_dir(self, library_dir: Path) -> None:
        """The library is another folder now: its disk's free space is shown from now on."""
        self._library_dir = library_dir
        self.refresh_disk()

    def start(self) -> None:
        """Show the first values and follow the queue, the disk and the schedule from now on."""
        self._status_timer.start()
        self._disk_timer.start()
        self.refresh_counts()
        self.refresh_disk()
        self.follow_schedule()

    def stop(self) -> None:
        """Stop every timer (the window is closing)."""
        for timer in (self._status_timer, self._disk_timer, self._counts_timer):
            timer.stop()

    # ----------------------------------------------------------------- the queue

    def on_queue_changed(self, *_: object) -> None:
        """Count again soon: a burst of changes is counted once."""
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    def refresh_counts(self) -> None:
        """Count the queue by state now, show it and announce it."""
        self._counts = Counter(self._downloads.counts())
        counts = self._counts
        parts = [
            self.tr("%n downloading", "", counts[S.DOWNLOADING]),
            self.tr("%n queued", "", counts[S.PENDING]),
        ]
        if counts[S.PAUSED]:
            parts.append(self.tr("%n paused", "", counts[S.PAUSED]))
        if counts[S.FAILED]:
            parts.append(self.tr("%n failed", "", counts[S.FAILED]))
        self.counts_label.setText(" · ".join(parts))
        self.refresh_speed()
        self.countsChanged.emit(Counter(counts))

    def refresh_speed(self) -> None:
        """Show the total speed and the next run; announce both with the counts."""
        # The scheduler's timer sets its next run once it has read the last one: follow it here.
        self.follow_schedule()
        speed = self._downloads.total_speed()
        self.speed_label.setText(f"↓ {format_speed(speed)}" if speed > 0 else "")
        self.refreshed.emit(Counter(self._counts), speed)

    def on_finished(self, item: QueueItem) -> None:
        """Say that ``item`` finished; it took disk space."""
        self.showMessage(
            self.tr("Finished {title} {episode}.").format(
                title=item.series_title, episode=item.key.label()
            ),
            MESSAGE_MS,
        )
        self.refresh_disk()

    def on_failed(self, item: QueueItem, reason: str) -> None:
        """Say that ``item`` failed for good, and why."""
        self.showMessage(
            self.tr("{title} {episode} failed: {reason}").format(
                title=item.series_title, episode=item.key.label(), reason=service_text(reason)
            ),
            MESSAGE_MS,
        )

    # ----------------------------------------------------------------- auto-download

    def on_auto_download(self, event: object) -> None:
        """Say what an automatic run did, skipped or why it failed."""
        if isinstance(event, AutoDownloadFired):
            count = event.episodes
            message = (
                self.tr("Auto-download queued %n episode(s).", "", count)
                if count
                else self.tr("Auto-download: nothing is missing.")
            )
            if event.refresh_failures:
                message += " " + self.tr("Could not refresh {name}.").format(
                    name=event.refresh_failures[0]
                )
            self.showMessage(message, MESSAGE_MS)
        elif isinstance(event, AutoDownloadSkipped):
            when = event.next_allowed.astimezone()
            why = skip_reason_text(event.reason)
            self.showMessage(
                self.tr("Auto-download skipped: {why}; the next may run at {time}.").format(
                    why=why, time=f"{when:%H:%M:%S}"
                ),
                MESSAGE_MS,
            )
        elif isinstance(event, AutoDownloadFailed):
            self.showMessage(
                self.tr("Auto-download failed: {reason}").format(reason=service_text(event.reason)),
                MESSAGE_MS,
            )
        self.follow_schedule()

    def follow_schedule(self) -> None:
        """Show when the scheduler runs next."""
        self.set_next_auto_download(self._scheduler.next_run())

    def set_next_auto_download(self, when: datetime | None) -> None:
        """Show when the next automatic run is due (None: none is scheduled)."""
        label = self.auto_label
        if when is not None:
            local = when.astimezone()
            label.setText(self.tr("Next auto-download {time}").format(time=f"{local:%H:%M}"))
            locale = QLocale()
            label.setToolTip(
                f"{locale.toString(QDate(local.year, local.month, local.day), QLocale.FormatType.LongFormat)} "
                f"{locale.toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)}"
            )
        elif not self._scheduler.enabled:
            label.setText(self.tr("Auto-download off"))
            label.setToolTip(self.tr("Turn it on in Settings (Automation)"))
        else:
            label.setText("")
        label.setVisible(bool(label.text()))

    # ----------------------------------------------------------------- the disk

    def refresh_disk(self) -> None:
        """Read the library disk's free space (in a thread: a share may be slow)."""
        if self._disk_task is None or self._disk_task.done():
            self._disk_task = self._tasks.run(self._refresh_disk(), what=self.tr("Free disk space"))

    async def _refresh_disk(self) -> None:
        free = await asyncio.to_thread(free_space, self._library_dir)
        if self._tasks.closing:
            return
        if free is None:
            self.disk_label.setText("")
            return
        low = free < self._min_free_disk
        self.disk_label.setText(self.tr("{size} free").format(size=format_size(free)))
        self.disk_label.setStyleSheet(f"color: {LOW_DISK_COLOUR};" if low else "")
        self.disk_label.setToolTip(
            self.tr(
                "Free space on the library's disk. A download that would leave less than "
                "{size} stops with an error (Settings)."
            ).format(size=format_size(self._min_free_disk))
        )
