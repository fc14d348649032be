"""EpisodeTreeModel: model tester, season grouping, state text and colour, drag MIME data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt

from aniworld_desktop.core.models import EpisodeRecord, EpisodeState
from aniworld_desktop.ui.episode_model import (
    EPISODE_IDS_MIME,
    STATE_COLOURS,
    Column,
    EpisodeTreeModel,
    episode_ids_from_mime,
)
from aniworld_desktop.ui.roles import Role

RAW = Role.RAW


def state(episode_id: int, season: int, number: int, value: str = "missing") -> EpisodeState:
    """An episode of series 7 with its state, built without a database."""
    record = EpisodeRecord(
        id=episode_id,
        series_id=7,
        season=season,
        number=number,
        title=f"Episode {number}",
        url=f"demo:{episode_id}",
        air_date=date(2024, 1, number),
    )
    return EpisodeState(record, value)


@pytest.fixture
def model(qtmodeltester) -> EpisodeTreeModel:
    model = EpisodeTreeModel()
    qtmodeltester.check(model)  # empty, before anything is loaded
    # Deliberately out of order: the model groups by season and sorts by number.
    model.load(
        [
            state(12, 2, 2, "queued"),
            state(3, 1, 10, "on disk"),
            state(1, 1, 9, "downloading"),
            state(50, 0, 1, "bonus"),
            state(11, 2, 1, "not released"),
        ]
    )
    qtmodeltester.check(model)
    return model


def season(model: EpisodeTreeModel, row: int) -> QModelIndex:
    return model.index(row, 0)


def test_seasons_are_parents_and_specials_come_last(model: EpisodeTreeModel) -> None:
    assert model.rowCount() == 3
    assert [model.data(season(model, r)) for r in range(3)] == ["Season 1", "Season 2", "Specials"]
    first = season(model, 0)
    assert model.rowCount(first) == 2
    assert [model.data(model.index(r, 0, first)) for r in range(2)] == ["S01E09", "S01E10"]
    assert model.data(model.index(0, Column.STATE, first)) == "Downloading"
    assert model.data(first.siblingAtColumn(Column.STATE)) == "1 of 2 on disk"
    assert model.parent(model.index(1, 0, first)) == first


def test_raw_and_display_roles(model: EpisodeTreeModel) -> None:
    episode = model.index_of(3)
    assert model.data(episode.siblingAtColumn(Column.EPISODE), RAW) == 100_010
    air = episode.siblingAtColumn(Column.AIR_DATE)
    assert model.data(air) == "2024-01-10" and model.data(air, RAW) == date(2024, 1, 10)
    cell = episode.siblingAtColumn(Column.STATE)
    assert model.data(cell) == "On disk" and model.data(cell, RAW) == "on disk"
    assert model.data(cell, Role.ITEM_ID) == 3 and model.data(cell, Role.STATUS) == "on disk"
    assert model.episode_state(episode) is not None
    assert model.episode_state(season(model, 0)) is None
    assert not model.index_of(999).isValid()


@pytest.mark.parametrize(
    ("episode_id", "text"),
    [(1, "Downloading"), (3, "On disk"), (11, "Not released"), (12, "Queued"), (50, "Bonus")],
)
def test_state_has_text_and_colour(model: EpisodeTreeModel, episode_id: int, text: str) -> None:
    cell = model.index_of(episode_id, Column.STATE)
    assert model.data(cell) == text
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole) == STATE_COLOURS[text.lower()]


def test_every_state_has_a_distinct_colour_by_kind() -> None:
    named = ["on disk", "missing", "queued", "downloading", "paused", "failed", "not released"]
    assert len({STATE_COLOURS[s].name() for s in named}) == len(named)


def test_drag_flags_on_episodes_and_seasons(model: EpisodeTreeModel) -> None:
    for index in (season(model, 1), model.index_of(12), model.index_of(12, Column.STATE)):
        assert model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.mimeTypes() == [EPISODE_IDS_MIME]


def test_mime_round_trip_for_an_episode_selection(model: EpisodeTreeModel) -> None:
    # A row selection brings every column of each row; ids come once, in tree order.
    indexes = [model.index_of(i, c) for i in (12, 1) for c in Column]
    mime = model.mimeData(indexes)
    assert json.loads(bytes(mime.data(EPISODE_IDS_MIME).data())) == [1, 12]
    assert episode_ids_from_mime(mime) == [1, 12]


def test_mime_round_trip_for_a_season_selection(model: EpisodeTreeModel) -> None:
    mime = model.mimeData([season(model, 1), model.index_of(11), model.index_of(3)])
    assert episode_ids_from_mime(mime) == [3, 11, 12]


def test_foreign_or_broken_mime_carries_no_ids() -> None:
    mime = QMimeData()
    mime.setText("[1, 2]")
    assert episode_ids_from_mime(mime) == []
    mime.setData(EPISODE_IDS_MIME, QByteArray(b"not json"))
    assert episode_ids_from_mime(mime) == []
    mime.setData(EPISODE_IDS_MIME, QByteArray(b'[1, "2", true, 3]'))
    assert episode_ids_from_mime(mime) == [1, 3]


def test_reload_replaces_the_tree(model: EpisodeTreeModel, qtmodeltester, qtbot) -> None:
    with qtbot.waitSignal(model.modelReset):
        model.load([state(20, 3, 1, "failed"), state(21, 3, 2, "paused")])
    assert model.rowCount() == 1 and model.data(season(model, 0)) == "Season 3"
    assert not model.index_of(1).isValid()
    assert model.episode_ids([season(model, 0)]) == [20, 21]
    qtmodeltester.check(model)
    model.load([])
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_check_boxes_monitor_an_episode_or_a_whole_season(
    model: EpisodeTreeModel, qtmodeltester
) -> None:
    checked, unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
    check = Qt.ItemDataRole.CheckStateRole
    told: list[tuple[list[int], bool]] = []
    model.monitorChanged.connect(lambda ids, flag: told.append((ids, flag)))
    first_season = season(model, 0)
    assert model.flags(first_season) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index_of(3, Column.TITLE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(model.index_of(3), check) == checked
    assert model.data(first_season, check) == checked

    assert model.setData(model.index_of(3), unchecked.value, check)
    assert told == [([3], False)]
    assert model.data(model.index_of(3), check) == unchecked
    assert model.data(first_season, check) == Qt.CheckState.PartiallyChecked

    # A partly checked season ticked: every episode of it is monitored, only the changed told.
    assert model.setData(first_season, checked.value, check)
    assert told[-1] == ([3], True)
    assert model.data(first_season, check) == checked
    assert model.setData(first_season, unchecked.value, check)
    assert told[-1] == ([1, 3], False)
    assert model.data(first_season, check) == unchecked
    assert not model.setData(model.index_of(3, Column.TITLE), checked.value, check)
    qtmodeltester.check(model)


def test_not_monitored_state_and_the_plot_as_tooltip(qtmodeltester) -> None:
    model = EpisodeTreeModel()
    plain = state(5, 1, 1, "not monitored")
    record = plain.episode.__class__(
        **{**{f: getattr(plain.episode, f) for f in plain.episode.__slots__}, "description": "Fog."}
    )
    model.load([EpisodeState(record, "not monitored")])
    cell = model.index_of(5, Column.STATE)
    assert model.data(cell) == "Not monitored"
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole) == STATE_COLOURS["not monitored"]
    for column in Column:
        assert model.data(model.index_of(5, column), Qt.ItemDataRole.ToolTipRole) == "Fog."
    qtmodeltester.check(model)


def test_a_thumbnail_on_disk_joins_the_plot_in_the_tooltip(tmp_path, qtmodeltester) -> None:
    from pathlib import Path

    model = EpisodeTreeModel()
    record = EpisodeRecord(
        id=8, series_id=7, season=1, number=1, title="Fog", url="", description="Fog & tide."
    )
    model.load([EpisodeState(record, "on disk"), state(9, 1, 2)])
    thumbnail = Path(tmp_path) / "Show - S01E01-thumb.jpg"
    model.set_thumbnails({8: thumbnail})
    tip = model.data(model.index_of(8, Column.STATE), Qt.ItemDataRole.ToolTipRole)
    assert thumbnail.as_uri() in tip and tip.endswith("<br>Fog &amp; tide.")
    assert model.data(model.index_of(9), Qt.ItemDataRole.ToolTipRole) is None  # neither
    qtmodeltester.check(model)
