"""Run in a child process by tests/ui/test_keys.py, under the platform and theme it is given.

Prints one JSON object: the key scheme's bindings of the standard keys in
``tests/ui/key_schemes.py``, what pressing each key of each window action triggered (the real
action table, ``create_actions``, on a shown window with the queue view focused, as the
window is), and every Qt warning (an "Ambiguous shortcut overload" among them).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

from aniworld_desktop.ui.actions import ACTIONS, create_actions, resolve_keys
from tests.ui.key_schemes import SCHEMES


def main() -> int:
    warnings: list[str] = []

    def on_message(kind: QtMsgType, _context: object, text: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg):
            warnings.append(text)

    qInstallMessageHandler(on_message)
    app = QApplication(sys.argv[:1])
    keys = next(iter(SCHEMES.values()))
    bound = {key.name: [s.toString() for s in QKeySequence.keyBindings(key)] for key in keys}
    window = QMainWindow()
    view = QTableView(window)
    window.setCentralWidget(view)
    fired: list[str] = []

    def recorder(name: str):
        return lambda *_checked: fired.append(name)

    slots = {spec.name: recorder(str(spec.name)) for spec in ACTIONS}
    create_actions(window, slots, view=view)
    window.show()
    window.activateWindow()
    active = QTest.qWaitForWindowActive(window, 5000)
    view.setFocus()
    app.processEvents()
    pressed: dict[str, dict[str, list[str]]] = {}
    for spec in ACTIONS:
        for sequence in resolve_keys(spec.shortcut):
            combination = sequence[0]
            fired.clear()
            QTest.keyClick(view, combination.key(), combination.keyboardModifiers())
            app.processEvents()
            pressed.setdefault(str(spec.name), {})[sequence.toString()] = list(fired)
    print(
        json.dumps(
            {
                "platform": app.platformName(),
                "active": active,
                "bindings": bound,
                "pressed": pressed,
                "warnings": warnings,
            }
        )
    )
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
