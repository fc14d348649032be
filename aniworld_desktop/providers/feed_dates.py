"""Publication dates of feed items, read with the offset the feed wrote them in.

A part of :mod:`aniworld_desktop.providers.feed` (not an API of its own). The date as written
is the air date, so RFC 822 and ISO 8601 dates are read here, offset kept, rather than taken from
feedparser, which converts them to UTC and reads two-digit years its own way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from aniworld_desktop.providers.feed_text import _field, _text

_RFC822 = re.compile(
    r"\s*(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{2,4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?\s*$"
)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# RFC 822's named zones (military letters other than Z are unreliable and count as UTC).
_ZONES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip


def _published(entry: Mapping[str, Any], today: date | None = None) -> datetime | None:
    """When the item was published, in the offset the feed wrote it in.

    The date as written is the air date (``Tue, 01 Jan 2024 23:30:00 -0800`` aired on the
    first, though it was the second in UTC), so RFC 822 and ISO 8601 dates are read here with
    their offset kept; feedparser's reading, which is converted to UTC, is the fallback for the
    other formats it knows.
    """
    for key in ("published", "updated"):
        raw = _text(_field(entry, key))
        when = _rfc822_date(raw, today or date.today()) or _iso_date(raw)
        if when is not None:
            return when
    for key in ("published_parsed", "updated_parsed"):
        value = _field(entry, key)
        if value is None:
            continue
        try:
            year, month, day, hour, minute, second = tuple(value)[:6]
            return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            continue
    return None


def _rfc822_date(text: str, today: date) -> datetime | None:
    """An RFC 822 / RFC 5322 date (``Tue, 01 Jan 70 01:00:00 +0100``) with its offset.

    A two-digit year is read as RFC 5322 section 4.3 says (00-49: 2000-2049, 50-99:
    1950-1999), and a century earlier when that would be after next year; feedparser and the
    standard library read ``70`` as 2070 or follow another cut-off.
    """
    match = _RFC822.match(text)
    if match is None:
        return None
    day, month_name, year_text, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(month_name[:3].lower())
    if month is None:
        return None
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 50 else 1900
        if year > today.year + 1:
            year -= 100
    elif len(year_text) == 3:
        year += 1900
    offset = _zone_offset(zone or "")
    try:
        return datetime(
            year, month, int(day), int(hour), int(minute), min(int(second or 0), 59),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except (ValueError, OverflowError):
        return None


def _zone_offset(zone: str) -> timedelta:
    """An RFC 822 zone: ``+0100``, ``GMT``, ``EST``...; an unknown one counts as UTC."""
    if zone[:1] in "+-" and zone[1:].isdigit() and len(zone) == 5:
        minutes = int(zone[1:3]) * 60 + int(zone[3:])
        if minutes < 24 * 60:
            return timedelta(minutes=-minutes if zone[0] == "-" else minutes)
        return timedelta(0)
    return timedelta(hours=_ZONES.get(zone.upper(), 0))


def _iso_date(text: str) -> datetime | None:
    """An ISO 8601 / RFC 3339 date (``2024-03-01T23:30:00-08:00``) with its offset."""
    text = text.strip()
    if not _ISO_START.match(text):
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
