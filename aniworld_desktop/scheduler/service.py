"""SchedulerService: the library completes itself, on a timer and on request.

Every ``interval`` seconds it refreshes the monitored series, rescans the library, matches the
series not matched to TMDB yet, and queues what is missing (the auto-download). A cooldown, checked first and measured from the last run's
start, keeps re-triggers (the timer, "Run auto-download now", a wake from sleep) from running
again too soon; that time is kept in the database, so a restart does not reset it. The
``run-once`` command goes through the same run, without the cooldown. No Qt here; the clock and
the sleep are injected, so tests never wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.events import (
    AutoDownloadFailed,
    AutoDownloadFired,
    AutoDownloadSkipped,
    AutoDownloadStarted,
    EventBus,
    SeriesQueued,
)
from aniworld_desktop.core.models import SkipReason, Trigger
from aniworld_desktop.downloads.service import AddResult
from aniworld_desktop.library.following import RefreshResult
from aniworld_desktop.library.service import LibraryService, ScanSummary
from aniworld_desktop.storage.app_state import AppStateRepository

__all__ = [
    "LAST_RUN_KEY",
    "AutoDownloadError",
    "AutoDownloadOutcome",
    "SchedulerService",
]

log = logging.getLogger(__name__)

LAST_RUN_KEY = "last_auto_download_time"
# A run that is due at start-up waits this long (or the interval, if shorter), so the window
# comes up and the user can act before the network is busy.
STARTUP_DELAY = 60.0
# The timer sleeps in naps no longer than this and compares the wall clock after each: a
# monotonic sleep stands still while the computer is suspended, and a wake must not wait out
# the whole interval again.
MAX_NAP = 60.0


class AutoDownloadError(AniworldError):
    """An auto-download cannot run as things are (the library folder is missing)."""


@dataclass(frozen=True, slots=True)
class AutoDownloadOutcome:
    """What one request for an auto-download did.

    Attributes:
        trigger: Who asked: the timer, the user, or the ``run-once`` command.
        started_at: When it was asked for (UTC, timezone-aware).
        skipped: Why it did not run; None when it ran.
        next_allowed: For a skipped run, the earliest time another may start.
        error: Why a run that started stopped, as a sentence; empty otherwise.
        refreshed: One result per monitored series; a failed source has ``error`` set.
        scan: What the rescan found (None if the run did not get that far).
        queued: What went into the queue (None if the run did not get that far).
        series: The queued episodes per series, as the ``AutoDownloadFired`` event has them.
    """

    trigger: Trigger
    started_at: datetime
    skipped: SkipReason | None = None
    next_allowed: datetime | None = None
    error: str = ""
    refreshed: tuple[RefreshResult, ...] = ()
    scan: ScanSummary | None = None
    queued: AddResult | None = None
    series: tuple[SeriesQueued, ...] = ()

    @property
    def ran(self) -> bool:
        """True when the run started (whether or not it then failed)."""
        return self.skipped is None

    @property
    def source_failures(self) -> tuple[RefreshResult, ...]:
        """The series whose source could not be refreshed."""
        return tuple(r for r in self.refreshed if r.error)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(when: datetime) -> datetime:
    """A naive time from an injected clock is taken as UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class SchedulerService:
    """Runs the auto-download every ``interval`` seconds, and whenever asked, but never within
    ``cooldown`` seconds of the last run's start, and never two at once.

    The first timed run comes ``interval`` after the last recorded run (which may be from a
    previous session), but never sooner than ``min(interval, STARTUP_DELAY)`` after
    :meth:`start`: a run that fell due while the app was closed happens a minute after start-up.
    After that the timer fires every ``interval``; a run started by anyone pushes the next
    timed one to ``interval`` after it. ``enabled`` governs the timer only: "Run auto-download
    now" and ``run-once`` are explicit requests and always go ahead (the cooldown permitting).

    Attributes:
        interval: Seconds between timed runs.
        cooldown: Seconds after a run's start during which another is skipped.
        enabled: Whether :meth:`start` runs the timer.

    Events:
        AutoDownloadStarted: A run began.
        AutoDownloadFired: A run finished; what it queued, per series.
        AutoDownloadSkipped: A request was refused ("cooldown", "already running") and when
            the next may run.
        AutoDownloadFailed: A run stopped on an error; the timer goes on.
    """

    def __init__(
        self,
        library: LibraryService,
        bus: EventBus,
        state: AppStateRepository,
        *,
        interval: float,
        cooldown: float,
        enabled: bool,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Prepare the timer; nothing runs before :meth:`start` or :meth:`run_now`.

        Args:
            library: Refreshes, scans and queues.
            bus: Where the events go.
            state: Keeps the last run's time between sessions.
            interval: Seconds between timed runs (> 0).
            cooldown: Seconds after a run's start during which another is skipped (>= 0).
            enabled: Whether :meth:`start` runs the timer.
            clock: Now, in UTC (a naive time is taken as UTC); injectable for tests.
            sleep: Waits that many seconds; injectable for tests.
        """
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._library = library
        self._bus = bus
        self._state = state
        self.interval = interval
        self.cooldown = max(0.0, cooldown)
        self.enabled = enabled
        self._clock = clock
        self._sleep = sleep
        self._last_auto_download_time: datetime | None = None
        self._last_loaded = False
        self._running_since: datetime | None = None
        self._next: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ the timer

    def start(self) -> None:
        """Start the timer, if enabled and not running yet (call from the running loop)."""
        if not self.enabled or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="auto-download")

    async def aclose(self) -> None:
        """Stop the timer and wait for it; a timed run in progress is cancelled."""
        task, self._task = self._task, None
        self._next = None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def configure(self, *, enabled: bool, interval: float, cooldown: float) -> None:
        """Apply changed settings: the timer restarts (or stops) with them."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        running = self._task is not None and not self._task.done()
        if running:
            await self.aclose()
        self.enabled, self.interval, self.cooldown = enabled, interval, max(0.0, cooldown)
        self.start()

    def next_run(self) -> datetime | None:
        """When the timer fires next (UTC, aware); None when it does not run.

        It moves when a run starts and when the settings change, so read it again on
        ``AutoDownloadStarted`` (and the other auto-download events).
        """
        if self._task is None or self._task.done():
            return None
        return self._next

    @property
    def last_run(self) -> datetime | None:
        """The start of the last successful run, as far as this service has read it."""
        return self._last_auto_download_time

    @property
    def running(self) -> bool:
        """True while a run is in progress."""
        return self._running_since is not None

    async def _loop(self) -> None:
        start = self._now()
        try:
            last = await self._load_last_time()
        except Exception:
            log.exception("the last auto-download time could not be read")
            last = None
        due = last + self._interval() if last is not None and last <= start else start
        self._next = max(due, start + timedelta(seconds=min(self.interval, STARTUP_DELAY)))
        log.info("auto-download every %.0f s; next at %s", self.interval, self._next)
        while True:
            now = self._now()
            if self._next - now > self._interval():
                self._next = now + self._interval()  # the clock went back: do not wait for it
            if now < self._next:
                await self._sleep(min((self._next - now).total_seconds(), MAX_NAP))
                continue
            self._next = now + self._interval()
            try:
                await self._auto_download_missing(Trigger.INTERVAL)
            except Exception:  # it reports its own failures; this only keeps the timer alive
                log.exception("the auto-download timer caught an error")

    # ------------------------------------------------------------------ runs

    async def run_now(self, trigger: Trigger = Trigger.MANUAL) -> AutoDownloadOutcome:
        """Run the auto-download now, unless within the cooldown or already running.

        What "Run auto-download now" in the tray and the window calls. Never raises for a
        failed run: the outcome (and an ``AutoDownloadFailed`` event) says what went wrong.
        """
        return await self._auto_download_missing(trigger)

    async def run_once(self) -> AutoDownloadOutcome:
        """The ``run-once`` command's run: no cooldown (it is an explicit command), the time
        recorded all the same, and an error raised after ``AutoDownloadFailed`` is published."""
        return await self._auto_download_missing(Trigger.RUN_ONCE, force=True, raise_errors=True)

    async def _auto_download_missing(
        self, trigger: Trigger, *, force: bool = False, raise_errors: bool = False
    ) -> AutoDownloadOutcome:
        """Refresh the monitored series, rescan, queue what is missing; record the time.

        The cooldown is checked first, against the last run's time from the database; a
        request inside it (or while a run is in progress) is skipped and says until when.
        """
        now = self._now()
        try:
            last = await self._load_last_time()
        except Exception as exc:
            return self._fail(trigger, now, exc, raise_errors)
        if not force and last is not None and self.cooldown > 0:
            allowed = last + timedelta(seconds=self.cooldown)
            # A last run in the future means the clock went back; it must not block for long.
            if last <= now < allowed:
                return self._skip(trigger, now, SkipReason.COOLDOWN, allowed)
        if self._running_since is not None:
            allowed = self._running_since + timedelta(seconds=self.cooldown)
            return self._skip(trigger, now, SkipReason.ALREADY_RUNNING, max(allowed, now))
        self._running_since = now  # set before any await: a concurrent request sees it
        try:
            return await self._run(trigger, now)
        except Exception as exc:
            return self._fail(trigger, now, exc, raise_errors)
        finally:
            self._running_since = None

    async def _run(self, trigger: Trigger, started: datetime) -> AutoDownloadOutcome:
        if self._task is not None and not self._task.done():
            self._next = started + self._interval()
        log.info("auto-download (%s) started", trigger)
        self._bus.publish(AutoDownloadStarted(trigger, started))
        refreshed = await self._refresh_monitored()
        library_dir = self._library.library_dir
        if not await asyncio.to_thread(library_dir.is_dir):
            # An unmounted share looks like a library whose files are all gone: queueing
            # everything again would fill the local disk. Refuse instead.
            raise AutoDownloadError(
                f"The library folder {library_dir} cannot be found (is the drive or share "
                "connected?); nothing was queued."
            )
        scan = await self._library.scan()
        # Folders the scan followed, and series TMDB could not be asked about last time, are
        # matched now (it scans again when one was, so its files meet TMDB's episodes).
        matched = await self._library.match_unmatched()
        if any(outcome.state.is_confirmed() for _, outcome in matched):
            scan = await self._library.scan()
        queued = await self._library.queue_missing()
        series = _per_series(queued)
        self._last_auto_download_time = started
        self._last_loaded = True
        try:
            await self._state.set_time(LAST_RUN_KEY, started)
        except Exception as exc:  # the run is done; only the next session's cooldown suffers
            log.warning("the auto-download time could not be saved: %s", _describe(exc))
        failures = tuple(f"{r.series.title}: {r.error}" for r in refreshed if r.error)
        log.info(
            "auto-download (%s) queued %d episode(s) of %d series; %d source(s) failed",
            trigger,
            len(queued.added),
            len(series),
            len(failures),
        )
        self._bus.publish(AutoDownloadFired(trigger, started, series, len(refreshed), failures))
        return AutoDownloadOutcome(
            trigger, started, refreshed=refreshed, scan=scan, queued=queued, series=series
        )

    async def _refresh_monitored(self) -> tuple[RefreshResult, ...]:
        """Refresh each monitored series; one failing source never stops the others.

        ``LibraryService.refresh`` returns the failures it expects (HTTP, parsing); anything
        else a provider (a plug-in) raises becomes that series' error here.
        """
        results: list[RefreshResult] = []
        for summary in await self._library.list_series():
            series = summary.series
            if not series.monitored:
                continue
            try:
                results.append(await self._library.refresh(series))
            except Exception as exc:
                log.exception("refreshing %s failed", series.title)
                results.append(RefreshResult(series, error=_describe(exc)))
        return tuple(results)

    def _fail(
        self, trigger: Trigger, now: datetime, exc: Exception, raise_errors: bool
    ) -> AutoDownloadOutcome:
        """Log and announce a failed run; re-raise for the command line."""
        reason = _describe(exc)
        if isinstance(exc, AniworldError):  # a sentence for the user, not a bug
            log.warning("auto-download (%s) failed: %s", trigger, reason)
        else:
            log.exception("auto-download (%s) failed", trigger)
        self._bus.publish(AutoDownloadFailed(trigger, reason))
        if raise_errors:
            raise exc
        return AutoDownloadOutcome(trigger, now, error=reason)

    def _skip(
        self, trigger: Trigger, now: datetime, reason: SkipReason, allowed: datetime
    ) -> AutoDownloadOutcome:
        log.info("Auto-download (%s) skipped: %s; next allowed at %s", trigger, reason, allowed)
        self._bus.publish(AutoDownloadSkipped(trigger, reason, allowed))
        return AutoDownloadOutcome(trigger, now, skipped=reason, next_allowed=allowed)

    async def _load_last_time(self) -> datetime | None:
        """The last run's start: read from the database once, then kept here."""
        if not self._last_loaded:
            stored = await self._state.get_time(LAST_RUN_KEY)
            if not self._last_loaded:  # a run may have finished while we read
                self._last_auto_download_time = stored
                self._last_loaded = True
        return self._last_auto_download_time

    def _now(self) -> datetime:
        return _aware(self._clock())

    def _interval(self) -> timedelta:
        return timedelta(seconds=self.interval)


def _per_series(queued: AddResult) -> tuple[SeriesQueued, ...]:
    """The queued items grouped by series, in the order the queue has them."""
    titles: dict[int, str] = {}
    labels: dict[int, list[str]] = {}
    for item in queued.added:
        series_id = item.key.series_id
        titles.setdefault(series_id, item.series_title)
        labels.setdefault(series_id, []).append(item.key.label())
    return tuple(SeriesQueued(sid, titles[sid], tuple(labels[sid])) for sid in labels)


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
