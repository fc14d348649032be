"""The auto-download: a timer, a cooldown kept in the database, and the run it starts."""

from aniworld_desktop.scheduler.service import (
    AutoDownloadError,
    AutoDownloadOutcome,
    SchedulerService,
)

__all__ = ["AutoDownloadError", "AutoDownloadOutcome", "SchedulerService"]
