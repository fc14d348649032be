"""The episodes of one series as a Qt tree model: seasons as parents, episodes below them.

Episodes and whole seasons can be dragged; the drag carries episode ids as JSON under
:data:`EPISODE_IDS_MIME`, which the queue reads to queue them. The Episode column has a check
box per episode and per season (partly checked when some of its episodes are): whether the
episode is monitored. Ticking one changes the model at once and asks for the change with
``monitorChanged``; the pane has the library store it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from aniworld_desktop.core.models import EpisodeState
from aniworld_desktop.ui.id_mime import EPISODE_IDS_MIME, ids_from_mime, ids_mime
from aniworld_desktop.ui.mediathek_texts import geo_title, geo_tooltip, reference_geo
from aniworld_desktop.ui.roles import (
    CHECK_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    ITEM_ID_ROLE,
    RAW_ROLE,
    STATUS_ROLE,
    TOOLTIP_ROLE,
)
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

TOOLTIP_IMAGE_WIDTH = 240


class Column(IntEnum):
    """Columns of the episode tree."""

    EPISODE = 0
    TITLE = 1
    AIR_DATE = 2
    STATE = 3


# Marked for translation here, translated where shown (EpisodeTreeModel context).
HEADERS: dict[int, str] = {
    Column.EPISODE: QT_TRANSLATE_NOOP("EpisodeTreeModel", "Episode"),
    Column.TITLE: QT_TRANSLATE_NOOP("EpisodeTreeModel", "Title"),
    Column.AIR_DATE: QT_TRANSLATE_NOOP("EpisodeTreeModel", "Air date"),
    Column.STATE: QT_TRANSLATE_NOOP("EpisodeTreeModel", "State"),
}

STATE_TEXT: dict[str, str] = {
    "on disk": QT_TRANSLATE_NOOP("EpisodeTreeModel", "On disk"),
    "missing": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Missing"),
    "queued": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Queued"),
    "downloading": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Downloading"),
    "paused": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Paused"),
    "failed": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Failed"),
    "not released": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Not released"),
    "trailer": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Trailer"),
    "bonus": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Bonus"),
    "not monitored": QT_TRANSLATE_NOOP("EpisodeTreeModel", "Not monitored"),
}

# Mid-tone colours that stay readable on light and dark palettes (as the queue's).
STATE_COLOURS: dict[str, QColor] = {
    "on disk": QColor("#2e9b4e"),
    "missing": QColor("#d64040"),
    "queued": QColor("#7a7f87"),
    "downloading": QColor("#2f6fd6"),
    "paused": QColor("#c27c0e"),
    "failed": QColor("#b02a8a"),
    "not released": QColor("#8a6fc2"),
    "trailer": QColor("#5f8f9f"),
    "bonus": QColor("#5f8f9f"),
    "not monitored": QColor("#7a7f87"),
}

# Extras are not episodes one can miss, so a season's summary leaves them out.
_EXTRAS = frozenset({"trailer", "bonus"})


_SEASON = 0  # internalId of season rows; an episode's is its season's row + 1
_DRAG_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("EpisodeTreeModel", text)


def season_label(season: int) -> str:
    """``Season 1``, or ``Specials`` for season 0."""
    if season == 0:
        return QCoreApplication.translate("EpisodeTreeModel", "Specials")
    return QCoreApplication.translate("EpisodeTreeModel", "Season {number}").format(number=season)


def widest_texts(model: EpisodeTreeModel, column: int) -> list[str]:
    """The longest texts ``column`` can show, in the UI language: what its width must hold.

    The State column holds a state or a season's "n of m on disk" (counts up to two digits);
    the Episode column a season's name or an episode's label; Air date an ISO date. (A season of
    more than 99 episodes is rare enough to be allowed to widen its column by hand.)
    """
    if column == Column.STATE:
        return [_tr(text) for text in STATE_TEXT.values()] + [model.season_summary(88, 88)]
    if column == Column.EPISODE:
        return [season_label(0), season_label(88), "S88E88"]
    if column == Column.AIR_DATE:
        return ["8888-88-88"]
    return []


def episode_ids_from_mime(mime: QMimeData) -> list[int]:
    """The episode ids a drag carries, or an empty list if it carries none (or garbage)."""
    return ids_from_mime(mime, EPISODE_IDS_MIME)


@dataclass(slots=True)
class _Season:
    number: int
    episodes: list[EpisodeState] = field(default_factory=list)

    def check_state(self) -> Qt.CheckState:
        """Checked when every episode is monitored, unchecked when none is, else partly."""
        monitored = sum(1 for e in self.episodes if e.episode.monitored)
        if monitored == len(self.episodes):
            return Qt.CheckState.Checked
        return Qt.CheckState.Unchecked if monitored == 0 else Qt.CheckState.PartiallyChecked

    def counts(self) -> tuple[int, int]:
        """Episodes on disk and episodes in all, extras left out."""
        regular = [e for e in self.episodes if e.state not in _EXTRAS]
        return sum(1 for e in regular if e.state == "on disk"), len(regular)


def _season_order(number: int) -> int:
    # Specials after the numbered seasons, as people read a series.
    return number if number > 0 else 1 << 30


class EpisodeTreeModel(QAbstractItemModel):
    """The episodes of one series grouped by season, with their states.

    Season rows sit at the top level and have no id; episode rows are their children. The model
    holds an episode-id-to-position dict and never reads the database: it is loaded from
    ``LibraryService.episode_states()``.

    Signals:
        monitorChanged(list[int], bool): The user ticked or unticked these episodes (a season's:
            all of its), already shown so; the library is to store it.
    """

    monitorChanged = Signal(object, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seasons: list[_Season] = []
        self._where: dict[int, tuple[int, int]] = {}  # episode id -> (season row, row)
        self._thumbnails: dict[int, Path] = {}  # episode id -> its thumbnail on disk

    # ----------------------------------------------------------------- loading and lookups

    def load(self, states: Iterable[EpisodeState]) -> None:
        """Replace the tree with ``states`` (one model reset), grouped and sorted by season."""
        by_season: dict[int, _Season] = {}
        for state in states:
            number = state.episode.season
            season = by_season.get(number)
            if season is None:
                season = by_season[number] = _Season(number)
            season.episodes.append(state)
        self.beginResetModel()
        self._seasons = sorted(by_season.values(), key=lambda s: _season_order(s.number))
        self._where = {}
        for season_row, season in enumerate(self._seasons):
            season.episodes.sort(key=lambda e: e.episode.number)
            for row, state in enumerate(season.episodes):
                self._where[state.episode.id] = (season_row, row)
        self.endResetModel()

    def set_thumbnails(self, thumbnails: Mapping[int, Path]) -> None:
        """The episodes' thumbnails already on disk (``SeriesDetails.thumbnails``), shown in
        their rows' tooltips above the plot."""
        self._thumbnails = dict(thumbnails)

    def tooltip(self, episode_id: int, description: str) -> str | None:
        """The plot, under the episode's thumbnail when there is one; None without either."""
        thumbnail = self._thumbnails.get(episode_id)
        if thumbnail is None:
            return description or None
        image = f'<img src="{html.escape(thumbnail.as_uri())}" width="{TOOLTIP_IMAGE_WIDTH}">'
        text = html.escape(description).replace("\n", "<br>")
        return f"{image}<br>{text}" if text else image

    def index_of(self, episode_id: int, column: int = 0) -> QModelIndex:
        """The index of an episode, invalid if it is not in the model."""
        where = self._where.get(episode_id)
        if where is None:
            return QModelIndex()
        return self.createIndex(where[1], column, where[0] + 1)

    def episode_state(self, index: QModelIndex | QPersistentModelIndex) -> EpisodeState | None:
        """The episode at ``index``, or None for a season row or an invalid index."""
        if not index.isValid() or index.internalId() == _SEASON:
            return None
        return self._seasons[index.internalId() - 1].episodes[index.row()]

    def episode_ids(self, indexes: Iterable[QModelIndex | QPersistentModelIndex]) -> list[int]:
        """Ids of the episodes under ``indexes`` in tree order; a season row means all of its."""
        wanted: set[tuple[int, int]] = set()
        for index in indexes:
            if not index.isValid():
                continue
            if index.internalId() == _SEASON:
                season_row = index.row()
                count = len(self._seasons[season_row].episodes)
                wanted.update((season_row, row) for row in range(count))
            else:
                wanted.add((index.internalId() - 1, index.row()))
        return [self._seasons[s].episodes[r].episode.id for s, r in sorted(wanted)]

    # ----------------------------------------------------------------- Qt model API

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if column < 0 or column >= len(Column) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._seasons):
                return QModelIndex()
            return self.createIndex(row, column, _SEASON)
        if parent.internalId() != _SEASON or parent.column() != 0:
            return QModelIndex()
        season_row = parent.row()
        if row >= len(self._seasons[season_row].episodes):
            return QModelIndex()
        return self.createIndex(row, column, season_row + 1)

    def parent(self, child: QModelIndex | QPersistentModelIndex | None = None) -> Any:
        if child is None:
            # The QObject overload, which shares this name in Qt.
            return super().parent()
        if not child.isValid() or child.internalId() == _SEASON:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _SEASON)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._seasons)
        if parent.internalId() == _SEASON and parent.column() == 0:
            return len(self._seasons[parent.row()].episodes)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role == DISPLAY_ROLE and orientation is Qt.Orientation.Horizontal:
            text = HEADERS.get(section)
            return _tr(text) if text is not None else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() == Column.EPISODE:
            return _DRAG_FLAGS | Qt.ItemFlag.ItemIsUserCheckable
        return _DRAG_FLAGS

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        """A check box of the Episode column: monitor the episode (or the whole season)."""
        if role != CHECK_ROLE or not index.isValid() or index.column() != Column.EPISODE:
            return False
        checked = Qt.CheckState(value) != Qt.CheckState.Unchecked
        if index.internalId() == _SEASON:
            season_row = index.row()
            rows = range(len(self._seasons[season_row].episodes))
        else:
            season_row, rows = index.internalId() - 1, range(index.row(), index.row() + 1)
        ids = self.set_monitored(season_row, rows, checked)
        if ids:
            self.monitorChanged.emit(ids, checked)
        return True

    def set_monitored(self, season_row: int, rows: Iterable[int], monitored: bool) -> list[int]:
        """Show the episodes at ``rows`` of a season as (not) monitored; their ids that changed."""
        season = self._seasons[season_row]
        changed: list[int] = []
        for row in rows:
            state = season.episodes[row]
            if state.episode.monitored != monitored:
                episode = replace(state.episode, monitored=monitored)
                season.episodes[row] = replace(state, episode=episode)
                changed.append(episode.id)
        if changed:
            parent = self.index(season_row, 0)
            last = self.index(len(season.episodes) - 1, len(Column) - 1, parent)
            self.dataChanged.emit(self.index(0, 0, parent), last, [CHECK_ROLE])
            self.dataChanged.emit(parent, parent, [CHECK_ROLE])
        return changed

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if index.internalId() == _SEASON:
            return self._season_data(self._seasons[index.row()], column, role)
        state = self._seasons[index.internalId() - 1].episodes[index.row()]
        episode = state.episode
        if role == DISPLAY_ROLE:
            if column == Column.EPISODE:
                return episode.key.label()
            if column == Column.TITLE:
                geo = reference_geo(episode.url)
                return geo_title(episode.title, geo) if geo else episode.title
            if column == Column.AIR_DATE:
                return episode.air_date.isoformat() if episode.air_date else ""
            if column == Column.STATE:
                known = STATE_TEXT.get(state.state)
                return _tr(known) if known is not None else state.state.capitalize()
            return None
        if role == FOREGROUND_ROLE:
            return STATE_COLOURS.get(state.state) if column == Column.STATE else None
        if role == RAW_ROLE:
            if column == Column.EPISODE:
                return episode.season * 100_000 + episode.number
            if column == Column.TITLE:
                return episode.title
            if column == Column.AIR_DATE:
                return episode.air_date
            if column == Column.STATE:
                return state.state
            return None
        if role == ITEM_ID_ROLE:
            return episode.id
        if role == STATUS_ROLE:
            return state.state
        if role == CHECK_ROLE and column == Column.EPISODE:
            return Qt.CheckState.Checked if episode.monitored else Qt.CheckState.Unchecked
        if role == TOOLTIP_ROLE:
            # The plot (under the thumbnail beside the file, if any), on any cell of the row;
            # first where the broadcaster shows it, when only in some countries.
            tip = self.tooltip(episode.id, episode.description)
            geo = reference_geo(episode.url)
            if not geo:
                return tip
            mark = geo_tooltip(geo)
            if tip is None:
                return mark
            if tip.startswith("<img"):
                return f"{html.escape(mark)}<br>{tip}"
            return f"{mark}\n\n{tip}"
        return None

    def season_summary(self, on_disk: int, total: int) -> str:
        """``2 of 4 on disk``: a season's row in the State column."""
        return self.tr("{on_disk} of %n on disk", "", total).format(on_disk=on_disk)

    def _season_data(self, season: _Season, column: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            if column == Column.EPISODE:
                return season_label(season.number)
            if column == Column.STATE:
                return self.season_summary(*season.counts())
            return ""
        if role == RAW_ROLE and column == Column.EPISODE:
            return season.number
        if role == CHECK_ROLE and column == Column.EPISODE and season.episodes:
            return season.check_state()
        return None

    # ----------------------------------------------------------------- drag and drop

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [EPISODE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The episodes under ``indexes`` as a JSON list of ids (a season brings all of its)."""
        return ids_mime(EPISODE_IDS_MIME, self.episode_ids(indexes))
