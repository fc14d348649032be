"""Dates in names: the air dates of daily shows, read before any number is looked for.

A part of :mod:`aniworld_desktop.core.recognise` (not an API of its own): ``Show - 2011-04-12``,
``Show.2016.02.25``, ``(29.10.2023)``, ``1 Mar 2020`` and the ``221208`` of Korean and Japanese
broadcasts give a date; every date's digits are blanked (with spaces, so offsets stay valid) so
that ``2011-04-12`` can never become episodes 4 to 12. An ambiguous day and month
(``01.11.2023``) blank their digits but give no date.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_DATE_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)([-. _/])(\d\d)\2(\d\d)(?!\d)")
_DATE_DMY = re.compile(r"(?<!\d)(\d\d)([-. _/])(\d\d)\2((?:19|20)\d\d)(?!\d)")
_DATE_WORDS = re.compile(
    r"(?i)(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[ .-]+"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ .,-]+((?:19|20)\d\d)(?!\d)"
)
# Every date above has one of these; most names have none, and are done with in one search.
_DATE_HINT = re.compile(
    r"\d(?:\d(?:\d\d[-. _/]\d\d|[-. _/](?:19|20)\d\d|\d{4})"
    r"|[ .-]+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
)
# Korean and Japanese broadcasts: "221208" (yymmdd) as a token of its own.
_DATE_YYMMDD = re.compile(r"(?<!\w)(\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\w])")


def _blank_dates(stem: str) -> tuple[str, date | None]:
    """``stem`` with every date blanked out, and the first date that is a real one."""
    text, found, _start = _dates(stem)
    return text, found


def _dates(stem: str) -> tuple[str, date | None, int]:
    """Like :func:`_blank_dates`, and where the first date starts (``len(stem)`` if none)."""
    if _DATE_HINT.search(stem) is None:  # most names: no year, no six digits in a row
        return stem, None, len(stem)
    found: date | None = None
    start = len(stem)
    chars = list(stem)
    for pattern in (_DATE_YMD, _DATE_DMY, _DATE_WORDS, _DATE_YYMMDD):
        for match in pattern.finditer(stem):
            when = _date_of(pattern, match)
            if pattern is _DATE_YYMMDD:
                if when is None:
                    continue
                first, second = int(match.group(2)), int(match.group(3))
                if second == first + 1:
                    continue  # "010910": scene style's season 1, episodes 9 and 10
            chars[match.start() : match.end()] = " " * (match.end() - match.start())
            start = min(start, match.start())
            if found is None and when is not None:
                found = when
    return "".join(chars), found, start


def _date_of(pattern: re.Pattern[str], match: re.Match[str]) -> date | None:
    """The date a match stands for, or None when it is no valid date or an ambiguous one."""
    try:
        if pattern is _DATE_YMD:
            return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if pattern is _DATE_WORDS:
            month = _MONTHS[match.group(2).lower()[:3]]
            return date(int(match.group(3)), month, int(match.group(1)))
        if pattern is _DATE_YYMMDD:
            return date(2000 + int(match.group(1)), int(match.group(2)), int(match.group(3)))
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if first > 12 >= second:
            return date(year, second, first)  # 29.10.2023
        if second > 12 >= first:
            return date(year, first, second)  # 04.28.2014
        if first == second:
            return date(year, first, first)
        return None  # 01.11.2023: the first of November or the eleventh of January
    except ValueError:
        return None
