"""QueuePane on its own (no window, no services): filter, selection, drops, play, context menu."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.ui.drops import QUEUE_IDS_MIME, Drop, DropKind, ids_mime
from aniworld_desktop.ui.queue_model import Column
from aniworld_desktop.ui.queue_pane import QueuePane
from tests.ui.conftest import make_item
from tests.ui.test_library_window import drop_on


def loaded_pane(qtbot) -> QueuePane:
    pane = QueuePane()
    qtbot.addWidget(pane)
    pane.resize(900, 400)
    pane.model.load(
        [
            make_item(1, series_title="Harbor Lights", title="Fog"),
            make_item(2, series_title="Harbor Lights", title="Tide", status=S.PAUSED),
            make_item(3, series_title="Night Ferry", title="Dock", status=S.COMPLETED),
        ]
    )
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def test_filter_and_state_choice_say_how_many_they_show(qtbot) -> None:
    pane = loaded_pane(qtbot)
    assert pane.shown_label.text() == ""
    pane.filter_edit.setText("harbor")
    pane.apply_filter()
    assert pane.model.rowCount() == 2 and pane.shown_label.text() == "2 of 3"
    pane.state_choice.setCurrentIndex(1)  # To do: queued, downloading, paused
    assert pane.model.rowCount() == 2
    pane.filter_edit.clear()
    pane.apply_filter()
    assert pane.shown_label.text() == "2 of 3"
    pane.state_choice.setCurrentIndex(4)  # Completed
    assert [pane.model.item_id(r) for r in range(pane.model.rowCount())] == [3]

    pane.view.sortByColumn(Column.SERIES, Qt.SortOrder.DescendingOrder)
    pane.show_priority_order()
    assert pane.state_choice.currentIndex() == 0 and pane.shown_label.text() == ""
    assert [pane.model.item_id(r) for r in range(3)] == [1, 2, 3]
    assert pane.model.is_priority_order


def test_selection_is_announced_and_read_back(qtbot) -> None:
    pane = loaded_pane(qtbot)
    with qtbot.waitSignal(pane.selectionChanged):
        pane.select_ids([3, 2])
    assert pane.selected_ids() == [2, 3]
    assert pane.selected_statuses() == {S.PAUSED, S.COMPLETED}

    # Play takes the current row, when its download finished.
    pane.view.setCurrentIndex(pane.model.index(0, Column.TITLE))
    assert pane.chosen_file() is None  # still queued
    pane.view.setCurrentIndex(pane.model.index(2, Column.TITLE))
    assert pane.chosen_file() == "Show/Season 01/3.mp4"
    centre = pane.view.visualRect(pane.model.index(2, Column.TITLE)).center()
    viewport, left, none = pane.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    with qtbot.waitSignal(pane.playRequested):
        QTest.mouseClick(viewport, left, none, centre)  # a double-click follows a click
        QTest.mouseDClick(viewport, left, none, centre)


def test_drops_leave_as_signals_and_refusals_as_messages(qtbot) -> None:
    pane = loaded_pane(qtbot)
    with qtbot.waitSignal(pane.dropped) as dropped:
        assert drop_on(pane.view, ids_mime(QUEUE_IDS_MIME, [3]), row=0)
    assert dropped.args == [Drop(DropKind.QUEUE, [3]), 1]  # above the first row
    assert pane.model.item_id(0) == 1  # the pane moves nothing itself

    refused = QMimeData()
    refused.setUrls([QUrl("ftp://example.org/x.mp4")])
    with qtbot.waitSignal(pane.message) as message:
        assert not drop_on(pane.view, refused)
    assert message.args == ["Only http and https links can be added (ftp scheme)."]


def test_the_context_menu_offers_the_actions_it_was_given(qtbot) -> None:
    pane = loaded_pane(qtbot)
    pause, cancel = QAction("Pause", pane), QAction("Cancel", pane)
    pane.menu.entries = [pause, None, cancel]
    menu = pane.menu.build()  # what a right click pops up (offscreen cannot pop it up)
    entries = [a.text() or "|" for a in menu.actions()]
    assert entries == ["Pause", "|", "Cancel"]
    menu.close()
