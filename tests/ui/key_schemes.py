"""Qt's standard keys under each of its key schemes, for the standard keys the window uses.

Qt resolves a ``QKeySequence.StandardKey`` through the platform theme's key scheme
(``QPlatformTheme::KeyboardScheme``) and its table of bindings (``QPlatformThemePrivate::
keyBindings`` in qtbase's ``qplatformtheme.cpp``; the KDE and GNOME schemes also take the X11
rows). One process sees one scheme only, and PySide6 does not expose ``QPlatformTheme``, so the
window's keys cannot be resolved for another scheme by asking Qt. This table holds Qt's rows
for the keys we use, so that a test can resolve every action under every scheme.

The table is checked against Qt itself wherever this machine can produce the scheme
(``tests/ui/test_keys.py``): ``windows`` is what the offscreen platform's theme uses, ``x11``,
``gnome`` and ``kde`` are the xcb platform under Xvfb with ``QT_QPA_PLATFORMTHEME`` unset,
``gnome`` and ``kde``. Only ``macos`` (Ctrl is the Command key, Meta the Control key) is read
from Qt's table alone. Sequences are Qt's portable text, in Qt's order (the primary first).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence

SK = QKeySequence.StandardKey

# Rows every scheme shares, then each scheme's own.
_X11 = {
    SK.New: ("Ctrl+N", "New"),
    SK.Refresh: ("F5", "Refresh"),
    SK.Find: ("Ctrl+F", "Find"),
    SK.Quit: ("Ctrl+Q", "Exit"),
    SK.Preferences: (),
    SK.Paste: ("Ctrl+V", "Ctrl+Shift+Ins", "Shift+Ins", "F18", "Paste"),
    SK.Delete: ("Del", "Ctrl+D"),
    SK.HelpContents: ("F1", "Help"),
}

SCHEMES: dict[str, dict[QKeySequence.StandardKey, tuple[str, ...]]] = {
    "windows": {
        SK.New: ("Ctrl+N", "New"),
        SK.Refresh: ("F5", "Refresh"),
        SK.Find: ("Ctrl+F", "Find"),
        SK.Quit: (),
        SK.Preferences: (),
        SK.Paste: ("Ctrl+V", "Shift+Ins", "Paste"),
        SK.Delete: ("Del",),
        SK.HelpContents: ("F1", "Help"),
    },
    "macos": {
        SK.New: ("Ctrl+N", "New"),
        SK.Refresh: ("Ctrl+R", "Refresh"),
        SK.Find: ("Ctrl+F", "Find"),
        SK.Quit: ("Ctrl+Q",),
        SK.Preferences: ("Ctrl+,",),
        SK.Paste: ("Ctrl+V", "Meta+Y", "Paste"),
        SK.Delete: ("Del", "Meta+D"),
        SK.HelpContents: ("Ctrl+?", "Help"),
    },
    "x11": _X11,
    "kde": {**_X11, SK.Preferences: ("Ctrl+Shift+,", "Settings")},
    "gnome": {**_X11, SK.Refresh: ("Ctrl+R", "F5", "Refresh")},
}

# How to make each scheme here: (QT_QPA_PLATFORM, QT_QPA_PLATFORMTHEME), None: not here.
MADE_BY: dict[str, tuple[str, str] | None] = {
    "windows": ("offscreen", ""),
    "macos": None,
    "x11": ("xcb", ""),
    "kde": ("xcb", "kde"),
    "gnome": ("xcb", "gnome"),
}


def bindings(scheme: str) -> Callable[[QKeySequence.StandardKey], list[QKeySequence]]:
    """``QKeySequence.keyBindings`` as ``scheme`` answers it (KeyError: a key not in the table)."""
    table = SCHEMES[scheme]

    def lookup(key: QKeySequence.StandardKey) -> list[QKeySequence]:
        if key not in table:
            raise KeyError(f"{key.name} is not in tests/ui/key_schemes.py; add Qt's rows for it")
        return [QKeySequence(text) for text in table[key]]

    return lookup
