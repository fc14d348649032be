"""Dialogs, and awaiting them without a nested event loop.

Under qasync a nested Qt loop (``QDialog.exec()``, ``QMessageBox.question()``) inside a coroutine
hangs, so every dialog here is opened with ``open()`` and awaited through its ``finished`` signal.
"""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from aniworld_desktop.core.links import LinkProblem, link_problem
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP


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


# Why a link cannot be added, by problem; translated where shown (link_problem_text).
PROBLEM_TEXTS = {
    LinkProblem.EMPTY: QT_TRANSLATE_NOOP("Links", "Paste or type a link."),
    LinkProblem.SPACES: QT_TRANSLATE_NOOP("Links", "A link cannot contain spaces."),
    LinkProblem.INVALID: QT_TRANSLATE_NOOP("Links", "This is not a valid link."),
    LinkProblem.SCHEME: QT_TRANSLATE_NOOP("Links", "Only http and https links can be added."),
    LinkProblem.NO_HOST: QT_TRANSLATE_NOOP("Links", "The link has no server name."),
}


def link_problem_text(problem: LinkProblem) -> str:
    """``problem`` as a sentence in the window's language."""
    return QCoreApplication.translate("Links", PROBLEM_TEXTS[problem])


def url_problem(text: str) -> str | None:
    """Why ``text`` cannot be added as a link, as a sentence; None when it looks fine.

    ``feed:``, ``podcast:``, ``itpc:`` and ``pcast:`` links count as the http(s) links they
    stand for. The library checks again when adding; this only spares the user a round trip.
    """
    problem = link_problem(text)
    return None if problem is None else link_problem_text(problem)
