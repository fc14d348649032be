"""tests/screenshots.py renders every picture of the user guide, and the pictures hold something.

The script runs in its own process, as ``make screenshots`` runs it: its QApplication, qasync
loop and demo server must not share this process's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests import screenshots

SCRIPT = Path(screenshots.__file__)
REPO = SCRIPT.parents[1]
SAMPLE_STEP = 7  # every 7th pixel both ways: enough to tell a picture from a flat fill
MIN_COLOURS = 16
# Pictures that keep their widget's own size: at least this big. A menu is smaller than a
# dialog; every other picture must be at least a small dialog.
MIN_SIZE = {"tray-menu": (150, 100)}
DIALOG_MIN_SIZE = (300, 200)


def sample_colours(image: QImage) -> set[int]:
    return {
        image.pixel(x, y)
        for y in range(0, image.height(), SAMPLE_STEP)
        for x in range(0, image.width(), SAMPLE_STEP)
    }


def mean_lightness(image: QImage) -> float:
    values = [
        image.pixelColor(x, y).lightnessF()
        for y in range(0, image.height(), SAMPLE_STEP)
        for x in range(0, image.width(), SAMPLE_STEP)
    ]
    return sum(values) / len(values)


def test_every_picture_is_written_and_holds_a_window(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    output = result.stdout + result.stderr
    # The script fails on a Qt warning, a logged warning or error, or a task left running;
    # what the garbage collector finds at exit comes after its verdict, so look for it here.
    assert result.returncode == 0, output
    assert "Unclosed" not in output and "ResourceWarning" not in output, output

    images: dict[str, QImage] = {}
    for shot in screenshots.SHOTS:
        path = tmp_path / f"{shot.name}.png"
        assert path.is_file(), f"{path.name} missing:\n{output}"
        assert str(path) in result.stdout  # each file is announced with its size
        image = QImage(str(path))
        assert not image.isNull(), path.name
        if shot.size is not None:
            assert (image.width(), image.height()) == shot.size, path.name
        else:
            width, height = MIN_SIZE.get(shot.name, DIALOG_MIN_SIZE)
            assert image.width() >= width and image.height() >= height, path.name
        colours = sample_colours(image)
        assert len(colours) >= MIN_COLOURS, f"{path.name}: only {len(colours)} colours"
        images[shot.name] = image

    # The dark variant really is dark, and the light ones light (the shots after the dark
    # one would show a palette left behind).
    for name in images.keys() - {"main-window-dark"}:
        assert mean_lightness(images[name]) > 0.6, name
    assert mean_lightness(images["main-window-dark"]) < 0.4


def test_the_guide_shows_every_picture_the_script_makes() -> None:
    """A picture the guide shows is made by the script (or it goes stale), and the script makes
    no picture the guide does not show (packaging's metainfo uses some of them too)."""
    guide = (REPO / "docs" / "USER_GUIDE.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\(images/([^)/]+)\.png\)", guide))
    assert shown == {shot.name for shot in screenshots.SHOTS}
    for name in shown:
        assert (REPO / "docs" / "images" / f"{name}.png").is_file(), name
