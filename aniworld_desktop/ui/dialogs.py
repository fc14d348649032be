"""Dialogs, and awaiting them without a nested event loop.

Under qasync a nested Qt loop (``QDialog.exec()``, ``QMessageBox.question()``) inside a coroutine
hangs, so every dialog here is opened with ``open()`` and awaited through its ``finished`` signal.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

ALLOWED_SCHEMES = ("http", "https")


async def run_dialog(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally and return its result code once it is finished.

    If the awaiting task is cancelled (the window is shutting down), the dialog is rejected.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(on_finished)
    dialog.open()
    try:
        return await future
    finally:
        with contextlib.suppress(RuntimeError):  # the C++ dialog may already be gone
            dialog.finished.disconnect(on_finished)
            if dialog.isVisible():
                dialog.reject()


async def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    accept_text: str,
    *,
    object_name: str = "confirmBox",
) -> bool:
    """Ask a yes/no question without blocking; True if ``accept_text`` was chosen."""
    box = QMessageBox(parent)
    box.setObjectName(object_name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(accept)
    try:
        await run_dialog(box)
        clicked = box.clickedButton()
        return clicked is not None and (
            box.buttonRole(clicked) is QMessageBox.ButtonRole.AcceptRole
        )
    finally:
        box.deleteLater()


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    object_name: str = "messageBox",
) -> QMessageBox:
    """Show a message box and return at once; it deletes itself when closed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(object_name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def url_problem(text: str) -> str | None:
    """Why ``text`` cannot be added as a link, as a sentence; None when it looks fine.

    The library checks again when adding; this only spares the user a round trip.
    """
    url = text.strip()
    if not url:
        return QCoreApplication.translate("AddUrlDialog", "Paste or type a link.")
    if any(c.isspace() for c in url):
        return QCoreApplication.translate("AddUrlDialog", "A link cannot contain spaces.")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return QCoreApplication.translate("AddUrlDialog", "This is not a valid link.")
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return QCoreApplication.translate("AddUrlDialog", "Only http and https links can be added.")
    if not hostname:
        return QCoreApplication.translate("AddUrlDialog", "The link has no server name.")
    return None


class AddUrlDialog(QDialog):
    """Asks for one link (a video file or a series page) and checks it as it is typed.

    Open it with ``open()`` (or :func:`run_dialog`), then read :meth:`url` once accepted.

    Attributes:
        url_edit: Where the link is typed.
        reason_label: Why OK is disabled, or empty.
        ok_button: The button that accepts.
    """

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("addUrlDialog")
        self.setWindowTitle(self.tr("Add URL"))
        self.setMinimumWidth(480)

        prompt = QLabel(self.tr("Link to a video file or a series page:"), self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://…")
        self.url_edit.setClearButtonEnabled(True)
        prompt.setBuddy(self.url_edit)
        self.reason_label = QLabel(self)
        self.reason_label.setObjectName("reason")
        self.reason_label.setWordWrap(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Add"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.reason_label)
        layout.addWidget(buttons)

        self.url_edit.textChanged.connect(self._validate)
        self.url_edit.setText(text)
        self._validate()

    def url(self) -> str:
        """The link as typed, without surrounding blanks."""
        return self.url_edit.text().strip()

    def problem(self) -> str | None:
        """Why the current text cannot be added, or None."""
        return url_problem(self.url_edit.text())

    def accept(self) -> None:
        # Enter in the line edit reaches accept() even while OK is disabled.
        if self.problem() is None:
            super().accept()

    def _validate(self) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(problem is None)
        self.reason_label.setText(problem or "")
