"""What runs beside a full build of the film index: the pacing of its busy connections."""

from __future__ import annotations

import sqlite3

import pytest

from aniworld_desktop.providers.mediathek import building
from aniworld_desktop.providers.mediathek.building import PACER_STEPS, Pacer


def test_the_pacer_pauses_once_per_interval_and_never_stops_the_statement(
    monkeypatch: pytest.MonkeyPatch,
):
    now = [0.0]
    pauses: list[float] = []
    monkeypatch.setattr(building.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(building.time, "sleep", pauses.append)
    pacer = Pacer(every=2.0, pause=0.5)  # seconds as whole numbers: exact clock arithmetic
    answers = []
    for second in range(7):
        now[0] = float(second)
        answers.append(pacer())
    assert answers == [0] * 7  # 0: SQLite goes on with the statement
    # Due at 2 s, then every pause plus interval after the last one: at 2 and 5 (>= 4.5) s.
    assert pauses == [0.5, 0.5]


def test_a_paced_connection_gives_the_same_answers():
    connection = sqlite3.connect(":memory:")
    calls = []

    def counted() -> int:
        calls.append(1)
        return Pacer(every=0.0, pause=0.0)()

    connection.set_progress_handler(counted, PACER_STEPS // 100)
    (count,) = connection.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
        "SELECT count(*) FROM n"
    ).fetchone()
    assert count == 100_000 and len(calls) > 10
