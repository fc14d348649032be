import gc

from aniworld_desktop.core.gcpause import collector_paused, is_paused, set_automatic


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


def test_overlapping_pauses_restore_only_when_the_last_ends():
    # Two threads' pauses need not nest: the first to end must not turn collection back on.
    first = collector_paused()
    second = collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    assert is_paused()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_automatic_collection_turned_off_during_a_pause_stays_off():
    # The window's collector takes over collection while a bulk load is paused.
    try:
        with collector_paused():
            set_automatic(False)
        assert not gc.isenabled()
        with collector_paused():
            set_automatic(True)
            assert not gc.isenabled()  # still paused
        assert gc.isenabled()
    finally:
        set_automatic(True)
