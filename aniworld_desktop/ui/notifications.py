"""Where the window's notifications go: the tray icon where there is one, else the desktop's
notification server over D-Bus.

Qt shows a notification only from a tray icon, and a desktop without a notification area
(stock GNOME) would never show one. :class:`DesktopMessages` decides per message: the tray
icon's balloon while the desktop has a tray (on KDE and most Linux panels that is a D-Bus
notification too, sent by Qt), else ``org.freedesktop.Notifications`` through
:class:`~aniworld_desktop.desktop.notifications.DesktopNotifications`, else the log. The
:class:`~aniworld_desktop.ui.tray.Notifier` decides which messages there are and batches them;
this only delivers them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from PySide6.QtCore import QObject, Signal

from aniworld_desktop.desktop.notifications import DesktopNotifications, Urgency
from aniworld_desktop.ui.tray import TrayIcon

log = logging.getLogger(__name__)


class DesktopMessages(QObject):
    """Delivers notifications by the tray icon or, without a tray, by the notification server.

    Attributes:
        tray: Used while the desktop has a notification area.
        server: The notification server on the session bus (may be unavailable).

    Signals:
        clicked(): The user clicked a notification the server showed (show the window).
    """

    clicked = Signal()

    def __init__(
        self, tray: TrayIcon, server: DesktopNotifications, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tray = tray
        self.server = server
        self._sending: set[asyncio.Task[int | None]] = set()
        server.on_clicked = self.clicked.emit

    def notify(self, title: str, text: str, *, warning: bool = False) -> None:
        """Show ``title`` and ``text`` where the user sees them; returns at once."""
        if self.tray.available():
            self.tray.notify(title, text, warning=warning)
        elif self.server.available:
            sending = asyncio.ensure_future(
                self.server.notify(
                    title,
                    text,
                    urgency=Urgency.CRITICAL if warning else Urgency.NORMAL,
                    category="transfer.error" if warning else "transfer.complete",
                )
            )
            self._sending.add(sending)
            sending.add_done_callback(self._sending.discard)
        else:
            log.info("no tray and no notification server (%s): %s", self.server.reason, title)

    async def aclose(self) -> None:
        """Let the notifications on their way arrive (briefly), then stop listening for clicks."""
        if self._sending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*self._sending), self.server.timeout)
        self.server.on_clicked = None
