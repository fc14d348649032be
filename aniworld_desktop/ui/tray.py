"""The notification-area icon: what the app is doing at a glance, a few commands, and news.

:class:`TrayIcon` shows one of three icons (idle, downloading, error), a tooltip with the
queue's counts and speed, and a menu of commands. It knows no service: each command is a
signal that the window (or the application) connects to whatever does the work, so the tray's
Quit can really quit while the window's own Quit only closes the window.

:class:`Notifier` turns plain events into a few messages: one per auto-download that queued
something, one per batch of finished downloads and one per batch of failures, each kind
switchable in the settings. It does not listen to the bus itself; whoever owns it connects the
bridge's signals to its ``on_*`` methods. Its messages go to a :class:`MessageSink`: the tray
icon, or (``ui/notifications.py``) the desktop's notification server where there is no tray.
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Final, Protocol

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from aniworld_desktop.core.events import AutoDownloadFired, SeriesQueued
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.icons import app_icon, icon
from aniworld_desktop.ui.queue_model import format_speed
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.translation import PlainTr

APP_TITLE: Final = "Aniworld Desktop"
# Each size drawn on its own pixel grid, so a 16 px tray gets a 16 px drawing, not a
# scaled-down 64 px one; the larger ones serve high-density screens (2x, 3x) and previews.
_ICON_SIZES: Final = (16, 20, 22, 24, 32, 40, 44, 48, 64, 96, 128, 256)
# Below this a glyph inside the badge would be a smudge; the badge's colour says it alone.
_GLYPH_MIN_SIDE: Final = 24
_BADGE_COLOURS: Final = {"downloading": "#1e9e57", "error": "#d93025"}
# How long a notification stays up, in milliseconds (the platform may ignore it).
MESSAGE_MS: Final = 8000
# Finished or failed downloads are told together once none has come for this long.
QUIET_MS: Final = 3000
# ... and at the latest this long after the first of a batch, when downloads keep finishing.
MAX_BATCH_MS: Final = 60_000
# Names listed in one message; the rest are counted ("and 4 more").
_LISTED: Final = 4
_REASON_CHARS: Final = 80
_LABEL: Final = re.compile(r"^S(\d+)E(\d+)$")
# Between the ends of a run of episodes, as typeset: S02E01\u2013E03.
RANGE_DASH: Final = "\u2013"


class TrayState(enum.Enum):
    """What the tray icon shows."""

    IDLE = "idle"
    DOWNLOADING = "downloading"
    ERROR = "error"


def _badge_image(side: int, state: TrayState) -> QImage:
    """The application icon at ``side`` px with the badge of ``state`` in its lower right corner."""
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    app_icon().paint(painter, QRect(0, 0, side, side))
    if state is not TrayState.IDLE:
        diameter = max(9, round(side * 0.56))
        ring = max(1.0, side / 24)
        box = QRectF(side - diameter, side - diameter, diameter, diameter)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(box)
        painter.setBrush(QColor(_BADGE_COLOURS[state.value]))
        painter.drawEllipse(box.adjusted(ring, ring, -ring, -ring))
        if side >= _GLYPH_MIN_SIDE:
            _draw_glyph(painter, box.adjusted(ring, ring, -ring, -ring), state)
    painter.end()
    return image


def _draw_glyph(painter: QPainter, box: QRectF, state: TrayState) -> None:
    """A white down arrow (downloading) or exclamation mark (error) centred in ``box``."""
    unit = box.width() / 10
    centre = box.center()
    white = QColor("#ffffff")
    if state is TrayState.DOWNLOADING:
        pen = QPen(white, unit * 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        top = QPointF(centre.x(), centre.y() - unit * 3)
        tip = QPointF(centre.x(), centre.y() + unit * 2.8)
        painter.drawLine(top, tip)
        head = QPainterPath(QPointF(centre.x() - unit * 2.6, tip.y() - unit * 2.6))
        head.lineTo(tip)
        head.lineTo(QPointF(centre.x() + unit * 2.6, tip.y() - unit * 2.6))
        painter.drawPath(head)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(white)
        bar = QRectF(centre.x() - unit * 0.9, centre.y() - unit * 3.4, unit * 1.8, unit * 4.4)
        painter.drawRoundedRect(bar, unit * 0.9, unit * 0.9)
        painter.drawEllipse(QPointF(centre.x(), centre.y() + unit * 2.6), unit, unit)


def state_icon(state: TrayState) -> QIcon:
    """The tray icon for ``state``: the application icon, badged unless idle.

    A plain pixmap icon holding a drawing for each size, so each tray size is drawn, not scaled.
    Needs a ``QGuiApplication``.
    """
    result = QIcon()
    for side in _ICON_SIZES:
        result.addPixmap(QPixmap.fromImage(_badge_image(side, state)))
    return result


# The menu's commands that need the services (the rest, Show and Quit, work from the start).
_SERVICE_COMMANDS = ("pause_all", "resume_all", "run_now", "open_folder")


class TrayIcon(QObject):
    """The notification-area icon, its tooltip, its menu and its messages.

    It works where the desktop has no notification area (and offscreen) too: nothing shows, but
    the state, the tooltip and the menu follow along, and :meth:`available` says so.

    Attributes:
        tray: The ``QSystemTrayIcon`` shown.
        menu: Its context menu (opened by the platform on a right click).
        actions: The menu's commands by name: ``show_hide``, ``pause_all``, ``resume_all``,
            ``run_now``, ``open_folder``, ``quit``.
        state: What the icon shows now.

    Signals:
        showHideRequested(): Show the window if hidden, hide it if shown (the menu's Show/Hide,
            a click on the icon).
        showRequested(): Show and raise the window (a double click on the icon, a click on a
            message).
        pauseAllRequested(), resumeAllRequested(): Pause or resume every download.
        runNowRequested(): Run the auto-download now (the scheduler's cooldown still applies).
        openFolderRequested(): Open the library folder in the file manager.
        quitRequested(): Quit the application (not just close the window).
        stateChanged(TrayState): The icon changed.
    """

    showHideRequested = Signal()
    showRequested = Signal()
    pauseAllRequested = Signal()
    resumeAllRequested = Signal()
    runNowRequested = Signal()
    openFolderRequested = Signal()
    quitRequested = Signal()
    stateChanged = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icons = {state: state_icon(state) for state in TrayState}
        self.state = TrayState.IDLE
        self.tray = QSystemTrayIcon(self)
        # An icon before anything can show the tray: Qt warns about an icon-less tray.
        self.tray.setIcon(self._icons[self.state])
        self._counts = (0, 0, 0, 0.0)
        self._failed_seen = 0
        self._failure_noted = False
        self._window: QWidget | None = None
        self._window_visible = False

        # The tray does not own a QWidget parent for its menu; this object keeps it alive.
        self.menu = QMenu()
        self.menu.setObjectName("tray_menu")
        self.actions: dict[str, QAction] = {}
        entries = (
            ("show_hide", self.tr("Show window"), None, self.showHideRequested),
            ("pause_all", self.tr("Pause all"), "pause-all", self.pauseAllRequested),
            ("resume_all", self.tr("Resume all"), "resume-all", self.resumeAllRequested),
            ("run_now", self.tr("Run auto-download now"), "download-missing", self.runNowRequested),
            ("open_folder", self.tr("Open library folder"), "open-folder", self.openFolderRequested),
            ("quit", self.tr("Quit"), "quit", self.quitRequested),
        )  # fmt: skip
        for name, text, icon_name, signal in entries:
            if name in ("pause_all", "run_now", "quit"):
                self.menu.addSeparator()
            action = QAction(text, self.menu)
            action.setObjectName(f"tray_{name}")
            if icon_name is not None:
                action.setIcon(icon(icon_name))
            action.triggered.connect(signal.emit)
            self.menu.addAction(action)
            self.actions[name] = action
        self.menu.aboutToShow.connect(self._refresh_show_hide)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self.tray.messageClicked.connect(self.showRequested.emit)
        self.destroyed.connect(self.menu.deleteLater)
        self._update_tooltip()

    # -- the platform ---------------------------------------------------------------------

    @staticmethod
    def available() -> bool:
        """Whether the desktop has a notification area to show the icon in."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Put the icon in the notification area (nothing happens where there is none)."""
        self.tray.show()

    def hide(self) -> None:
        """Take the icon out of the notification area; call on quit, so no ghost icon stays."""
        self.tray.hide()

    def notify(self, title: str, text: str, *, warning: bool = False) -> None:
        """Show a message from the tray icon (a desktop notification on most platforms)."""
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.tray.showMessage(title, text, kind, MESSAGE_MS)

    def set_opening(self, opening: bool) -> None:
        """Say that the services are still opening (a start in the tray): until then only Show
        and Quit work, and the tooltip says why."""
        for name in _SERVICE_COMMANDS:
            self.actions[name].setEnabled(not opening)
        if opening:
            why = self.tr("Opening the library…")
            self.tray.setToolTip(f"{APP_TITLE}\n{why}")
        else:
            self._update_tooltip()

    # -- the window -----------------------------------------------------------------------

    def track_window(self, window: QWidget) -> None:
        """Let Show/Hide follow ``window``'s visibility; its showing acknowledges the errors."""
        if self._window is not None:
            self._window.removeEventFilter(self)
        self._window = window
        window.installEventFilter(self)
        window.destroyed.connect(self._forget_window)
        self.set_window_visible(_shown(window))

    def _forget_window(self) -> None:
        self._window = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() in _VISIBILITY_EVENTS:
            self.set_window_visible(_shown(self._window))
        return False

    def set_window_visible(self, visible: bool) -> None:
        """Say whether the window is on screen: Show/Hide reads accordingly.

        The window coming into view counts as the user having looked: the error state clears.
        """
        if visible and not self._window_visible:
            self.acknowledge_errors()
        self._window_visible = visible
        self.actions["show_hide"].setText(
            self.tr("Hide window") if visible else self.tr("Show window")
        )

    def _refresh_show_hide(self) -> None:
        if self._window is not None:
            self.set_window_visible(_shown(self._window))

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            # macOS opens the menu on a click and reports it as Trigger too.
            if sys.platform != "darwin":
                self.showHideRequested.emit()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            # A double click also delivers a Trigger first (Windows): toggling twice would
            # undo itself, so the second half only makes sure the window ends up shown.
            self.showRequested.emit()

    # -- the state ------------------------------------------------------------------------

    def set_state(self, downloading: int, queued: int, failed: int, speed_bytes: float) -> None:
        """Show the queue's counts: the icon's state and the tooltip follow.

        Args:
            downloading: Downloads running now.
            queued: Downloads waiting to start.
            failed: Failed downloads in the queue; more than when the user last looked
                (:meth:`acknowledge_errors`) shows the error state.
            speed_bytes: All downloads together, in bytes per second.
        """
        self._counts = (downloading, queued, failed, speed_bytes)
        # Retried or removed failures lower the mark, so the next new one shows again.
        self._failed_seen = min(self._failed_seen, failed)
        self._update_tooltip()
        self._update_icon()

    def show_queue(self, counts: Mapping[DownloadStatus, int], speed_bytes: float) -> None:
        """:meth:`set_state` from the queue's counts by state (the status bar's ``refreshed``)."""
        self.set_state(
            counts.get(DownloadStatus.DOWNLOADING, 0),
            counts.get(DownloadStatus.PENDING, 0),
            counts.get(DownloadStatus.FAILED, 0),
            speed_bytes,
        )

    def note_failure(self) -> None:
        """A download failed just now: show the error state until the user looks."""
        self._failure_noted = True
        self._update_icon()

    def acknowledge_errors(self) -> None:
        """The user has seen the failures: leave the error state until a new one comes."""
        self._failed_seen = self._counts[2]
        self._failure_noted = False
        self._update_icon()

    def tooltip(self) -> str:
        """The tooltip shown now."""
        return self.tray.toolTip()

    def _update_tooltip(self) -> None:
        downloading, queued, failed, speed = self._counts
        parts: list[str] = []
        if downloading:
            parts.append(self.tr("%n downloading", "", downloading))
        if queued:
            parts.append(self.tr("%n queued", "", queued))
        if failed:
            parts.append(self.tr("%n failed", "", failed))
        if downloading and speed > 0:
            parts.append(format_speed(speed))
        state = " · ".join(parts) if parts else self.tr("Idle")
        self.tray.setToolTip(f"{APP_TITLE}\n{state}")

    def _update_icon(self) -> None:
        downloading, _queued, failed, _speed = self._counts
        if self._failure_noted or failed > self._failed_seen:
            state = TrayState.ERROR
        elif downloading > 0:
            state = TrayState.DOWNLOADING
        else:
            state = TrayState.IDLE
        if state is not self.state:
            self.state = state
            self.tray.setIcon(self._icons[state])
            self.stateChanged.emit(state)


_VISIBILITY_EVENTS: Final = frozenset(
    {QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange}
)


def _shown(window: QWidget) -> bool:
    return window.isVisible() and not window.isMinimized()


# -- notifications --------------------------------------------------------------------------


class MessageSink(Protocol):
    """Where the notifications go (:class:`TrayIcon` is one)."""

    def notify(self, title: str, text: str, *, warning: bool = False) -> None: ...


class NotificationSwitches(Protocol):
    """Which notifications the user wants; :class:`~aniworld_desktop.config.Settings` is one."""

    @property
    def notify_auto_download(self) -> bool: ...

    @property
    def notify_finished(self) -> bool: ...

    @property
    def notify_failed(self) -> bool: ...


def collapse_labels(labels: Iterable[str]) -> str:
    """``S02E01\u2013E03, S02E05`` from episode labels: runs within a season become ranges.

    Labels that are not ``SnnEnn`` are listed as they are, after the others.
    """
    keys: set[tuple[int, int]] = set()
    others: list[str] = []
    for label in labels:
        match = _LABEL.match(label)
        if match is None:
            if label not in others:
                others.append(label)
        else:
            keys.add((int(match[1]), int(match[2])))
    runs: list[tuple[int, int, int]] = []  # season, first, last
    for season, episode in sorted(keys):
        if runs and runs[-1][0] == season and runs[-1][2] == episode - 1:
            runs[-1] = (season, runs[-1][1], episode)
        else:
            runs.append((season, episode, episode))
    texts = [
        f"S{season:02d}E{first:02d}" + (f"{RANGE_DASH}E{last:02d}" if last != first else "")
        for season, first, last in runs
    ]
    return ", ".join(texts + others)


class NotificationTexts(PlainTr):
    """The notifications' sentences in the UI language.

    ``pyside6-lupdate`` reads plural forms (a count) from ``tr()`` calls only, and takes the
    class around them as the context; ``QCoreApplication.translate()`` with a count is not
    seen as plural. So the sentences live here, with a ``tr()`` of this class's context, and the
    module's functions below ask the one instance :func:`_texts` makes.
    """

    def listed(self, parts: Sequence[str]) -> str:
        """The first few of ``parts`` joined, the rest counted."""
        shown = ", ".join(parts[:_LISTED])
        rest = len(parts) - _LISTED
        if rest <= 0:
            return shown
        return self.tr("{shown} and %n more", "", rest).format(shown=shown)

    def unknown_series(self) -> str:
        return self.tr("Unknown series")

    def by_series(self, items: Iterable[QueueItem]) -> list[str]:
        """``Harbor Lights S01E01\u2013E03`` per series, in the order the series first came."""
        labels: dict[str, list[str]] = {}
        for item in items:
            title = item.series_title or self.unknown_series()
            labels.setdefault(title, []).append(item.key.label())
        return [f"{title} {collapse_labels(found)}" for title, found in labels.items()]

    def auto_download(self, queued: Sequence[SeriesQueued]) -> str:
        queued = [series for series in queued if series.labels]
        count = sum(len(series.labels) for series in queued)
        if not count:
            return ""
        if len(queued) == 1:
            only = queued[0]
            return self.tr("Queued %n new episode(s) of {title}, {episodes}", "", count).format(
                title=only.title, episodes=collapse_labels(only.labels)
            )
        listed = self.listed([f"{s.title} {collapse_labels(s.labels)}" for s in queued])
        return self.tr("Queued %n new episode(s): {list}", "", count).format(list=listed)

    def finished(self, items: Sequence[QueueItem]) -> str:
        listed = self.listed(self.by_series(items))
        return self.tr("Downloaded %n episode(s): {list}", "", len(items)).format(list=listed)

    def failed(self, failures: Sequence[tuple[QueueItem, str]]) -> str:
        parts = []
        for item, reason in failures:
            reason = " ".join(reason.split())
            if len(reason) > _REASON_CHARS:
                reason = reason[: _REASON_CHARS - 1].rstrip() + "…"
            name = f"{item.series_title or self.unknown_series()} {item.key.label()}"
            parts.append(f"{name} ({reason})" if reason else name)
        listed = self.listed(parts)
        return self.tr("%n download(s) failed: {list}", "", len(failures)).format(list=listed)


@cache
def _texts() -> NotificationTexts:
    return NotificationTexts()


def auto_download_text(queued: Sequence[SeriesQueued]) -> str:
    """``Queued 3 new episodes of Harbor Lights, S02E01\u2013E03``, or "" when nothing was queued."""
    return _texts().auto_download(queued)


def finished_text(items: Sequence[QueueItem]) -> str:
    """``Downloaded 4 episodes: Harbor Lights S01E01\u2013E03, Paper Moons S01E04``."""
    return _texts().finished(items)


def failed_text(failures: Sequence[tuple[QueueItem, str]]) -> str:
    """``2 downloads failed: Harbor Lights S01E02 (disk full), …``."""
    return _texts().failed(failures)


class Notifier(QObject):
    """Decides which messages the tray shows, and batches them.

    Finished and failed downloads are gathered and told in one message each once none has
    come for ``quiet_ms`` (or ``max_batch_ms`` after the first, or when the queue goes idle).
    A failure also puts the tray in its error state, whether or not its message is wanted.

    Attributes:
        tray: Shows the error state.
        messages: Where the messages go (the tray unless another sink is given).
        switches: Which kinds are wanted (read when a message would be shown).
    """

    def __init__(
        self,
        tray: TrayIcon,
        switches: NotificationSwitches,
        *,
        messages: MessageSink | None = None,
        quiet_ms: int = QUIET_MS,
        max_batch_ms: int = MAX_BATCH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else tray)
        self.tray = tray
        self.messages: MessageSink = messages if messages is not None else tray
        self.switches = switches
        self._finished: dict[int, QueueItem] = {}
        self._failed: dict[int, tuple[QueueItem, str]] = {}
        self._quiet = self._timer(quiet_ms)
        self._deadline = self._timer(max_batch_ms)

    def _timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self.flush)
        return timer

    def apply_settings(self, switches: NotificationSwitches) -> None:
        """Use new settings; a kind switched off also drops what was gathered for it."""
        self.switches = switches
        if not switches.notify_finished:
            self._finished.clear()
        if not switches.notify_failed:
            self._failed.clear()
        self._stop_if_empty()

    def pending(self) -> int:
        """Finished and failed downloads gathered and not told yet."""
        return len(self._finished) + len(self._failed)

    # -- what happened --------------------------------------------------------------------

    def on_auto_download_fired(self, event: object) -> None:
        """One message for a run that queued something; other scheduler events are ignored.

        Takes any event so that it can hang off the bridge's ``autoDownload`` signal as it is.
        """
        if not isinstance(event, AutoDownloadFired) or not self.switches.notify_auto_download:
            return
        text = auto_download_text(event.queued)
        if text:
            self.messages.notify(self.tr("New episodes queued"), text)

    def on_download_finished(self, item: QueueItem) -> None:
        if not self.switches.notify_finished:
            return
        self._failed.pop(item.id, None)  # retried and done after all
        self._finished[item.id] = item
        self._restart()

    def on_download_failed(self, item: QueueItem, reason: str = "") -> None:
        self.tray.note_failure()
        if not self.switches.notify_failed:
            return
        self._failed[item.id] = (item, service_text(reason or item.error))
        self._restart()

    def on_queue_idle(self) -> None:
        """Nothing more is coming soon: tell what was gathered now."""
        self.flush()

    # -- telling --------------------------------------------------------------------------

    def flush(self) -> None:
        """Show what was gathered (at most one message per kind) and start a new batch."""
        self._quiet.stop()
        self._deadline.stop()
        finished, self._finished = list(self._finished.values()), {}
        failed, self._failed = list(self._failed.values()), {}
        if finished and self.switches.notify_finished:
            self.messages.notify(self.tr("Downloads finished"), finished_text(finished))
        if failed and self.switches.notify_failed:
            self.messages.notify(self.tr("Downloads failed"), failed_text(failed), warning=True)

    def _restart(self) -> None:
        self._quiet.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _stop_if_empty(self) -> None:
        if not self.pending():
            self._quiet.stop()
            self._deadline.stop()
