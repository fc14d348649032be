"""The download state machine.

Callers ask ``status.can_pause()`` and friends instead of comparing strings, so the rules live here
and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum

from aniworld_desktop.core.errors import InvalidTransition


class DownloadStatus(StrEnum):
    """State of one queue item. The values are what the database and ``queue --json`` carry."""

    PENDING = "pending"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    def is_active(self) -> bool:
        """True while the item still wants to be downloaded (at most one such row per episode)."""
        return self in ACTIVE_STATUSES

    def is_final(self) -> bool:
        """True once the item is history: completed, failed or cancelled."""
        return not self.is_active()

    def can_pause(self) -> bool:
        return self in (DownloadStatus.PENDING, DownloadStatus.DOWNLOADING)

    def can_resume(self) -> bool:
        return self is DownloadStatus.PAUSED

    def can_cancel(self) -> bool:
        return self.is_active()

    def can_retry(self) -> bool:
        return self in (DownloadStatus.FAILED, DownloadStatus.CANCELLED)

    def can_become(self, new: DownloadStatus) -> bool:
        return new in _TRANSITIONS[self]

    def check_transition(self, new: DownloadStatus) -> DownloadStatus:
        """Return ``new`` if this state may move to it, else raise :class:`InvalidTransition`."""
        if not self.can_become(new):
            raise InvalidTransition(f"A {self.value} download cannot become {new.value}.")
        return new


ACTIVE_STATUSES: frozenset[DownloadStatus] = frozenset(
    {DownloadStatus.PENDING, DownloadStatus.DOWNLOADING, DownloadStatus.PAUSED}
)

# Nothing is left to do for these (a failed download waits for a retry): the window loads only
# the most recent of them at start-up, the rest stays in the database until asked for.
DONE_STATUSES: frozenset[DownloadStatus] = frozenset(
    {DownloadStatus.COMPLETED, DownloadStatus.CANCELLED}
)

_S = DownloadStatus
_TRANSITIONS: dict[DownloadStatus, frozenset[DownloadStatus]] = {
    _S.PENDING: frozenset({_S.DOWNLOADING, _S.PAUSED, _S.CANCELLED, _S.FAILED}),
    # DOWNLOADING -> PENDING: a crash or a shutdown interrupted it; it resumes from its .part file.
    _S.DOWNLOADING: frozenset({_S.COMPLETED, _S.FAILED, _S.PAUSED, _S.CANCELLED, _S.PENDING}),
    _S.PAUSED: frozenset({_S.PENDING, _S.CANCELLED}),
    _S.FAILED: frozenset({_S.PENDING}),
    _S.CANCELLED: frozenset({_S.PENDING}),
    _S.COMPLETED: frozenset(),
}
