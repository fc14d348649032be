"""Text of feed items: titles and descriptions as plain, tidy, bounded text.

A part of :mod:`aniworld_desktop.providers.feed` (not an API of its own). feedparser hands HTML
through as written (its sanitizer is off, see ``_run_feedparser``); here it is reduced to text,
control characters go, and titles and descriptions are trimmed to a length the window can show.
The safe lookups into feedparser's result that every part of the feed reader uses live here too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

MAX_DESCRIPTION_CHARS = 2000
MAX_TITLE_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _title_text(node: Mapping[str, Any], key: str = "title") -> str:
    """A one-line title: HTML reduced to text, control characters gone."""
    text = _plain(node, key)
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()
    return _trim(text, MAX_TITLE_CHARS)


def _longest_text(node: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    texts = [_plain(node, key) for key in keys]
    return _trim(max(texts, key=len), MAX_DESCRIPTION_CHARS)


def _entry_description(entry: Mapping[str, Any]) -> str:
    text = _plain(entry, "summary")
    if not text:
        for content in _sequence(_field(entry, "content")):
            if isinstance(content, Mapping):
                text = _plain_value(_text(_field(content, "value")), _text(_field(content, "type")))
                if text:
                    break
    return _trim(text, MAX_DESCRIPTION_CHARS)


def _plain(node: Mapping[str, Any], key: str) -> str:
    detail = _mapping(_field(node, f"{key}_detail"))
    return _plain_value(_text(_field(node, key)), _text(_field(detail, "type")))


def _plain_value(value: str, content_type: str) -> str:
    if not value:
        return ""
    if content_type == "text/plain" or ("<" not in value and "&" not in value):
        return _tidy(value)
    return _tidy(_html_to_text(value))


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, a line break per block, no scripts or styles."""

    _BLOCKS = frozenset(
        {"p", "br", "div", "li", "ul", "ol", "tr", "blockquote", "pre", "hr", "section", "h1",
         "h2", "h3", "h4", "h5", "h6"}
    )  # fmt: skip
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_to_text(markup: str) -> str:
    parser = _TextOnly()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser still asserts on some malformed markup
        return re.sub(r"<[^>]*>", " ", markup)
    return "".join(parser.parts)


def _tidy(text: str) -> str:
    """Collapse spaces per line and runs of blank lines; drop control characters."""
    text = _CONTROL_BUT_NEWLINE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:  # end on a word when one ends near the limit
        cut = cut[:space]
    return cut.rstrip() + "…"


# --- Safe lookups into feedparser's result ------------------------------------------------


def _field(node: object, *keys: str) -> Any:
    """``node[key][key2]...`` or None.

    A plain dict lookup: FeedParserDict's own is slow, and warns when it maps a missing
    ``updated_parsed`` onto ``published_parsed``.
    """
    for key in keys:
        if isinstance(node, dict):
            node = dict.get(node, key)
        elif isinstance(node, Mapping):
            node = node.get(key)
        else:
            return None
    return node


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
