"""Set the TMDB match of a series: search TMDB by title (and year), pick a result or type an id.

The search runs in a task (the dialog never blocks) and is cancelled when the dialog closes;
nothing is stored here. The caller reads :meth:`TmdbMatchDialog.chosen_id` once it is accepted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.ui.tasks import LatestTasks

if TYPE_CHECKING:
    from aniworld_desktop.metadata.tmdb import TVSearchResult  # aiohttp: not at start-up

log = logging.getLogger(__name__)

Search = Callable[[str, int | None], Awaitable[list["TVSearchResult"]]]
"""Searches TMDB for series: (title, first-air year or None) to results, best first."""

MAX_TMDB_ID = 2_000_000_000
TMDB_TV_URL = "https://www.themoviedb.org/tv/{}"
MAX_YEAR = 2100
TOOLTIP_CHARS = 300  # an overview is a paragraph; the tooltip shows one line's worth
ID_ROLE = Qt.ItemDataRole.UserRole
# A link copied from the TMDB website: https://www.themoviedb.org/tv/1429-attack-on-titan
_TMDB_LINK = re.compile(r"themoviedb\.org/(?:[a-z]{2}(?:-[A-Z]{2})?/)?tv/(\d+)", re.IGNORECASE)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class Column:
    """Columns of the results list."""

    TITLE, YEAR, ORIGINAL = range(3)


class TmdbMatchDialog(QDialog):
    """Finds the TMDB entry of one series and lets the user choose it.

    Open it with ``open()`` (or :func:`aniworld_desktop.ui.dialogs.run_dialog`); a search for the
    series' title starts when it is first shown.

    Attributes:
        current_label: The match the series has now, if any.
        query_edit: The title to search for; Enter searches.
        year_spin: First-air year to narrow the search; 0 means any year. Enter searches.
        search_button: Starts a search.
        status: What the search found, or why it failed, as a sentence.
        results: The series found; each row keeps its TMDB id under ``Qt.UserRole``.
            Enter or a double-click uses the row.
        id_edit: The TMDB id to use: filled by choosing a result, or typed; a link to the
            series' TMDB page works too.
        id_reason: Why the id cannot be used, which id a link gave, or empty.
        ok_button: "Use this match"; enabled only while the id is valid.

    Signals:
        searchFinished(int): A search ended with this many results, or -1 when it failed.
    """

    searchFinished = Signal(int)

    def __init__(
        self,
        search: Search,
        title: str,
        year: int | None,
        current_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tmdbMatchDialog")
        self.setWindowTitle(
            self.tr("TMDB match for {title}").format(title=title)
            if title
            else self.tr("TMDB match")
        )
        self.resize(640, 480)
        self._search = search
        self._current_id = current_id
        self._tasks = LatestTasks()  # the search for what is typed now
        self._searched_once = False
        self._syncing = False  # the id and the selection follow each other without echo

        self.current_label = QLabel(self)
        self.current_label.setObjectName("tmdbCurrent")
        self.current_label.setTextFormat(Qt.TextFormat.RichText)
        self.current_label.setOpenExternalLinks(True)
        if current_id is None:
            self.current_label.setText(
                self.tr("No TMDB match is set yet; the metadata job guesses one from the title.")
            )
        else:
            url = TMDB_TV_URL.format(int(current_id))
            self.current_label.setText(
                self.tr("Current match: TMDB id {link}.").format(
                    link=f'<a href="{url}">{int(current_id)}</a>'
                )
            )

        self.query_edit = QLineEdit(title, self)
        self.query_edit.setObjectName("tmdbQuery")
        self.query_edit.setPlaceholderText(self.tr("Series title"))
        self.query_edit.setClearButtonEnabled(True)
        self.year_spin = QSpinBox(self)
        self.year_spin.setObjectName("tmdbYear")
        self.year_spin.setRange(0, MAX_YEAR)
        self.year_spin.setSpecialValueText(self.tr("Any year"))
        self.year_spin.setValue(year if year is not None and 0 < year <= MAX_YEAR else 0)
        self.year_spin.setToolTip(
            self.tr("The year the series first aired; 0 searches every year.")
        )
        self.search_button = QPushButton(self.tr("&Search"), self)
        self.search_button.setObjectName("tmdbSearch")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.start_search)
        self.query_edit.textChanged.connect(self._query_changed)

        self.status = QLabel(self)
        self.status.setObjectName("tmdbStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not title.strip():
            self.status.setText(self.tr("Type a title and press Enter to search TMDB."))

        self.results = QTreeWidget(self)
        self.results.setObjectName("tmdbResults")
        self.results.setHeaderLabels(
            [self.tr("Title"), self.tr("First aired"), self.tr("Original title")]
        )
        self.results.setRootIsDecorated(False)
        self.results.setAccessibleName(self.tr("TMDB series found"))
        self.results.setUniformRowHeights(True)
        self.results.setAllColumnsShowFocus(True)
        header = self.results.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.YEAR, QHeaderView.ResizeMode.ResizeToContents)
        self.results.itemSelectionChanged.connect(self._selection_changed)
        self.results.itemDoubleClicked.connect(self._double_clicked)

        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("tmdbId")
        self.id_edit.setPlaceholderText(self.tr("such as 1429, or a themoviedb.org/tv/… link"))
        self.id_edit.setClearButtonEnabled(True)
        self.id_reason = QLabel(self)
        self.id_reason.setObjectName("tmdbIdReason")
        self.id_reason.setTextFormat(Qt.TextFormat.PlainText)
        self.id_reason.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.addButton(
            self.tr("&Use this match"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("tmdbUse")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        search_row = QHBoxLayout()
        search_row.addWidget(self.query_edit, 1)
        year_label = QLabel(self.tr("&Year:"), self)
        year_label.setBuddy(self.year_spin)
        search_row.addWidget(year_label)
        search_row.addWidget(self.year_spin)
        search_row.addWidget(self.search_button)
        id_form = QFormLayout()
        id_label = QLabel(self.tr("TMDB &id:"), self)
        id_label.setBuddy(self.id_edit)
        id_form.addRow(id_label, self.id_edit)
        id_form.addRow("", self.id_reason)

        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        query_label = QLabel(self.tr("Search TMDB for a &title:"), self)
        query_label.setBuddy(self.query_edit)
        layout.addWidget(query_label)
        layout.addLayout(search_row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addLayout(id_form)
        layout.addWidget(buttons)

        # Enter in the query searches and Enter in the list uses the row; without the filter
        # both would reach the dialog and press the default button.
        for widget in (self.query_edit, self.year_spin, self.results):
            widget.installEventFilter(self)
        self.finished.connect(self._tasks.cancel_all)
        self.id_edit.textChanged.connect(self._id_changed)
        self.id_edit.setText("" if current_id is None else str(current_id))
        self._id_changed(self.id_edit.text())
        self._query_changed(title)

    # ------------------------------------------------------------------ reading it

    def query(self) -> str:
        """The title to search for, without surrounding blanks."""
        return self.query_edit.text().strip()

    def year(self) -> int | None:
        """The first-air year to search in, or None for any year."""
        return self.year_spin.value() or None

    def chosen_id(self) -> int | None:
        """The TMDB id to use, or None while the id field holds none that is valid."""
        return _parse_id(self.id_edit.text())[0]

    def id_problem(self) -> str | None:
        """Why the id field cannot be used, as a sentence; None when it can."""
        return _parse_id(self.id_edit.text())[1]

    # ------------------------------------------------------------------ searching

    def start_search(self) -> None:
        """Search TMDB in a task; a search still running is cancelled first."""
        self._searched_once = True
        query = self.query()
        if not query:
            self.status.setText(self.tr("Type a title to search TMDB for."))
            return
        year = self.year()
        searching = (
            self.tr("Searching TMDB for “{query}” from {year}…")
            if year
            else self.tr("Searching TMDB for “{query}”…")
        )
        self.status.setText(searching.format(query=query, year=year))
        self._set_results([])
        self._tasks.latest("search", self._run_search(query, year))

    async def _run_search(self, query: str, year: int | None) -> None:
        try:
            found = await self._search(query, year)
        except AniworldError as exc:
            self.status.setText(str(exc) or self.tr("The TMDB search failed."))
            self.searchFinished.emit(-1)
            return
        except Exception:
            log.exception("TMDB search for %r failed", query)
            self.status.setText(
                self.tr("The TMDB search failed unexpectedly; the log has the details.")
            )
            self.searchFinished.emit(-1)
            return
        self.show_results(query, year, found)
        self.searchFinished.emit(len(found))

    def show_results(self, query: str, year: int | None, found: list[TVSearchResult]) -> None:
        """List ``found`` (the results of searching ``query`` in ``year``) and say how many."""
        self._set_results(found)
        if found:
            self.status.setText(
                self.tr("%n series found; choose one, or type its TMDB id below.", "", len(found))
            )
        elif year:
            self.status.setText(
                self.tr(
                    "TMDB knows no series “{query}” first aired in {year}; try any year."
                ).format(query=query, year=year)
            )
        else:
            self.status.setText(
                self.tr("TMDB knows no series “{query}”; try another title.").format(query=query)
            )

    def _set_results(self, found: list[TVSearchResult]) -> None:
        self._syncing = True
        try:
            self.results.clear()
            for result in found:
                item = QTreeWidgetItem(
                    [
                        result.name or result.original_name,
                        str(result.year) if result.year else "",
                        result.original_name if result.original_name != result.name else "",
                    ]
                )
                item.setData(Column.TITLE, ID_ROLE, result.id)
                tooltip = _one_line(result.overview) or self.tr(
                    "TMDB has no overview of this series."
                )
                for column in range(self.results.columnCount()):
                    item.setToolTip(column, tooltip)
                if result.id == self._current_id:
                    font = QFont(item.font(Column.TITLE))
                    font.setBold(True)
                    item.setFont(Column.TITLE, font)
                    item.setToolTip(
                        Column.TITLE,
                        self.tr("The current match. {overview}").format(overview=tooltip),
                    )
                self.results.addTopLevelItem(item)
        finally:
            self._syncing = False
        self._select_row_of(self.chosen_id())

    def _query_changed(self, _text: str) -> None:
        self.search_button.setEnabled(bool(self.query()))

    # ------------------------------------------------------------------ choosing

    def _selection_changed(self) -> None:
        if self._syncing:
            return
        selected = self.results.selectedItems()
        if selected:
            self._fill_id(selected[0])

    def _fill_id(self, item: QTreeWidgetItem) -> None:
        self._syncing = True
        try:
            self.id_edit.setText(str(item.data(Column.TITLE, ID_ROLE)))
        finally:
            self._syncing = False

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.results.setCurrentItem(item)  # selects this row alone
        self._fill_id(item)
        self.accept()

    def _id_changed(self, text: str) -> None:
        tmdb_id, problem = _parse_id(text)
        self.ok_button.setEnabled(tmdb_id is not None)
        if problem is None and tmdb_id is not None and not text.strip().isdigit():
            # Not a problem: what was understood.
            problem = self.tr("TMDB id {id}, from the link.").format(id=tmdb_id)
        self.id_reason.setText(problem or "")
        if not self._syncing:
            self._select_row_of(tmdb_id)

    def _select_row_of(self, tmdb_id: int | None) -> None:
        """Select the result with ``tmdb_id`` (none if it is not listed), without echo."""
        self._syncing = True
        try:
            self.results.clearSelection()
            if tmdb_id is None:
                return
            for row in range(self.results.topLevelItemCount()):
                item = self.results.topLevelItem(row)
                if item is not None and item.data(Column.TITLE, ID_ROLE) == tmdb_id:
                    item.setSelected(True)
                    self.results.setCurrentItem(item)
                    self.results.scrollToItem(item)
                    break
        finally:
            self._syncing = False

    def accept(self) -> None:
        # Enter reaches accept() even while the button is disabled.
        if self.chosen_id() is not None:
            super().accept()

    # ------------------------------------------------------------------ Qt

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._searched_once and self.query():
            self.start_search()  # what the user would do first anyway

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER
        ):
            if watched is self.results:
                current = self.results.currentItem()
                if current is not None:
                    self._double_clicked(current, Column.TITLE)
                return True
            if watched in (self.query_edit, self.year_spin):
                if isinstance(watched, QSpinBox):
                    watched.interpretText()
                self.start_search()
                return True
        return super().eventFilter(watched, event)


def _parse_id(text: str) -> tuple[int | None, str | None]:
    """The id in ``text`` and None, or None and why there is none."""
    value = text.strip()
    if not value:
        return None, QCoreApplication.translate(
            "TmdbMatchDialog", "Choose a result, or type the TMDB id of the series."
        )
    link = _TMDB_LINK.search(value)
    if link is not None:
        value = link.group(1)
    elif "://" in value or "themoviedb.org" in value.lower():
        return None, QCoreApplication.translate(
            "TmdbMatchDialog", "This link is not a TMDB series page (themoviedb.org/tv/…)."
        )
    if not (value.isascii() and value.isdigit()):
        return None, QCoreApplication.translate(
            "TmdbMatchDialog", "A TMDB id is a whole number, such as 1429."
        )
    number = int(value)
    if not 1 <= number <= MAX_TMDB_ID:
        largest = QLocale().toString(MAX_TMDB_ID)
        return None, QCoreApplication.translate(
            "TmdbMatchDialog", "A TMDB id is a number from 1 to {largest}."
        ).format(largest=largest)
    return number, None


def _one_line(text: str) -> str:
    """``text`` on one line, cut to a tooltip's length."""
    line = " ".join(text.split())
    return line if len(line) <= TOOLTIP_CHARS else line[: TOOLTIP_CHARS - 1].rstrip() + "…"
