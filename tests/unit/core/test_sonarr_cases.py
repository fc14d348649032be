"""Sonarr's own parser cases (``../shared/peer/sonarr_cases.json``) through the recogniser.

Sonarr is the parser our users know; its ``ParserTests`` fixtures are 500 names with the season
and episodes, or the anime absolute numbers, it expects. Each case is judged without leniency
(``tests/peer_data.is_right``): an anime case counts only with the absolute number it expects,
never with an episode of some season. The same score is printed by
``tests/benchmarks/recognition.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.peer_data import Case, date_read_as_number, is_right, read, sonarr_cases

GOAL = 0.95


@pytest.fixture(scope="module")
def cases(peer_dir: Path) -> list[Case]:
    loaded = sonarr_cases(peer_dir)
    assert len(loaded) == 500, "sonarr_cases.json is not the file these tests were written for"
    return loaded


def test_at_least_95_percent_of_sonarrs_cases_are_read_exactly(cases: list[Case]) -> None:
    wrong = [(case, read(case)) for case in cases if not is_right(case, read(case))]
    right = len(cases) - len(wrong)
    shown = "\n".join(f"  {case.name!r}: {parsed}" for case, parsed in wrong)
    assert right / len(cases) >= GOAL, f"{right} of {len(cases)} right; wrong:\n{shown}"


def test_no_date_is_ever_read_as_an_episode_number(cases: list[Case]) -> None:
    dated = [case for case in cases if date_read_as_number(case, read(case))]
    assert dated == []


def test_the_judge_is_strict() -> None:
    """The scoring itself: an anime case read as an episode of a season is wrong."""
    anime = Case("[HorribleSubs] Show - 07 [720p]", "anime", None, (), (7,))
    tv = Case("Show.S02E04E05", "multi", 2, (4, 5), ())
    from aniworld_desktop.core.recognise import ParsedFile

    assert is_right(anime, ParsedFile("Show", None, None, None, 7))
    assert not is_right(anime, ParsedFile("Show", 1, 7))
    assert not is_right(anime, ParsedFile("Show", None, None, 8, 7))  # a range is not one
    assert is_right(tv, ParsedFile("Show", 2, 4, 5))
    assert not is_right(tv, ParsedFile("Show", 2, 4))
    assert not is_right(tv, ParsedFile("Show", 3, 4, 5))
    assert not is_right(tv, None)
    date_case = Case("Show - 2011-04-12 - S01E05", "single", 1, (5,), ())
    assert date_read_as_number(date_case, ParsedFile("Show", None, None, 12, 4))
    assert not date_read_as_number(date_case, ParsedFile("Show", 1, 5))
