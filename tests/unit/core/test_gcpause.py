import gc

from aniworld_desktop.core.gcpause import collector_paused, is_paused


def test_collector_is_paused_inside_and_restored_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_freeze_only_when_asked():
    before = gc.get_freeze_count()
    with collector_paused():
        pass
    assert gc.get_freeze_count() == before
    try:
        with collector_paused() as pause:
            kept = [object() for _ in range(10)]  # noqa: F841
            pause.freeze = True
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_is_paused_while_any_block_runs():
    assert not is_paused()
    with collector_paused():
        with collector_paused():
            assert is_paused()
        assert is_paused()
    assert not is_paused()
