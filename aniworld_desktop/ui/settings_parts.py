"""Small parts of the settings dialog: a scroll area that asks for its content's room, and
how values and labels are written in it."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QScrollArea

from aniworld_desktop.net.session import TrustedHosts

__all__ = ["FittingScrollArea", "names_server", "number_text", "plain_label", "size_text"]

_SIZE_UNITS = (("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10))


def size_text(size: int) -> str:
    """``512 << 20`` as ``"512M"``: the largest unit that divides it exactly; ``"0"`` for none."""
    for unit, factor in _SIZE_UNITS:
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def number_text(value: float) -> str:
    return f"{value:g}"


class FittingScrollArea(QScrollArea):
    """Asks for room to show all of its content, up to most of the screen's height; scrolls
    beyond that (the settings are taller than a small laptop screen)."""

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        frame = 2 * self.frameWidth()
        hint = content.sizeHint() + QSize(
            frame + self.verticalScrollBar().sizeHint().width(), frame
        )
        screen = self.screen()
        if screen is not None:
            # The rest of the height is for the title bar, the buttons and the task bar.
            hint.setHeight(min(hint.height(), screen.availableGeometry().height() * 3 // 4))
        return hint


def plain_label(text: str) -> str:
    """A form label as read aloud: no mnemonic marker, no colon at the end."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(": ")


def names_server(line: str, host: str, port: int) -> bool:
    """Whether a line of the trusted servers list is the one of ``host:port``."""
    try:
        return (host, port) in TrustedHosts.parse(line).pins
    except ValueError:
        return False
