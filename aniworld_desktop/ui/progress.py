"""Progress of the window's long actions, in the status bar: what, how far, time left, Cancel.

A long action (refreshing 40 series, queueing a dropped list of links, scanning the library)
runs as an asyncio task. It reports through :meth:`TaskProgress.track`::

    async with window.progress.track("Refreshing", total=len(series)) as progress:
        for series in chosen:
            progress.next(series.title)   # this unit starts; the ones before it are done
            await library.refresh(series)

Cancel cancels the task that entered ``track()``; the action ends at its next ``await`` and the
status bar says it was cancelled. Several actions may run at once: the widget shows the newest
one and how many others run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

__all__ = ["TaskProgress", "Tracked", "format_remaining"]

# Below this many seconds of work, an estimate jumps around more than it helps.
ETA_AFTER = 2.0


def format_remaining(seconds: float) -> str:
    """``"about 2 min left"`` and so on; empty when there is nothing sensible to say."""
    if seconds != seconds or seconds < 0:  # NaN or negative
        return ""
    if seconds < 60:
        return QCoreApplication.translate("TaskProgress", "about {seconds} s left").format(
            seconds=max(1, round(seconds))
        )
    if seconds < 3600:
        return QCoreApplication.translate("TaskProgress", "about {minutes} min left").format(
            minutes=round(seconds / 60)
        )
    return QCoreApplication.translate("TaskProgress", "about {hours} h left").format(
        hours=QLocale().toString(seconds / 3600, "f", 1)
    )


@dataclass(slots=True)
class Tracked:
    """One long action: its task, how far it is, and since when it runs."""

    what: str
    total: int | None
    task: asyncio.Task[object] | None
    done: int = 0
    current: str = ""
    started: float = field(default_factory=time.monotonic)
    changed: Callable[[], None] | None = None
    _begun: int = 0

    def next(self, current: str = "") -> None:
        """Unit ``current`` starts now: every unit begun before it is done."""
        self.done = self._begun
        self._begun += 1
        self.current = current
        if self.changed is not None:
            self.changed()

    def remaining(self, now: float) -> float | None:
        """Seconds left at the pace so far, or None while there is too little to go on."""
        if not self.total or self.done <= 0 or now - self.started < ETA_AFTER:
            return None
        rate = self.done / (now - self.started)
        return (self.total - self.done) / rate


class TaskProgress(QWidget):
    """The status bar's progress for long actions; hidden when none runs.

    Signals:
        cancelled(str): The user cancelled the action with this description.
    """

    cancelled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self._running: list[Tracked] = []
        self.label = QLabel(self)
        self.label.setObjectName("taskLabel")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("taskBar")
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("taskCancel")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop this action (what is done stays done)"))
        self.cancel_button.clicked.connect(self.cancel_current)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.label)
        box.addWidget(self.bar)
        box.addWidget(self.cancel_button)
        self.hide()

    @property
    def running(self) -> list[Tracked]:
        """The actions in progress, oldest first."""
        return list(self._running)

    @contextlib.asynccontextmanager
    async def track(self, what: str, total: int | None = None) -> AsyncIterator[Tracked]:
        """Show ``what`` while the body runs; yields the :class:`Tracked` to report through.

        Args:
            what: The action in a word or three ("Refreshing").
            total: Units of work, or None for a busy indicator without an end.
        """
        tracked = Tracked(what, total, asyncio.current_task(), changed=self._show)
        self._running.append(tracked)
        self._show()
        try:
            yield tracked
        finally:
            self._running.remove(tracked)
            self._show()

    def cancel_current(self) -> None:
        """Cancel the action shown (the newest)."""
        if not self._running:
            return
        tracked = self._running[-1]
        if tracked.task is not None and not tracked.task.done():
            tracked.task.cancel()
            self.cancelled.emit(tracked.what)

    def _show(self) -> None:
        if not self._running:
            self.hide()
            return
        tracked = self._running[-1]
        text = tracked.what
        if tracked.total:
            done = min(tracked.done, tracked.total)
            text = self.tr("{what} {done} of {total}").format(
                what=text, done=done, total=tracked.total
            )
            self.bar.setRange(0, tracked.total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)  # busy
        if tracked.current:
            text += f": {tracked.current}"
        remaining = tracked.remaining(time.monotonic())
        if remaining is not None:
            text += f" ({format_remaining(remaining)})"
        if len(self._running) > 1:
            text += " " + self.tr("(+%n more)", "", len(self._running) - 1)
        self.label.setText(text)
        self.show()
