"""Item data roles shared by the models, delegates and views.

Raw values live under these roles and formatted text under ``DisplayRole``, so sorting (the
models sort themselves: a proxy is too slow at 100,000 rows) compares numbers, not strings.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

_USER = Qt.ItemDataRole.UserRole.value


class Role(IntEnum):
    """Custom roles, above ``Qt.UserRole``.

    Attributes:
        RAW: The cell's raw value (int, float or str; None when unknown), for sorting.
        ITEM_ID: Id of the row's queue item (any column).
        STATUS: The row's ``DownloadStatus`` value, a str such as ``"paused"`` (any column).
        PROGRESS: Fraction done from 0.0 to 1.0, or None while the size is unknown.
    """

    RAW = _USER + 1
    ITEM_ID = _USER + 2
    STATUS = _USER + 3
    PROGRESS = _USER + 4


# The roles as plain ints, for the models' data(): it runs for every visible cell and role on
# each repaint, and an int compares faster than an enum member.
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole.value
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole.value
FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole.value
BACKGROUND_ROLE = Qt.ItemDataRole.BackgroundRole.value
ALIGNMENT_ROLE = Qt.ItemDataRole.TextAlignmentRole.value
CHECK_ROLE = Qt.ItemDataRole.CheckStateRole.value
RAW_ROLE = Role.RAW.value
ITEM_ID_ROLE = Role.ITEM_ID.value
STATUS_ROLE = Role.STATUS.value
PROGRESS_ROLE = Role.PROGRESS.value
