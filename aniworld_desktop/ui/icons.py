"""The application's own SVG icons, drawn crisp at any size and in the palette's colours.

Action icons are single-colour drawings whose SVG says ``currentColor``; each paint puts the
application palette's text colour in its place, so the icons stay visible on dark palettes and
follow a palette change without being rebuilt. The application icon is drawn as it is.

The folder is ``$ANIWORLD_ICON_DIR`` when set; otherwise ``resources/icons`` inside the package
(package data), the top-level ``resources/icons`` of a source checkout, then
``<prefix>/share/aniworld-desktop/icons`` of an installation. It is looked up once, on import.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Final

import shiboken6
from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtSvg import QSvgRenderer

from aniworld_desktop.ui.resource_dirs import find_resource_dir

ICON_DIR_ENV: Final = "ANIWORLD_ICON_DIR"
APP_ICON: Final = "aniworld-desktop"
"""Name of the colourful application icon, the one :func:`app_icon` returns."""

_PLACEHOLDER: Final = "currentColor"
# How strongly a disabled icon shows when the palette's disabled text colour is no dimmer.
_DISABLED_OPACITY: Final = 0.4
# Sizes announced for the application icon: window managers (X11 _NET_WM_ICON) and task bars
# take an icon's available sizes, and a scalable icon has none of its own.
_APP_ICON_SIZES: Final = (16, 22, 24, 32, 48, 64, 128, 256)


def find_icon_dir() -> Path:
    """The folder holding the SVG icons.

    ``$ANIWORLD_ICON_DIR`` wins when set; otherwise the first of package data, the source
    checkout and the installation prefix that holds the application icon. When none does, the
    checkout's folder, so that :func:`icon` names the place it looked.
    """
    return find_resource_dir(
        "icons", ICON_DIR_ENV, lambda path: (path / f"{APP_ICON}.svg").is_file()
    )


ICON_DIR: Final = find_icon_dir()

_icons: dict[str, QIcon] = {}


def available() -> list[str]:
    """Every name :func:`icon` knows, sorted; the application icon among them."""
    if not ICON_DIR.is_dir():
        return []
    return sorted(path.stem for path in ICON_DIR.glob("*.svg"))


def icon(name: str) -> QIcon:
    """The icon called ``name`` (the SVG file's name without ``.svg``).

    Raises:
        KeyError: There is no such icon.
    """
    cached = _icons.get(name)
    if cached is None:
        engine = SvgIconEngine(name, _svg_text(name))
        if name == APP_ICON:
            engine.sizes = [QSize(side, side) for side in _APP_ICON_SIZES]
        cached = _icons[name] = QIcon(engine)
    # A copy shares the engine, and a caller who adds pixmaps to it leaves ours alone.
    return QIcon(cached)


def preload() -> None:
    """Read every icon's SVG now (a worker thread at start-up does), so that the window's first
    use of each icon reads no file on the GUI thread: there each read waits for the GIL,
    which the threads that open the services hold, a few times over."""
    for name in available():
        _svg_text(name)


def app_icon() -> QIcon:
    """The colourful application icon, for the windows, the tray and the task bar."""
    return icon(APP_ICON)


@cache
def _svg_text(name: str) -> str:
    path = ICON_DIR / f"{name}.svg"
    if "/" in name or "\\" in name or not path.is_file():
        if not ICON_DIR.is_dir():
            raise KeyError(
                f"No icon {name!r}: the icon folder {ICON_DIR} does not exist "
                f"(set {ICON_DIR_ENV} to the folder that holds the SVG icons)."
            )
        raise KeyError(f"No icon {name!r} in {ICON_DIR}; known: {', '.join(available())}.")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=256)
def _renderer(name: str, colour: str) -> QSvgRenderer:
    """The SVG of ``name`` with ``currentColor`` replaced by ``colour`` (``#rrggbb``)."""
    data = _svg_text(name).replace(_PLACEHOLDER, colour)
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    return renderer


def _ink(mode: QIcon.Mode) -> QColor:
    """The colour a single-colour icon is drawn in now, for ``mode``."""
    palette = QGuiApplication.palette()
    role = QPalette.ColorRole.WindowText
    normal = palette.color(QPalette.ColorGroup.Active, role)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    if mode == QIcon.Mode.Disabled:
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        if disabled.rgba() != normal.rgba():
            return disabled
        dimmed = QColor(normal)
        dimmed.setAlphaF(normal.alphaF() * _DISABLED_OPACITY)
        return dimmed
    return normal


# Clones live as long as their QIcon; PySide would otherwise free the one clone() returns.
_clones: list[SvgIconEngine] = []


class SvgIconEngine(QIconEngine):
    """Draws one SVG icon at whatever size and device pixel ratio is asked for.

    Single-colour icons (those saying ``currentColor``) take the palette's colour on each
    paint; rendered pixmaps are kept in ``QPixmapCache`` under a key that names the colour.

    Attributes:
        name: The icon's name.
        monochrome: Whether the icon is drawn in the palette's colour.
        sizes: The sizes announced by ``availableSizes()``; none for a scalable icon.
    """

    def __init__(self, name: str, svg: str) -> None:
        super().__init__()
        self.name = name
        self.monochrome = _PLACEHOLDER in svg
        self.sizes: list[QSize] = []

    def _renderer_for(self, mode: QIcon.Mode) -> tuple[QSvgRenderer, float, str]:
        """The renderer, the opacity to draw it with, and a cache key for the colour."""
        if not self.monochrome:
            return _renderer(self.name, ""), 1.0, "as-drawn"
        ink = _ink(mode)
        colour = ink.name(QColor.NameFormat.HexRgb)
        return _renderer(self.name, colour), ink.alphaF(), ink.name(QColor.NameFormat.HexArgb)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        renderer, opacity, _ = self._renderer_for(mode)
        painter.save()
        painter.setOpacity(painter.opacity() * opacity)
        renderer.render(painter, QRectF(rect))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        # Qt passes the size in device-independent pixels; draw at the device's own resolution.
        scale = max(scale, 1.0)
        device = size * scale
        if device.isEmpty():
            return QPixmap()
        renderer, opacity, colour_key = self._renderer_for(mode)
        key = f"aniworld-icon:{self.name}:{device.width()}x{device.height()}:{colour_key}"
        pixmap = QPixmap()
        if not QPixmapCache.find(key, pixmap):
            image = QImage(device, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setOpacity(opacity)
            renderer.render(painter, QRectF(image.rect()))
            painter.end()
            pixmap = QPixmap.fromImage(image)
            QPixmapCache.insert(key, pixmap)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return list(self.sizes)

    def isNull(self) -> bool:
        return False

    def iconName(self) -> str:
        return self.name

    def key(self) -> str:
        return "aniworld-svg"

    def clone(self) -> QIconEngine:
        _clones[:] = [engine for engine in _clones if shiboken6.isValid(engine)]
        twin = SvgIconEngine(self.name, _svg_text(self.name))
        twin.sizes = list(self.sizes)
        _clones.append(twin)
        return twin
