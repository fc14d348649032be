"""The window's asyncio tasks: who owns them, how their errors reach the user, how they end.

Two owners, for two kinds of work:

- :class:`TaskRunner` runs the window's service calls (Pause, Refresh, a dropped list of
  links). It keeps each task until it is done, turns its error into a sentence (an
  ``AniworldError`` says its own; anything else says "something went wrong" and goes to the log
  with its traceback) and, when the window closes, gives the running ones a moment to finish.
- :class:`LatestTasks` keeps at most one task per key for a dialog (a preview, a search, a
  server test): starting one cancels the one before, whose answer would be stale, and closing
  the dialog cancels them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Hashable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.ui.service_texts import service_text

log = logging.getLogger(__name__)

CLOSE_GRACE = 2.0  # seconds the window's own tasks get to finish when it closes


class TaskRunner(QObject):
    """Runs service calls as tasks it owns; their errors are announced, never raised.

    Signals:
        failed(str, str): What the user asked for, in a few words ("Pause"), and the sentence
            that says why it failed. Not emitted once :meth:`stop` was called.
    """

    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    @property
    def closing(self) -> bool:
        """True once :meth:`stop` was called: no new task starts, no error is announced."""
        return self._closing

    def run(self, coroutine: Coroutine[Any, Any, Any], *, what: str) -> asyncio.Task[Any] | None:
        """Run ``coroutine`` as a task; None (and the coroutine closed) while closing.

        Args:
            coroutine: The work.
            what: What the user asked for, in a few words ("Pause"), to title an error.
        """
        if self._closing:
            coroutine.close()
            return None
        task = asyncio.get_running_loop().create_task(coroutine, name=f"ui: {what}")
        self._tasks.add(task)
        task.add_done_callback(partial(self._done, what))
        return task

    def _done(self, what: str, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        if isinstance(error, AniworldError):
            log.info("%s: %s", what, error)
            text = service_text(str(error))
        else:
            log.error("%s failed", what, exc_info=error)
            text = self.tr("Something went wrong. The log file has the details.")
        if not self._closing:
            self.failed.emit(what, text)

    def stop(self) -> None:
        """Start no new task and announce no more errors (the window is closing)."""
        self._closing = True

    async def aclose(self, grace: float = CLOSE_GRACE) -> None:
        """Stop, give the running tasks ``grace`` seconds, then cancel the rest and wait."""
        self.stop()
        tasks = list(self._tasks)
        if not tasks:
            return
        # Service calls get a moment to finish: one cancelled in the middle of a database query
        # leaves its connection half closed, and the shutdown would wait for it.
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class LatestTasks:
    """At most one task per key: a new one cancels the one before (a dialog's preview or test).

    The dialogs catch their own errors and show them in place; an error that still escapes a
    task is logged when the task ends, not left for the garbage collector to mention.
    """

    def __init__(self) -> None:
        self._tasks: dict[Hashable, asyncio.Future[Any]] = {}

    def latest(self, key: Hashable, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        """Cancel the task of ``key`` if one runs, and run ``coroutine`` as its task."""
        self.cancel(key)
        task = asyncio.ensure_future(coroutine)
        self._tasks[key] = task
        task.add_done_callback(partial(self._done, key))
        return task

    def running(self, key: Hashable) -> bool:
        """True while the task of ``key`` runs and has not :meth:`released <release>` itself."""
        task = self._tasks.get(key)
        return task is not None and not task.done()

    def release(self, key: Hashable) -> None:
        """Forget the task of ``key`` without cancelling it.

        A task calls this just before it reports, so that what it updates then (a Test
        button) already sees it as finished.
        """
        self._tasks.pop(key, None)

    def cancel(self, key: Hashable) -> None:
        """Cancel the task of ``key``, if one runs."""
        task = self._tasks.pop(key, None)
        if task is not None and not task.done():
            task.cancel()

    def cancel_all(self, *_: object) -> None:
        """Cancel every task (connect it to the dialog's ``finished``)."""
        for key in list(self._tasks):
            self.cancel(key)

    def _done(self, key: Hashable, task: asyncio.Future[Any]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("a dialog's task failed", exc_info=error)
