"""The SVG icons: safe files, crisp at every size and ratio, drawn in the palette's colour."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from aniworld_desktop.ui import icons

SVG_NS = "{http://www.w3.org/2000/svg}"
ACTION_ICONS = {
    "add-series",
    "add-link",
    "refresh",
    "download-missing",
    "pause",
    "resume",
    "pause-all",
    "resume-all",
    "remove",
    "retry",
    "move-up",
    "move-down",
    "move-top",
    "move-bottom",
    "open-folder",
    "play",
    "tmdb-match",
    "monitor-on",
    "monitor-off",
    "settings",
    "quit",
    "activity",
    "filter",
    "cancel",
    "clear-finished",
    "help",
    "info",
    "keyboard",
}
SVG_FILES = sorted(icons.ICON_DIR.glob("*.svg"))
# Elements that fetch, embed or run something; none belongs in an icon.
FORBIDDEN_ELEMENTS = {"script", "image", "foreignObject", "iframe", "video", "audio", "style"}


def svg_text(name: str) -> str:
    return (icons.ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def is_monochrome(name: str) -> bool:
    return "currentColor" in svg_text(name)


MONOCHROME = [name for name in icons.available() if is_monochrome(name)]


def rgba_bytes(pixmap: QPixmap) -> tuple[bytes, int]:
    """The pixmap's pixels as R, G, B, A bytes (not premultiplied), and their count."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(image.constBits())[: image.width() * image.height() * 4]
    return data, image.width() * image.height()


def opaque_lightness(pixmap: QPixmap) -> float:
    """Mean lightness (0-255) of the pixmap's mostly opaque pixels."""
    data, count = rgba_bytes(pixmap)
    values = [
        (data[i] + data[i + 1] + data[i + 2]) / 3
        for i in range(0, count * 4, 4)
        if data[i + 3] > 200
    ]
    assert values, "no opaque pixels"
    return sum(values) / len(values)


def total_alpha(pixmap: QPixmap) -> int:
    data, _ = rgba_bytes(pixmap)
    return sum(data[3::4])


def palette_with(window: str, text: str) -> QPalette:
    palette = QPalette(QApplication.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, QColor(window))
        palette.setColor(group, QPalette.ColorRole.WindowText, QColor(text))
    return palette


@pytest.fixture
def set_palette(qapp: QApplication) -> Iterator[Callable[[QPalette], None]]:
    """Sets the application palette for one test and puts the original back afterwards."""
    original = QPalette(qapp.palette())

    def apply(palette: QPalette) -> None:
        qapp.setPalette(palette)

    try:
        yield apply
    finally:
        qapp.setPalette(original)


# -- the files -----------------------------------------------------------------------------


def test_every_action_icon_and_the_app_icon_exist():
    assert set(icons.available()) == ACTION_ICONS | {icons.APP_ICON}
    assert {path.stem for path in SVG_FILES} == set(icons.available())


@pytest.mark.parametrize("path", SVG_FILES, ids=lambda path: path.stem)
def test_svg_is_small_valid_xml_without_external_references(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) < 2048
    # defusedxml refuses DTDs and entities, so a parse also rules those out.
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    for element in root.iter():
        assert element.tag.startswith(SVG_NS), element.tag
        assert element.tag.removeprefix(SVG_NS) not in FORBIDDEN_ELEMENTS
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), f"event handler {attribute}"
            if local == "href":
                assert value.startswith("#"), f"external reference {value}"
            for target in re.findall(r"url\(\s*([^)]*)\)", value):
                assert target.strip("'\" ").startswith("#"), f"external reference {value}"


@pytest.mark.parametrize("name", sorted(ACTION_ICONS))
def test_action_icon_is_one_colour_on_a_24_grid(name: str):
    text = svg_text(name)
    root = ElementTree.fromstring(text)
    assert root.get("viewBox") == "0 0 24 24"
    assert "currentColor" in text
    # The loader replaces currentColor; any other colour would not follow the palette.
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", text)


def test_app_icon_is_in_colour():
    assert not is_monochrome(icons.APP_ICON)


# -- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", icons.available())
def test_icon_renders_at_every_size_and_ratio(qapp, name: str):
    icon = icons.icon(name)
    assert not icon.isNull()
    for side in (16, 24, 32, 64):
        pixmap = icon.pixmap(QSize(side, side), 1.0)
        assert pixmap.size() == QSize(side, side)
        assert total_alpha(pixmap) > 0, f"{name} is blank at {side} px"
    sharp = icon.pixmap(QSize(24, 24), 2.0)
    assert sharp.devicePixelRatio() == 2.0
    assert sharp.size() == QSize(48, 48)
    assert total_alpha(sharp) > 0


def test_icon_paints_through_a_painter(qapp):
    image = QImage(32, 32, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    icons.icon("pause").paint(painter, image.rect())
    painter.end()
    assert total_alpha(QPixmap.fromImage(image)) > 0


def test_app_icon_renders_small_and_large(qapp):
    icon = icons.app_icon()
    assert not icon.isNull()
    for side in (16, 256):
        pixmap = icon.pixmap(QSize(side, side), 1.0)
        assert pixmap.size() == QSize(side, side)
        assert total_alpha(pixmap) > 0
    # Window managers take an icon's announced sizes.
    assert QSize(16, 16) in icon.availableSizes()
    assert QSize(256, 256) in icon.availableSizes()


@pytest.mark.parametrize("name", MONOCHROME)
def test_monochrome_icon_follows_the_palette(qapp, set_palette, name: str):
    icon = icons.icon(name)
    set_palette(palette_with(window="#1e1f22", text="#e6e6e6"))
    assert opaque_lightness(icon.pixmap(QSize(32, 32), 1.0)) > 180
    # The same icon object, after the palette changed: no rebuild needed.
    set_palette(palette_with(window="#fafafa", text="#202020"))
    assert opaque_lightness(icon.pixmap(QSize(32, 32), 1.0)) < 80
    assert opaque_lightness(icon.pixmap(QSize(24, 24), 2.0)) < 80


@pytest.mark.parametrize("own_disabled_colour", [True, False])
def test_disabled_icon_is_dimmer(qapp, set_palette, own_disabled_colour: bool):
    palette = palette_with(window="#fafafa", text="#202020")
    # Without a disabled colour of its own (the same as the normal one), the icon fades.
    disabled_text = "#a0a0a0" if own_disabled_colour else "#202020"
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(disabled_text)
    )
    set_palette(palette)
    icon = icons.icon("settings")
    normal = icon.pixmap(QSize(32, 32), 1.0)
    disabled = icon.pixmap(QSize(32, 32), 1.0, QIcon.Mode.Disabled)
    normal_data, count = rgba_bytes(normal)
    disabled_data, _ = rgba_bytes(disabled)
    # Either more transparent or lighter on the light background, never the same ink.
    assert normal_data != disabled_data
    assert total_alpha(disabled) < total_alpha(normal) or opaque_lightness(
        disabled
    ) > opaque_lightness(normal)


def test_selected_icon_takes_the_highlighted_text_colour(qapp, set_palette):
    palette = palette_with(window="#fafafa", text="#202020")
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    set_palette(palette)
    selected = icons.icon("play").pixmap(QSize(32, 32), 1.0, QIcon.Mode.Selected)
    assert opaque_lightness(selected) > 200


def test_copies_survive_being_changed(qapp):
    copy = icons.icon("pause")
    # Adding a pixmap detaches the copy (Qt clones the engine); the cached icon stays as it was.
    extra = QPixmap(4, 4)
    extra.fill(QColor("red"))
    copy.addPixmap(extra)
    gc.collect()
    assert total_alpha(copy.pixmap(QSize(24, 24), 1.0)) > 0
    assert total_alpha(icons.icon("pause").pixmap(QSize(24, 24), 1.0)) > 0


def test_unknown_name_raises_key_error():
    with pytest.raises(KeyError, match="no-such-icon"):
        icons.icon("no-such-icon")
    with pytest.raises(KeyError):
        icons.icon("../icons/pause")


def test_icon_dir_honours_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(icons.ICON_DIR_ENV, str(tmp_path))
    assert icons.find_icon_dir() == tmp_path
    monkeypatch.delenv(icons.ICON_DIR_ENV)
    assert icons.find_icon_dir() == Path(__file__).resolve().parents[2] / "resources" / "icons"
