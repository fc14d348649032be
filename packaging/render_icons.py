"""Render the application icon's SVG into the bitmaps each platform wants.

    .venv/bin/python packaging/render_icons.py

writes, from ``resources/icons/aniworld-desktop.svg``:

- ``packaging/linux/icons/hicolor/<n>x<n>/apps/<app id>.png`` for every size in :data:`SIZES`,
  and the SVG itself as ``hicolor/scalable/apps/<app id>.svg`` (the freedesktop icon theme;
  ``make install-desktop``, the wheel and the Flatpak install them);
- ``packaging/windows/aniworld-desktop.ico`` (16 to 256 pixels, PNG-compressed entries, which
  Windows reads since Vista);
- ``packaging/macos/aniworld-desktop.icns`` (16 to 1024 pixels, the set ``iconutil`` makes).

The results are committed; run this again after changing the SVG (a test compares them). Qt
draws the SVG offscreen, with the same renderer the window uses, so no other tool is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
APP_ID: Final = "io.github.aniworld_desktop.AniworldDesktop"
SOURCE: Final = ROOT / "resources" / "icons" / "aniworld-desktop.svg"
SIZES: Final = (16, 22, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor sizes we ship (the theme specification's usual ones, up to 512)."""
ICO_SIZES: Final = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types and their pixel sizes (the "@2x" ones are the Retina twins).
ICNS_TYPES: Final = {
    b"icp4": 16,
    b"ic11": 32,
    b"icp5": 32,
    b"ic12": 64,
    b"ic07": 128,
    b"ic13": 256,
    b"ic08": 256,
    b"ic14": 512,
    b"ic09": 512,
    b"ic10": 1024,
}


def hicolor_png(root: Path, size: int) -> Path:
    """Where the PNG of ``size`` pixels lives under the icon theme folder ``root``."""
    return root / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def hicolor_svg(root: Path) -> Path:
    """Where the scalable icon lives under ``root``: the SVG itself, named by the app id."""
    return root / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def linux_icon_root() -> Path:
    return ROOT / "packaging" / "linux" / "icons"


def windows_icon() -> Path:
    return ROOT / "packaging" / "windows" / "aniworld-desktop.ico"


def macos_icon() -> Path:
    return ROOT / "packaging" / "macos" / "aniworld-desktop.icns"


def _application() -> object:
    """The running QGuiApplication, or a new offscreen one (QPainter needs one)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def render_png(size: int, source: Path = SOURCE) -> bytes:
    """The SVG drawn into a transparent square of ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _application()
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source} is not an SVG Qt can draw.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image.convertToFormat(QImage.Format.Format_ARGB32)):
        raise SystemExit(f"Qt could not write a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A Windows .ico holding the given PNGs (size in pixels -> PNG bytes), smallest first."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    directory = b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        # width, height, palette colours, reserved, colour planes, bits per pixel, size, offset
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + directory + b"".join(pngs[size] for size in sizes)


def icns_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A macOS .icns holding one PNG element per type of :data:`ICNS_TYPES`."""
    elements = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def render_all() -> dict[Path, bytes]:
    """Every file this script writes, with its content."""
    wanted = sorted({*SIZES, *ICO_SIZES, *ICNS_TYPES.values()})
    pngs = {size: render_png(size) for size in wanted}
    files = {hicolor_png(linux_icon_root(), size): pngs[size] for size in SIZES}
    files[hicolor_svg(linux_icon_root())] = SOURCE.read_bytes()
    files[windows_icon()] = ico_bytes({size: pngs[size] for size in ICO_SIZES})
    files[macos_icon()] = icns_bytes(pngs)
    return files


def main() -> int:
    for path, data in render_all().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}  {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
