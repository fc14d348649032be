"""SeriesTableModel: model tester, roles, in-model sorting and filtering, snapshot updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt

from aniworld_desktop.core.models import SeriesCounts, SeriesRecord, SeriesSummary
from aniworld_desktop.ui import series_model
from aniworld_desktop.ui.roles import Role
from aniworld_desktop.ui.series_model import Column, SeriesTableModel, raw_value

RAW = Role.RAW
ASC = Qt.SortOrder.AscendingOrder
DESC = Qt.SortOrder.DescendingOrder


def summary(series_id: int, title: str | None = None, **changes: Any) -> SeriesSummary:
    """A series with counts, built without a database; ``changes`` go to record or counts."""
    counts_fields = {"episodes", "on_disk", "missing", "queued"}
    counts = SeriesCounts(**{k: v for k, v in changes.items() if k in counts_fields})
    record = SeriesRecord(
        id=series_id,
        title=title or f"Show {series_id}",
        provider="demo",
        source_url=f"demo:{series_id}",
        folder=f"Show {series_id}",
        **{k: v for k, v in changes.items() if k not in counts_fields},
    )
    return SeriesSummary(record, counts)


def titles(model: SeriesTableModel) -> list[str]:
    return [model.summary(row).series.title for row in range(model.rowCount())]


@pytest.fixture
def model(qtmodeltester) -> SeriesTableModel:
    model = SeriesTableModel()
    qtmodeltester.check(model)  # empty, before anything is loaded
    model.load(
        [
            summary(1, "Naruto", year=2002, episodes=9, missing=9),
            summary(2, "Bleach", year=None, episodes=10, on_disk=4, monitored=False),
            summary(3, "one piece", year=1999, episodes=2, queued=1),
        ]
    )
    qtmodeltester.check(model)
    return model


def test_raw_and_display_roles(model: SeriesTableModel) -> None:
    row = model.row_of(2)
    assert row is not None and model.series_id(row) == 2
    year = model.index(row, Column.YEAR)
    assert model.data(year) == "" and model.data(year, RAW) is None
    episodes = model.index(row, Column.EPISODES)
    assert model.data(episodes) == "10" and model.data(episodes, RAW) == 10
    monitored = model.index(row, Column.MONITORED)
    assert model.data(monitored, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.data(monitored, RAW) is False
    assert not model.flags(monitored) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(model.index(row, Column.REFRESHED)) == "Never"
    assert model.data(model.index(row, Column.METADATA)) == "Pending"
    assert model.data(model.index(row, 0), Role.ITEM_ID) == 2


def test_refreshed_at_is_local_text_and_raw_datetime(qtmodeltester) -> None:
    moment = datetime(2026, 3, 4, 5, 6)
    model = SeriesTableModel()
    model.load([summary(1, refreshed_at=moment, metadata_state="done")])
    qtmodeltester.check(model)
    cell = model.index(0, Column.REFRESHED)
    assert model.data(cell, RAW) == moment
    assert model.data(cell).startswith("2026-03-0")
    assert model.data(model.index(0, Column.METADATA)) == "Done"


def test_sort_numeric_column_is_numeric(model: SeriesTableModel, qtmodeltester) -> None:
    model.sort(Column.EPISODES, ASC)
    assert [model.summary(r).counts.episodes for r in range(3)] == [2, 9, 10]
    assert model.row_of(2) == 2  # the id-to-row map follows the sort
    model.sort(Column.EPISODES, DESC)
    assert [model.summary(r).counts.episodes for r in range(3)] == [10, 9, 2]
    qtmodeltester.check(model)


def test_sort_by_title_ignores_case_and_unknown_years_go_last(model: SeriesTableModel) -> None:
    model.sort(Column.TITLE, ASC)
    assert titles(model) == ["Bleach", "Naruto", "one piece"]
    model.sort(Column.YEAR, DESC)
    assert titles(model) == ["Naruto", "one piece", "Bleach"]
    model.sort(Column.YEAR, ASC)
    assert titles(model) == ["one piece", "Naruto", "Bleach"]
    model.sort(-1, ASC)  # back to the order of loading
    assert titles(model) == ["Naruto", "Bleach", "one piece"]


def test_sort_is_stable_and_keeps_persistent_indexes(qtmodeltester) -> None:
    model = SeriesTableModel()
    model.load([summary(i, missing=i % 2) for i in range(1, 7)])
    kept = QPersistentModelIndex(model.index(model.row_of(5) or 0, Column.TITLE))
    model.sort(Column.MISSING, ASC)
    assert [model.series_id(r) for r in range(6)] == [2, 4, 6, 1, 3, 5]
    assert kept.row() == model.row_of(5) and kept.data() == "Show 5"
    model.sort(Column.MISSING, DESC)
    assert [model.series_id(r) for r in range(6)] == [1, 3, 5, 2, 4, 6]
    assert kept.data() == "Show 5"
    qtmodeltester.check(model)


def test_filter_by_title_substring_ignoring_case(model: SeriesTableModel, qtmodeltester) -> None:
    model.sort(Column.TITLE, ASC)
    model.set_filter("  PIEC ")
    assert titles(model) == ["one piece"]
    assert model.row_of(1) is None and model.row_of(3) == 0
    assert model.total_count() == 3
    qtmodeltester.check(model)
    model.set_filter("a")
    assert titles(model) == ["Bleach", "Naruto"]  # still sorted
    model.set_filter("")
    assert model.rowCount() == 3


def test_update_summaries_inserts_removes_and_changes(
    model: SeriesTableModel, qtmodeltester, qtbot
) -> None:
    model.sort(Column.TITLE, ASC)
    old = [model.summary(model.row_of(i) or 0) for i in (1, 2, 3)]
    fresh = [
        replace(old[0], counts=SeriesCounts(episodes=9, on_disk=9)),  # Naruto changed
        old[1],  # Bleach unchanged
        summary(4, "Attack"),  # new; one piece is gone
    ]
    with (
        qtbot.waitSignal(model.rowsRemoved),
        qtbot.waitSignal(model.rowsInserted),
        qtbot.waitSignal(model.dataChanged) as changed,
    ):
        model.update_summaries(fresh)
    assert titles(model) == ["Attack", "Bleach", "Naruto"]
    assert changed.args[0].row() == changed.args[1].row()  # only Naruto's row repainted
    naruto = model.row_of(1)
    assert naruto is not None
    assert model.data(model.index(naruto, Column.ON_DISK), RAW) == 9
    assert model.row_of(3) is None
    qtmodeltester.check(model)

    # The same snapshot again changes nothing.
    with qtbot.assertNotEmitted(model.dataChanged), qtbot.assertNotEmitted(model.layoutChanged):
        model.update_summaries(fresh)


def test_update_summaries_respects_filter(model: SeriesTableModel, qtmodeltester) -> None:
    model.set_filter("naru")
    snapshot = [model.summary(0), summary(2, "Bleach"), summary(3, "one piece")]
    renamed = replace(snapshot[1].series, title="Boruto: Naruto Next Generations")
    snapshot[1] = SeriesSummary(renamed, snapshot[1].counts)
    model.update_summaries([*snapshot, summary(5, "Naruto Shippuden"), summary(6, "Other")])
    assert sorted(titles(model)) == [
        "Boruto: Naruto Next Generations",
        "Naruto",
        "Naruto Shippuden",
    ]
    # Renaming out of the filter removes the row.
    snapshot[0] = SeriesSummary(replace(snapshot[0].series, title="Gone"), snapshot[0].counts)
    model.update_summaries([*snapshot, summary(5, "Naruto Shippuden"), summary(6, "Other")])
    assert model.row_of(1) is None and model.rowCount() == 2
    qtmodeltester.check(model)
    model.set_filter("")
    assert model.rowCount() == 5


def test_load_many_series_sorts_and_filters(qtmodeltester) -> None:
    model = SeriesTableModel()
    model.load([summary(i, episodes=(i * 7919) % 5000) for i in range(5000)])
    model.sort(Column.EPISODES, ASC)
    values = [model.summary(r).counts.episodes for r in range(model.rowCount())]
    assert values == sorted(values)
    model.set_filter("show 49")
    assert model.rowCount() == 111  # 49, 490-499, 4900-4999


def expected_rows(
    snapshot: list[SeriesSummary], order: list[int], needle: str, column: int, descending: bool
) -> list[int]:
    """The ids the table should show: matches in load order, sorted stably, unknowns last."""
    by_id = {s.series.id: s for s in snapshot}
    shown = [by_id[i] for i in order if needle in by_id[i].series.title.casefold()]
    if column < 0:
        return [s.series.id for s in shown]

    def value(s: SeriesSummary) -> Any:
        raw = raw_value(s, column)
        return raw.casefold() if isinstance(raw, str) and column != Column.METADATA else raw

    known = [s for s in shown if value(s) is not None]
    unknown = [s for s in shown if value(s) is None]
    known.sort(key=value, reverse=descending)
    return [s.series.id for s in known + unknown]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_snapshots_sorts_and_filters_keep_the_model_right(qapp, data: st.DataObject) -> None:
    titles_ = ["Naruto", "Bleach", "one piece", "Akira", "Naruto Shippuden", "Zeta"]
    model = SeriesTableModel()
    snapshot: list[SeriesSummary] = []
    order: list[int] = []  # load order: what ties keep
    needle, column, descending = "", -1, False
    kept, kept_id = QPersistentModelIndex(), 0
    for _ in range(data.draw(st.integers(1, 10))):
        action = data.draw(st.sampled_from(["snapshot", "sort", "filter"]))
        if action == "snapshot":
            ids = sorted(data.draw(st.sets(st.integers(1, 12), max_size=8)))
            old = {s.series.id: s for s in snapshot}
            snapshot = [
                old[i]
                if i in old and data.draw(st.booleans())
                else summary(
                    i,
                    data.draw(st.sampled_from(titles_)),
                    year=data.draw(st.sampled_from([None, 1999, 2002])),
                    missing=data.draw(st.integers(0, 2)),
                )
                for i in ids
            ]
            order = [i for i in order if i in ids] + [i for i in ids if i not in order]
            if model.total_count() == 0:
                model.load(snapshot)
                order = ids
            else:
                model.update_summaries(snapshot)
        elif action == "sort":
            column = data.draw(st.sampled_from([-1, *Column]))
            descending = column >= 0 and data.draw(st.booleans())
            model.sort(column, DESC if descending else ASC)
        else:
            needle = data.draw(st.sampled_from(["", "naru", "E", "zz"]))
            model.set_filter(needle)
            needle = needle.strip().casefold()
        shown = [model.series_id(row) for row in range(model.rowCount())]
        assert shown == expected_rows(snapshot, order, needle, column, descending)
        assert all(model.row_of(i) == row for row, i in enumerate(shown))
        if kept.isValid():  # a selection stays on its series
            assert model.series_id(kept.row()) == kept_id
        elif shown:
            kept = QPersistentModelIndex(model.index(len(shown) - 1, Column.TITLE))
            kept_id = shown[-1]


def test_the_model_tester_agrees_after_snapshots_under_a_sort_and_filter(qtmodeltester) -> None:
    model = SeriesTableModel()
    qtmodeltester.check(model)
    model.load([summary(i, f"Show {i}", year=2000 + i % 3 or None) for i in range(1, 30)])
    model.sort(Column.YEAR, DESC)
    model.set_filter("show 1")
    qtmodeltester.check(model, force_py=True)
    model.update_summaries(
        [summary(i, f"Show {i}", year=1990 + i % 5) for i in range(5, 40) if i % 4]
    )
    qtmodeltester.check(model, force_py=True)


def rows_of(model: SeriesTableModel) -> list[SeriesSummary]:
    return [model.summary(row) for row in range(model.rowCount())]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_stepwise_update_ends_with_the_rows_of_the_one_step_update(
    qapp, data: st.DataObject
) -> None:
    def snapshot() -> list[SeriesSummary]:
        ids = sorted(data.draw(st.sets(st.integers(1, 40), max_size=30)))
        return [
            summary(
                i,
                data.draw(st.sampled_from(["Naruto", "Bleach", "Akira", "Zeta"])) + f" {i % 3}",
                year=data.draw(st.sampled_from([None, 1999, 2002])),
                missing=data.draw(st.integers(0, 2)),
            )
            for i in ids
        ]

    first, second = snapshot(), snapshot()
    column = data.draw(st.sampled_from([-1, *Column]))
    order = DESC if data.draw(st.booleans()) else ASC
    needle = data.draw(st.sampled_from(["", "a", "naruto"]))
    chunk = data.draw(st.integers(1, 12))
    at_once, stepwise = SeriesTableModel(), SeriesTableModel()
    for model in (at_once, stepwise):
        model.load(first)
        model.sort(column, order)
        model.set_filter(needle)
    at_once.update_summaries(second)
    steps = 0
    for _ in stepwise.update_steps(second, chunk=chunk):
        steps += 1
        # Between two steps the model is whole: rows, map and rows count agree.
        assert all(stepwise.row_of(stepwise.series_id(r)) == r for r in range(stepwise.rowCount()))
    assert steps == -(-len(second) // chunk)  # a yield before each piece
    assert rows_of(stepwise) == rows_of(at_once)
    assert stepwise.total_count() == at_once.total_count() == len(second)


def test_the_pieces_of_a_stepwise_update_only_compare(qtmodeltester) -> None:
    model = SeriesTableModel()
    model.load([summary(i, f"Show {i}") for i in range(1, 11)])
    signals: list[str] = []
    for name in ("dataChanged", "rowsInserted", "rowsRemoved", "layoutChanged", "modelReset"):
        getattr(model, name).connect(lambda *_, name=name: signals.append(name))
    fresh = [summary(i, f"Show {i}", missing=1) for i in range(1, 13)]  # 10 changed, 2 new
    steps = model.update_steps(fresh, chunk=3)
    next(steps)
    next(steps)
    assert signals == []  # compared 3 of 12, nothing shown yet
    assert model.summary(0).counts.missing == 0
    for _ in steps:
        assert signals == []
    assert signals == ["dataChanged", "rowsInserted"]
    assert [s.counts.missing for s in rows_of(model)] == [1] * 12
    qtmodeltester.check(model)


def test_changed_rows_are_repainted_run_by_run_and_not_moved_when_their_place_holds(
    model: SeriesTableModel,
) -> None:
    model.sort(Column.TITLE, ASC)  # Bleach, Naruto, one piece
    ranges: list[tuple[int, int]] = []
    moved: list[bool] = []
    model.dataChanged.connect(lambda top, bottom, *_: ranges.append((top.row(), bottom.row())))
    model.layoutChanged.connect(lambda *_: moved.append(True))
    snapshot = [model.summary(row) for row in range(3)]
    fresh = [replace(s, counts=replace(s.counts, queued=7)) for s in snapshot]
    fresh[1] = snapshot[1]  # Naruto unchanged: the first and last rows changed
    model.update_summaries(fresh)
    assert ranges == [(0, 0), (2, 2)]  # not one range over the unchanged row between
    assert moved == []  # the title sort key did not change
    assert [s.counts.queued for s in rows_of(model)] == [7, 0, 7]


def test_roles_the_series_model_does_not_answer_are_none(model: SeriesTableModel) -> None:
    cells = [model.index(row, column) for row in range(3) for column in Column]
    for role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.DecorationRole):
        assert all(model.data(cell, role) is None for cell in cells)
    for role in series_model._ROLES:  # the early return lets only these through
        assert any(model.data(cell, role) is not None for cell in cells), role
    flags = model.flags(model.index(0, Column.TITLE))
    assert flags & Qt.ItemFlag.ItemIsDragEnabled and flags & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(model.index(9, 0)) == Qt.ItemFlag.NoItemFlags  # no such row
