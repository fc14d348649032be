"""What the table models share: their tables of texts translated once, and their header data.

Each model marks its column titles (and other fixed texts) with ``QT_TRANSLATE_NOOP`` in its own
context, translates them once with :func:`translated` when it is made (the language is chosen at
start), and answers ``headerData()`` with :func:`table_header`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt

from aniworld_desktop.ui.roles import DISPLAY_ROLE

__all__ = ["table_header", "translated"]

K = TypeVar("K")


def translated(context: str, texts: Mapping[K, str]) -> dict[K, str]:
    """``texts`` (marked for translation in ``context``) in the window's language, by key."""
    return {key: QCoreApplication.translate(context, text) for key, text in texts.items()}


def table_header(
    headers: Mapping[int, str], section: int, orientation: Qt.Orientation, role: int
) -> str | None:
    """A table's ``headerData()``: the column's title across, the row's number (from 1) down.

    None for any role but the display role, and for a column without a title.
    """
    if role != DISPLAY_ROLE:
        return None
    if orientation is Qt.Orientation.Horizontal:
        return headers.get(section)
    return str(section + 1)
