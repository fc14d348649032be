import pytest

from aniworld_desktop.core.errors import InvalidTransition
from aniworld_desktop.core.status import ACTIVE_STATUSES, DownloadStatus

S = DownloadStatus


@pytest.mark.parametrize(
    ("status", "pause", "resume", "cancel", "retry"),
    [
        (S.PENDING, True, False, True, False),
        (S.DOWNLOADING, True, False, True, False),
        (S.PAUSED, False, True, True, False),
        (S.COMPLETED, False, False, False, False),
        (S.FAILED, False, False, False, True),
        (S.CANCELLED, False, False, False, True),
    ],
)
def test_questions_per_state(status, pause, resume, cancel, retry):
    assert status.can_pause() is pause
    assert status.can_resume() is resume
    assert status.can_cancel() is cancel
    assert status.can_retry() is retry


def test_active_states_are_the_ones_the_unique_index_covers():
    assert {s for s in S if s.is_active()} == {S.PENDING, S.DOWNLOADING, S.PAUSED}
    assert {S.PENDING, S.DOWNLOADING, S.PAUSED} == ACTIVE_STATUSES
    assert all(s.is_final() for s in (S.COMPLETED, S.FAILED, S.CANCELLED))


def test_completed_is_terminal():
    for target in S:
        assert not S.COMPLETED.can_become(target)
    with pytest.raises(InvalidTransition, match="completed download cannot become pending"):
        S.COMPLETED.check_transition(S.PENDING)


def test_interrupted_download_may_go_back_to_pending():
    assert S.DOWNLOADING.check_transition(S.PENDING) is S.PENDING


def test_paused_cannot_complete_without_running():
    assert not S.PAUSED.can_become(S.COMPLETED)
    assert not S.PENDING.can_become(S.COMPLETED)


def test_values_are_the_json_strings():
    assert [s.value for s in S] == [
        "pending",
        "downloading",
        "paused",
        "completed",
        "failed",
        "cancelled",
    ]
