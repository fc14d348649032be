"""Search the public broadcasters' film list (MediathekView's) and follow a programme.

Results come as the user types: each keystroke restarts a short timer, and when it runs out
one search runs as a task (a newer one cancels it). The provider answers from its SQLite index
on a worker thread, so the loop never waits for a query. Choosing a programme shows its newest
films, each marked when it can be watched only in some countries; "Follow" gives the series
reference (programme, channel, title filter, quality), which the window then adds as it adds a
feed: the series, its episodes and the queue as usual.

The first time, the film list itself is not there yet: the dialog fetches it (tens of MB,
indexed in a process of its own) and says so.
"""

from __future__ import annotations

from datetime import datetime

import aiohttp
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.models import Monitoring
from aniworld_desktop.providers.mediathek.episodes import Quality, geo_restricted
from aniworld_desktop.providers.mediathek.filmlist import GERMAN_TIME, Film
from aniworld_desktop.providers.mediathek.provider import MediathekProvider
from aniworld_desktop.providers.mediathek.store import TopicMatch
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.tasks import LatestTasks

DEBOUNCE_MS = 250
RESULTS = 50
_MATCH_ROLE = Qt.ItemDataRole.UserRole


class MediathekSearchDialog(QDialog):
    """Programmes of the film list found as the user types, and "Follow" for one of them.

    Attributes:
        search_edit: What to look for (words of the programme's name).
        channel_box: Every channel, or one.
        programmes: The programmes found: name, channel, films, newest broadcast.
        films: The newest films of the chosen programme, geo-restricted ones marked.
        filter_edit: Follow only films whose title contains one of these comma-separated words.
        quality_box: The quality of this series (the settings' default, HD, SD, small).
        status: What the dialog is doing, or why it cannot.
        follow_button: Follows the chosen programme.
        searches: Searches run so far (results as you type, debounced: not one per key).
    """

    def __init__(
        self,
        provider: MediathekProvider,
        session: aiohttp.ClientSession,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mediathekSearchDialog")
        self.setWindowTitle(self.tr("Search the public broadcasters"))
        self.resize(760, 560)
        self._provider = provider
        self._session = session
        self._tasks = LatestTasks()
        self._ready = False
        self.searches = 0

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Programme, e.g. Terra X or Bergdoktor"))
        self.search_edit.setAccessibleName(self.tr("Search the film list"))
        self.search_edit.setClearButtonEnabled(True)
        self.channel_box = QComboBox(self)
        self.channel_box.setAccessibleName(self.tr("Channel"))
        self.channel_box.addItem(self.tr("All channels"), "")
        self.programmes = QTreeWidget(self)
        self.programmes.setAccessibleName(self.tr("Programmes found"))
        self.programmes.setRootIsDecorated(False)
        self.programmes.setHeaderLabels(
            [self.tr("Programme"), self.tr("Channel"), self.tr("Films"), self.tr("Newest")]
        )
        self.films = QTreeWidget(self)
        self.films.setAccessibleName(self.tr("Newest films of the programme"))
        self.films.setRootIsDecorated(False)
        self.films.setHeaderLabels(
            [self.tr("Title"), self.tr("Broadcast"), self.tr("Length"), self.tr("Available in")]
        )
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setAccessibleName(self.tr("Title filter"))
        self.filter_edit.setPlaceholderText(self.tr("empty: every film of the programme"))
        self.quality_box = QComboBox(self)
        self.quality_box.setAccessibleName(self.tr("Quality"))
        default = provider.options.quality
        self.quality_box.addItem(
            self.tr("Default ({quality})").format(quality=self._quality_text(default)), None
        )
        for quality in Quality:
            self.quality_box.addItem(self._quality_text(quality), quality.value)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.follow_button = buttons.addButton(
            self.tr("&Follow"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.follow_button.setEnabled(False)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.search_now)
        self.search_edit.textChanged.connect(self._typed)
        self.channel_box.currentIndexChanged.connect(self._typed)
        self.programmes.currentItemChanged.connect(self._programme_chosen)
        self.programmes.itemActivated.connect(lambda *_: self._follow_on_activate())

        search_row = QFormLayout()
        search_label = QLabel(self.tr("&Search:"), self)
        search_label.setBuddy(self.search_edit)
        search_row.addRow(search_label, self.search_edit)
        channel_label = QLabel(self.tr("&Channel:"), self)
        channel_label.setBuddy(self.channel_box)
        search_row.addRow(channel_label, self.channel_box)
        follow_row = QFormLayout()
        filter_label = QLabel(self.tr("Only &titles with:"), self)
        filter_label.setBuddy(self.filter_edit)
        follow_row.addRow(filter_label, self.filter_edit)
        quality_label = QLabel(self.tr("&Quality:"), self)
        quality_label.setBuddy(self.quality_box)
        follow_row.addRow(quality_label, self.quality_box)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(self.programmes, 3)
        layout.addWidget(self.films, 2)
        layout.addLayout(follow_row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.finished.connect(self._tasks.cancel_all)
        self.finished.connect(self._timer.stop)
        self.status.setText(self.tr("Looking for the film list…"))
        self._tasks.latest("prepare", self._prepare())

    # -- the film list ----------------------------------------------------------------------

    async def _prepare(self) -> None:
        """Fetch the film list when it is not here yet (or is due), then offer its channels."""
        try:
            state = await self._provider.index_state()
            if state is None:
                self.status.setText(
                    self.tr(
                        "Downloading the public broadcasters' film list for the first time; "
                        "this takes a minute or two…"
                    )
                )
            await self._provider.ensure_index(self._session)
            channels = await self._provider.channels()
            state = await self._provider.index_state()
        except AniworldError as exc:
            self.status.setText(service_text(str(exc)))
            return
        self._ready = True
        for channel in channels:
            self.channel_box.addItem(channel, channel)
        films = state.films if state is not None else 0
        self.status.setText(
            self.tr("%n film(s) in the film list. Type a programme's name.", "", films)
        )
        if self.search_edit.text().strip():
            self.search_now()

    # -- searching ----------------------------------------------------------------------------

    def _typed(self, *_: object) -> None:
        self._timer.start()  # restarted by every key: one search when the typing pauses

    def search_now(self) -> None:
        """Run the search for the text as it is now (the timer calls this)."""
        self._timer.stop()
        if not self._ready:
            return
        text = self.search_edit.text().strip()
        channel = self.channel_box.currentData() or ""
        self._tasks.latest("search", self._search(text, channel))

    async def _search(self, text: str, channel: str) -> None:
        self.searches += 1
        try:
            found = await self._provider.topics(text, channel=channel, limit=RESULTS)
        except AniworldError as exc:
            self.status.setText(service_text(str(exc)))
            return
        self.programmes.clear()
        self.films.clear()
        self.follow_button.setEnabled(False)
        for match in found:
            item = QTreeWidgetItem(
                [match.topic, match.channel, str(match.films), _day(match.latest)]
            )
            item.setData(0, _MATCH_ROLE, match)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.programmes.addTopLevelItem(item)
        for column in range(self.programmes.columnCount()):
            self.programmes.resizeColumnToContents(column)
        if found:
            self.status.setText(self.tr("%n programme(s) found.", "", len(found)))
        elif text:
            self.status.setText(
                self.tr("No programme of the film list matches {text}.").format(text=text)
            )

    def chosen(self) -> TopicMatch | None:
        item = self.programmes.currentItem()
        if item is None:
            return None
        match = item.data(0, _MATCH_ROLE)
        return match if isinstance(match, TopicMatch) else None

    def _programme_chosen(self, *_: object) -> None:
        match = self.chosen()
        self.follow_button.setEnabled(match is not None)
        self.films.clear()
        if match is not None:
            self._tasks.latest("films", self._show_films(match))

    async def _show_films(self, match: TopicMatch) -> None:
        try:
            films = await self._provider.programme_films(match.topic, match.channel, RESULTS)
        except AniworldError as exc:
            self.status.setText(service_text(str(exc)))
            return
        for film in films:
            self.films.addTopLevelItem(self._film_item(film))
        for column in range(self.films.columnCount()):
            self.films.resizeColumnToContents(column)

    def _film_item(self, film: Film) -> QTreeWidgetItem:
        if geo_restricted(film.geo):
            where = self.tr("only {countries}").format(countries=film.geo)
        else:
            where = self.tr("everywhere")
        item = QTreeWidgetItem([film.title, film.day, film.duration, where])
        if geo_restricted(film.geo):
            item.setToolTip(
                3,
                self.tr("The broadcaster shows this film only in {countries}.").format(
                    countries=film.geo
                ),
            )
        return item

    # -- following ------------------------------------------------------------------------

    def _quality_text(self, quality: Quality) -> str:
        texts = {
            Quality.HD: self.tr("HD"),
            Quality.SD: self.tr("SD"),
            Quality.SMALL: self.tr("small"),
        }
        return texts[quality]

    def _follow_on_activate(self) -> None:
        if self.chosen() is not None:
            self.accept()

    def monitoring(self) -> Monitoring | None:
        """None: the library's choice for a programme, every episode, since the broadcasters
        take their recordings offline after a while (nothing to wait for)."""
        return None

    def url(self) -> str:
        """The series reference of the chosen programme, or "" when none is chosen."""
        match = self.chosen()
        if match is None:
            return ""
        quality = self.quality_box.currentData()
        return self._provider.reference_for(
            match,
            title_filter=self.filter_edit.text().strip(),
            quality=Quality(quality) if quality else None,
        )


def _day(epoch: int) -> str:
    if not epoch:
        return ""
    return datetime.fromtimestamp(epoch, GERMAN_TIME).strftime("%d.%m.%Y")
