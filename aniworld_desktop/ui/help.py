"""The Help menu's room: the user guide, the list of keyboard shortcuts, and About.

Nothing here blocks: the shortcuts list and About are non-modal windows opened with ``show()``
(a nested ``exec()`` would hang under qasync), and the guide opens in the desktop's viewer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop import __version__
from aniworld_desktop.ui.actions import ActionName
from aniworld_desktop.ui.icons import app_icon
from aniworld_desktop.ui.translation import PlainTr

__all__ = [
    "GUIDE_URL",
    "AboutDialog",
    "HelpCommands",
    "ShortcutsDialog",
    "guide_location",
    "open_user_guide",
]

GUIDE_URL = "https://github.com/aniworld-desktop/aniworld-desktop/blob/main/docs/USER_GUIDE.md"
"""The guide online, for an installation that carries no copy of it (pyproject's
Documentation URL)."""

_GUIDE = Path("docs") / "USER_GUIDE.md"


def guide_location(roots: tuple[Path, ...] | None = None) -> QUrl:
    """Where the user guide is: the copy beside the program (a source checkout, the bundle),
    else :data:`GUIDE_URL`."""
    if roots is None:
        package = Path(__file__).resolve().parents[1]
        roots = (package.parent, Path(getattr(sys, "_MEIPASS", package.parent)))
    for root in roots:
        guide = root / _GUIDE
        if guide.is_file():
            return QUrl.fromLocalFile(str(guide))
    return QUrl(GUIDE_URL)


def open_user_guide() -> tuple[bool, QUrl]:
    """Open the guide in the desktop's viewer; whether that worked, and what was opened."""
    url = guide_location()
    return QDesktopServices.openUrl(url), url


class ShortcutsDialog(QDialog):
    """Every action with a key, as this platform and language write it; not modal.

    Attributes:
        table: One row per action: what it does, its key.
    """

    def __init__(self, actions: Mapping[ActionName, QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.resize(480, 560)
        self.table = QTreeWidget(self)
        self.table.setObjectName("shortcutsTable")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Command"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        for action in actions.values():
            keys = action.shortcuts()
            if not keys:
                continue
            text = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            row = QTreeWidgetItem([name.rstrip("…"), text])
            row.setToolTip(0, action.toolTip())
            self.table.addTopLevelItem(row)
        self.table.sortItems(0, self.table.header().sortIndicatorOrder())
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def keys(self) -> dict[str, str]:
        """What the table lists: the command's name and its keys."""
        rows = (self.table.topLevelItem(row) for row in range(self.table.topLevelItemCount()))
        return {row.text(0): row.text(1) for row in rows if row is not None}


class AboutDialog(QDialog):
    """The program's name, version, licence and where this profile keeps its files; not modal.

    Attributes:
        text: The label with all of it.
    """

    def __init__(self, profile: Path, library: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Aniworld Desktop"))
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(64, 64))
        self.text = QLabel(self)
        self.text.setObjectName("aboutText")
        self.text.setWordWrap(True)
        self.text.setOpenExternalLinks(True)
        self.text.setText(
            self.tr(
                "<h3>Aniworld Desktop {version}</h3>"
                "<p>Follows series, downloads what is missing and describes it for Kodi and "
                "Jellyfin.</p>"
                "<p>Free software under the MIT licence.</p>"
                "<p>Profile: {profile}<br>Library: {library}</p>"
                '<p><a href="{guide}">User guide</a></p>'
            ).format(
                version=__version__,
                profile=_escape(str(profile)),
                library=_escape(str(library)),
                guide=guide_location().toString(),
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HelpCommands(PlainTr):
    """What the Help menu's actions do, over the window they belong to.

    Attributes:
        shortcuts, about: The dialogs, once opened (kept, so a second click raises them).
    """

    def __init__(
        self,
        parent: QWidget,
        actions: Callable[[], Mapping[ActionName, QAction]],
        say: Callable[[str], None],
        *,
        profile: Path,
        library: Path,
    ) -> None:
        self._parent, self._actions, self._say = parent, actions, say
        self._profile, self._library = profile, library
        self.shortcuts: ShortcutsDialog | None = None
        self.about: AboutDialog | None = None

    def slots(self) -> dict[ActionName, Callable[[], object]]:
        return {
            ActionName.HELP_GUIDE: self.open_guide,
            ActionName.HELP_SHORTCUTS: self.show_shortcuts,
            ActionName.HELP_ABOUT: self.show_about,
        }

    def open_guide(self) -> None:
        """Open the user guide; say so when the desktop has nothing to open it with."""
        opened, url = open_user_guide()
        if not opened:
            self._say(
                self.tr("Nothing on this desktop opens {url}; open it in a browser.").format(
                    url=url.toString()
                )
            )

    def show_shortcuts(self) -> None:
        if self.shortcuts is None:
            self.shortcuts = ShortcutsDialog(self._actions(), self._parent)
        _raise(self.shortcuts)

    def show_about(self) -> None:
        if self.about is None:
            self.about = AboutDialog(self._profile, self._library, self._parent)
        _raise(self.about)


def _raise(dialog: QDialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
