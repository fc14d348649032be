"""AppStateRepository: named values in app_state, times as aware UTC, across engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from aniworld_desktop.storage.app_state import AppStateRepository
from aniworld_desktop.storage.database import open_database


async def test_values_are_stored_replaced_and_kept(database, paths):
    state = AppStateRepository(database, clock=lambda: datetime(2026, 11, 26, 12, 0))
    assert await state.get("colour") is None
    await state.set("colour", "teal")
    await state.set("colour", "amber")
    assert await state.get("colour") == "amber"
    engine = await open_database(paths.database)
    try:
        assert await AppStateRepository(engine).get("colour") == "amber"
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT key, value, updated_at FROM app_state"))).all()
        assert [tuple(r[:2]) for r in rows] == [("colour", "amber")]
        assert rows[0][2].startswith("2026-11-26 12:00")
    finally:
        await engine.dispose()


async def test_times_come_back_in_utc(database):
    state = AppStateRepository(database)
    plus_two = datetime(2026, 11, 26, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    await state.set_time("t", plus_two)
    assert await state.get_time("t") == datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    await state.set_time("naive", datetime(2026, 11, 26, 12, 30))  # taken as UTC
    assert await state.get_time("naive") == datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    assert await state.get_time("never") is None


async def test_a_value_that_is_no_time_reads_as_none(database):
    state = AppStateRepository(database)
    await state.set("t", "yesterday-ish")
    assert await state.get_time("t") is None
