"""TmdbMatchDialog: search in a task, choose a result or type an id, errors as sentences.

Tests that search run on qasync's loop (``qt_loop``) and wait on signals through futures; the
search is a fake coroutine that answers at once, fails, or waits on a gate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit

from aniworld_desktop.metadata.errors import MetadataError
from aniworld_desktop.metadata.tmdb import TVSearchResult
from aniworld_desktop.ui.dialogs import run_dialog
from aniworld_desktop.ui.tmdb_match_dialog import ID_ROLE, Column, TmdbMatchDialog
from tests.ui.conftest import signal_future

Accepted = QDialog.DialogCode.Accepted.value
Rejected = QDialog.DialogCode.Rejected.value

AOT = TVSearchResult(
    id=1429,
    name="Attack on Titan",
    original_name="進撃の巨人",
    overview="Several hundred years ago,\nhumans were nearly exterminated by Titans.",
    first_air_date=date(2013, 4, 7),
)
JUNIOR = TVSearchResult(
    id=64196,
    name="Attack on Titan: Junior High",
    original_name="進撃！巨人中学校",  # noqa: RUF001 (the title is written so)
    overview="",
    first_air_date=date(2015, 10, 4),
)
NO_TOKEN = "No TMDB token is set: add a TMDB read-access token or API key in Settings."


class FakeSearch:
    """Stands in for ``MetadataService.search``: records calls, answers, fails or waits.

    Attributes:
        calls: (query, year) of every call, in order.
        results: What a search returns.
        error: Raised instead, when set.
        gate: When set, a search waits for it first.
        started, cancelled: Set when a search begins, and when one is cancelled.
        tasks: The task each search ran in, in order.
    """

    def __init__(self, results: list[TVSearchResult] | None = None) -> None:
        self.calls: list[tuple[str, int | None]] = []
        self.results = [AOT, JUNIOR] if results is None else results
        self.error: BaseException | None = None
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.tasks: list[asyncio.Task[Any] | None] = []

    async def __call__(self, query: str, year: int | None) -> list[TVSearchResult]:
        self.calls.append((query, year))
        self.tasks.append(asyncio.current_task())
        self.started.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        if self.error is not None:
            raise self.error
        return list(self.results)


@contextlib.asynccontextmanager
async def opened(dialog: TmdbMatchDialog) -> AsyncIterator[asyncio.Future[int]]:
    """Open ``dialog`` as the window does (run_dialog, no nested loop); yields its result."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quit_on_close = app.quitOnLastWindowClosed()
    # As in run_window: closing the last window must not quit the app and stop qasync's loop.
    app.setQuitOnLastWindowClosed(False)
    result = asyncio.ensure_future(run_dialog(dialog))
    try:
        yield result
    finally:
        if not result.done():
            result.cancel()  # run_dialog rejects the dialog when cancelled
        with contextlib.suppress(asyncio.CancelledError):
            await result
        dialog.deleteLater()
        app.setQuitOnLastWindowClosed(quit_on_close)


def texts(dialog: TmdbMatchDialog, row: int) -> list[str]:
    item = dialog.results.topLevelItem(row)
    assert item is not None
    return [item.text(column) for column in range(dialog.results.columnCount())]


def type_into(edit: QLineEdit, text: str) -> None:
    """Replace the text the way a user does: select all, then type key by key."""
    edit.setFocus()
    edit.selectAll()
    if text:
        QTest.keyClicks(edit, text)
    else:
        edit.clear()


@pytest.mark.qt_loop
async def test_search_on_open_fills_the_list_and_the_chosen_result_is_used() -> None:
    search = FakeSearch()
    dialog = TmdbMatchDialog(search, "Attack on Titan", 2013, None)
    assert dialog.objectName() == "tmdbMatchDialog"
    for name in ("tmdbQuery", "tmdbYear", "tmdbSearch", "tmdbResults", "tmdbId", "tmdbUse"):
        assert dialog.findChild(object, name) is not None, name
    searched = signal_future(dialog.searchFinished)
    async with opened(dialog) as result:
        assert await asyncio.wait_for(searched, 5) == (2,)
        assert search.calls == [("Attack on Titan", 2013)]
        assert dialog.query_edit.text() == "Attack on Titan"
        assert dialog.status.text() == "2 series found; choose one, or type its TMDB id below."
        assert dialog.results.topLevelItemCount() == 2
        assert texts(dialog, 0) == ["Attack on Titan", "2013", "進撃の巨人"]
        assert texts(dialog, 1) == ["Attack on Titan: Junior High", "2015", JUNIOR.original_name]
        first = dialog.results.topLevelItem(0)
        assert first.data(Column.TITLE, ID_ROLE) == 1429
        # The overview on one line, on every column.
        assert first.toolTip(Column.YEAR) == (
            "Several hundred years ago, humans were nearly exterminated by Titans."
        )
        assert dialog.results.topLevelItem(1).toolTip(0) == "TMDB has no overview of this series."
        # No match yet, nothing chosen: the button waits for an id.
        assert "No TMDB match is set yet" in dialog.current_label.text()
        assert dialog.chosen_id() is None and not dialog.ok_button.isEnabled()
        assert dialog.ok_button.text() == "&Use this match"

        dialog.results.topLevelItem(1).setSelected(True)
        assert dialog.id_edit.text() == "64196"
        assert dialog.ok_button.isEnabled() and dialog.id_reason.text() == ""
        dialog.ok_button.click()

        assert await asyncio.wait_for(result, 5) == Accepted
    assert dialog.chosen_id() == 64196


@pytest.mark.qt_loop
async def test_keyboard_enter_searches_in_the_query_and_accepts_in_the_list() -> None:
    search = FakeSearch()
    dialog = TmdbMatchDialog(search, "Attack on Titan", 2013, current_id=1429)
    searched = signal_future(dialog.searchFinished)
    async with opened(dialog) as result:
        await asyncio.wait_for(searched, 5)
        # The current match is shown, filled in and picked out in the list.
        assert "1429" in dialog.current_label.text()
        assert dialog.chosen_id() == 1429 and dialog.ok_button.isEnabled()
        assert [i.data(Column.TITLE, ID_ROLE) for i in dialog.results.selectedItems()] == [1429]
        assert dialog.results.topLevelItem(0).font(Column.TITLE).bold()

        # Enter in the query searches again, with the year as set; it does not accept,
        # even though the id is valid.
        search.results = [JUNIOR]
        dialog.year_spin.setValue(0)
        assert dialog.year_spin.text() == "Any year"
        type_into(dialog.query_edit, "Titan Junior")
        searched = signal_future(dialog.searchFinished)
        QTest.keyClick(dialog.query_edit, Qt.Key.Key_Return)
        assert await asyncio.wait_for(searched, 5) == (1,)
        assert search.calls[-1] == ("Titan Junior", None)
        assert dialog.isVisible() and not result.done()
        assert dialog.status.text() == "One series found; choose one, or type its TMDB id below."
        assert dialog.results.selectedItems() == []  # 1429 is not among these
        assert dialog.chosen_id() == 1429  # still the id typed (here: the current one)

        # Enter in the list uses the current row.
        dialog.results.setFocus()
        dialog.results.setCurrentItem(dialog.results.topLevelItem(0))
        QTest.keyClick(dialog.results, Qt.Key.Key_Return)
        assert await asyncio.wait_for(result, 5) == Accepted
    assert dialog.chosen_id() == 64196


@pytest.mark.qt_loop
async def test_double_click_on_a_result_accepts_it() -> None:
    dialog = TmdbMatchDialog(FakeSearch(), "Attack on Titan", None, None)
    searched = signal_future(dialog.searchFinished)
    async with opened(dialog) as result:
        await asyncio.wait_for(searched, 5)
        item = dialog.results.topLevelItem(0)
        point = dialog.results.visualItemRect(item).center()
        # As a hand does it: Qt 6 reads the second press after a click as the double-click.
        QTest.mouseClick(dialog.results.viewport(), Qt.MouseButton.LeftButton, pos=point)
        QTest.mouseDClick(dialog.results.viewport(), Qt.MouseButton.LeftButton, pos=point)
        assert await asyncio.wait_for(result, 5) == Accepted
    assert dialog.chosen_id() == 1429


@pytest.mark.qt_loop
async def test_a_failed_search_shows_its_sentence_and_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    search = FakeSearch()
    search.error = MetadataError(NO_TOKEN)
    dialog = TmdbMatchDialog(search, "Attack on Titan", 2013, None)
    searched = signal_future(dialog.searchFinished)
    async with opened(dialog) as result:
        assert await asyncio.wait_for(searched, 5) == (-1,)
        assert dialog.status.text() == NO_TOKEN
        assert dialog.results.topLevelItemCount() == 0
        assert not dialog.ok_button.isEnabled()
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]

        # Anything else is a bug: a generic sentence for the user, the traceback in the log.
        search.error = KeyError("results")
        searched = signal_future(dialog.searchFinished)
        dialog.search_button.click()
        assert await asyncio.wait_for(searched, 5) == (-1,)
        assert dialog.status.text() == (
            "The TMDB search failed unexpectedly; the log has the details."
        )
        assert "Traceback" not in dialog.status.text() and "KeyError" not in dialog.status.text()
        (logged,) = [r for r in caplog.records if r.exc_info]
        assert logged.levelno == logging.ERROR and logged.exc_info[0] is KeyError

        # Nothing found says so, and suggests dropping the year.
        search.error = None
        search.results = []
        searched = signal_future(dialog.searchFinished)
        dialog.search_button.click()
        assert await asyncio.wait_for(searched, 5) == (0,)
        assert dialog.status.text() == (
            "TMDB knows no series “Attack on Titan” first aired in 2013; try any year."
        )
        dialog.reject()
        assert await asyncio.wait_for(result, 5) == Rejected


def test_an_invalid_id_keeps_the_button_disabled(qtbot: Any) -> None:
    # No title: nothing is searched, so no event loop is needed.
    dialog = TmdbMatchDialog(FakeSearch(), "", None, None)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert not dialog.search_button.isEnabled()
    assert dialog.id_reason.text() == "Choose a result, or type the TMDB id of the series."

    for bad, reason in [
        ("abc", "A TMDB id is a whole number, such as 1429."),
        ("-5", "A TMDB id is a whole number, such as 1429."),
        ("1.5", "A TMDB id is a whole number, such as 1429."),
        ("0", "A TMDB id is a number from 1 to 2,000,000,000."),
        ("2000000001", "A TMDB id is a number from 1 to 2,000,000,000."),
    ]:
        type_into(dialog.id_edit, bad)
        assert not dialog.ok_button.isEnabled(), bad
        assert dialog.id_reason.text() == reason, bad
        assert dialog.chosen_id() is None
        QTest.keyClick(dialog.id_edit, Qt.Key.Key_Return)  # Enter does not accept either
        assert dialog.isVisible() and dialog.result() == Rejected

    type_into(dialog.id_edit, "2000000000")
    assert dialog.ok_button.isEnabled() and dialog.id_reason.text() == ""
    assert dialog.chosen_id() == 2_000_000_000

    # A link copied from the TMDB website gives its id, pasted or typed.
    link = "https://www.themoviedb.org/de/tv/1429-attack-on-titan?language=de"
    dialog.id_edit.setText(link)
    assert dialog.chosen_id() == 1429 and dialog.ok_button.isEnabled()
    assert dialog.id_reason.text() == "TMDB id 1429, from the link."
    type_into(dialog.id_edit, link.replace("1429", "64196"))
    assert dialog.chosen_id() == 64196
    type_into(dialog.id_edit, "https://www.themoviedb.org/movie/1429")  # a film is no series
    assert dialog.chosen_id() is None and not dialog.ok_button.isEnabled()
    assert dialog.id_reason.text() == "This link is not a TMDB series page (themoviedb.org/tv/…)."

    type_into(dialog.id_edit, "1429")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.id_edit, Qt.Key.Key_Return)
    assert dialog.result() == Accepted


@pytest.mark.qt_loop
async def test_cancel_rejects_whatever_was_chosen() -> None:
    search = FakeSearch()
    dialog = TmdbMatchDialog(search, "Attack on Titan", 2013, None)
    searched = signal_future(dialog.searchFinished)
    async with opened(dialog) as result:
        await asyncio.wait_for(searched, 5)
        dialog.results.topLevelItem(0).setSelected(True)
        buttons = dialog.findChild(QDialogButtonBox)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        assert await asyncio.wait_for(result, 5) == Rejected
    assert search.calls == [("Attack on Titan", 2013)]


@pytest.mark.qt_loop
async def test_closing_during_a_slow_search_cancels_it() -> None:
    search = FakeSearch()
    search.gate = asyncio.Event()  # never set: the search waits until cancelled
    dialog = TmdbMatchDialog(search, "Attack on Titan", 2013, None)
    finished: list[int] = []
    dialog.searchFinished.connect(finished.append)
    async with opened(dialog) as result:
        await asyncio.wait_for(search.started.wait(), 5)
        assert dialog.status.text() == "Searching TMDB for “Attack on Titan” from 2013…"

        # A new search replaces the one running.
        search.started.clear()
        dialog.search_button.click()
        await asyncio.wait_for(search.cancelled.wait(), 5)
        await asyncio.wait_for(search.started.wait(), 5)
        assert len(search.calls) == 2
        search.cancelled.clear()

        QTest.keyClick(dialog.results, Qt.Key.Key_Escape)  # closes the dialog
        assert await asyncio.wait_for(result, 5) == Rejected
        await asyncio.wait_for(search.cancelled.wait(), 5)
    task = search.tasks[-1]  # the dialog's task of the last search
    assert task is not None
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert finished == []  # a cancelled search reports nothing
    assert dialog.status.text().startswith("Searching TMDB")
