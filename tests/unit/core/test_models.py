"""core.models: the states' words never change, and each state knows what it is."""

from __future__ import annotations

from datetime import date

import pytest

from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    MatchState,
    MetadataState,
    Monitoring,
    MonitorMode,
    SeriesRecord,
    SkipReason,
    Trigger,
)
from aniworld_desktop.core.status import ACTIVE_STATUSES, DownloadStatus


def test_the_stored_and_printed_words_stay_as_they_were() -> None:
    # The database, `episodes --json` and the window's string comparisons use these words.
    assert [a.value for a in EpisodeAvailability] == [
        "on disk", "queued", "downloading", "paused", "failed", "missing", "not released",
        "trailer", "bonus", "not monitored",
    ]  # fmt: skip
    assert [m.value for m in MonitorMode] == ["new", "all", "none", "season"]
    assert [m.value for m in MatchState] == [
        "unmatched", "matched", "needs_review", "manual", "from_nfo",
    ]  # fmt: skip
    assert [k.value for k in EpisodeKind] == ["full", "trailer", "bonus"]
    assert [m.value for m in MetadataState] == ["", "done", "failed"]
    assert [t.value for t in Trigger] == ["interval", "manual", "run-once"]
    assert [r.value for r in SkipReason] == ["cooldown", "already running"]
    assert EpisodeAvailability.NOT_RELEASED == "not released"  # a str, for the old comparisons


def test_extras_are_what_they_are_and_only_they() -> None:
    assert EpisodeAvailability.of_extra(EpisodeKind.TRAILER) is EpisodeAvailability.TRAILER
    assert EpisodeAvailability.of_extra(EpisodeKind.BONUS) is EpisodeAvailability.BONUS
    with pytest.raises(KeyError):
        EpisodeAvailability.of_extra(EpisodeKind.FULL)
    assert {a for a in EpisodeAvailability if a.is_extra()} == {
        EpisodeAvailability.TRAILER,
        EpisodeAvailability.BONUS,
    }


def test_an_active_queue_entry_says_where_the_episode_is() -> None:
    assert {s: EpisodeAvailability.in_queue(s) for s in ACTIVE_STATUSES} == {
        DownloadStatus.PENDING: EpisodeAvailability.QUEUED,
        DownloadStatus.DOWNLOADING: EpisodeAvailability.DOWNLOADING,
        DownloadStatus.PAUSED: EpisodeAvailability.PAUSED,
    }
    with pytest.raises(KeyError):  # a finished entry is not where an episode is
        EpisodeAvailability.in_queue(DownloadStatus.COMPLETED)


def test_only_a_confirmed_match_gives_its_tmdb_id() -> None:
    confirmed = {s for s in MatchState if s.is_confirmed()}
    assert confirmed == {MatchState.MATCHED, MatchState.MANUAL, MatchState.FROM_NFO}
    proposal = SeriesRecord(1, "A", None, None, "A", tmdb_id=7, match_state=MatchState.NEEDS_REVIEW)
    assert proposal.confirmed_tmdb_id is None and proposal.tmdb_id == 7
    assert (
        SeriesRecord(
            1, "A", None, None, "A", tmdb_id=7, match_state=MatchState.MANUAL
        ).confirmed_tmdb_id
        == 7
    )
    assert proposal.is_local and not SeriesRecord(1, "A", "feed", "u", "A").is_local


@pytest.mark.parametrize(
    ("text", "mode", "season"),
    [("new", MonitorMode.NEW, None), ("ALL", MonitorMode.ALL, None), (" none ", MonitorMode.NONE, None),
     ("season:3", MonitorMode.SEASON, 3)],
)  # fmt: skip
def test_a_monitor_mode_reads_and_prints_as_the_command_line_has_it(text, mode, season) -> None:
    monitoring = Monitoring.parse(text)
    assert (monitoring.mode, monitoring.season) == (mode, season)
    assert Monitoring.parse(str(monitoring)) == monitoring


@pytest.mark.parametrize(
    "text", ["", "season", "season:0", "season:x", "all:2", "newest", "season:-1"]
)
def test_a_wrong_monitor_mode_is_a_sentence(text) -> None:
    with pytest.raises(ValueError, match="new, all, none or season:N"):
        Monitoring.parse(text)


def test_what_each_mode_monitors() -> None:
    today = date(2026, 12, 1)
    aired, coming = date(2026, 1, 1), date(2027, 1, 1)

    def wants(text, season=1, air=aired, *, existing=True, source=True):
        return Monitoring.parse(text).wants(
            season, air, today, existing=existing, has_source=source
        )

    assert wants("all") and not wants("none")
    # New: what exists when chosen stays unmonitored unless it has not aired; later ones are in.
    assert not wants("new") and not wants("new", air=None)
    assert wants("new", air=coming) and wants("new", existing=False)
    assert [wants("season:2", season=n) for n in (0, 1, 2, 3)] == [False, False, True, True]
    # TMDB's specials (no source) only by a check box; a feed's specials follow the mode.
    assert not wants("all", season=0, source=False) and wants("all", season=0)
    assert not wants("new", season=0, existing=False, source=False)
