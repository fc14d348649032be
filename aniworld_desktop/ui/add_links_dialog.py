"""Add links: paste several links at once, see which can be added and why the others cannot.

Each line (or each blank-separated word) is one link; ``feed:``, ``podcast:``, ``itpc:`` and
``pcast:`` links count as the http(s) links they stand for. What happens to them once the
dialog is accepted is the commands' (``WindowCommands.add_links``): a media link is queued, a
feed is offered to follow, and whatever is refused is listed with its reason.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.links import ReadLink, read_links
from aniworld_desktop.ui.dialogs import link_problem_text

SHOWN_REFUSALS = 5  # below the text; the rest are counted


class AddLinksDialog(QDialog):
    """Asks for links, one per line, and says as they are typed which cannot be added.

    Open it with ``open()`` (or ``dialogs.run_dialog``), then read :meth:`links` and
    :meth:`refusals` once accepted.

    Attributes:
        links_edit: Where the links are pasted.
        reason_label: How many links will be added, and why the others will not.
        ok_button: Accepts; enabled while at least one link can be added.
    """

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("addLinksDialog")
        self.setWindowTitle(self.tr("Add Links"))
        self.resize(560, 320)
        self._read: list[ReadLink] = []

        prompt = QLabel(self.tr("&Links to video files or feeds, one per line:"), self)
        self.links_edit = QPlainTextEdit(self)
        self.links_edit.setObjectName("links")
        self.links_edit.setPlaceholderText("https://…")
        self.links_edit.setTabChangesFocus(True)
        self.links_edit.setAccessibleName(self.tr("Links"))
        self.links_edit.setAccessibleDescription(
            self.tr("Links to video files or feeds, one per line")
        )
        prompt.setBuddy(self.links_edit)
        self.reason_label = QLabel(self)
        self.reason_label.setObjectName("reason")
        self.reason_label.setWordWrap(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Add"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.links_edit, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(buttons)

        self.links_edit.textChanged.connect(self._validate)
        self.links_edit.setPlainText(text)
        self._validate()

    def links(self) -> list[str]:
        """The links that can be added (http(s), feed schemes made into http(s)), in order."""
        return [link.url for link in self._read if link.problem is None]

    def refusals(self) -> list[str]:
        """``link: reason`` for each link that cannot be added."""
        return [
            f"{link.given}: {link_problem_text(link.problem)}"
            for link in self._read
            if link.problem is not None
        ]

    def accept(self) -> None:
        # Ctrl+Return or a click: nothing to add is not a choice.
        if self.links():
            super().accept()

    def _validate(self) -> None:
        self._read = read_links(self.links_edit.toPlainText())
        good, refused = self.links(), self.refusals()
        self.ok_button.setEnabled(bool(good))
        if not self._read:
            self.reason_label.setText(self.tr("Paste or type one link per line."))
            return
        lines = [self.tr("%n link(s) to add.", "", len(good))]
        if refused:
            lines.append(self.tr("%n cannot be added:", "", len(refused)))
            lines += refused[:SHOWN_REFUSALS]
            rest = len(refused) - SHOWN_REFUSALS
            if rest > 0:
                lines.append(self.tr("… and %n more.", "", rest))
        self.reason_label.setText("\n".join(lines))
