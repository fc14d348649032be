"""The activity panel: log records from any thread, batched, bounded, masked, filtered, copyable."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QGuiApplication

from aniworld_desktop.metadata.credentials import SecretFilter
from aniworld_desktop.ui.activity import (
    MAX_RECORDS,
    ActivityEntry,
    ActivityHandler,
    ActivityModel,
    ActivityPanel,
    Column,
)
from aniworld_desktop.ui.roles import Role

SECRET = "sentinel-secret-0123456789"
ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Role.RAW,
)

app_log = logging.getLogger("aniworld_desktop.downloads.engine")


@pytest.fixture(autouse=True)
def no_garbage_from_earlier_tests() -> None:
    """Collect, on the GUI thread, the garbage earlier tests left (qasync loops of ``qt_loop``
    tests leave cycles holding a ``_SimpleTimer`` and ``QThread`` workers).

    These tests log from worker threads, and a collection there would destroy those QObjects off
    their thread ("Timers cannot be stopped from another thread", then a crash). Our own objects
    form no cycles (see ``test_the_handler_outlives_the_panel``), so this hides nothing of ours.
    """
    gc.collect()


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    """The app's top logger at DEBUG (pytest leaves the root at WARNING), restored afterwards."""
    logger = logging.getLogger("aniworld_desktop")
    before = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield logger
    finally:
        logger.setLevel(before)


@pytest.fixture
def make_handler(app_logger: logging.Logger) -> Iterator[Callable[..., ActivityHandler]]:
    """Builds installed handlers and removes every one of them from its loggers at the end."""
    made: list[ActivityHandler] = []

    def make(
        model: ActivityModel, *, logger: str = "aniworld_desktop", **kwargs
    ) -> ActivityHandler:
        handler = ActivityHandler(**kwargs)
        handler.install(logger)
        model.follow(handler)
        made.append(handler)
        return handler

    try:
        yield make
    finally:
        for handler in made:
            handler.close()
        assert not any(isinstance(h, ActivityHandler) for h in app_logger.handlers)
        assert not any(isinstance(h, ActivityHandler) for h in logging.getLogger().handlers)


def in_thread(work: Callable[[], None]) -> None:
    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join(10)
    assert not thread.is_alive()


def record(
    level: int = logging.INFO, msg: str = "hello", name: str = app_log.name
) -> ActivityEntry:
    return ActivityEntry.from_record(logging.LogRecord(name, level, __file__, 1, msg, None, None))


def all_text(model: ActivityModel) -> str:
    cells = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in ROLES:
                cells.append(str(model.index(row, column).data(role)))
    return "\n".join(cells)


def test_model_passes_the_model_tester(qtmodeltester) -> None:
    model = ActivityModel(max_records=10)
    model.append([record(logging.INFO), record(logging.WARNING), record(logging.ERROR)])
    qtmodeltester.check(model)
    # The tester keeps watching: growing past the bound, a batch larger than it, and a clear.
    model.append([record(msg=f"m{n}") for n in range(9)])
    assert model.rowCount() == 10
    model.append([record(msg=f"n{n}") for n in range(25)])
    assert [model.entry(r).message for r in (0, 9)] == ["n15", "n24"]
    model.clear()
    assert model.rowCount() == 0


def test_records_from_a_worker_thread_arrive(qtbot, make_handler) -> None:
    model = ActivityModel()
    make_handler(model)

    def work() -> None:
        app_log.info("fetched %d episodes\nsecond line", 3)
        try:
            raise ValueError("boom")
        except ValueError:
            app_log.exception("download failed")

    in_thread(work)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)

    info, error = ([model.index(row, c).data() for c in Column] for row in range(model.rowCount()))
    # The part of the program in plain words (issue 18); the module in the tooltip.
    assert info[1:] == ["INFO", "Downloads", "fetched 3 episodes ⏎ second line"]
    assert error[1:] == ["ERROR", "Downloads", "download failed"]
    source_tip = model.index(0, Column.SOURCE).data(Qt.ItemDataRole.ToolTipRole)
    assert source_tip == "aniworld_desktop.downloads.engine"
    assert len(info[0]) == 8 and info[0].count(":") == 2  # hh:mm:ss

    created = model.data(model.index(0, Column.TIME), Role.RAW)
    assert isinstance(created, datetime)
    assert created.strftime("%H:%M:%S") == info[0]
    assert model.index(1, Column.LEVEL).data(Role.RAW) == logging.ERROR
    assert model.index(1, Column.SOURCE).data(Role.RAW) == app_log.name
    tooltip = model.index(1, Column.MESSAGE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("download failed\nTraceback")
    assert "ValueError: boom" in tooltip
    assert model.index(1, Column.MESSAGE).data(Role.RAW) == tooltip


def test_only_app_records_at_info_and_above_by_default(qtbot, make_handler) -> None:
    model = ActivityModel()
    # On the root logger: the name filter alone keeps other libraries' records out.
    make_handler(model, logger="")
    other = logging.getLogger("aiohttp.client")
    other_level = other.level
    other.setLevel(logging.INFO)
    try:
        app_log.debug("too chatty")
        other.warning("not ours")
        app_log.info("ours")
    finally:
        other.setLevel(other_level)
    model.pull()
    assert [model.entry(r).message for r in range(model.rowCount())] == ["ours"]


def test_a_burst_is_batched_and_the_bound_holds(qtbot, make_handler) -> None:
    model = ActivityModel()
    make_handler(model)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))

    # in_thread() joins before the GUI thread runs its loop again, so each burst is queued
    # whole by the time the model's timer takes it: one batch each, whatever the speed.
    in_thread(lambda: [app_log.info("burst %d", n) for n in range(1000)])
    qtbot.waitUntil(lambda: model.rowCount() == 1000, timeout=3000)
    assert inserts == [(0, 999)]

    removals: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removals.append((first, last)))
    in_thread(lambda: [app_log.info("more %d", n) for n in range(MAX_RECORDS)])
    qtbot.waitUntil(lambda: model.entry(model.rowCount() - 1).message == "more 4999", timeout=5000)
    assert model.rowCount() == MAX_RECORDS
    assert model.entry(0).message == "more 0"
    assert removals == [(0, 999)]
    assert inserts == [(0, 999), (0, MAX_RECORDS - 1)]


def test_the_handler_queues_no_more_than_its_bound(make_handler) -> None:
    model = ActivityModel()
    handler = make_handler(model, max_pending=10)
    model.unfollow()  # nobody takes: as when the GUI thread is busy or the panel is gone
    in_thread(lambda: [app_log.info("queued %d", n) for n in range(25)])
    assert handler.pending() == 10
    assert [e.message for e in handler.take()] == [f"queued {n}" for n in range(15, 25)]
    assert handler.pending() == 0


def test_the_handler_outlives_the_panel(qtbot, make_handler) -> None:
    """Regression: the burst test crashed (SIGSEGV) when run after other Qt tests.

    The handler used to own a QObject relay with a QTimer, in a reference cycle with it. A
    handler closed by an earlier test, its timer still running, was left to the cyclic garbage
    collector, which runs in whichever thread happens to allocate: a worker logging a burst
    destroyed the QTimer off the GUI thread ("Timers cannot be stopped from another thread"),
    and the GUI loop then fired the dangling timer. Here a closed handler is left behind with
    its model's timer running, a panel and its model go away while their handler stays
    installed, a worker logs and collects garbage, and the loop runs on: no Qt warning (they
    fail the test), no crash, and a new model gets the records.
    """
    panel = ActivityPanel()
    model = panel.model
    handler = make_handler(model)
    app_log.info("before")
    model.pull()
    assert model.rowCount() == 1

    enabled = gc.isenabled()
    gc.disable()  # so that nothing is collected before the worker's collection
    try:
        left_behind = ActivityHandler()
        left_behind.install()
        left_model = ActivityModel()
        left_model.follow(left_behind)  # its timer runs from here on
        app_log.info("left behind")
        left_behind.close()
        gone = [weakref.ref(o) for o in (left_behind, left_model, panel, model)]
        del left_behind, left_model, panel, model
        # Freed here, on the GUI thread, by their last references: nothing waits for a
        # collection in some other thread.
        assert [ref() for ref in gone] == [None] * len(gone)

        def work() -> None:
            for n in range(3):
                app_log.warning("after %d", n)
            gc.collect()  # what crashed: a collection in a non-GUI thread

        in_thread(work)
    finally:
        if enabled:
            gc.enable()
    expected = ["left behind", "after 0", "after 1", "after 2"]
    assert handler.pending() == len(expected)

    newer = ActivityModel()
    newer.follow(handler)
    # Waiting for a timer-driven batch runs the GUI loop through at least one timer period.
    qtbot.waitUntil(lambda: newer.rowCount() == len(expected), timeout=3000)
    assert [newer.entry(r).message for r in range(newer.rowCount())] == expected


def test_nothing_is_left_for_the_garbage_collector(qtbot, app_logger) -> None:
    """No reference cycle through the handler or the model: each is freed by its last
    reference, in the thread that drops it, never by a collection in some other thread."""
    handler = ActivityHandler(filters=[SecretFilter([SECRET])])
    handler.install()
    panel = ActivityPanel()
    panel.model.follow(handler)
    app_log.info("shown")
    panel.model.pull()
    assert panel.model.rowCount() == 1
    refs = [weakref.ref(o) for o in (handler, panel, panel.model, panel.proxy, panel.view)]
    handler.close()
    enabled = gc.isenabled()
    gc.disable()
    try:
        del handler, panel
        assert [ref() for ref in refs] == [None] * len(refs)
    finally:
        if enabled:
            gc.enable()


def test_a_closed_handler_queues_nothing_and_the_model_stops_following(make_handler) -> None:
    model = ActivityModel()
    handler = make_handler(model)
    app_log.info("kept")
    handler.close()
    assert handler.closed
    assert not any(h is handler for h in logging.getLogger("aniworld_desktop").handlers)
    handler.emit(logging.LogRecord(app_log.name, logging.INFO, __file__, 1, "late", None, None))
    assert handler.pending() == 0
    model.pull()
    assert model.rowCount() == 0
    assert model.handler is None


def test_warnings_and_errors_are_highlighted() -> None:
    model = ActivityModel()
    model.append([record(logging.INFO), record(logging.WARNING), record(logging.CRITICAL)])
    fg, bg = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole
    for column in Column:
        assert model.index(0, column).data(fg) is None
        assert model.index(0, column).data(bg) is None
        warning, error = model.index(1, column).data(fg), model.index(2, column).data(fg)
        assert isinstance(warning, QColor) and isinstance(error, QColor)
        assert warning != error
        assert error.red() > error.green() and error.red() > error.blue()
        # A faint tint over the palette's base keeps dark and light palettes readable.
        assert 0 < model.index(2, column).data(bg).alpha() < 128


def test_secrets_are_masked(qtbot, make_handler) -> None:
    model = ActivityModel()
    make_handler(model, filters=[SecretFilter([SECRET])])

    def work() -> None:
        app_log.warning("token %s refused", SECRET)
        try:
            raise RuntimeError(f"bad token {SECRET}")
        except RuntimeError:
            app_log.exception("TMDB said no to %s", SECRET)

    in_thread(work)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
    text = all_text(model)
    assert SECRET not in text
    assert "token *** refused" in text
    assert "RuntimeError: bad token ***" in text

    panel = ActivityPanel(model)
    qtbot.addWidget(panel)
    assert SECRET not in panel.all_text()


def test_copy_puts_the_selected_rows_on_the_clipboard(qtbot) -> None:
    model = ActivityModel()
    model.append(
        [
            record(logging.INFO, "first", "aniworld_desktop.library.scanner"),
            record(logging.WARNING, "second"),
            record(logging.ERROR, "third", "qasync"),
        ]
    )
    panel = ActivityPanel(model)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    selection = panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(panel.proxy.index(2, 0), flags)
    selection.select(panel.proxy.index(0, 0), flags)
    panel.view.setFocus()
    QGuiApplication.clipboard().clear()

    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    time = model.entry(0).time_text
    assert QGuiApplication.clipboard().text() == (
        f"{time} INFO library.scanner: first\n{model.entry(2).time_text} ERROR qasync: third"
    )

    assert panel.copy_all_action in panel.view.actions()
    panel.copy_all_action.trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "INFO library.scanner: first",
        "WARNING downloads.engine: second",
        "ERROR qasync: third",
    ]


def test_copy_includes_the_traceback() -> None:
    try:
        raise KeyError("missing")
    except KeyError:
        rec = logging.LogRecord(
            app_log.name, logging.ERROR, __file__, 1, "oops", None, sys.exc_info()
        )
    entry = ActivityEntry.from_record(rec)
    assert entry.message == "oops"
    copied = entry.as_text().splitlines()
    assert copied[0] == f"{entry.time_text} ERROR downloads.engine: oops"
    assert copied[-1] == "KeyError: 'missing'"


def test_level_filter_hides_info_rows(qtbot) -> None:
    model = ActivityModel()
    model.append([record(logging.INFO), record(logging.WARNING), record(logging.ERROR)] * 2)
    panel = ActivityPanel(model)
    qtbot.addWidget(panel)

    def shown() -> list[str]:
        return [panel.proxy.index(r, Column.LEVEL).data() for r in range(panel.proxy.rowCount())]

    assert len(shown()) == 6
    panel.level_combo.setCurrentIndex(panel.level_combo.findText("Warnings and errors"))
    assert shown() == ["WARNING", "ERROR"] * 2
    panel.level_combo.setCurrentIndex(panel.level_combo.findText("Errors"))
    assert shown() == ["ERROR", "ERROR"]
    # New rows go through the filter too.
    model.append([record(logging.INFO), record(logging.CRITICAL)])
    assert shown() == ["ERROR", "ERROR", "CRITICAL"]
    panel.set_minimum_level(logging.NOTSET)
    assert panel.level_combo.currentText() == "All"
    assert len(shown()) == 8


def test_clear_button_empties_the_table(qtbot) -> None:
    model = ActivityModel()
    model.append([record() for _ in range(5)])
    panel = ActivityPanel(model)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0
    assert panel.proxy.rowCount() == 0


def test_the_table_follows_new_rows_only_from_the_bottom(qtbot) -> None:
    model = ActivityModel()
    model.append([record(msg=f"m{n}") for n in range(200)])
    panel = ActivityPanel(model)
    qtbot.addWidget(panel)
    panel.resize(500, 200)
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.view.verticalScrollBar()
    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())

    model.append([record(msg="new")])
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert panel.view.rowAt(panel.view.viewport().height() - 1) == model.rowCount() - 1

    bar.setValue(0)
    model.append([record(msg="newer")])
    qtbot.wait(50)
    assert bar.value() == 0
