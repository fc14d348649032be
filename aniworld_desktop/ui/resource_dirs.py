"""Where the window's resource folders are: icons, translations.

A folder is the one an environment variable names when it is set; otherwise the first of
``resources/<name>`` inside the package (package data), the top-level ``resources/<name>`` of
a source checkout (or of a bundle), and ``<prefix>/share/aniworld-desktop/<name>`` of an
installation that holds what is looked for. When none does, the checkout's folder, so that an
error names the place it looked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

__all__ = ["find_resource_dir"]


def find_resource_dir(name: str, env: str, holds: Callable[[Path], bool]) -> Path:
    """The folder ``resources/<name>`` as the module's docstring orders the candidates.

    Args:
        name: The folder's name below ``resources`` (``icons``, ``translations``).
        env: The environment variable that names the folder outright when set and not blank.
        holds: Whether a candidate holds what is wanted (a file it must have).
    """
    override = os.environ.get(env, "").strip()
    if override:
        return Path(override).expanduser()
    checkout = Path(__file__).resolve().parents[2] / "resources" / name
    candidates = [checkout, Path(sys.prefix) / "share" / "aniworld-desktop" / name]
    packaged = resources.files("aniworld_desktop").joinpath("resources").joinpath(name)
    if isinstance(packaged, Path):
        candidates.insert(0, packaged)
    for path in candidates:
        if holds(path):
            return path
    return checkout
