"""The secrets guard: no test may let a secret out, whatever the test is about.

The TMDB token, the Jellyfin key and the Kodi password of the suite are the sentinels of
:mod:`tests.sentinels`. Every test that needs a secret uses one of them, and this plugin watches
every test, in every phase, for them in:

- **log records**, as they are made (a record factory, before any handler or masking filter):
  the message with its arguments, the formatted traceback (with each exception's message) and
  the stack. The root logger is set to DEBUG for the run, so debug records are made and watched
  too. The app masks secrets on its handlers as a second line; this guard checks the first line.
- **the window**: after the test body, every live widget's title, tooltip, label, button,
  text box, combo item, menu action and the first rows of every item view (the activity panel
  is one); line edits are left out, since the settings dialog shows a secret there on request.
- **files**: after teardown, every file under the test's ``tmp_path`` (databases and their
  journals, logs, NFO files, downloads, caches), except the settings store
  (``settings.json`` and its backups).
- **captured output**: what the test printed to stdout and stderr.

A test that must handle a leak on purpose (the masker's own tests) says so with
``@pytest.mark.secret_leak_expected``.

What it cannot see: an exception message that the code makes and drops without logging,
showing or storing it anywhere (nobody sees such a message either).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sentinels import WATCHED

# The settings store keeps a secret when no keyring exists, and a corrupt one is backed up.
_ALLOWED_FILE = re.compile(r"^settings\b.*\.json")
_CHUNK = 8 << 20
_OVERLAP = max(len(s) for s in WATCHED)
_MAX_ROWS = 500

_tmp_path_key = pytest.StashKey[Path | None]()


class _Watch:
    """The leaks seen since the last check, each as a sentence without the secret itself."""

    def __init__(self) -> None:
        self.leaks: list[str] = []
        self.enabled = True

    def look(self, where: str, text: str) -> None:
        if not self.enabled or not text:
            return
        for index, secret in enumerate(WATCHED):
            if secret in text:
                self.leaks.append(f"secret #{index} in {where}: {_masked(text)[:300]!r}")

    def take(self) -> list[str]:
        leaks, self.leaks = self.leaks, []
        return leaks


_watch = _Watch()
_blamed: set[tuple[str, str]] = set()


def _masked(text: str) -> str:
    for index, secret in enumerate(WATCHED):
        text = text.replace(secret, f"<secret #{index}>")
    return text


def _record_text(record: logging.LogRecord) -> str:
    try:
        parts = [record.getMessage()]
    except Exception:  # a bad format string is the logging module's problem; look at the parts
        parts = [str(record.msg), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.extend(traceback.format_exception(record.exc_info[1]))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def _install_record_factory() -> None:
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if _watch.enabled:
            _watch.look(f"log record {record.name}:{record.levelname}", _record_text(record))
        return record

    logging.setLogRecordFactory(factory)


def _widget_texts() -> Iterator[tuple[str, str]]:
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QApplication,
        QComboBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.allWidgets():
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        yield name, widget.windowTitle()
        yield name, widget.toolTip()
        yield name, widget.statusTip()
        if isinstance(widget, QLineEdit):
            continue  # the settings dialog shows a secret in its field when asked to
        if isinstance(widget, (QLabel, QAbstractButton)):
            yield name, widget.text()
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            yield name, widget.toPlainText()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield name, widget.itemText(i)
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                columns = model.columnCount()
            except TypeError:  # QListWidget's model: one column, its columnCount() is private
                columns = 1
            for row in range(min(model.rowCount(), _MAX_ROWS)):
                for column in range(columns):
                    index = model.index(row, column)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(index, role)
                        if isinstance(value, str):
                            yield f"{name} row {row}", value
        for action in widget.actions():
            yield f"{name} action", action.text()
            yield f"{name} action", action.toolTip()


def _scan_files(root: Path) -> None:
    needles = [s.encode() for s in WATCHED]
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or _ALLOWED_FILE.match(path.name):
            continue
        try:
            with path.open("rb") as file:
                tail = b""
                while chunk := file.read(_CHUNK):
                    window = tail + chunk
                    for index, needle in enumerate(needles):
                        if needle in window:
                            _watch.leaks.append(f"secret #{index} in file {path.relative_to(root)}")
                    tail = window[-_OVERLAP:]
        except OSError:
            continue  # gone or unreadable (a test's read-only or vanished folder)


def _raise_leaks(phase: str) -> None:
    leaks = _watch.take()
    if leaks:
        unique = list(dict.fromkeys(leaks))
        raise AssertionError(f"a secret leaked during {phase}:\n  " + "\n  ".join(unique[:20]))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "secret_leak_expected: the test leaks a sentinel secret on purpose (the masker's own tests)",
    )
    _install_record_factory()
    # Debug records are where a header or a URL with a key would be logged: make them too.
    logging.getLogger().setLevel(logging.DEBUG)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _watch.take()
    _watch.enabled = item.get_closest_marker("secret_leak_expected") is None
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    funcargs = getattr(item, "funcargs", {})
    item.stash[_tmp_path_key] = funcargs.get("tmp_path")
    result = yield
    if _watch.enabled:
        for where, text in _widget_texts():
            if (where, text) not in _blamed:  # a widget kept alive is blamed on one test only
                before = len(_watch.leaks)
                _watch.look(f"the window ({where})", text)
                if len(_watch.leaks) > before:
                    _blamed.add((where, text))
        _raise_leaks("the test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    result = yield
    if _watch.enabled:
        tmp_path = item.stash.get(_tmp_path_key, None)
        if tmp_path is not None and tmp_path.exists():
            _scan_files(tmp_path)
        _raise_leaks("setup or teardown, or in the test's files")
    _watch.enabled = True
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if item.get_closest_marker("secret_leak_expected") is None:
        for name, content in report.sections:
            # Each phase's report repeats the sections of the phases before it.
            if ("stdout" in name or "stderr" in name) and name.endswith(report.when):
                for index, secret in enumerate(WATCHED):
                    if secret in content:
                        report.outcome = "failed"
                        report.longrepr = f"secret #{index} in the test's {name}"
    return report
