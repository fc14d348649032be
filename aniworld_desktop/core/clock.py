"""The time as the database keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso_utc", "utc_now"]


def utc_now() -> datetime:
    """Now in UTC, without a time zone: the form every stored time has (SQLite keeps none)."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso_utc(moment: datetime | None) -> str | None:
    """A time as ISO 8601 with its offset (``2026-11-24T12:00:00+00:00``); None stays None.

    A time without a zone is a stored one, hence UTC; one with a zone keeps its own offset.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
