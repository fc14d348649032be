"""Helpers the models and rooms share: header data, tables of texts and tr() without a QObject."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator

from aniworld_desktop.ui.table_headers import table_header, translated

ACROSS, DOWN = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
DISPLAY, TIP = Qt.ItemDataRole.DisplayRole.value, Qt.ItemDataRole.ToolTipRole.value


class Upper(QTranslator):
    """Translates every text into capitals, with the context it was asked in."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return f"{context}: {source.upper()}"


@pytest.fixture
def upper(qapp: QCoreApplication) -> Iterator[None]:
    translator = Upper()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_columns_across_have_their_titles_and_rows_down_their_numbers() -> None:
    headers = {0: "Title", 1: "Year"}
    assert [table_header(headers, n, ACROSS, DISPLAY) for n in range(3)] == ["Title", "Year", None]
    assert [table_header(headers, n, DOWN, DISPLAY) for n in range(3)] == ["1", "2", "3"]
    assert table_header(headers, 0, ACROSS, TIP) is None
    assert table_header(headers, 0, DOWN, TIP) is None


def test_a_table_of_texts_is_translated_in_its_own_context(upper: None) -> None:
    texts = {1: "Title", 2: "Year"}
    assert translated("TestTable", texts) == {1: "TestTable: TITLE", 2: "TestTable: YEAR"}
    assert translated("ElseWhere", {"x": "Year"}) == {"x": "ElseWhere: YEAR"}
    assert texts == {1: "Title", 2: "Year"}  # the marked table itself stays as it is


def test_a_plain_class_translates_under_its_own_name(upper: None) -> None:
    from aniworld_desktop.ui.translation import PlainTr

    class Commands(PlainTr):
        pass

    assert Commands().tr("Remove") == "Commands: REMOVE"
    assert Commands().tr("%n file(s)", "", 2) == "Commands: %N FILE(S)"
