"""SchedulerService on a fake clock: the timer, the cooldown, restarts, duplicates, failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aniworld_desktop.core.events import (
    AutoDownloadFailed,
    AutoDownloadFired,
    AutoDownloadSkipped,
    AutoDownloadStarted,
    SeriesQueued,
)
from aniworld_desktop.core.models import SkipReason, Trigger
from aniworld_desktop.scheduler.service import LAST_RUN_KEY
from aniworld_desktop.storage.app_state import AppStateRepository
from aniworld_desktop.storage.database import open_database
from tests.unit.scheduler.conftest import T0, feed

HARBOR = [(1, 1, "Fog"), (1, 2, "Tide")]
MOONS = [(1, 1, "New Moon")]


async def test_the_interval_fires_and_queues_what_is_missing(world):
    harbor = await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    await world.follow("moons.xml", "Paper Moons", MOONS)
    scheduler = world.scheduler(interval=3600, cooldown=300)
    scheduler.start()
    # Never ran: due at once, but not before a minute after start-up.
    assert await world.clock.asleep() == T0 + timedelta(seconds=60)
    assert scheduler.next_run() == T0 + timedelta(seconds=60)
    await world.clock.advance(59)
    assert world.events.of(AutoDownloadStarted) == []
    await world.clock.advance(1)
    (fired,) = world.events.of(AutoDownloadFired)
    assert fired.trigger == Trigger.INTERVAL
    assert fired.started_at == T0 + timedelta(seconds=60)
    assert world.queued_labels() == [
        ("Harbor Lights", "S01E01"),
        ("Harbor Lights", "S01E02"),
        ("Paper Moons", "S01E01"),
    ]
    assert scheduler.next_run() == T0 + timedelta(seconds=60 + 3600)

    # An hour later the feed has a new episode: the next timed run refreshes and queues it.
    world.server.add_file("harbor.xml", feed("Harbor Lights", [*HARBOR, (2, 1, "Gale")]))
    await world.clock.advance(3600)
    assert len(world.events.of(AutoDownloadFired)) == 2
    last = world.events.of(AutoDownloadFired)[-1]
    assert last.queued == (SeriesQueued(harbor, "Harbor Lights", ("S02E01",)),)
    assert last.episodes == 1
    assert len(world.events.of(AutoDownloadStarted)) == 2
    # The timer naps a minute at most, so a wake from sleep is noticed soon (see below).
    assert max(world.clock.naps) <= 60


async def test_events_carry_the_queued_labels_per_series(world):
    harbor = await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    moons = await world.follow("moons.xml", "Paper Moons", MOONS)
    outcome = await world.scheduler().run_now()
    (started,) = world.events.of(AutoDownloadStarted)
    assert (started.trigger, started.started_at) == (Trigger.MANUAL, T0)
    (fired,) = world.events.of(AutoDownloadFired)
    assert fired.queued == (
        SeriesQueued(harbor, "Harbor Lights", ("S01E01", "S01E02")),
        SeriesQueued(moons, "Paper Moons", ("S01E01",)),
    )
    assert (fired.refreshed, fired.refresh_failures, fired.episodes) == (2, (), 3)
    assert outcome.series == fired.queued
    assert outcome.ran and not outcome.error
    assert len(outcome.queued.added) == 3


async def test_a_retrigger_inside_the_cooldown_is_skipped_with_reason_and_next_time(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(cooldown=300)
    assert (await scheduler.run_now()).ran
    fetches = len(world.server.requests_for("harbor.xml"))

    world.clock.now = T0 + timedelta(seconds=120)
    outcome = await scheduler.run_now()
    assert outcome.skipped == SkipReason.COOLDOWN
    assert outcome.next_allowed == T0 + timedelta(seconds=300)
    (skipped,) = world.events.of(AutoDownloadSkipped)
    assert (skipped.trigger, skipped.reason, skipped.next_allowed) == (
        Trigger.MANUAL,
        SkipReason.COOLDOWN,
        T0 + timedelta(seconds=300),
    )
    assert len(world.server.requests_for("harbor.xml")) == fetches  # nothing was fetched

    world.clock.now = T0 + timedelta(seconds=300)
    assert (await scheduler.run_now()).ran
    assert len(world.events.of(AutoDownloadFired)) == 2


async def test_the_timer_is_skipped_too_when_the_cooldown_is_longer(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(interval=3, cooldown=60)
    scheduler.start()
    await world.clock.advance(20)
    # One run at 3 s; the ticks at 6, 9, ... 18 s fall inside the cooldown and say so.
    assert len(world.events.of(AutoDownloadFired)) == 1
    skipped = world.events.of(AutoDownloadSkipped)
    assert len(skipped) == 5
    assert {(s.trigger, s.reason) for s in skipped} == {(Trigger.INTERVAL, SkipReason.COOLDOWN)}
    assert {s.next_allowed for s in skipped} == {T0 + timedelta(seconds=63)}
    assert len(world.server.requests_for("harbor.xml")) == 2  # follow + one refresh


async def test_the_cooldown_survives_a_restart(world, paths):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    first = world.scheduler()
    first.start()
    assert (await first.run_now()).ran
    await first.aclose()

    # A new service over the same database file, through a new engine.
    engine = await open_database(paths.database)
    try:
        assert await AppStateRepository(engine).get_time(LAST_RUN_KEY) == T0
        world.clock.now = T0 + timedelta(seconds=60)
        again = world.scheduler(engine, cooldown=300, interval=3600)
        outcome = await again.run_now()
        assert outcome.skipped == SkipReason.COOLDOWN
        assert outcome.next_allowed == T0 + timedelta(seconds=300)
        assert again.last_run == T0
        # Its timer follows the recorded run too: the next one is an interval after it.
        again.start()
        assert await world.clock.asleep() <= T0 + timedelta(seconds=3600)
        assert again.next_run() == T0 + timedelta(seconds=3600)
    finally:
        await again.aclose()
        await engine.dispose()


async def test_an_overdue_run_waits_a_minute_after_start_up(world):
    await AppStateRepository(world.database).set_time(LAST_RUN_KEY, T0 - timedelta(days=2))
    scheduler = world.scheduler(interval=3600)
    scheduler.start()
    await world.clock.asleep()
    assert scheduler.next_run() == T0 + timedelta(seconds=60)


async def test_an_auto_run_never_duplicates_queue_entries(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    await world.follow("moons.xml", "Paper Moons", MOONS)
    scheduler = world.scheduler(cooldown=0)
    first = await scheduler.run_now()
    assert len(first.queued.added) == 3
    second = await scheduler.run_now()
    assert second.ran
    assert second.queued.added == []
    assert second.series == ()
    assert world.events.of(AutoDownloadFired)[-1].queued == ()
    assert len(world.downloads.items()) == 3
    # And through the timer, many times over.
    scheduler.start()
    await world.clock.advance(5 * 3600)
    assert len(world.events.of(AutoDownloadFired)) >= 5
    assert len(world.downloads.items()) == 3


async def test_a_failing_source_does_not_stop_the_others(world):
    # Alphabetically first, so its failure comes before the other series' refresh.
    amber = await world.follow("amber.xml", "Amber Fields", [(1, 1, "Seed")])
    harbor = await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    broken = world.server.url("amber.xml", fault="status", code=500, times=100)
    await world.catalog.update_series(amber, source_url=broken)
    world.server.add_file("harbor.xml", feed("Harbor Lights", [*HARBOR, (2, 1, "Gale")]))

    outcome = await world.scheduler().run_now()
    assert outcome.ran and not outcome.error
    assert [r.series.title for r in outcome.source_failures] == ["Amber Fields"]
    assert "500" in outcome.source_failures[0].error
    (fired,) = world.events.of(AutoDownloadFired)
    assert len(fired.refresh_failures) == 1
    assert fired.refresh_failures[0].startswith("Amber Fields: ")
    by_series = {s.series_id: s.labels for s in fired.queued}
    assert by_series[harbor] == ("S01E01", "S01E02", "S02E01")  # refreshed after the failure
    assert world.events.of(AutoDownloadFailed) == []


async def test_a_provider_that_raises_anything_fails_only_its_series(world, monkeypatch):
    await world.follow("amber.xml", "Amber Fields", [(1, 1, "Seed")])
    harbor = await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    refresh = world.library.refresh

    async def buggy(series):
        if series.title == "Amber Fields":
            raise KeyError("itunes:episode")  # a plug-in's bug, not a ProviderError
        return await refresh(series)

    monkeypatch.setattr(world.library, "refresh", buggy)
    outcome = await world.scheduler().run_now()
    assert [(r.series.title, r.error) for r in outcome.source_failures] == [
        ("Amber Fields", "'itunes:episode'")
    ]
    assert harbor in {s.series_id for s in outcome.series}


async def test_two_concurrent_runs_one_runs_one_is_skipped(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(cooldown=0)
    await scheduler.run_now()  # the last run's time is read: no await before the check now
    first, second = await asyncio.gather(scheduler.run_now(), scheduler.run_now("tray"))
    assert first.ran
    assert second.skipped == SkipReason.ALREADY_RUNNING
    skipped = world.events.of(AutoDownloadSkipped)
    assert [(s.trigger, s.reason) for s in skipped] == [("tray", SkipReason.ALREADY_RUNNING)]
    assert len(world.events.of(AutoDownloadFired)) == 2


async def test_a_request_during_a_run_is_skipped_until_the_cooldown_after_its_start(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(cooldown=300)
    started = asyncio.get_running_loop().create_future()
    world.bus.subscribe(AutoDownloadStarted, lambda e: started.done() or started.set_result(e))
    running = asyncio.ensure_future(scheduler.run_now())
    await started
    assert scheduler.running
    outcome = await scheduler.run_now()
    assert (outcome.skipped, outcome.next_allowed) == (
        SkipReason.ALREADY_RUNNING,
        T0 + timedelta(seconds=300),
    )
    assert (await running).ran
    assert not scheduler.running


async def test_a_failure_is_announced_and_never_stops_the_timer(world, monkeypatch):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scan = world.library.scan
    calls = 0

    async def flaky_scan():
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("disk on fire")
        return await scan()

    monkeypatch.setattr(world.library, "scan", flaky_scan)
    scheduler = world.scheduler(interval=600, cooldown=300)
    scheduler.start()
    await world.clock.advance(60)
    (failed,) = world.events.of(AutoDownloadFailed)
    assert (failed.trigger, failed.reason) == (Trigger.INTERVAL, "disk on fire")
    assert world.events.of(AutoDownloadFired) == []
    assert scheduler.last_run is None  # a failed run does not start the cooldown
    assert scheduler.next_run() == T0 + timedelta(seconds=660)
    outcome = await scheduler.run_now()  # so "run now" may try again at once
    assert outcome.ran and not outcome.error
    await world.clock.advance(600)
    assert len(world.events.of(AutoDownloadFired)) == 2


async def test_a_missing_library_folder_queues_nothing(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    world.library_dir.rmdir()  # an unmounted share looks like this
    outcome = await world.scheduler().run_now()
    assert "cannot be found" in outcome.error
    (failed,) = world.events.of(AutoDownloadFailed)
    assert failed.reason == outcome.error
    assert world.downloads.items() == []


async def test_run_once_ignores_the_cooldown_but_records_its_time(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(cooldown=300)
    assert (await scheduler.run_now()).ran
    world.clock.now = T0 + timedelta(seconds=10)
    outcome = await scheduler.run_once()
    assert outcome.ran and outcome.trigger == "run-once"
    state = AppStateRepository(world.database)
    assert await state.get_time(LAST_RUN_KEY) == T0 + timedelta(seconds=10)
    world.clock.now = T0 + timedelta(seconds=20)
    assert (await scheduler.run_now()).next_allowed == T0 + timedelta(seconds=310)


async def test_disabled_has_no_timer_but_runs_when_asked(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(enabled=False)
    scheduler.start()
    assert scheduler.next_run() is None
    assert (await scheduler.run_now()).ran
    await scheduler.configure(enabled=True, interval=7200, cooldown=0)
    await world.clock.asleep()
    assert scheduler.next_run() == T0 + timedelta(seconds=7200)
    await scheduler.configure(enabled=False, interval=7200, cooldown=0)
    assert scheduler.next_run() is None


async def test_a_manual_run_pushes_the_next_timed_one(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(interval=3600, cooldown=300)
    scheduler.start()
    await world.clock.advance(60)  # the first timed run
    await world.clock.advance(1800)
    assert (await scheduler.run_now()).ran
    assert scheduler.next_run() == T0 + timedelta(seconds=1860 + 3600)
    # The tick that was due at 60 + 3600 s sees the pushed time and sleeps on.
    await world.clock.advance(3599)
    assert len(world.events.of(AutoDownloadFired)) == 2
    await world.clock.advance(1)
    assert len(world.events.of(AutoDownloadFired)) == 3
    assert world.events.of(AutoDownloadSkipped) == []


async def test_a_wake_from_sleep_runs_within_a_nap(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    scheduler = world.scheduler(interval=3600)
    scheduler.start()
    await world.clock.advance(60)  # the first timed run
    await world.clock.advance(600)
    # The machine sleeps for two hours: the wall clock jumps, the nap under way stands still.
    world.clock.suspend(2 * 3600)
    await world.clock.advance(60)  # no longer than one nap: the run that fell due happens
    (_, woken) = world.events.of(AutoDownloadFired)
    assert woken.started_at <= T0 + timedelta(seconds=60 + 600 + 2 * 3600 + 60)


async def test_a_clock_set_back_does_not_block(world):
    await world.follow("harbor.xml", "Harbor Lights", HARBOR)
    await AppStateRepository(world.database).set_time(LAST_RUN_KEY, T0 + timedelta(days=30))
    scheduler = world.scheduler(interval=3600, cooldown=300)
    assert (await scheduler.run_now()).ran
    scheduler.start()
    await world.clock.asleep()
    assert scheduler.next_run() == T0 + timedelta(seconds=3600)
