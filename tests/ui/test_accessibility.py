"""Every focusable element of the window, its rooms and its dialogs has an accessible name.

A screen reader (Orca, NVDA, VoiceOver) reads what Qt's accessibility interfaces say. The test
walks the real window as they do: ``QAccessible.queryAccessibleInterface`` of the window, then
``child(n)`` down the tree, and fails on every element that takes the keyboard focus but has no
name. Rows and cells of item views are read from their models and not walked; Qt's own file
dialog is Qt's; the settings dialog has a test of its own (tests/ui/test_settings_dialog.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.metadata.tmdb import TVSearchResult
from aniworld_desktop.ui.add_links_dialog import AddLinksDialog
from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog
from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog
from tests.ui.conftest import wait_until
from tests.ui.test_main_window import make_settings, running_window, visible_child

# Rows and cells are the model's data, read as a screen reader reads a table.
NOT_WALKED = {
    QAccessible.Role.Cell,
    QAccessible.Role.Row,
    QAccessible.Role.ColumnHeader,
    QAccessible.Role.RowHeader,
}


def walk(interface: QAccessibleInterface) -> Iterator[QAccessibleInterface]:
    """``interface`` and its visible descendants, as a screen reader walks them."""
    yield interface
    if isinstance(interface.object(), QAbstractItemView):
        return
    for n in range(interface.childCount()):
        child = interface.child(n)
        if child is None or not child.isValid() or child.state().invisible:
            continue
        if child.role() not in NOT_WALKED:
            yield from walk(child)


def describe(interface: QAccessibleInterface) -> str:
    thing = interface.object()
    name = thing.objectName() if thing is not None else ""
    kind = type(thing).__name__ if thing is not None else "?"
    return f"{kind}({name or '-'}) {interface.role().name}"


def focusable(root: QWidget) -> list[QAccessibleInterface]:
    interface = QAccessible.queryAccessibleInterface(root)
    assert interface is not None and interface.isValid()
    return [element for element in walk(interface) if element.state().focusable]


def unnamed(root: QWidget) -> list[str]:
    """Every focusable element under ``root`` without an accessible name."""
    return [
        describe(element)
        for element in focusable(root)
        if not element.text(QAccessible.Text.Name).strip()
    ]


def names(root: QWidget) -> dict[str, str]:
    return {describe(e): e.text(QAccessible.Text.Name) for e in focusable(root)}


@pytest.mark.qt_loop
async def test_every_focusable_element_of_the_window_has_a_name(paths: Any, tmp_path: Path) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        await wait_until(lambda: window.stack.currentWidget() is window.welcome)
        assert unnamed(window) == []
        assert len(focusable(window)) >= 2  # the walk reached the welcome panel's buttons

        window.welcome.demo_button.click()
        await wait_until(lambda: window.stack.currentWidget() is window.main_splitter)
        await wait_until(lambda: window.library_pane.series_model.rowCount() >= 3)
        window.toggle_activity(True)
        await wait_until(window.activity_panel.isVisible)
        async with window.progress.track("Refreshing", total=2) as progress:
            progress.next("Harbor Lights")
            await wait_until(window.progress.isVisible)
            assert unnamed(window) == []
            seen = names(window)
        assert seen["QueueView(queueView) Table"] == "Download queue"
        assert seen["QLineEdit(seriesFilter) EditableText"] == "Filter series"
        assert seen["QTreeView(episodeView) Tree"] == "Episodes"
        # On Linux Qt names a combo box by its current text (and a label beside it, if any);
        # the name set is what Windows and macOS read.
        assert seen["QComboBox(queueStates) ComboBox"] == "All states"
        assert window.queue_pane.state_choice.accessibleName() == "Download state"
        assert seen["QToolButton(taskCancel) Button"] == "Cancel"
        assert len(seen) >= 10  # panes, activity panel, progress: all walked

        # The dialogs, each while open.
        window.commands["add_links"].trigger()
        dialog = await visible_child(window, AddLinksDialog)
        assert unnamed(dialog) == []
        assert names(dialog)["QPlainTextEdit(links) EditableText"] == "Links"
        dialog.reject()

        window.commands["add_series"].trigger()
        dialog = await visible_child(window, AddSeriesDialog)
        assert unnamed(dialog) == []
        dialog.reject()

        async def search(query: str, year: int | None) -> list[TVSearchResult]:
            return [TVSearchResult(id=1, name="Harbor Lights", first_air_date=date(2019, 4, 5))]

        services.metadata.search = search  # type: ignore[method-assign]
        window.library_pane.series_view.selectRow(0)
        window.commands["tmdb_match"].trigger()
        dialog = await visible_child(window, TmdbMatchDialog)
        await wait_until(lambda: dialog.results.topLevelItemCount() == 1)
        assert unnamed(dialog) == []
        dialog.reject()

        items = services.downloads.items()
        window.queue_pane.select_ids([items[0].id])
        window.commands["remove"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemove")
        assert unnamed(box) == []
        box.reject()


def test_the_walk_finds_an_unnamed_field(qtbot: Any) -> None:
    """The check itself: a field named only by its placeholder is caught, a labelled one not."""
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    label = QLabel(QCoreApplication.translate("Test", "&Title:"), root)
    titled = QLineEdit(root)
    label.setBuddy(titled)
    placeholder = QLineEdit(root)
    placeholder.setObjectName("placeholderOnly")
    placeholder.setPlaceholderText("Filter")
    table = QTableView(root)
    table.setObjectName("bareTable")
    for widget in (label, titled, placeholder, table):
        layout.addWidget(widget)
    root.show()
    assert unnamed(root) == [
        "QLineEdit(placeholderOnly) EditableText",
        "QTableView(bareTable) Table",
    ]
    table.setAccessibleName("Rows")
    placeholder.setAccessibleName("Filter")
    assert unnamed(root) == []
