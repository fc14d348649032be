"""Notifications without a tray (stock GNOME): each batch is one desktop notification.

A private D-Bus session bus (``dbus-daemon``) with a fake notification server that records
every ``Notify``. Offscreen Qt has no system tray, as stock GNOME has none, so the
notifications can only arrive through D-Bus; the batching rules of the tray's ``Notifier``
hold there too. The last test runs the real program against that bus.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.desktop.notifications import DesktopNotifications
from aniworld_desktop.ui.notifications import DesktopMessages
from aniworld_desktop.ui.tray import Notifier, TrayIcon
from tests.dbus_session import NotificationServer, notification_server, session_bus
from tests.ui.conftest import MediaServer, make_item, signal_future, wait_until
from tests.ui.test_tray import fired

APP_ID = "io.github.aniworld_desktop.AniworldDesktop"
NEVER = 3_600_000  # batch timers that fire only when the test flushes


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


@pytest.fixture
def server(bus: str, tmp_path: Path) -> Iterator[NotificationServer]:
    with notification_server(bus, tmp_path / "notify.jsonl", click=True) as running:
        yield running


@pytest.fixture
def tray(qapp: Any) -> Iterator[TrayIcon]:
    icon = TrayIcon()
    yield icon
    icon.deleteLater()


def done(item_id: int, title: str = "Harbor Lights", **changes: Any) -> Any:
    return make_item(item_id, series_title=title, status=DownloadStatus.COMPLETED, **changes)


@pytest.mark.qt_loop
async def test_each_batch_is_one_notification_and_a_click_shows_the_window(
    server: NotificationServer, tray: TrayIcon
) -> None:
    assert not TrayIcon.available()  # as on stock GNOME
    async with DesktopNotifications("Aniworld Desktop", app_id=APP_ID, icon=APP_ID) as desktop:
        messages = DesktopMessages(tray, desktop)
        clicked = signal_future(messages.clicked)
        notifier = Notifier(tray, Settings(), messages=messages, quiet_ms=NEVER, max_batch_ms=NEVER)
        for n in (1, 2, 3):
            notifier.on_download_finished(done(n))
        notifier.on_download_finished(done(9, "Paper Moons"))
        notifier.on_download_failed(make_item(4, series_title="Paper Moons"), "the disk is full")
        notifier.on_download_failed(make_item(5, series_title="Paper Moons"), "HTTP 404")
        assert server.calls() == []  # gathered, not told one by one
        notifier.on_queue_idle()
        notifier.on_auto_download_fired(fired(("Harbor Lights", ("S02E01", "S02E02"))))
        await messages.aclose()
        await asyncio.wait_for(clicked, 10)
    calls = server.calls()
    assert [(c["summary"], c["body"]) for c in calls] == [
        (
            "Downloads finished",
            "Downloaded 4 episodes: Harbor Lights S01E01\u2013E03, Paper Moons S01E09",
        ),
        (
            "Downloads failed",
            "2 downloads failed: Paper Moons S01E04 (the disk is full), Paper Moons S01E05 (HTTP 404)",
        ),
        ("New episodes queued", "Queued 2 new episodes of Harbor Lights, S02E01\u2013E02"),
    ]
    assert [c["hints"].get("urgency") for c in calls] == [1, 2, 1]
    assert [c["hints"].get("category") for c in calls] == [
        "transfer.complete",
        "transfer.error",
        "transfer.complete",
    ]
    assert {c["hints"]["desktop-entry"] for c in calls} == {APP_ID}


@pytest.mark.qt_loop
async def test_each_kind_follows_its_switch(server: NotificationServer, tray: TrayIcon) -> None:
    async with DesktopNotifications("Aniworld Desktop") as desktop:
        messages = DesktopMessages(tray, desktop)
        switches = Settings(notify_finished=False, notify_auto_download=False)
        notifier = Notifier(tray, switches, messages=messages, quiet_ms=NEVER, max_batch_ms=NEVER)
        notifier.on_download_finished(done(1))
        notifier.on_download_failed(make_item(2), "HTTP 410")
        notifier.on_auto_download_fired(fired(("Harbor Lights", ("S02E01",))))
        notifier.flush()
        notifier.apply_settings(Settings(notify_failed=False))
        notifier.on_download_failed(make_item(3), "HTTP 410")
        notifier.on_download_finished(done(4))
        notifier.flush()
        await messages.aclose()
    assert [(c["summary"], c["body"]) for c in server.calls()] == [
        ("Downloads failed", "1 download failed: Show S01E02 (HTTP 410)"),
        ("Downloads finished", "Downloaded 1 episode: Harbor Lights S01E04"),
    ]


@pytest.mark.qt_loop
async def test_where_a_tray_exists_the_tray_tells_and_d_bus_stays_quiet(
    server: NotificationServer, tray: TrayIcon, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(TrayIcon, "available", staticmethod(lambda: True))
    monkeypatch.setattr(
        tray.tray, "showMessage", lambda title, text, *_: shown.append((title, text))
    )
    async with DesktopNotifications("Aniworld Desktop") as desktop:
        messages = DesktopMessages(tray, desktop)
        notifier = Notifier(tray, Settings(), messages=messages, quiet_ms=NEVER, max_batch_ms=NEVER)
        notifier.on_download_finished(done(1))
        notifier.flush()
        await messages.aclose()
    assert shown == [("Downloads finished", "Downloaded 1 episode: Harbor Lights S01E01")]
    assert server.calls() == []


async def test_the_program_without_a_tray_says_its_downloads_finished_over_d_bus(
    server: NotificationServer, bus: str, tmp_path: Path, media_server: MediaServer
) -> None:
    """The real program, offscreen (no tray), on the private bus: a link handed to it at start
    downloads, and the desktop hears of it once."""
    media_server.files["Harbor.Lights.S01E01.mp4"] = os.urandom(64 << 10)
    media_server.files["Harbor.Lights.S01E02.mp4"] = os.urandom(64 << 10)
    profile = tmp_path / "profile"
    paths = ProfilePaths.for_profile(profile)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIWORLD_")}
    env.update(
        QT_QPA_PLATFORM="offscreen", DBUS_SESSION_BUS_ADDRESS=bus, ANIWORLD_MIN_FREE_DISK="0"
    )
    links = [media_server.url(f"Harbor.Lights.S01E0{n}.mp4") for n in (1, 2)]
    command = [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile), "--add", *links]
    program = await asyncio.create_subprocess_exec(
        *command, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await wait_until(lambda: len(server.calls()) >= 1, seconds=60)
        await asyncio.sleep(1)  # time for a wrong second message to arrive
    finally:
        program.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(program.communicate(), 30)
    assert program.returncode == 0, err.decode()
    (call,) = server.calls()
    assert (call["summary"], call["body"]) == (
        "Downloads finished",
        "Downloaded 2 episodes: Harbor Lights S01E01\u2013E02",
    )
    log = (paths.log_dir / "aniworld.log").read_text(encoding="utf-8")
    assert "desktop notifications: fake tests" in log
