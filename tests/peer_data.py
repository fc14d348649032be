"""The peers' test data in ``../shared/peer/`` and how our readings are judged against it.

- ``sonarr_cases.json``: 500 names from Sonarr's ``ParserTests`` fixtures, each with the season
  and episodes or the absolute numbers Sonarr expects (``kind``: single, multi, mini, anime,
  anime_multi, path).
- ``realfeeds/realfeeds.tar.gz`` with ``manifest.json``: 51 real podcast and video feeds from
  podcast apps' and feed parsers' test suites, each as its repository holds it.

Used by ``tests/unit/core/test_sonarr_cases.py``, ``tests/integration/test_real_feeds.py`` and
``tests/benchmarks/recognition.py``. The folder is ``$ANIWORLD_PEER_DIR`` when that is set,
else ``shared/peer`` beside the repository (where CI checks it out).
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aniworld_desktop.core.recognise import ParsedFile, recognise, recognise_title

PEER_DIR_VARIABLE = "ANIWORLD_PEER_DIR"
REPOSITORY = Path(__file__).resolve().parent.parent


def peer_dirs() -> list[Path]:
    """Where the data is looked for, in order."""
    candidates = []
    if os.environ.get(PEER_DIR_VARIABLE):
        candidates.append(Path(os.environ[PEER_DIR_VARIABLE]))
    candidates.append(REPOSITORY.parent / "shared" / "peer")
    return candidates


def find_peer_dir() -> Path | None:
    """The first of :func:`peer_dirs` that holds the data, or None."""
    for folder in peer_dirs():
        if (folder / "sonarr_cases.json").is_file() and (folder / "realfeeds").is_dir():
            return folder
    return None


def missing_message() -> str:
    """Why the data was not found, and what to do, in one sentence."""
    looked = ", ".join(str(folder) for folder in peer_dirs())
    return (
        f"The peers' test data is missing: none of {looked} holds sonarr_cases.json and "
        f"realfeeds/; check out `shared` beside the repository or set {PEER_DIR_VARIABLE} to "
        "the folder that holds them."
    )


# --- Sonarr's parser cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One of Sonarr's names and the numbers it expects."""

    name: str
    kind: str
    season: int | None
    episodes: tuple[int, ...]
    absolute: tuple[int, ...]


def sonarr_cases(folder: Path) -> list[Case]:
    """The cases of ``sonarr_cases.json``."""
    rows: list[dict[str, Any]] = json.loads((folder / "sonarr_cases.json").read_text("utf-8"))
    return [
        Case(
            row["name"],
            row["kind"],
            row["season"],
            tuple(row["episodes"]),
            tuple(row["absolute"]),
        )
        for row in rows
    ]


def read(case: Case) -> ParsedFile | None:
    """Our reading of a case: a path with folders as the scanner reads one, else a release
    name as direct links and feed titles are read."""
    if "/" in case.name:
        return recognise(case.name, video=False)
    return recognise_title(case.name)


def is_right(case: Case, parsed: ParsedFile | None) -> bool:
    """True when the reading has every number the case states, exactly.

    No leniency: a season and episodes must be that season and that run of episodes; an
    absolute number (anime) must be that absolute number (and run), not an episode of some
    season. Numbers the case does not state are not judged: Sonarr's fixtures for TV names
    state no absolute number, those for anime no season.
    """
    if parsed is None:
        return False
    if case.season is not None and case.episodes:
        if parsed.season != case.season or parsed.episode is None:
            return False
        last = parsed.episode_end or parsed.episode
        if (parsed.episode, last) != (case.episodes[0], case.episodes[-1]):
            return False
    if case.absolute:
        if parsed.absolute is None:
            return False
        last = parsed.absolute_end or parsed.absolute
        if (parsed.absolute, last) != (case.absolute[0], case.absolute[-1]):
            return False
    return bool(case.episodes or case.absolute)


# Dates as people write them, for an oracle of our own (not the recogniser's expressions).
_DATE_SHAPES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-. _/](?P<m>\d\d)[-. _/](?P<d>\d\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d\d)[-. _/](?P<m>\d\d)[-. _/](?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(r"(?<![\w])(?P<y>\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?![\w])"),
)


def date_numbers(name: str) -> set[int]:
    """The numbers the dates in a name are made of (year, two-digit year, month, day)."""
    numbers: set[int] = set()
    for shape in _DATE_SHAPES:
        for match in shape.finditer(name):
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            numbers |= {year, year % 100, month, day}
    return numbers


def date_read_as_number(case: Case, parsed: ParsedFile | None) -> bool:
    """True when a number of the reading that the case does not expect is part of a date in
    the name (``Show - 2011-04-12`` read as episodes 4 to 12)."""
    if parsed is None:
        return False
    parts = date_numbers(case.name)
    if not parts:
        return False
    expected = {*case.episodes, *case.absolute}
    if case.season is not None:
        expected.add(case.season)
    read_numbers = {
        n
        for n in (
            parsed.season,
            parsed.episode,
            parsed.episode_end,
            parsed.absolute,
            parsed.absolute_end,
        )
        if n is not None
    }
    return bool((read_numbers - expected) & parts)


# --- Real feeds ------------------------------------------------------------------------------


def real_feeds(folder: Path) -> dict[str, bytes]:
    """Every feed of the archive by file name, checked against the manifest's SHA-256."""
    import hashlib

    manifest: dict[str, Any] = json.loads(
        (folder / "realfeeds" / "manifest.json").read_text("utf-8")
    )
    archive = (folder / "realfeeds" / "realfeeds.tar.gz").read_bytes()
    feeds: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            name = member.name.rsplit("/", 1)[-1]
            handle = tar.extractfile(member)
            if handle is None or name not in manifest:
                continue
            body = handle.read()
            if hashlib.sha256(body).hexdigest() != manifest[name]["sha256"]:
                raise ValueError(f"{name} is not the feed the manifest describes")
            feeds[name] = body
    expected = {name for name in manifest if not name.startswith("_")}
    if set(feeds) != expected:
        raise ValueError(f"the archive lacks {sorted(expected - set(feeds))}")
    return feeds


def written_date(text: str, today: date) -> date | None:
    """The calendar date a feed wrote (``Tue, 01 Jan 70 01:00:00 +0100`` is 1 January 1970,
    ``2024-03-01T23:30:00-08:00`` is 1 March 2024), read on its own terms: no time zone is
    applied, and a two-digit year is read as RFC 5322 section 4.3 says (00-49: 20xx, 50-99:
    19xx), a century earlier when that would be after next year. None for other shapes."""
    text = text.strip()
    iso = re.match(r"(\d{4})-(\d\d)-(\d\d)", text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    rfc = re.match(r"(?:[A-Za-z]+,?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\s", text)
    if rfc is None:
        return None
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    if rfc[2].lower() not in months:
        return None
    year = int(rfc[3])
    if len(rfc[3]) == 2:
        year += 2000 if year < 50 else 1900
        if year > today.year + 1:
            year -= 100
    return _date(year, months.index(rfc[2].lower()) + 1, int(rfc[1]))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
