"""The details pane: the chosen series' poster, fanart behind it, year, plot, genres, counts and
its TMDB link.

Every picture is a file already in the series' folder (``LibraryService.details`` finds them);
nothing is downloaded for the window. Pictures are read and scaled on a worker thread (a
fanart of 1920x1080 takes a while to decode), and only the last choice's arrive: choosing
another series while one loads shows the new one.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from aniworld_desktop.ui.service_texts import service_text

if TYPE_CHECKING:
    from aniworld_desktop.core.models import SeriesDetails

POSTER_SIZE = QSize(100, 150)
FANART_WIDTH = 960  # scaled down to this on the worker thread: enough for the pane
VEIL_ALPHA = 205  # the window colour over the fanart, so the text stays readable


def read_image(path: Path | None, width: int, height: int) -> QImage | None:
    """``path`` as an image scaled to fit ``width`` x ``height`` (a worker thread may call it);
    None when there is no file or it is no picture."""
    if path is None:
        return None
    image = QImage(str(path))
    if image.isNull():
        return None
    return image.scaled(
        width,
        height,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _stamps(paths: tuple[Path | None, ...]) -> tuple[tuple[Path, int] | None, ...]:
    """Each picture file with its modification time (a worker thread calls this): a picture
    rewritten in place (the metadata job's) counts as another one."""
    stamps: list[tuple[Path, int] | None] = []
    for path in paths:
        try:
            stamps.append(None if path is None else (path, path.stat().st_mtime_ns))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


class DetailsPane(QWidget):
    """What is known of one series (see the module's docstring).

    Attributes:
        poster: The poster (empty when the folder has none).
        title, facts, plot, counts, link: Its title and year; genres, status and source; the
            plot; its episode counts; its TMDB page (or why there is none).
        fanart: The fanart painted behind the pane, if the folder has one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self.setAccessibleName(self.tr("Series details"))
        self.fanart: QPixmap | None = None
        self._shown_id: int | None = None
        # The series and picture files shown: a reload with the same ones reads nothing again.
        self._pictures: tuple[object, ...] | None = None
        self.poster = QLabel(self)
        self.poster.setObjectName("detailsPoster")
        self.poster.setFixedSize(POSTER_SIZE)
        self.poster.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(self)
        self.title.setObjectName("detailsTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.facts = QLabel(self)
        self.facts.setObjectName("detailsFacts")
        self.facts.setWordWrap(True)
        self.plot = QLabel(self)
        self.plot.setObjectName("detailsPlot")
        self.plot.setWordWrap(True)
        self.plot.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.plot.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.counts = QLabel(self)
        self.counts.setObjectName("detailsCounts")
        self.counts.setWordWrap(True)
        self.link = QLabel(self)
        self.link.setObjectName("detailsLink")
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setOpenExternalLinks(True)
        self.link.setWordWrap(True)
        # Selectable labels take the focus: each needs a name, even while empty.
        self.title.setAccessibleName(self.tr("Title"))
        self.facts.setAccessibleName(self.tr("Genres and source"))
        self.plot.setAccessibleName(self.tr("Plot"))
        self.counts.setAccessibleName(self.tr("Episode counts"))
        self.link.setAccessibleName(self.tr("TMDB link"))
        self.poster.setAccessibleName(self.tr("Poster"))
        for label in (self.title, self.facts, self.plot, self.counts, self.link):
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByMouse
            )
        text = QVBoxLayout()
        for label in (self.title, self.facts, self.counts, self.link):
            text.addWidget(label)
        text.addWidget(self.plot, 1)
        row = QHBoxLayout(self)
        row.addWidget(self.poster, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.setMinimumHeight(POSTER_SIZE.height() + 20)
        self.clear()

    def clear(self) -> None:
        """Nothing chosen."""
        self._shown_id = None
        self._pictures = None
        self.fanart = None
        self.poster.clear()
        self.title.setText(self.tr("No series chosen"))
        self.facts.setText(self.tr("Choose a series to see its details."))
        for label in (self.plot, self.counts, self.link):
            label.clear()
        self.update()

    @property
    def shown_id(self) -> int | None:
        """The id of the series shown, or None."""
        return self._shown_id

    async def show_details(self, details: SeriesDetails | None) -> None:
        """Show ``details`` (None: nothing chosen); its pictures are read off the loop."""
        if details is None:
            self.clear()
            return
        series = details.series
        same = series.id == self._shown_id
        self._shown_id = series.id
        self._fill_texts(details)
        files = (details.poster, details.fanart or details.banner)
        pictures = (series.id, *await asyncio.to_thread(_stamps, files))
        if series.id != self._shown_id:
            return  # another series was chosen meanwhile
        if pictures == self._pictures:
            return  # a reload of the same series (twice a second while it downloads)
        self._pictures = None
        if not same:
            self.poster.clear()
            self.fanart = None
        poster, fanart = await asyncio.gather(
            asyncio.to_thread(
                read_image, details.poster, POSTER_SIZE.width(), POSTER_SIZE.height()
            ),
            asyncio.to_thread(read_image, details.fanart or details.banner, FANART_WIDTH, 540),
        )
        if self._shown_id != series.id:
            return  # another series was chosen meanwhile
        if poster is None:
            self.poster.setText(self.tr("No poster"))
        else:
            self.poster.setPixmap(QPixmap.fromImage(poster))
        self.fanart = None if fanart is None else QPixmap.fromImage(fanart)
        self._pictures = pictures
        self.update()

    def _fill_texts(self, details: SeriesDetails) -> None:
        series, counts = details.series, details.counts
        year = series.year or (series.premiered.year if series.premiered else None)
        self.title.setText(f"{series.title} ({year})" if year else series.title)
        facts = []
        if series.genres:
            facts.append(", ".join(series.genres))
        if series.status:
            facts.append(series.status)
        facts.append(
            self.tr("No source: only what is on disk")
            if series.is_local
            else self.tr("Source: {provider}").format(provider=series.provider)
        )
        self.facts.setText(" · ".join(facts))
        self.plot.setText(series.description or self.tr("No plot is known yet."))
        text = self.tr("{on_disk} of %n episode(s) on disk", "", counts.episodes).format(
            on_disk=counts.on_disk
        )
        if counts.missing:
            text += ", " + self.tr("%n missing", "", counts.missing)
        if counts.queued:
            text += ", " + self.tr("%n queued", "", counts.queued)
        self.counts.setText(text + ".")
        if details.tmdb_url:
            link = f'<a href="{html.escape(details.tmdb_url)}">{html.escape(details.tmdb_url)}</a>'
            self.link.setText(self.tr("On TMDB: {link}").format(link=link))
        else:
            note = service_text(series.match_note) if series.match_note else ""
            text = self.tr("Not matched on TMDB yet.")
            self.link.setText(html.escape(f"{text} {note}".strip()))

    def paintEvent(self, event: QPaintEvent) -> None:
        """The fanart, cropped to the pane, under a veil of the window's colour."""
        if self.fanart is not None and not self.fanart.isNull():
            painter = QPainter(self)
            scaled = self.fanart.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = (scaled.width() - self.width()) // 2
            y = (scaled.height() - self.height()) // 2
            painter.drawPixmap(0, 0, scaled, x, y, self.width(), self.height())
            veil = QColor(self.palette().window().color())
            veil.setAlpha(VEIL_ALPHA)
            painter.fillRect(self.rect(), veil)
            painter.end()
        super().paintEvent(event)
