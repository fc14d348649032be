"""Add a series: type or paste a feed link, see what it holds, then add it.

The preview is fetched in a task (the dialog never blocks); nothing is stored until "Add".
Enter in the link box adds: at once when the link's preview is shown, else once its preview
has arrived (a preview that fails says why and adds nothing). Which episodes are wanted is
chosen beside it: new episodes only by default (a feed's back catalogue is not downloaded
unless asked), from the latest season on, everything, or nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.models import Monitoring, MonitorMode
from aniworld_desktop.providers.base import EpisodeKind, SeriesInfo
from aniworld_desktop.ui.dialogs import url_problem
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.tasks import LatestTasks
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

Preview = Callable[[str], Awaitable[tuple[str, SeriesInfo]]]
PREVIEW_ROWS = 200  # enough to recognise a series; a 10,000-item feed need not fill the list
# The monitor choices in the order offered, the first the default (translated where shown).
MONITOR_CHOICES = (
    (MonitorMode.NEW, QT_TRANSLATE_NOOP("AddSeriesDialog", "New episodes only")),
    (MonitorMode.SEASON, QT_TRANSLATE_NOOP("AddSeriesDialog", "From the latest season on")),
    (MonitorMode.ALL, QT_TRANSLATE_NOOP("AddSeriesDialog", "Everything, the back catalogue too")),
    (MonitorMode.NONE, QT_TRANSLATE_NOOP("AddSeriesDialog", "Nothing for now")),
)


class AddSeriesDialog(QDialog):
    """Asks for a link and previews the series behind it.

    Attributes:
        url_edit: The link.
        preview_button: Fetches the preview.
        summary: What was found, or why nothing was.
        episodes: The first episodes found.
        monitor_choice: Which episodes are wanted (:meth:`monitoring`); new ones only by default.
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
        self._add_when_previewed = False  # Enter was pressed before the preview arrived

        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText("https://example.org/podcast/feed.xml")
        self.url_edit.textChanged.connect(self._url_changed)
        self.url_edit.returnPressed.connect(self.add_on_enter)
        self.url_edit.setAccessibleName(self.tr("Feed link"))
        self.preview_button = QPushButton(self.tr("&Preview"), self)
        # Enter is the link box's own (add_on_enter), never a click on whichever button.
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.start_preview)
        self.summary = QLabel(self._hint(), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.episodes = QListWidget(self)
        self.url_edit.setAccessibleName(self.tr("Feed link"))
        self.url_edit.setAccessibleDescription(
            self.tr("The link of a podcast-style RSS or Atom feed")
        )
        self.episodes.setAccessibleName(self.tr("Episodes in the feed"))
        self.monitor_choice = QComboBox(self)
        self.monitor_choice.setObjectName("monitorChoice")
        for mode, text in MONITOR_CHOICES:
            self.monitor_choice.addItem(self.tr(text), mode)
        self.monitor_choice.setAccessibleName(self.tr("Episodes wanted"))
        self.monitor_choice.setToolTip(
            self.tr(
                "Which episodes are downloaded: a feed's back catalogue only when you ask for it"
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.add_button = buttons.addButton(self.tr("&Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setEnabled(False)
        self.add_button.setAutoDefault(False)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        prompt = QLabel(self.tr("Feed &link:"), self)
        prompt.setBuddy(self.url_edit)
        layout.addWidget(prompt)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.preview_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.episodes, 1)
        monitor_row = QHBoxLayout()
        monitor_label = QLabel(self.tr("&Want:"), self)
        monitor_label.setBuddy(self.monitor_choice)
        monitor_row.addWidget(monitor_label)
        monitor_row.addWidget(self.monitor_choice, 1)
        layout.addLayout(monitor_row)
        layout.addWidget(buttons)
        self.finished.connect(self._tasks.cancel_all)
        self._url_changed(url)

    def url(self) -> str:
        return self.url_edit.text().strip()

    def monitoring(self) -> Monitoring:
        """The episodes chosen to be wanted; "from the latest season on" counts from the
        highest season of the preview (1 without one)."""
        mode = MonitorMode(self.monitor_choice.currentData())
        if mode is not MonitorMode.SEASON:
            return Monitoring(mode)
        seasons = [e.season for e in (self.previewed.episodes if self.previewed else ())]
        return Monitoring(mode, max((s for s in seasons if s > 0), default=1))

    def _hint(self) -> str:
        return self.tr(
            "Paste the link of a podcast-style RSS or Atom feed, then press Enter to add it "
            "(or Preview to look first)."
        )

    def _url_changed(self, _text: str) -> None:
        problem = url_problem(self.url())
        self.preview_button.setEnabled(problem is None)
        self.add_button.setEnabled(False)  # a preview is for one link; a new link needs its own
        self.previewed = None
        self._add_when_previewed = False
        self.episodes.clear()
        # What the summary says is about the link as it is now: a refusal of an earlier
        # spelling never stays under a link that is fine.
        self.summary.setText(problem if problem and self.url() else self._hint())

    def add_on_enter(self) -> None:
        """Enter in the link box: add the previewed series, or preview first and then add."""
        if self.previewed is not None and self.add_button.isEnabled():
            self.accept()
        elif url_problem(self.url()) is None:
            self._add_when_previewed = True
            if self.preview_button.isEnabled():  # not already looking at this link
                self.start_preview()

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
            self._add_when_previewed = False
            self.summary.setText(service_text(str(exc)))
            return
        finally:
            self.preview_button.setEnabled(url_problem(self.url()) is None)
        if url != self.url():
            return  # the link changed meanwhile
        self.show_preview(provider, info)
        if self._add_when_previewed:
            self.accept()

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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
