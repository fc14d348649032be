"""core.models: the states' words never change, and each state knows what it is."""

from __future__ import annotations

import pytest

from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    MetadataState,
    SkipReason,
    Trigger,
)
from aniworld_desktop.core.status import ACTIVE_STATUSES, DownloadStatus


def test_the_stored_and_printed_words_stay_as_they_were() -> None:
    # The database, `episodes --json` and the window's string comparisons use these words.
    assert [a.value for a in EpisodeAvailability] == [
        "on disk", "queued", "downloading", "paused", "failed", "missing", "not released",
        "trailer", "bonus",
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
