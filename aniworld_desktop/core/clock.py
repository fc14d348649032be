"""The time as the database keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now"]


def utc_now() -> datetime:
    """Now in UTC, without a time zone: the form every stored time has (SQLite keeps none)."""
    return datetime.now(UTC).replace(tzinfo=None)
