"""The tray icon and its notifications, offscreen: signals, menu, messages, state and icons.

Offscreen there is no notification area, so nothing is seen; the tray still takes its icon,
tooltip and menu, emits ``activated`` when told to, and its ``showMessage`` is spied on.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from aniworld_desktop.config import Settings
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import AutoDownloadFired, AutoDownloadSkipped, SeriesQueued
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.icons import app_icon
from aniworld_desktop.ui.tray import (
    Notifier,
    TrayIcon,
    TrayState,
    collapse_labels,
    failed_text,
)

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
Info = QSystemTrayIcon.MessageIcon.Information
Warning_ = QSystemTrayIcon.MessageIcon.Warning


class Messages(list[tuple[str, str, Any]]):
    """What the tray was asked to show: ``(title, text, icon)`` per message."""

    def texts(self) -> list[str]:
        return [text for _, text, _ in self]


@pytest.fixture
def tray(qtbot: Any) -> TrayIcon:
    icon = TrayIcon()
    yield icon
    icon.hide()
    icon.deleteLater()


@pytest.fixture
def messages(tray: TrayIcon, monkeypatch: pytest.MonkeyPatch) -> Messages:
    shown = Messages()

    def show_message(title: str, text: str, icon: Any = Info, msecs: int = 10000) -> None:
        shown.append((title, text, icon))

    monkeypatch.setattr(tray.tray, "showMessage", show_message)
    return shown


def make_notifier(tray: TrayIcon, **switches: bool) -> Notifier:
    # Timers that would fire only after the test: flushes are called or waited for explicitly.
    return Notifier(tray, Settings(**switches), quiet_ms=3_600_000, max_batch_ms=3_600_000)


def item(item_id: int, series: str, season: int, episode: int, error: str = "") -> QueueItem:
    return QueueItem(
        id=item_id,
        episode_id=item_id,
        key=EpisodeKey(len(series), season, episode),
        series_title=series,
        title=f"Episode {episode}",
        url=f"http://127.0.0.1:9/{item_id}.mp4",
        destination=f"{series}/{item_id}.mp4",
        status=DownloadStatus.COMPLETED,
        position=item_id,
        error=error,
    )


def fired(*queued: tuple[str, tuple[str, ...]]) -> AutoDownloadFired:
    return AutoDownloadFired(
        trigger="interval",
        started_at=NOW,
        queued=tuple(
            SeriesQueued(series_id=n, title=title, labels=labels)
            for n, (title, labels) in enumerate(queued, 1)
        ),
    )


def rendered(icon: Any, side: int) -> QImage:
    return icon.pixmap(QSize(side, side)).toImage().convertToFormat(QImage.Format.Format_ARGB32)


# -- the platform and the window -------------------------------------------------------------


# Offscreen, QSystemTrayIcon.show() falls back to Qt's own tray window, which looks for a
# signal only the xcb platform has; with an icon set, this is the warning it gives.
@pytest.mark.qt_log_ignore(r"No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_works_where_no_tray_exists(tray: TrayIcon) -> None:
    assert TrayIcon.available() is QSystemTrayIcon.isSystemTrayAvailable()
    assert not tray.tray.icon().isNull()  # set before show: no "No Icon set" warning
    tray.show()
    assert tray.tray.isVisible()
    tray.hide()
    assert not tray.tray.isVisible()


@pytest.mark.skipif(sys.platform == "darwin", reason="a click opens the menu on macOS")
def test_click_on_icon_asks_to_show_or_hide(tray: TrayIcon, qtbot: Any) -> None:
    with qtbot.waitSignal(tray.showHideRequested, timeout=1000):
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)


def test_double_click_asks_to_show(tray: TrayIcon, qtbot: Any) -> None:
    with (
        qtbot.waitSignal(tray.showRequested, timeout=1000),
        qtbot.assertNotEmitted(tray.showHideRequested),
    ):
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.DoubleClick)


def test_context_click_does_not_toggle(tray: TrayIcon, qtbot: Any) -> None:
    with qtbot.assertNotEmitted(tray.showHideRequested), qtbot.assertNotEmitted(tray.showRequested):
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.Context)


def test_message_click_asks_to_show(tray: TrayIcon, qtbot: Any) -> None:
    with qtbot.waitSignal(tray.showRequested, timeout=1000):
        tray.tray.messageClicked.emit()


def test_the_menu_is_the_trays_context_menu(tray: TrayIcon) -> None:
    assert tray.tray.contextMenu() is tray.menu
    texts = [action.text() for action in tray.menu.actions() if not action.isSeparator()]
    assert texts == [
        "Show window",
        "Pause all",
        "Resume all",
        "Run auto-download now",
        "Open library folder",
        "Quit",
    ]


@pytest.mark.parametrize(
    ("name", "signal"),
    [
        ("show_hide", "showHideRequested"),
        ("pause_all", "pauseAllRequested"),
        ("resume_all", "resumeAllRequested"),
        ("run_now", "runNowRequested"),
        ("open_folder", "openFolderRequested"),
        ("quit", "quitRequested"),
    ],
)
def test_each_menu_command_emits_its_signal(
    tray: TrayIcon, qtbot: Any, name: str, signal: str
) -> None:
    others = [
        getattr(tray, other)
        for other in (
            "showHideRequested",
            "pauseAllRequested",
            "resumeAllRequested",
            "runNowRequested",
            "openFolderRequested",
            "quitRequested",
        )
        if other != signal
    ]
    emitted: list[str] = []
    for other in others:
        other.connect(lambda: emitted.append("other"))
    with qtbot.waitSignal(getattr(tray, signal), timeout=1000):
        tray.actions[name].trigger()
    assert emitted == []


def test_show_hide_follows_the_window(tray: TrayIcon, qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    tray.track_window(window)
    assert tray.actions["show_hide"].text() == "Show window"
    window.show()
    assert tray.actions["show_hide"].text() == "Hide window"
    window.hide()
    assert tray.actions["show_hide"].text() == "Show window"


def test_showing_the_window_acknowledges_errors(tray: TrayIcon, qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    tray.track_window(window)
    tray.set_state(0, 0, 1, 0.0)
    assert tray.state is TrayState.ERROR
    window.show()
    assert tray.state is TrayState.IDLE


# -- state, tooltip and icons ----------------------------------------------------------------


def test_tooltip_follows_the_counts(tray: TrayIcon) -> None:
    assert tray.tooltip() == "Aniworld Desktop\nIdle"
    tray.set_state(2, 14, 0, 3.2 * 1024 * 1024)
    assert tray.tooltip() == "Aniworld Desktop\n2 downloading · 14 queued · 3.2 MiB/s"
    tray.set_state(0, 5, 1, 0.0)
    assert tray.tooltip() == "Aniworld Desktop\n5 queued · 1 failed"
    tray.set_state(0, 0, 0, 0.0)
    assert tray.tooltip() == "Aniworld Desktop\nIdle"


def test_state_follows_downloads_and_new_failures(tray: TrayIcon, qtbot: Any) -> None:
    states: list[TrayState] = []
    tray.stateChanged.connect(states.append)
    tray.set_state(1, 3, 0, 100.0)
    assert tray.state is TrayState.DOWNLOADING
    tray.set_state(1, 2, 1, 100.0)
    assert tray.state is TrayState.ERROR
    tray.acknowledge_errors()
    assert tray.state is TrayState.DOWNLOADING  # the one failure has been seen
    tray.set_state(0, 0, 1, 0.0)
    assert tray.state is TrayState.IDLE
    tray.set_state(0, 0, 2, 0.0)
    assert tray.state is TrayState.ERROR  # a new one
    tray.acknowledge_errors()
    tray.set_state(0, 0, 0, 0.0)  # retried: the mark comes down
    tray.set_state(0, 0, 1, 0.0)
    assert tray.state is TrayState.ERROR
    assert states == [
        TrayState.DOWNLOADING,
        TrayState.ERROR,
        TrayState.DOWNLOADING,
        TrayState.IDLE,
        TrayState.ERROR,
        TrayState.IDLE,
        TrayState.ERROR,
    ]


def test_icon_differs_per_state(tray: TrayIcon) -> None:
    keys = {}
    images = {}
    for downloading, failed, state in ((0, 0, TrayState.IDLE), (1, 0, TrayState.DOWNLOADING)):
        tray.set_state(downloading, 0, failed, 0.0)
        assert tray.state is state
        keys[state] = tray.tray.icon().cacheKey()
        images[state] = rendered(tray.tray.icon(), 16)
    tray.note_failure()
    assert tray.state is TrayState.ERROR
    keys[TrayState.ERROR] = tray.tray.icon().cacheKey()
    images[TrayState.ERROR] = rendered(tray.tray.icon(), 16)
    assert len(set(keys.values())) == 3
    assert images[TrayState.IDLE] != images[TrayState.DOWNLOADING]
    assert images[TrayState.DOWNLOADING] != images[TrayState.ERROR]
    assert images[TrayState.IDLE] != images[TrayState.ERROR]
    # Idle is the application icon as it is.
    assert images[TrayState.IDLE] == rendered(app_icon(), 16)


@pytest.mark.parametrize("side", [16, 22, 24, 32, 48, 64])
def test_icons_are_drawn_at_each_tray_size(tray: TrayIcon, side: int) -> None:
    tray.set_state(1, 0, 0, 0.0)
    icon = tray.tray.icon()
    assert QSize(side, side) in icon.availableSizes()
    image = rendered(icon, side)
    assert image.size() == QSize(side, side)
    # The badge sits in the lower right corner and is opaque there.
    assert image.pixelColor(side - side // 4, side - side // 4).alpha() == 255
    assert image != rendered(app_icon(), side)


# -- auto-download notifications -------------------------------------------------------------


def test_one_message_per_auto_download(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_auto_download_fired(fired(("Harbor Lights", ("S02E01", "S02E02", "S02E03"))))
    assert messages == [
        ("New episodes queued", "Queued 3 new episodes of Harbor Lights, S02E01\u2013E03", Info)
    ]


def test_auto_download_of_several_series(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_auto_download_fired(
        fired(
            ("Harbor Lights", ("S02E01", "S02E02", "S02E03")),
            ("Paper Moons", ("S01E04", "S01E05")),
        )
    )
    assert messages.texts() == [
        "Queued 5 new episodes: Harbor Lights S02E01\u2013E03, Paper Moons S01E04\u2013E05"
    ]


def test_auto_download_of_one_episode(tray: TrayIcon, messages: Messages) -> None:
    make_notifier(tray).on_auto_download_fired(fired(("Harbor Lights", ("S01E07",))))
    assert messages.texts() == ["Queued 1 new episode of Harbor Lights, S01E07"]


def test_nothing_queued_or_other_events_say_nothing(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_auto_download_fired(fired())
    notifier.on_auto_download_fired(fired(("Harbor Lights", ())))
    notifier.on_auto_download_fired(AutoDownloadSkipped("manual", "cooldown", NOW))
    assert messages == []


def test_auto_download_notifications_switch_off(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray, notify_auto_download=False)
    notifier.on_auto_download_fired(fired(("Harbor Lights", ("S02E01",))))
    assert messages == []
    notifier.apply_settings(Settings())
    notifier.on_auto_download_fired(fired(("Harbor Lights", ("S02E01",))))
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("labels", "text"),
    [
        (["S02E01", "S02E02", "S02E03"], "S02E01\u2013E03"),
        (["S02E03", "S02E01", "S02E02"], "S02E01\u2013E03"),
        (["S01E01", "S01E03", "S01E04"], "S01E01, S01E03\u2013E04"),
        (["S01E12", "S02E01", "S02E02"], "S01E12, S02E01\u2013E02"),
        (["S00E01", "S01E01"], "S00E01, S01E01"),
        (["S01E01", "S01E01"], "S01E01"),
        (["S01E99", "S01E100"], "S01E99\u2013E100"),
        (["Movie", "S01E01"], "S01E01, Movie"),
    ],
)
def test_episode_ranges_collapse(labels: list[str], text: str) -> None:
    assert collapse_labels(labels) == text


# -- finished downloads ----------------------------------------------------------------------


def test_finished_downloads_make_one_message(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    for n in (1, 2, 3):
        notifier.on_download_finished(item(n, "Harbor Lights", 1, n))
    notifier.on_download_finished(item(4, "Paper Moons", 1, 4))
    assert messages == []  # gathered, not told one by one
    notifier.flush()
    assert messages == [
        (
            "Downloads finished",
            "Downloaded 4 episodes: Harbor Lights S01E01\u2013E03, Paper Moons S01E04",
            Info,
        )
    ]
    notifier.flush()
    assert len(messages) == 1


def test_finished_batch_is_told_after_a_quiet_spell(
    tray: TrayIcon, messages: Messages, qtbot: Any
) -> None:
    notifier = Notifier(tray, Settings(), quiet_ms=20, max_batch_ms=3_600_000)
    notifier.on_download_finished(item(1, "Harbor Lights", 1, 1))
    notifier.on_download_finished(item(2, "Harbor Lights", 1, 2))
    qtbot.waitUntil(lambda: len(messages) > 0, timeout=5000)
    assert messages.texts() == ["Downloaded 2 episodes: Harbor Lights S01E01\u2013E02"]
    assert notifier.pending() == 0  # nothing left that could make a second message


def test_a_long_batch_is_told_by_its_deadline(
    tray: TrayIcon, messages: Messages, qtbot: Any
) -> None:
    notifier = Notifier(tray, Settings(), quiet_ms=3_600_000, max_batch_ms=20)
    notifier.on_download_finished(item(1, "Harbor Lights", 1, 1))
    qtbot.waitUntil(lambda: len(messages) > 0, timeout=5000)
    assert messages.texts() == ["Downloaded 1 episode: Harbor Lights S01E01"]


def test_queue_idle_tells_the_batch(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_download_finished(item(1, "Harbor Lights", 1, 1))
    notifier.on_queue_idle()
    assert messages.texts() == ["Downloaded 1 episode: Harbor Lights S01E01"]
    notifier.on_queue_idle()
    assert len(messages) == 1


def test_finished_notifications_switch_off(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray, notify_finished=False)
    notifier.on_download_finished(item(1, "Harbor Lights", 1, 1))
    notifier.on_queue_idle()
    assert messages == []
    # Switched off while a batch is gathered: the batch is dropped.
    notifier.apply_settings(Settings())
    notifier.on_download_finished(item(2, "Harbor Lights", 1, 2))
    notifier.apply_settings(Settings(notify_finished=False))
    assert notifier.pending() == 0
    notifier.flush()
    assert messages == []


def test_many_finished_downloads_are_counted_not_listed(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    for n in range(1, 7):
        notifier.on_download_finished(item(n, f"Series {n}", 1, 1))
    notifier.flush()
    assert messages.texts() == [
        "Downloaded 6 episodes: Series 1 S01E01, Series 2 S01E01, Series 3 S01E01, "
        "Series 4 S01E01 and 2 more"
    ]


# -- failures --------------------------------------------------------------------------------


def test_failures_make_one_message_and_the_error_state(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_download_failed(item(1, "Harbor Lights", 1, 2), "disk full")
    notifier.on_download_failed(item(2, "Paper Moons", 1, 1), "HTTP 404")
    assert tray.state is TrayState.ERROR
    assert messages == []
    notifier.on_queue_idle()
    assert messages == [
        (
            "Downloads failed",
            "2 downloads failed: Harbor Lights S01E02 (disk full), Paper Moons S01E01 (HTTP 404)",
            Warning_,
        )
    ]
    tray.acknowledge_errors()
    assert tray.state is TrayState.IDLE


def test_failure_notifications_switch_off_but_the_icon_still_tells(
    tray: TrayIcon, messages: Messages
) -> None:
    notifier = make_notifier(tray, notify_failed=False)
    notifier.on_download_failed(item(1, "Harbor Lights", 1, 2), "disk full")
    notifier.flush()
    assert messages == []
    assert tray.state is TrayState.ERROR


def test_finished_and_failed_in_one_batch_make_one_message_each(
    tray: TrayIcon, messages: Messages
) -> None:
    notifier = make_notifier(tray)
    notifier.on_download_failed(item(1, "Harbor Lights", 1, 1), "timed out")
    notifier.on_download_finished(item(2, "Harbor Lights", 1, 2))
    notifier.on_download_failed(item(3, "Harbor Lights", 1, 3), "")
    notifier.on_download_finished(item(1, "Harbor Lights", 1, 1))  # the retry made it
    notifier.flush()
    assert messages.texts() == [
        "Downloaded 2 episodes: Harbor Lights S01E01\u2013E02",
        "1 download failed: Harbor Lights S01E03",
    ]


def test_failure_reason_falls_back_and_is_shortened() -> None:
    long = "connection reset by peer " * 10
    text = failed_text(
        [
            (item(1, "Harbor Lights", 1, 2, error="stalled"), "stalled"),
            (item(2, "Harbor Lights", 1, 3), long),
        ]
    )
    assert text.startswith("2 downloads failed: Harbor Lights S01E02 (stalled), ")
    reason = text.split("S01E03 (", 1)[1]
    assert reason.endswith("…)")
    assert len(reason) <= 82


def test_failure_without_reason_uses_the_items_error(tray: TrayIcon, messages: Messages) -> None:
    notifier = make_notifier(tray)
    notifier.on_download_failed(item(1, "Harbor Lights", 1, 2, error="disk full"), "")
    notifier.flush()
    assert messages.texts() == ["1 download failed: Harbor Lights S01E02 (disk full)"]


def test_settings_are_the_switches() -> None:
    # The notifier reads these three names; the settings must keep them.
    names = {field.name for field in dataclasses.fields(Settings)}
    assert {"notify_auto_download", "notify_finished", "notify_failed"} <= names


def test_real_messages_show_without_a_tray(tray: TrayIcon) -> None:
    # No spy: the platform's own showMessage runs, warns about nothing, and raises nothing.
    tray.notify("Downloads failed", "1 download failed: Harbor Lights S01E02", warning=True)
    Notifier(tray, Settings()).on_auto_download_fired(fired(("Harbor Lights", ("S01E01",))))
