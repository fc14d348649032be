"""PySide6's look at every module imported after it, made cheap.

Once imported, PySide6 replaces ``builtins.__import__``: after each import it asks whether the
module's source mentions "PySide6", to know which modules may switch its ``from __feature__
import snake_case, true_property`` options (``shibokensupport.feature._mod_uses_pyside``). It
asks ``inspect.getsource``, which reads the whole file, splits it into lines and keeps them in
``linecache`` for good. At the window's start that is every module imported after Qt: SQLAlchemy,
aiohttp and ours, about 560 files, 0.15-0.19 s of the start-up's CPU (a third of it before the
window shows) and 12 MB of source text kept (measured on this machine, issue 17). napari found
the same cost (napari/napari#8584).

:func:`install` answers the same question from the file's bytes: 0.04-0.06 s for the same
modules, nothing kept. A module without a ``.py`` file (built in, compiled, in a bundle's
archive) gets PySide's own answer. The name it replaces is private to PySide: on a release
without it, :func:`install` changes nothing and the app is as slow as PySide makes it, no less
correct. We use no ``__feature__`` option; the answer stays exact anyway (a test compares it with
PySide's on every loaded module).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

__all__ = ["install"]

FEATURE_MODULE = "shibokensupport.feature"
_MARK = b"PySide6"  # what PySide looks for in the source


def install() -> bool:
    """Put the file-read answer in place of PySide's; True when it is (now or before)."""
    feature = sys.modules.get(FEATURE_MODULE)
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(upstream):
        return False
    if isinstance(upstream, _FromFile):
        return True
    feature._mod_uses_pyside = _FromFile(upstream)  # type: ignore[attr-defined]
    return True


class _FromFile:
    """Whether a module's source mentions PySide6, read from its file's bytes."""

    def __init__(self, upstream: Callable[[ModuleType], bool]) -> None:
        self.upstream = upstream

    def __call__(self, module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return _MARK in source.read()
            except OSError:
                pass  # not on disk (a bundle's archive): as PySide would answer
        return bool(self.upstream(module))
