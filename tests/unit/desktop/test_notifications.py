"""DesktopNotifications against a fake notification server on a private D-Bus session bus."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_signal
from jeepney.io.asyncio import open_dbus_router

from aniworld_desktop.desktop.notifications import DesktopNotifications, Urgency
from tests.dbus_session import NotificationServer, notification_server, session_bus

APP_ID = "io.github.aniworld_desktop.AniworldDesktop"


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


@pytest.fixture
def server(bus: str, tmp_path: Path) -> Iterator[NotificationServer]:
    with notification_server(bus, tmp_path / "notify.jsonl") as running:
        yield running


async def test_a_notification_reaches_the_server_with_its_hints(server: NotificationServer) -> None:
    async with DesktopNotifications("Aniworld Desktop", app_id=APP_ID, icon=APP_ID) as notes:
        assert notes.available and notes.server == "fake tests" and notes.reason == ""
        first = await notes.notify("Downloads finished", "Harbor Lights S01E01\u2013E03")
        second = await notes.notify(
            "Downloads failed",
            "<b>Paper Moons</b> S01E02 (disk full) & more",
            urgency=Urgency.CRITICAL,
            category="transfer.error",
        )
    assert (first, second) == (1, 2)
    calls = server.calls()
    assert [(c["summary"], c["body"]) for c in calls] == [
        ("Downloads finished", "Harbor Lights S01E01\u2013E03"),
        ("Downloads failed", "&lt;b&gt;Paper Moons&lt;/b&gt; S01E02 (disk full) &amp; more"),
    ]
    assert calls[0]["app"] == "Aniworld Desktop" and calls[0]["icon"] == APP_ID
    assert calls[0]["actions"] == ["default", "Aniworld Desktop"]
    assert calls[0]["hints"] == {"urgency": 1, "desktop-entry": APP_ID}
    assert calls[1]["hints"] == {
        "urgency": 2,
        "desktop-entry": APP_ID,
        "category": "transfer.error",
    }
    assert calls[0]["timeout"] == 8000 and calls[0]["replaces"] == 0
    assert not notes.available  # closed
    assert await notes.notify("after closing") is None
    assert len(server.calls()) == 2


async def test_a_click_on_ours_is_heard_and_a_stranger_s_signal_is_not(
    bus: str, tmp_path: Path
) -> None:
    clicked = asyncio.Event()
    with notification_server(bus, tmp_path / "n.jsonl", click=True):
        async with DesktopNotifications("Aniworld Desktop", on_clicked=clicked.set) as notes:
            # Anybody on the bus can send an ActionInvoked; only the server's count.
            async with open_dbus_router(bus="SESSION") as stranger:
                emitter = DBusAddress(
                    "/org/freedesktop/Notifications", interface="org.freedesktop.Notifications"
                )
                await stranger.send(new_signal(emitter, "ActionInvoked", "us", (1, "default")))
                await asyncio.sleep(0.2)
            assert not clicked.is_set()
            assert await notes.notify("Downloads finished", "one") == 1
            await asyncio.wait_for(clicked.wait(), 10)


async def test_without_a_server_or_a_bus_it_says_why_and_does_nothing(
    bus: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO)
    async with DesktopNotifications("Aniworld Desktop") as notes:
        assert not notes.available
        assert notes.reason == "no notification server runs on the session bus"
        assert await notes.notify("nobody hears this") is None
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    async with DesktopNotifications("Aniworld Desktop") as notes:
        assert notes.reason == "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus-here")
    async with DesktopNotifications("Aniworld Desktop") as notes:
        assert notes.reason.startswith("the session bus cannot be reached")
    assert "desktop notifications: not available" in caplog.text


async def test_a_server_that_goes_away_costs_a_log_line(
    bus: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with notification_server(bus, tmp_path / "n.jsonl"):
        notes = DesktopNotifications("Aniworld Desktop", timeout=2)
        await notes.__aenter__()
    try:
        assert notes.available
        assert await notes.notify("Downloads finished", "into the void") is None
        assert "desktop notification not shown" in caplog.text
    finally:
        await notes.aclose()
