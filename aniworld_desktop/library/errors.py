"""The library's own failure: its folder cannot be used now."""

from __future__ import annotations

from pathlib import Path

from aniworld_desktop.core.errors import AniworldError

__all__ = ["LibraryUnavailableError"]


class LibraryUnavailableError(AniworldError):
    """The library folder cannot be used now; whatever was asked changed nothing.

    Missing, unreadable, gone during a scan (an unmounted drive or share, whose empty mount
    point looks like a library whose every file was deleted), or read-only when something must
    be written.

    Attributes:
        folder: The library folder.
    """

    def __init__(self, message: str, folder: Path) -> None:
        super().__init__(message)
        self.folder = folder
