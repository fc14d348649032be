"""TaskRunner (the window's service calls) and LatestTasks (a dialog's one task per key)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.ui.tasks import LatestTasks, TaskRunner


async def settle(task: asyncio.Future[object] | None) -> None:
    assert task is not None
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0)  # done callbacks run on the next turn of the loop


async def test_a_failed_task_becomes_a_sentence(qapp, caplog: pytest.LogCaptureFixture) -> None:
    runner = TaskRunner()
    failed: list[tuple[str, str]] = []
    runner.failed.connect(lambda what, text: failed.append((what, text)))

    async def refuse() -> None:
        raise AniworldError("Only http and https links can be added.")

    async def crash() -> None:
        raise KeyError("a bug")

    async def fine() -> int:
        return 1

    await settle(runner.run(refuse(), what="Add URL"))
    with caplog.at_level(logging.ERROR, logger="aniworld_desktop.ui.tasks"):
        await settle(runner.run(crash(), what="Pause"))
    await settle(runner.run(fine(), what="Resume"))
    assert failed == [
        ("Add URL", "Only http and https links can be added."),
        ("Pause", "Something went wrong. The log file has the details."),
    ]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "Pause failed" and record.exc_info is not None


async def test_a_cancelled_task_says_nothing(qapp) -> None:
    runner = TaskRunner()
    failed: list[tuple[str, str]] = []
    runner.failed.connect(lambda *args: failed.append(args))
    task = runner.run(asyncio.sleep(60), what="Refresh")
    assert task is not None
    task.cancel()
    await settle(task)
    assert failed == []


async def test_closing_refuses_new_work_and_cancels_what_outlasts_the_grace(qapp) -> None:
    runner = TaskRunner()
    failed: list[tuple[str, str]] = []
    runner.failed.connect(lambda *args: failed.append(args))
    quick_done = asyncio.Event()

    async def quick() -> None:
        await asyncio.sleep(0)
        quick_done.set()

    async def late_failure() -> None:
        await asyncio.sleep(0)
        raise AniworldError("too late to tell")

    slow = runner.run(asyncio.sleep(60), what="Scan")
    runner.run(quick(), what="Pause")
    runner.run(late_failure(), what="Refresh")
    await runner.aclose(grace=0.2)
    assert quick_done.is_set()  # finished within the grace
    assert slow is not None and slow.cancelled()  # did not: cancelled
    assert failed == []  # nobody is told any more while the window closes

    never = asyncio.sleep(0)
    assert runner.closing and runner.run(never, what="Pause") is None
    assert never.cr_frame is None  # closed, not left to warn "never awaited"


async def test_latest_cancels_the_task_before_it() -> None:
    tasks = LatestTasks()
    first = tasks.latest("preview", asyncio.sleep(60))
    assert tasks.running("preview")
    second = tasks.latest("preview", asyncio.sleep(60))
    other = tasks.latest("test", asyncio.sleep(60))
    await settle(first)
    assert first.cancelled() and not second.done() and not other.done()
    tasks.cancel_all()
    await settle(second)
    await settle(other)
    assert second.cancelled() and other.cancelled()
    assert not tasks.running("preview") and not tasks.running("test")


async def test_a_task_that_releases_itself_no_longer_counts_as_running() -> None:
    tasks = LatestTasks()
    seen: list[bool] = []

    async def test_server() -> None:
        tasks.release("kodi")
        seen.append(tasks.running("kodi"))  # what the Test button sees as the task reports

    await settle(tasks.latest("kodi", test_server()))
    assert seen == [False]


async def test_an_error_that_escapes_a_dialog_task_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = LatestTasks()

    async def broken() -> None:
        raise RuntimeError("a bug")

    with caplog.at_level(logging.ERROR, logger="aniworld_desktop.ui.tasks"):
        await settle(tasks.latest("search", broken()))
    (record,) = caplog.records
    assert record.getMessage() == "a dialog's task failed" and record.exc_info is not None
    assert not tasks.running("search")
