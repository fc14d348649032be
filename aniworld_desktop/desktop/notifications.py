"""Desktop notifications through the freedesktop notification server, over the session D-Bus.

Qt shows a notification only from a tray icon (``QSystemTrayIcon.showMessage``), and stock GNOME
has no tray: without this, a GNOME user never hears that downloads finished. Every Linux
desktop (GNOME Shell, KDE Plasma, Xfce with xfce4-notifyd, dunst, mako…) runs a server of the
`Desktop Notifications Specification`_ on the session bus: :class:`DesktopNotifications` asks it
with ``org.freedesktop.Notifications.Notify`` and hears a click on a notification
(``ActionInvoked`` with the ``default`` action) from it alone.

The D-Bus client is jeepney: pure Python, no dependencies, already installed on Linux as
keyring's; it speaks D-Bus on asyncio, so it runs on the window's loop. (desktop-notifier was
the other candidate: it brings dbus-fast, a compiled extension, plus pyobjc/winrt bindings for
macOS and Windows, where Qt's tray icon already notifies.) No Qt here.

.. _Desktop Notifications Specification:
   https://specifications.freedesktop.org/notification-spec/latest/
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

log = logging.getLogger(__name__)

BUS_NAME: Final = "org.freedesktop.Notifications"
OBJECT_PATH: Final = "/org/freedesktop/Notifications"
INTERFACE: Final = "org.freedesktop.Notifications"
DEFAULT_ACTION: Final = "default"  # a click on the notification itself
CALL_TIMEOUT: Final = 5.0  # seconds for a connection or a call: a hung server must not hang us
EXPIRE_MS: Final = 8000
EARLY_CLICKS: Final = 16  # clicks on ids not known yet, kept until Notify's reply is read


class Urgency(enum.IntEnum):
    """The ``urgency`` hint: a critical notification stays until it is dismissed (GNOME)."""

    LOW = 0
    NORMAL = 1
    CRITICAL = 2


class DesktopNotifications:
    """A connection to the desktop's notification server, for ``async with``.

    Entering never fails: without a session bus (Windows, macOS, a cron job, a container) or
    without a notification server on it, :attr:`available` is False and :meth:`notify` does
    nothing; :attr:`reason` says why.

    Attributes:
        available: A notification server answered when the connection was opened.
        reason: Why it is not available ("" when it is).
        server: The server's name and vendor ("gnome-shell GNOME"), for the log.

    Events:
        on_clicked(): A notification of ours was clicked (its ``default`` action).
    """

    def __init__(
        self,
        app_name: str,
        *,
        app_id: str = "",
        icon: str = "",
        on_clicked: Callable[[], object] | None = None,
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        """Notify as ``app_name``.

        Args:
            app_name: Shown by the server as the sender.
            app_id: The .desktop file's name without ``.desktop`` (the ``desktop-entry``
                hint: GNOME groups the notifications under the app and shows its icon).
            icon: An icon name of the icon theme, or a file path.
            on_clicked: Called when the user clicks a notification of ours.
            timeout: Seconds a connection or a call may take.
        """
        self.app_name = app_name
        self.app_id = app_id
        self.icon = icon
        self.on_clicked = on_clicked
        self.timeout = timeout
        self.available = False
        self.reason = "not opened"
        self.server = ""
        self._stack = contextlib.AsyncExitStack()
        self._router: Any = None
        self._server: Any = None
        self._owner = ""
        self._ours: set[int] = set()
        # A click can arrive before the reply to Notify has been read: kept until it has.
        self._early_clicks: set[int] = set()
        self._listener: asyncio.Task[None] | None = None

    async def __aenter__(self) -> DesktopNotifications:
        try:
            await asyncio.wait_for(self._open(), self.timeout)
        except asyncio.CancelledError:
            await self._stack.aclose()
            raise
        except Exception as exc:  # any failure only means: no notifications
            await self._stack.aclose()
            self._router = None
            self.reason = _why(exc)
            log.info("desktop notifications: not available (%s)", self.reason)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop listening and close the connection (again: nothing)."""
        self.available = False
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        try:
            await self._stack.aclose()
        except Exception as exc:  # a broken connection closes all the same
            log.debug("desktop notifications: closing: %s", exc)
        self._router = None

    async def _open(self) -> None:
        if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
            raise _Unavailable("no D-Bus on this platform; the tray icon notifies")
        try:
            from jeepney import DBusAddress, MatchRule, message_bus
            from jeepney.io.asyncio import Proxy, open_dbus_router
        except ImportError:
            raise _Unavailable("the jeepney package is not installed") from None
        router = await self._stack.enter_async_context(open_dbus_router(bus="SESSION"))
        bus = Proxy(message_bus, router)
        (self._owner,) = await bus.GetNameOwner(BUS_NAME)
        self._server = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        self._router = router
        name, vendor, _version, _spec = await self._call("GetServerInformation")
        # Signals from the server alone: anybody on the bus may send an ActionInvoked.
        rule = MatchRule(type="signal", sender=self._owner, interface=INTERFACE, path=OBJECT_PATH)
        await bus.AddMatch(rule)
        queue: asyncio.Queue[Any] = asyncio.Queue(64)
        self._stack.enter_context(router.filter(rule, queue=queue))
        self._listener = asyncio.ensure_future(self._listen(queue))
        self.server = f"{name} {vendor}".strip()
        self.available, self.reason = True, ""
        log.info("desktop notifications: %s", self.server)

    async def notify(
        self,
        summary: str,
        body: str = "",
        *,
        urgency: Urgency = Urgency.NORMAL,
        category: str = "",
        expire_ms: int = EXPIRE_MS,
    ) -> int | None:
        """Show a notification; its id, or None when none could be shown (logged).

        Args:
            summary: The title line.
            body: The text below it (plain: markup is escaped, servers differ in what they take).
            urgency: How insistent it is.
            category: The spec's category ("transfer.complete", "transfer.error").
            expire_ms: How long it stays (the server may ignore it).
        """
        if not self.available or self._router is None:
            return None
        hints: dict[str, tuple[str, Any]] = {"urgency": ("y", int(urgency))}
        if self.app_id:
            hints["desktop-entry"] = ("s", self.app_id)
        if category:
            hints["category"] = ("s", category)
        body = _plain(body)
        actions = [DEFAULT_ACTION, self.app_name]
        try:
            (notification_id,) = await self._call(
                "Notify",
                "susssasa{sv}i",
                (self.app_name, 0, self.icon, summary, body, actions, hints, expire_ms),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a lost notification: a log line, no error
            log.warning("desktop notification not shown (%s): %s", _why(exc), summary)
            return None
        notification_id = int(notification_id)
        self._ours.add(notification_id)
        if notification_id in self._early_clicks:
            self._early_clicks.discard(notification_id)
            self._clicked(notification_id)
        return notification_id

    async def _call(
        self, method: str, signature: str | None = None, body: tuple[Any, ...] = ()
    ) -> Any:
        """Call ``method`` on the server and return the reply's values (DBusErrorResponse)."""
        from jeepney import new_method_call
        from jeepney.wrappers import unwrap_msg

        message = new_method_call(self._server, method, signature, body)
        reply = await asyncio.wait_for(self._router.send_and_get_reply(message), self.timeout)
        return unwrap_msg(reply)

    async def _listen(self, queue: asyncio.Queue[Any]) -> None:
        from jeepney.low_level import HeaderFields

        while True:
            message = await queue.get()
            member = message.header.fields.get(HeaderFields.member)
            if member == "ActionInvoked" and len(message.body) == 2:
                notification_id, action = message.body
                if action != DEFAULT_ACTION:
                    continue
                if notification_id in self._ours:
                    self._clicked(notification_id)
                elif len(self._early_clicks) < EARLY_CLICKS:
                    self._early_clicks.add(notification_id)
            elif member == "NotificationClosed" and message.body:
                self._ours.discard(message.body[0])

    def _clicked(self, notification_id: int) -> None:
        log.debug("desktop notification %d clicked", notification_id)
        if self.on_clicked is not None:
            self.on_clicked()


class _Unavailable(Exception):
    """Why there is no notification server, in words."""


def _why(exc: BaseException) -> str:
    """A failure to reach the server, in a few words."""
    if isinstance(exc, _Unavailable):
        return str(exc)
    if isinstance(exc, KeyError):
        return "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    if isinstance(exc, TimeoutError):
        return "the session bus did not answer in time"
    name = getattr(exc, "name", None)
    if name == "org.freedesktop.DBus.Error.NameHasNoOwner":
        return "no notification server runs on the session bus"
    if isinstance(exc, OSError):
        return f"the session bus cannot be reached ({exc.strerror or type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _plain(text: str) -> str:
    """``text`` safe for a server that reads the body as markup (GNOME, KDE do)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
