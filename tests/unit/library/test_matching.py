"""Which catalogue episodes a file holds: numbers first, then absolute, then the air date."""

from __future__ import annotations

from datetime import date

from aniworld_desktop.core.recognise import ParsedFile, recognise
from aniworld_desktop.library.matching import episodes_for
from aniworld_desktop.storage.catalog import EpisodeRecord


def _episode(
    id: int, season: int, number: int, *, aired: date | None = None, absolute: int | None = None,
    kind: str = "full",
) -> EpisodeRecord:  # fmt: skip
    return EpisodeRecord(
        id, 1, season, number, f"E{id}", f"https://h.test/{id}.mp4", absolute=absolute,
        air_date=aired, kind=kind,
    )  # fmt: skip


# A daily show: a year of nightly episodes, numbered 1, 2, 3... in season 2011.
DAILY = [_episode(n, 2011, n, aired=date(2011, 4, n)) for n in range(1, 31)]


def _read(name: str) -> ParsedFile:
    parsed = recognise(name)
    assert parsed is not None
    return parsed


def test_a_daily_shows_file_is_matched_by_its_air_date() -> None:
    assert episodes_for(_read("Late Night/Late Night - 2011-04-12.mkv"), DAILY) == [12]


def test_show_dash_date_never_marks_episodes_4_to_12() -> None:
    """What "Show - 2011-04-12" once did: absolute 4-12, nine wrong episodes on disk."""
    anime_like = [_episode(n, 1, n, absolute=n) for n in range(1, 30)]
    assert episodes_for(_read("Show/Show - 2011-04-12.mkv"), anime_like) == []


def test_two_episodes_on_one_day_leave_the_file_unmatched() -> None:
    doubled = [*DAILY, _episode(99, 2011, 99, aired=date(2011, 4, 12))]
    assert episodes_for(_read("Late Night - 2011-04-12.mkv"), doubled) == []


def test_trailers_of_that_day_do_not_count() -> None:
    with_trailer = [*DAILY, _episode(99, 0, 1, aired=date(2011, 4, 12), kind="trailer")]
    assert episodes_for(_read("Late Night - 2011-04-12.mkv"), with_trailer) == [12]


def test_numbers_come_first_and_the_date_when_they_find_nothing() -> None:
    named = [_episode(7, 20, 142, aired=date(2016, 2, 25)), _episode(8, 20, 143)]
    assert episodes_for(_read("Judge Developer 2016 02 25 S20E143.mkv"), named) == [8]
    renumbered = [_episode(7, 2016, 40, aired=date(2016, 2, 25))]
    assert episodes_for(_read("Judge Developer 2016 02 25 S20E142.mkv"), renumbered) == [7]


def test_a_recap_holds_no_episode() -> None:
    episodes = [_episode(n, 1, n, absolute=n) for n in range(1, 25)]
    assert episodes_for(_read("[Group] Kimi no Hana - 12.5 [1080p].mkv"), episodes) == []


def test_an_absolute_range_holds_every_episode_in_it() -> None:
    episodes = [_episode(n, 1, n, absolute=n) for n in range(1, 25)]
    assert episodes_for(_read("[Group] Kimi no Hana - 01-03 [1080p].mkv"), episodes) == [1, 2, 3]
    by_season = [_episode(n, 1, n) for n in range(1, 25)]  # no absolute numbers stored
    assert episodes_for(_read("[Group] Kimi no Hana - 01-03 [1080p].mkv"), by_season) == [1, 2, 3]


def test_a_season_reading_falls_back_to_the_releases_count() -> None:
    """ "Title S2 - 14" where the catalogue's season 2 has 12 episodes: absolute 14."""
    episodes = [_episode(n, 1 if n <= 12 else 2, n if n <= 12 else n - 12, absolute=n)
                for n in range(1, 25)]  # fmt: skip
    assert episodes_for(_read("[Group] Kimi no Hana S2 - 05 [1080p].mkv"), episodes) == [17]
    assert episodes_for(_read("[Group] Kimi no Hana S2 - 14 [1080p].mkv"), episodes) == [14]
