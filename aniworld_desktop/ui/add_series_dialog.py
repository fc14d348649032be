"""Add a series: type or paste a feed link, see what it holds, then add it.

The preview is fetched in a task (the dialog never blocks); nothing is stored until "Add".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.providers.base import EpisodeKind, SeriesInfo
from aniworld_desktop.ui.dialogs import url_problem
from aniworld_desktop.ui.tasks import LatestTasks

Preview = Callable[[str], Awaitable[tuple[str, SeriesInfo]]]
PREVIEW_ROWS = 200  # enough to recognise a series; a 10,000-item feed need not fill the list


class AddSeriesDialog(QDialog):
    """Asks for a link and previews the series behind it.

    Attributes:
        url_edit: The link.
        preview_button: Fetches the preview.
        summary: What was found, or why nothing was.
        episodes: The first episodes found.
        add_button: Enabled once a preview succeeded for the link as it is now.
    """

    def __init__(self, preview: Preview, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("addSeriesDialog")
        self.setWindowTitle(self.tr("Add series"))
        self.resize(560, 460)
        self._preview = preview
        self._tasks = LatestTasks()  # the preview of the link as it is now
        self.previewed: SeriesInfo | None = None

        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText("https://example.org/podcast/feed.xml")
        self.url_edit.textChanged.connect(self._url_changed)
        self.preview_button = QPushButton(self.tr("&Preview"), self)
        self.preview_button.clicked.connect(self.start_preview)
        self.summary = QLabel(self.tr("Paste the link of a podcast-style RSS or Atom feed."), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.episodes = QListWidget(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.add_button = buttons.addButton(self.tr("&Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Feed link:"), self))
        layout.addWidget(self.url_edit)
        layout.addWidget(self.preview_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.episodes, 1)
        layout.addWidget(buttons)
        self.finished.connect(self._tasks.cancel_all)
        self._url_changed(url)

    def url(self) -> str:
        return self.url_edit.text().strip()

    def _url_changed(self, _text: str) -> None:
        problem = url_problem(self.url())
        self.preview_button.setEnabled(problem is None)
        self.add_button.setEnabled(False)  # a preview is for one link; a new link needs its own
        self.previewed = None
        if problem and self.url():
            self.summary.setText(problem)

    def start_preview(self) -> None:
        """Fetch what the link holds, in a task; the dialog stays responsive."""
        self.summary.setText(self.tr("Looking at the link…"))
        self.episodes.clear()
        self.preview_button.setEnabled(False)
        self._tasks.latest("preview", self._run_preview(self.url()))

    async def _run_preview(self, url: str) -> None:
        try:
            provider, info = await self._preview(url)
        except AniworldError as exc:
            self.summary.setText(str(exc))
            return
        finally:
            self.preview_button.setEnabled(url_problem(self.url()) is None)
        if url != self.url():
            return  # the link changed meanwhile
        self.show_preview(provider, info)

    def show_preview(self, provider: str, info: SeriesInfo) -> None:
        regular = [e for e in info.episodes if e.kind is EpisodeKind.FULL]
        extras = len(info.episodes) - len(regular)
        title = f"<b>{_escape(info.title)}</b>" + (f" ({info.year})" if info.year else "")
        text = self.tr("{title} from {provider}: %n episode(s)", "", len(regular)).format(
            title=title, provider=_escape(provider)
        )
        if extras:
            text = self.tr("{found} and %n trailer(s) or bonus item(s)", "", extras).format(
                found=text
            )
        if info.description:
            text += f"<br>{_escape(info.description[:400])}"
        self.summary.setText(text)
        for episode in list(info.episodes)[:PREVIEW_ROWS]:
            number = f"S{episode.season:02d}E{episode.number:02d}" if episode.number else "—"
            self.episodes.addItem(f"{number}  {episode.title}")
        self.previewed = info
        self.add_button.setEnabled(True)
        self.add_button.setDefault(True)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
