"""The window's translation: every visible text goes through Qt's, and the files are current.

What is checked:

- **The files are current.** ``pyside6-lupdate`` run as ``make translations`` runs it must find
  the same messages as the committed ``.ts`` files hold, and the committed ``.qm`` files must
  answer every message as the ``.ts`` says (``lrelease`` of the ``.ts``, compared message by
  message, so another Qt version's byte layout does not matter).
- **lupdate sees every text.** It silently skips some call shapes (``translate()`` with a call
  as an argument, plural counts outside ``tr()``); every literal given to ``tr()``,
  ``translate()`` or ``QT_TRANSLATE_NOOP`` in ``ui/*.py`` must be in the ``.ts`` under the
  context the call uses at run time, as a plural when it is given a count. And no plain
  literal reaches a visible setter (``setText``, ``showMessage``, an error box's ``what=``),
  also where the running window does not go.
- **The German is finished.** Every entry translated, non-empty, with the same ``{fields}``,
  ``%n``, HTML tags and one ``&`` mnemonic where the source has one.
- **Nothing visible escapes translation.** The real window (with the demo catalogue, its
  dialogs, the activity panel and the tray menu) runs under a *pseudo* translation that wraps
  every text in ⟦…⟧; each visible text must be wrapped, apart from data (series and episode
  titles, paths, numbers) and a few names. Then under German: no English source text shows,
  menus keep distinct mnemonics, and Qt's own buttons and key names are German too.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QTreeWidget,
    QWidget,
)

from aniworld_desktop.ui import translation

REPO = Path(__file__).resolve().parents[2]
TS_DIR = REPO / "resources" / "translations"
UI_FILES = sorted((REPO / "aniworld_desktop" / "ui").glob("*.py"))
BIN = Path(sys.executable).parent
# As the Makefile's `translations` target runs them.
LUPDATE_FLAGS = ("-locations", "none", "-no-obsolete", "-source-language", "en")
CATALOGUES = {
    "de": ("-target-language", "de"),
    "en": ("-target-language", "en", "-pluralonly"),
}
OPEN, CLOSE = "⟦", "⟧"
# Names that stay as they are in every language (window titles, the tray's first line).
NAMES = ("Aniworld Desktop",)
# Plural forms per catalogue (German and English: one, many).
FORMS = {"de": 2, "en": 2}
_FIELD = re.compile(r"\{[^{}]*\}")
_LINK = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_PERCENT = re.compile(r"%L?\d+|%n")

# --------------------------------------------------------------------------- reading .ts files


@dataclass(frozen=True, slots=True)
class Message:
    context: str
    source: str
    comment: str
    numerus: bool
    forms: tuple[str, ...]
    state: str  # "" when finished; else lupdate's type (unfinished, vanished, obsolete)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)


def read_ts(path: Path) -> dict[tuple[str, str, str], Message]:
    messages: dict[tuple[str, str, str], Message] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for element in context.iter("message"):
            found = element.find("translation")
            assert found is not None, f"{path.name}: a message without a translation element"
            numerus = element.get("numerus") == "yes"
            forms = (
                tuple(form.text or "" for form in found.iter("numerusform"))
                if numerus
                else (found.text or "",)
            )
            message = Message(
                name,
                element.findtext("source") or "",
                element.findtext("comment") or "",
                numerus,
                forms,
                found.get("type", ""),
            )
            messages[message.key] = message
    return messages


def tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        assert found, f"{name} is missing: it comes with PySide6 (PySide6-Essentials)"
        path = Path(found)
    return path


def lupdate(ts: Path, language: str) -> None:
    """Run lupdate over ui/*.py into ``ts`` with the Makefile's options for ``language``."""
    command = [str(tool("pyside6-lupdate")), *LUPDATE_FLAGS, *CATALOGUES[language]]
    command += [str(path) for path in UI_FILES] + ["-ts", str(ts)]
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)


def lrelease(ts: Path, qm: Path) -> None:
    command = [str(tool("pyside6-lrelease")), "-silent", str(ts), "-qm", str(qm)]
    subprocess.run(command, check=True, capture_output=True)


def committed(language: str) -> tuple[Path, Path]:
    stem = f"{translation.CATALOGUE}_{language}"
    return TS_DIR / f"{stem}.ts", TS_DIR / f"{stem}.qm"


def describe(keys: Iterable[tuple[str, str, str]]) -> str:
    return "\n".join(f"  [{c}] {s!r}" + (f" ({m})" if m else "") for c, s, m in sorted(keys))


# --------------------------------------------------------------------------- 1. current files


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_ts_file_holds_exactly_the_texts_of_the_sources(tmp_path: Path, language: str) -> None:
    ts, _qm = committed(language)
    assert ts.is_file(), f"{ts} is missing: run `make translations`"
    fresh = tmp_path / ts.name
    lupdate(fresh, language)
    found, stored = read_ts(fresh), read_ts(ts)
    new = found.keys() - stored.keys()
    gone = stored.keys() - found.keys()
    plural = {k for k in found.keys() & stored.keys() if found[k].numerus != stored[k].numerus}
    assert not (new or gone or plural), (
        f"{ts.name} is stale: run `make translations` and translate what it marks unfinished.\n"
        f"New or changed texts in the sources:\n{describe(new)}\n"
        f"Texts no longer in the sources:\n{describe(gone)}\n"
        f"Texts that became or stopped being plural:\n{describe(plural)}"
    )


def answers(qm: Path, messages: Iterable[Message]) -> dict[tuple[str, str, str, int], str]:
    translator = QTranslator()
    assert translator.load(str(qm)), f"cannot load {qm}"
    return {
        (m.context, m.source, m.comment, n): translator.translate(
            m.context, m.source, m.comment or None, n
        )
        for m in messages
        for n in ((1, 2) if m.numerus else (-1,))
    }


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_qm_file_answers_what_the_ts_file_says(tmp_path: Path, language: str) -> None:
    ts, qm = committed(language)
    assert qm.is_file(), f"{qm} is missing: run `make translations`"
    messages = list(read_ts(ts).values())
    built = tmp_path / qm.name
    lrelease(ts, built)
    shipped = answers(qm, messages)
    differing = {key for key, text in answers(built, messages).items() if shipped[key] != text}
    assert not differing, (
        f"{qm.name} does not match {ts.name}: run `make translations`.\n"
        + describe((c, s, m) for c, s, m, _n in differing)
    )
    for message in messages:  # and the .ts itself says what the .qm answers
        for n, form in zip((1, 2) if message.numerus else (-1,), message.forms, strict=False):
            assert shipped[(*message.key, n)] == form, message


# --------------------------------------------------------------------------- 2. lupdate sees all


@dataclass(frozen=True, slots=True)
class Call:
    path: Path
    line: int
    context: str
    source: str
    counted: bool  # given a count (a plural)
    kind: str


def translation_calls() -> tuple[list[Call], list[str]]:
    """Every tr()/translate()/QT_TRANSLATE_NOOP() with a literal text in ui/*.py, and problems.

    The context is the class around a ``tr()`` (as lupdate and PySide take it), or the literal
    first argument of ``translate()`` and ``QT_TRANSLATE_NOOP()``.
    """
    calls: list[Call] = []
    problems: list[str] = []

    class Visitor(ast.NodeVisitor):
        def __init__(self, path: Path) -> None:
            self.path = path
            self.classes: list[str] = []

        def visit_ClassDef(self, node: ast.ClassDef) -> None:
            self.classes.append(node.name)
            self.generic_visit(node)
            self.classes.pop()

        def visit_Call(self, node: ast.Call) -> None:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            where = f"{self.path.name}:{node.lineno}"
            args = node.args
            if name == "tr" and args:
                text = args[0]
                counted = len(args) >= 3 or any(k.arg == "n" for k in node.keywords)
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    if not self.classes:
                        problems.append(f"{where}: tr() outside a class has no context")
                    else:
                        context = self.classes[-1]
                        calls.append(
                            Call(self.path, node.lineno, context, text.value, counted, "tr")
                        )
                elif isinstance(text, ast.JoinedStr):
                    problems.append(f"{where}: an f-string in tr() cannot be translated")
            elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2:
                context, text = args[0], args[1]
                if isinstance(text, ast.JoinedStr):
                    problems.append(f"{where}: an f-string in {name}() cannot be translated")
                literal = all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str)
                    for a in (context, text)
                )
                if literal:
                    assert isinstance(context, ast.Constant) and isinstance(text, ast.Constant)
                    if len(args) >= 4 or any(k.arg == "n" for k in node.keywords):
                        problems.append(
                            f"{where}: translate() with a count is not read as a plural by "
                            "lupdate; use tr() in a class"
                        )
                    calls.append(
                        Call(self.path, node.lineno, context.value, text.value, False, name)
                    )
            self.generic_visit(node)

    for path in UI_FILES:
        Visitor(path).visit(ast.parse(path.read_text(encoding="utf-8")))
    return calls, problems


def test_lupdate_reads_every_text_the_code_translates() -> None:
    calls, problems = translation_calls()
    assert len(calls) > 300  # the visitor found the calls at all
    stored = read_ts(committed("de")[0])
    by_text = {(m.context, m.source): m for m in stored.values()}
    for call in calls:
        message = by_text.get((call.context, call.source))
        if message is None:
            problems.append(
                f"{call.path.name}:{call.line}: [{call.context}] {call.source!r} is not in the "
                ".ts: lupdate does not read this call (or run `make translations`)"
            )
        elif call.counted and not message.numerus:
            problems.append(
                f"{call.path.name}:{call.line}: [{call.context}] {call.source!r} has a count but "
                "lupdate did not read it as a plural"
            )
    assert not problems, "\n".join(problems)


# Calls whose text arguments the user reads; a plain literal there never went through tr().
VISIBLE_SINKS = frozenset(
    {
        "setText", "setToolTip", "setStatusTip", "setWindowTitle", "setPlaceholderText",
        "setSpecialValueText", "setTitle", "setInformativeText", "addItem", "addItems",
        "showMessage", "setHeaderLabels", "addMenu", "addButton", "notify", "track", "QLabel",
        "QPushButton", "QCheckBox", "QGroupBox", "QAction", "QDockWidget", "QToolBar",
        "QMessageBox", "QFileDialog", "QTreeWidgetItem", "confirm", "show_message",
        "show_error", "critical", "message", "_say",
    }
)  # fmt: skip
# Keyword arguments that title an error box (run_task(..., what=...)).
VISIBLE_KEYWORDS = frozenset({"what"})


def plain_literals(node: ast.AST) -> Iterator[str]:
    """Literal text with a word in it that ``node`` passes on as it is (not through tr())."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if words(_LINK.sub("", node.value)):  # an example link is no text to translate
            yield node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        if words(_LINK.sub("", text)):
            yield text
    elif isinstance(node, ast.BinOp):
        yield from plain_literals(node.left)
        yield from plain_literals(node.right)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from plain_literals(element)
    elif isinstance(node, ast.IfExp):
        yield from plain_literals(node.body)
        yield from plain_literals(node.orelse)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        yield from plain_literals(node.func.value)  # "Queued {n}".format(n=n), not tr()'d


def untranslated_literals(sources: Iterable[tuple[str, str]]) -> list[str]:
    """``file:line: text`` for each plain literal given to a visible sink in ``sources``."""
    found: list[str] = []
    for name, code in sources:
        for node in ast.walk(ast.parse(code)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arguments: list[ast.AST] = []
            if called in VISIBLE_SINKS:
                arguments += node.args
            arguments += [k.value for k in node.keywords if k.arg in VISIBLE_KEYWORDS]
            for argument in arguments:
                found += [f"{name}:{node.lineno}: {text!r}" for text in plain_literals(argument)]
    return found


def test_no_plain_text_reaches_a_visible_setter() -> None:
    """Code paths the running window does not reach (error boxes, rare messages) are read."""
    sources = [(path.name, path.read_text(encoding="utf-8")) for path in UI_FILES]
    plain = untranslated_literals(sources)
    assert not plain, "texts that never go through tr():\n" + "\n".join(plain)
    caught = untranslated_literals(
        [
            ("x.py", 'label.setText("Ready")'),
            ("y.py", 'self.run_task(job(), what="Pause all")'),
            ("z.py", 'bar.showMessage(f"Queued {n} items" + ".")'),
            ("w.py", 'self._say("Playing {name}.".format(name=name))'),
            ("ok.py", 'label.setText(self.tr("Ready")); label.setText(""); w.setObjectName("x")'),
            ("ok2.py", 'self._say(self.tr("Playing {name}.").format(name=name))'),
        ]
    )
    assert [line.split(":")[0] for line in caught] == ["x.py", "y.py", "z.py", "w.py"], caught


# --------------------------------------------------------------------------- 3. finished German


def mnemonics(text: str) -> int:
    return len(re.findall(r"&(?!&)(?=\S)", text.replace("&&", "")))


def form_problems(message: Message, language: str) -> list[str]:
    problems: list[str] = []
    if message.state:
        problems.append(f"is {message.state}")
    if len(message.forms) != (FORMS[language] if message.numerus else 1):
        problems.append(f"has {len(message.forms)} form(s)")
    for index, form in enumerate(message.forms):
        last = index == len(message.forms) - 1
        if not form.strip():
            problems.append("is empty")
            continue
        if sorted(_FIELD.findall(form)) != sorted(_FIELD.findall(message.source)):
            problems.append(f"changes the {{fields}}: {form!r}")
        if sorted(_TAG.findall(form)) != sorted(_TAG.findall(message.source)):
            problems.append(f"changes the HTML tags: {form!r}")
        percent = _PERCENT.findall(message.source)
        if percent and last and sorted(_PERCENT.findall(form)) != sorted(percent):
            problems.append(f"loses %n in its plural form: {form!r}")
        if set(_PERCENT.findall(form)) - set(percent):
            problems.append(f"adds a % placeholder: {form!r}")
        if mnemonics(form) != min(1, mnemonics(message.source)) or mnemonics(form) > 1:
            problems.append(f"has {mnemonics(form)} & mnemonic(s), the source one: {form!r}")
        if form.count("\n") != message.source.count("\n"):
            problems.append(f"changes the line breaks: {form!r}")
    return problems


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_translation_is_finished_and_keeps_placeholders(language: str) -> None:
    messages = read_ts(committed(language)[0])
    assert messages
    report = [
        f"[{m.context}] {m.source!r}: {problem}"
        for m in messages.values()
        for problem in form_problems(m, language)
    ]
    assert not report, f"{committed(language)[0].name}:\n" + "\n".join(report)


def test_the_check_of_forms_catches_what_it_should() -> None:
    good = Message(
        "C",
        "&Queued %n file(s) of {title}",
        "",
        True,
        ("%n &Datei von {title}", "%n &Dateien von {title}"),
        "",
    )
    assert form_problems(good, "de") == []
    bad = [
        Message("C", "Queued {title}", "", False, ("Eingereiht {titel}",), ""),
        Message("C", "&Pause", "", False, ("Pause",), ""),
        Message("C", "&Pause", "", False, ("&Pau&se",), ""),
        Message("C", "%n file(s)", "", True, ("eine Datei", "viele Dateien"), ""),
        Message("C", "Pause", "", False, ("",), "unfinished"),
        Message("C", "<b>{t}</b>", "", False, ("{t}",), ""),
    ]
    for message in bad:
        assert form_problems(message, "de"), message


# --------------------------------------------------------------------------- 4. the running window


@dataclass(slots=True)
class Texts:
    """Visible texts of the window, each with where it was found."""

    found: list[tuple[str, str]] = field(default_factory=list)  # (where, text)
    data: set[str] = field(default_factory=set)  # titles, paths: shown as they are

    def add(self, where: str, text: object) -> None:
        if isinstance(text, str) and text.strip():
            self.found.append((where, text))


def _name(widget: Any) -> str:
    return f"{type(widget).__name__}({widget.objectName() or '-'})"


def _plain(text: str) -> str:
    """Rich text as the user reads it: no tags, no entities, no mnemonic markers."""
    text = _TAG.sub(" ", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return re.sub(r"&(?!&)", "", text).replace("&&", "&")


def standard_button(button: QAbstractButton) -> bool:
    """A button Qt makes and names itself (OK, Cancel): Qt's own translation covers it."""
    box = button.parent()
    while box is not None and not isinstance(box, QDialogButtonBox):
        box = box.parent()
    return isinstance(box, QDialogButtonBox) and (
        box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton
    )


def walk_model(texts: Texts, where: str, model: Any, skip_columns: Iterable[int] = ()) -> None:
    skip = set(skip_columns)
    horizontal, display, tip = (
        Qt.Orientation.Horizontal,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
    )
    for column in range(model.columnCount(QModelIndex())):
        texts.add(f"{where} header {column}", model.headerData(column, horizontal, display))

    def rows(parent: QModelIndex) -> Iterator[QModelIndex]:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            yield index
            yield from rows(index)

    for first in rows(QModelIndex()):
        for column in range(model.columnCount(first.parent())):
            if column in skip:
                continue
            index = first.siblingAtColumn(column)
            texts.add(f"{where} cell {index.row()},{column}", model.data(index, display))
            texts.add(f"{where} tooltip {index.row()},{column}", model.data(index, tip))


def walk_actions(texts: Texts, where: str, actions: Iterable[QAction]) -> None:
    for action in actions:
        if action.isSeparator():
            continue
        label = f"{where} action {action.objectName() or action.text()!r}"
        texts.add(label, action.text())
        tip = action.toolTip()
        if tip and _plain(tip) != _plain(action.text()):  # Qt's default tip is the text
            texts.add(label + " tooltip", tip)
        texts.add(label + " status tip", action.statusTip())
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk_actions(texts, f"{where} menu {menu.title()!r}", menu.actions())


def walk_widget(texts: Texts, root: QWidget) -> None:
    """Every text ``root`` and its children show, tooltips and placeholders included."""
    from aniworld_desktop.ui.activity import ActivityPanel
    from aniworld_desktop.ui.activity import Column as ActivityColumn

    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
            continue  # Qt's own parts (a dock's close button); headers come with the models
        if isinstance(widget, QLabel) and widget.objectName().endswith("_error"):
            continue  # the settings' refusals are config.py's sentences (no Qt there)
        where = _name(widget)
        if widget.isWindow() or isinstance(widget, (QDockWidget, QToolBar)):
            texts.add(f"{where} title", widget.windowTitle())
        texts.add(f"{where} tooltip", widget.toolTip())
        texts.add(f"{where} status tip", widget.statusTip())
        texts.add(f"{where} accessible name", widget.accessibleName())
        texts.add(f"{where} accessible description", widget.accessibleDescription())
        if isinstance(widget, QLabel) or (
            isinstance(widget, QAbstractButton) and not standard_button(widget)
        ):
            texts.add(f"{where} text", widget.text())
        elif isinstance(widget, QGroupBox):
            texts.add(f"{where} title", widget.title())
        elif isinstance(widget, QComboBox):
            for item in range(widget.count()):
                texts.add(f"{where} item {item}", widget.itemText(item))
        elif isinstance(widget, QLineEdit):
            texts.add(f"{where} placeholder", widget.placeholderText())
        elif isinstance(widget, QSpinBox):
            texts.add(f"{where} special", widget.specialValueText())
            texts.add(f"{where} suffix", widget.suffix())
        elif isinstance(widget, QMessageBox):  # its labels are Qt's ("qt_msgbox_label")
            texts.add(f"{where} text", widget.text())
            texts.add(f"{where} informative", widget.informativeText())
        elif isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            for column in range(widget.columnCount()):
                texts.add(f"{where} header {column}", header.text(column))
            for row in range(widget.topLevelItemCount()):
                item = widget.topLevelItem(row)
                for column in range(widget.columnCount()):
                    texts.add(f"{where} tooltip {row},{column}", item.toolTip(column))
        elif isinstance(widget, QListWidget):
            for row in range(widget.count()):
                item = widget.item(row)
                texts.add(f"{where} item {row}", item.text())
                texts.add(f"{where} tooltip {row}", item.toolTip())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            parent = widget.parent()
            skip = (
                (ActivityColumn.MESSAGE,)  # log records: data (the source is in words)
                if isinstance(parent, ActivityPanel)
                else ()
            )
            walk_model(texts, where, widget.model(), skip)
        walk_actions(texts, where, widget.actions())


def residue(text: str, data: Iterable[str]) -> str:
    """What is left of ``text`` after its ⟦translated⟧ parts, data, names and numbers."""
    text = _plain(text)
    while True:  # innermost first: a translated text may hold another
        stripped = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
        if stripped == text:
            break
        text = stripped
    text = _LINK.sub(" ", text)  # links are what they are
    for known in sorted({*data, *NAMES}, key=len, reverse=True):
        if known.strip():
            text = re.sub(rf"(?<!\w){re.escape(known)}(?!\w)", " ", text)
    text = re.sub(r"\bS\d+E\d+\b|\b\d+(\.\d+)?\s*(B|KiB|MiB|GiB|TiB|s|%)\b", " ", text)
    return text


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{2,}", text)


@dataclass(slots=True)
class Scenario:
    """What the window showed.

    Attributes:
        texts: Every visible text, and the data among them.
        mnemonics: The entries of each menu and dialog, as written (``&Datei``).
        cancel: The text of a standard Cancel button, made by Qt.
    """

    texts: Texts
    mnemonics: dict[str, list[str]] = field(default_factory=dict)
    cancel: str = ""


def entries(widget: QWidget) -> list[str]:
    """The texts of a dialog's labels and buttons, where mnemonics live."""
    shown = [w for w in widget.findChildren(QWidget) if w.isVisibleTo(widget)]
    return [w.text() for w in shown if isinstance(w, (QLabel, QAbstractButton))]


async def run_scenario(paths: Any, tmp_path: Path) -> Scenario:
    """The real window on the demo catalogue, its dialogs, panels and tray menu, all walked."""
    from aniworld_desktop.metadata.tmdb import TVSearchResult
    from aniworld_desktop.providers.base import EpisodeInfo, EpisodeKind, SeriesInfo
    from aniworld_desktop.ui.add_links_dialog import AddLinksDialog
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog
    from aniworld_desktop.ui.settings_dialog import SettingsDialog
    from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog
    from aniworld_desktop.ui.tray import Notifier, TrayIcon
    from tests.ui.conftest import wait_until
    from tests.ui.test_main_window import make_settings, running_window, visible_child

    texts = Texts()
    scenario = Scenario(texts)
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        tray = TrayIcon(parent=window)
        window.attach_tray(tray, Notifier(tray, services.settings))
        # The welcome panel of an empty profile.
        await wait_until(lambda: window.stack.currentWidget() is window.welcome)
        walk_widget(texts, window)

        # The demo: series, episodes, queue.
        window.welcome.demo_button.click()
        await wait_until(
            lambda: (
                window.library_pane.series_model.rowCount() >= 3
                and window.queue_pane.model.rowCount()
            )
        )
        await wait_until(lambda: window.stack.currentWidget() is window.main_splitter)
        window.library_pane.series_view.selectRow(0)
        await wait_until(lambda: window.library_pane.episode_model.rowCount() > 0)
        items = services.downloads.items()
        await services.downloads.pause([items[0].id])
        await services.downloads.cancel([items[1].id])
        window.queue_pane.select_ids([items[0].id, items[1].id])
        window.status_bar.refresh_counts()
        window.toggle_activity(True)
        await wait_until(lambda: window.activity_panel.model.rowCount() > 0)
        window.dispatcher.play_selected()  # nothing playable: the status bar says why
        window.queue_pane.filter_edit.setText("e")
        window.queue_pane.apply_filter()
        services.library_dir.mkdir(parents=True, exist_ok=True)
        window.dispatcher.scan_library()
        await wait_until(lambda: any("⟦Scanned" in m or "ingelesen" in m for m in messages))
        async with window.progress.track(
            QCoreApplication.translate("WindowCommands", "Refreshing"), total=2
        ) as progress:
            progress.next("Harbor Lights")
            walk_widget(texts, window)
        tray.set_state(1, 2, 1, 2048.0)
        texts.add("tray tooltip", tray.tooltip())
        walk_actions(texts, "tray", tray.menu.actions())
        tray.set_window_visible(False)
        texts.add("tray show/hide", tray.actions["show_hide"].text())

        # Dialogs, each walked while open.
        window.commands["settings"].trigger()
        settings = await visible_child(window, SettingsDialog)
        settings.edits["naming_template"].setText("{nonsense")  # the example says why not
        walk_widget(texts, settings)
        scenario.mnemonics["settings"] = entries(settings)
        settings.reject()

        window.commands["add_series"].trigger()
        add = await visible_child(window, AddSeriesDialog)
        episodes = [
            EpisodeInfo(season=1, number=n, title=f"Fog {n}", url=f"http://127.0.0.1:9/{n}.mp4")
            for n in (1, 2)
        ]
        trailer = EpisodeInfo(
            season=1, number=0, title="Trailer", url="http://127.0.0.1:9/t.mp4",
            kind=EpisodeKind.TRAILER,
        )  # fmt: skip
        info = SeriesInfo(
            "Night Ferry", "http://127.0.0.1:9/f.xml", [*episodes, trailer], year=2024
        )
        texts.data.update({"Night Ferry", "Fog 1", "Fog 2", "Trailer", "feed"})
        add.show_preview("feed", info)
        walk_widget(texts, add)
        scenario.mnemonics["add series"] = entries(add)
        add.url_edit.setText("ftp://example.org/feed.xml")
        walk_widget(texts, add)
        add.reject()

        window.commands["add_links"].trigger()
        add_links = await visible_child(window, AddLinksDialog)
        add_links.links_edit.setPlainText("ftp://example.org/x.mp4\nhttps://example.org/a.mp4")
        walk_widget(texts, add_links)
        scenario.mnemonics["add links"] = entries(add_links)
        add_links.reject()

        async def search(query: str, year: int | None) -> list[TVSearchResult]:
            return [
                TVSearchResult(id=1, name="Harbor Lights", first_air_date=date(2019, 4, 5)),
                TVSearchResult(id=2, name="Harbour Lights", original_name="Hafenlichter"),
            ]

        services.metadata.search = search  # type: ignore[method-assign]
        texts.data.update({"Harbour Lights", "Hafenlichter"})
        window.commands["tmdb_match"].trigger()
        tmdb = await visible_child(window, TmdbMatchDialog)
        await wait_until(lambda: tmdb.results.topLevelItemCount() == 2)
        walk_widget(texts, tmdb)
        scenario.mnemonics["tmdb"] = entries(tmdb)
        buttons = tmdb.findChild(QDialogButtonBox)
        scenario.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text()
        tmdb.id_edit.setText("https://www.themoviedb.org/tv/1429-x")
        walk_widget(texts, tmdb)
        tmdb.id_edit.setText("twelve")
        walk_widget(texts, tmdb)
        tmdb.reject()

        window.queue_pane.filter_edit.clear()
        window.queue_pane.apply_filter()
        window.queue_pane.select_ids([items[0].id, items[1].id])
        window.commands["remove"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemove")
        walk_widget(texts, box)
        box.reject()

        walk_widget(texts, window)
        walk_actions(texts, "menu bar", window.menuBar().actions())
        bar = window.menuBar().actions()
        scenario.mnemonics["menu bar"] = [action.text() for action in bar]
        for action in bar:
            menu = action.menu()
            if isinstance(menu, QMenu):
                scenario.mnemonics[menu.title()] = [a.text() for a in menu.actions()]
        scenario.mnemonics["tray"] = [a.text() for a in tray.menu.actions()]
        for message in messages:
            texts.add("status bar", message)

        # What the window shows as it is, from the data.
        for summary in await services.library.list_series():
            series = summary.series
            texts.data.update({series.title, series.provider, series.folder, series.source_url})
            texts.data.update(series.description.split("\n"))
            for state in await services.library.episode_states(series):
                episode = state.episode
                texts.data.update({episode.title, episode.description, episode.file_path or ""})
        for item in services.downloads.items():
            texts.data.update({item.series_title, item.title, item.destination, item.url})
        texts.data.update({str(services.library_dir), str(paths.default_library), str(tmp_path)})
        # The source's tooltip names the module that logged (for a bug report): a name.
        activity = window.activity_panel.model
        texts.data.update(activity.entry(row).logger for row in range(activity.rowCount()))
        texts.data.update(
            action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            for action in window.commands.values()
        )
    return scenario


@pytest.fixture
def pseudo(tmp_path: Path) -> Iterator[Path]:
    """A translation that wraps every text in ⟦…⟧, made from the sources, installed."""
    folder = tmp_path / "pseudo"
    folder.mkdir()
    ts = folder / f"{translation.CATALOGUE}_de.ts"
    lupdate(ts, "de")
    tree = ET.parse(ts)
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        found = message.find("translation")
        assert found is not None
        found.attrib.pop("type", None)
        forms = list(found.iter("numerusform"))
        for form in forms:
            form.text = f"{OPEN}{source}{CLOSE}"
        if not forms:
            found.text = f"{OPEN}{source}{CLOSE}"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    lrelease(ts, ts.with_suffix(".qm"))
    shutil.copy(committed("en")[1], folder)
    installed = translation.install("de", directory=folder)
    assert installed.language == "de"
    try:
        yield folder
    finally:
        installed.remove()


@pytest.fixture
def german() -> Iterator[translation.Translation]:
    installed = translation.install("de")
    assert installed.language == "de" and len(installed.translators) == 3
    try:
        yield installed
    finally:
        installed.remove()


def untranslated(texts: Texts) -> list[str]:
    """Texts with words outside the ⟦translated⟧ parts, data and names."""
    return [f"{where}: {text!r}" for where, text in texts.found if words(residue(text, texts.data))]


@pytest.mark.qt_loop
async def test_every_visible_text_of_the_window_is_translatable(
    paths: Any, tmp_path: Path, pseudo: Path
) -> None:
    scenario = await run_scenario(paths, tmp_path)
    texts = scenario.texts
    assert len(texts.found) > 300  # the walk saw the window
    marked = [text for _where, text in texts.found if OPEN in text]
    assert len(marked) > 250  # and the pseudo translation was in force
    problems = untranslated(texts)
    assert not problems, "texts that never went through tr():\n" + "\n".join(problems)


def test_the_walk_notices_an_untranslated_text(qtbot: Any, pseudo: Path) -> None:
    """The check itself: a label set without tr() is caught, translated ones and data are not."""
    from PySide6.QtWidgets import QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    for text in (
        QCoreApplication.translate("MainWindow", "Activity"),
        "Harbor Lights S01E02 12.5 MiB",
        "Forgotten text",
    ):
        layout.addWidget(QLabel(text, root))
    texts = Texts(data={"Harbor Lights"})
    walk_widget(texts, root)
    assert [where for where, _text in texts.found] and untranslated(texts) == [
        "QLabel(-) text: 'Forgotten text'"
    ]


def english_sources() -> dict[str, str]:
    """English texts (mnemonics removed) whose German differs, with the German."""
    sources: dict[str, str] = {}
    for message in read_ts(committed("de")[0]).values():
        if message.numerus or _FIELD.search(message.source):
            continue
        english, german = _plain(message.source), _plain(message.forms[0])
        if english != german and words(english):
            sources[english] = german
    return sources


@pytest.mark.qt_loop
async def test_the_window_speaks_german(paths: Any, tmp_path: Path, german: Any) -> None:
    scenario = await run_scenario(paths, tmp_path)
    texts = scenario.texts
    english = english_sources()
    shown = [(where, _plain(text).strip()) for where, text in texts.found]
    left = [f"{where}: {text!r}" for where, text in shown if text in english]
    assert not left, "English texts in the German window:\n" + "\n".join(left)
    every = {text for _where, text in shown}
    for expected in ("Warteschlange", "Herunterladen", "Einstellungen", "Fortsetzen"):
        assert any(expected.casefold() in text.casefold() for text in every), expected

    # In each menu and dialog, a mnemonic (Alt+letter) leads to one entry.
    assert {"menu bar", "&Datei", "&Serien", "&Warteschlange", "settings", "tmdb"} <= set(
        scenario.mnemonics
    )
    for where, found in scenario.mnemonics.items():
        keys = [key for key in map(_mnemonic, found) if key]
        clashes = sorted({key for key in keys if keys.count(key) > 1})
        assert not clashes, f"{where}: {clashes} lead to more than one of {found}"

    # Qt's own texts come in German too: standard buttons and key names.
    assert scenario.cancel == "Abbrechen"
    assert "Serien filtern (Strg+F)" in every
    assert QLocale().language() == QLocale.Language.German


def _mnemonic(text: str) -> str:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).casefold() if found else ""


# --------------------------------------------------------------------------- 5. every state


def test_every_state_and_sentence_of_the_models_is_translatable(qtbot: Any, pseudo: Path) -> None:
    """Texts the scenario need not reach: each queue status, episode state, metadata state,
    every refusal of a link or a drop, time left, the tray's notifications."""
    from PySide6.QtCore import QMimeData, QUrl

    from aniworld_desktop.core.events import SeriesQueued
    from aniworld_desktop.core.models import (
        EpisodeRecord,
        EpisodeState,
        SeriesCounts,
        SeriesRecord,
        SeriesSummary,
    )
    from aniworld_desktop.core.status import DownloadStatus
    from aniworld_desktop.ui.activity import ActivityModel
    from aniworld_desktop.ui.dialogs import url_problem
    from aniworld_desktop.ui.drops import read_drop, read_pasted
    from aniworld_desktop.ui.episode_model import STATE_TEXT, EpisodeTreeModel, season_label
    from aniworld_desktop.ui.progress import format_remaining
    from aniworld_desktop.ui.queue_model import QueueTableModel
    from aniworld_desktop.ui.series_model import METADATA_TEXT, SeriesTableModel
    from aniworld_desktop.ui.tmdb_match_dialog import _parse_id
    from aniworld_desktop.ui.tray import auto_download_text, failed_text, finished_text
    from tests.ui.conftest import make_item

    texts = Texts(data={"Show", "Harbor Lights", "Paper Moons", "disk full", "x.mp4"})
    queue = QueueTableModel()
    queue.load([make_item(n, status=status) for n, status in enumerate(DownloadStatus, 1)])
    walk_model(texts, "queue", queue)
    for n in range(1, len(DownloadStatus) + 1):
        texts.data.update({f"Episode {n}", f"Show/Season 01/{n}.mp4"})
    queue.set_filter("zzz", None)
    texts.add("reorder", queue.reorder_refusal())
    queue.set_filter("", None)
    queue.sort(1, Qt.SortOrder.AscendingOrder)
    texts.add("reorder", queue.reorder_refusal())

    states = []
    for n, state in enumerate([*STATE_TEXT, "odd"], 1):
        record = EpisodeRecord(n, 1, 0 if state == "bonus" else 1, n, f"E{n}", "u")
        states.append(EpisodeState(record, state))
        texts.data.add(f"E{n}")
    episodes = EpisodeTreeModel()
    episodes.load(states)
    walk_model(texts, "episodes", episodes)
    texts.data.add("Odd")  # an unknown state is shown as it comes
    texts.add("season", season_label(0))
    texts.add("season", season_label(3))

    series = SeriesTableModel()
    series.load(
        [
            SeriesSummary(SeriesRecord(n, "Show", "feed", "u", "Show", metadata_state=state),
                          SeriesCounts(2, 1, 1, 0))
            for n, state in enumerate(METADATA_TEXT, 1)
        ]
    )  # fmt: skip
    texts.data.update({"feed", "u"})
    walk_model(texts, "series", series)

    import logging

    activity = ActivityModel()
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        activity.append([logging.LogRecord("aniworld_desktop.x", level, "p", 1, "m", None, None)])
    for row in range(activity.rowCount()):
        texts.add("level", activity.index(row, 1).data())

    for text in ("", "http://a b", "http://[x", "ftp://x", "http://", "https://ok.example"):
        texts.add("url problem", url_problem(text))
    for seconds in (5, 500, 50_000):
        texts.add("remaining", format_remaining(seconds))
    for text in ("", "https://example.org/x", "themoviedb.org/x", "12a", "0"):
        texts.add("tmdb id", _parse_id(text)[1])
    mimes = []
    for urls, text in (
        ([QUrl.fromLocalFile("/tmp/x.mp4")], None),
        ([QUrl("ftp://example.org/x")], None),
        ([QUrl("mailto:")], None),
        ([], "no links here"),
        ([], None),
    ):
        mime = QMimeData()
        if urls:
            mime.setUrls(urls)
        if text is not None:
            mime.setText(text)
        mimes.append(mime)
    for mime in mimes:
        texts.add("drop", read_drop(mime))
        texts.add("paste", read_pasted(mime))

    one = make_item(1, series_title="Harbor Lights")
    other = make_item(2, series_title="Paper Moons")
    nameless = make_item(3, series_title="")
    texts.add("tray", finished_text([one]))
    texts.add("tray", finished_text([one, other, nameless] + [make_item(n) for n in range(4, 9)]))
    texts.add("tray", failed_text([(one, "disk full"), (nameless, "")]))
    texts.add("tray", auto_download_text([SeriesQueued(1, "Harbor Lights", ("S01E01",))]))
    texts.add(
        "tray",
        auto_download_text(
            [
                SeriesQueued(1, "Harbor Lights", ("S01E01",)),
                SeriesQueued(2, "Paper Moons", ("S01E02",)),
            ]
        ),
    )
    texts.data.update({"/tmp", "ftp", "mailto"})
    assert len(texts.found) > 60
    problems = untranslated(texts)
    assert not problems, "texts that never went through tr():\n" + "\n".join(problems)


# --------------------------------------------------------------------------- 6. choosing


def test_the_language_comes_from_the_environment_then_the_system(qapp: Any) -> None:
    locale, explicit = translation.wanted_locale({translation.LANGUAGE_ENV: "de"})
    assert explicit and locale.language() == QLocale.Language.German
    locale, explicit = translation.wanted_locale({translation.LANGUAGE_ENV: " en_GB "})
    assert explicit and locale.language() == QLocale.Language.English
    locale, explicit = translation.wanted_locale({translation.LANGUAGE_ENV: "klingon-nonsense"})
    assert not explicit and locale == QLocale.system()
    locale, explicit = translation.wanted_locale({})
    assert not explicit and locale == QLocale.system()

    before = QLocale()
    chosen = translation.install(environ={translation.LANGUAGE_ENV: "de_AT"})
    try:
        assert chosen.language == "de"
        assert QCoreApplication.translate("WindowActions", "&Quit") == "&Beenden"
        assert QLocale().language() == QLocale.Language.German
    finally:
        chosen.remove()
    assert QLocale() == before
    assert QCoreApplication.translate("WindowActions", "&Quit") == "&Quit"


def test_a_language_without_a_translation_speaks_english(qapp: Any, tmp_path: Path) -> None:
    chosen = translation.install("fr")
    try:
        assert chosen.language == "en" and len(chosen.translators) == 1  # the English plurals
        assert QApplication.translate("WindowActions", "&Quit") == "&Quit"
        text = QCoreApplication.translate(
            "NotificationTexts", "Downloaded %n episode(s): {list}", None, 1
        )
        assert text == "Downloaded 1 episode: {list}"
    finally:
        chosen.remove()
    empty = translation.install("de", directory=tmp_path)  # no files at all: English, no error
    try:
        assert empty.language == "en" and empty.translators == []
    finally:
        empty.remove()


def test_the_translations_are_found_in_the_checkout() -> None:
    folder = translation.find_translation_dir()
    assert (folder / f"{translation.CATALOGUE}_de.qm").is_file()
    assert folder == TS_DIR


def test_german_plural_forms(german: Any) -> None:
    from aniworld_desktop.ui.tray import failed_text, finished_text
    from tests.ui.conftest import make_item

    one = make_item(1, series_title="Harbor Lights")
    assert finished_text([one]) == "1 Folge heruntergeladen: Harbor Lights S01E01"
    two = make_item(2, series_title="Harbor Lights")
    assert finished_text([one, two]) == "2 Folgen heruntergeladen: Harbor Lights S01E01\u2013E02"
    assert failed_text([(one, "HTTP 404")]).startswith("1 Download fehlgeschlagen: ")
