"""The first-run panel: an empty library offers to add a feed or to try the demo catalogue.

Signals:
    addFeedRequested(): "Add a feed…" was clicked.
    demoRequested(): "Try the demo catalogue" was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from aniworld_desktop.ui.icons import app_icon, icon

LOGO_SIZE = 96
TEXT_WIDTH = 520


class WelcomePanel(QWidget):
    """Shown instead of the tables while nothing is followed and nothing is queued."""

    addFeedRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        logo = QLabel(self)
        logo.setObjectName("welcomeLogo")
        logo.setPixmap(app_icon().pixmap(QSize(LOGO_SIZE, LOGO_SIZE), self.devicePixelRatioF()))
        heading = self.tr("Welcome to {app}").format(app="Aniworld Desktop")
        title = QLabel(f"<h2>{heading}</h2>", self)
        text = QLabel(
            self.tr(
                "Follow a series from its feed, and the missing episodes download by themselves, "
                "named and described for Kodi and Jellyfin.<br><br>"
                "No feed at hand? The demo catalogue is served by the app itself: no network and "
                "no account needed."
            ),
            self,
        )
        text.setWordWrap(True)
        # A fixed width: a word-wrapped label added with an alignment gets no height-for-width,
        # and would show only its first lines.
        text.setFixedWidth(TEXT_WIDTH)
        text.setMinimumHeight(text.heightForWidth(TEXT_WIDTH))
        self.add_button = QPushButton(icon("add-series"), self.tr("Add a &feed…"), self)
        self.add_button.setObjectName("welcomeAddFeed")
        self.demo_button = QPushButton(icon("play"), self.tr("Try the &demo catalogue"), self)
        self.demo_button.setObjectName("welcomeDemo")
        self.add_button.clicked.connect(self.addFeedRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (logo, title, text, self.add_button, self.demo_button):
            layout.addWidget(widget, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
