"""Kodi/Jellyfin NFO files: write them, merge them with what is on disk, read them back.

Everything here is pure except :func:`write_nfo`. Documents are built as ElementTree elements and
serialised by ElementTree, so ``&``, ``<``, quotes and ``]]>`` are escaped by the library rather
than by us; characters XML 1.0 forbids (most control characters) are removed from every value and
line breaks are normalised to ``\\n``, because a parser would turn a lone ``\\r`` into ``\\n``
anyway. Every document we read goes through defusedxml.

Merging an existing NFO (:func:`merge_nfo`) follows these rules:

* ``<lockdata>true</lockdata>`` in the existing file: the file is left alone.
* Elements we write ("owned" tags, see :data:`TVSHOW_TAGS` and friends) replace the existing
  elements of the same tag, at the position of the first of them. One exception: a
  ``<premiered>`` we only derived from the year (1 January, see :func:`tvshow_xml`) does not
  replace a date of that same year already in the file, which is more precise than ours. An owned tag we have no value
  for this time (a feed without genres, say) keeps whatever the file had, so a run with less
  information never erases what an earlier, richer run (or the user) wrote.
* ``<uniqueid>`` and ``<namedseason>`` are merged per ``type`` / ``number``: an id of a type we do
  not know (``anidb``, say) stays, but loses ``default="true"`` when we set a default of our own.
* Everything else (``<tag>``, ``<watched>``, ``<playcount>``, ``<lastplayed>``, ``<userrating>``,
  ``<lockdata>false</lockdata>``, comments, anything custom) stays where it was.
* When the merged document means the same as the existing one, the file is not rewritten.

An existing file that is not a readable NFO of the expected kind (broken XML, a Kodi "URL NFO"
holding only a link, a combination NFO with a link after the XML, another root element) is
copied to ``<name>.nfo.bak`` (``.bak.1``, ``.bak.2``... when that exists: a backup is never
overwritten) and then replaced by ours. Leaving it would keep the series without metadata
forever, and the repair scan would queue the same job on every run; the backup keeps every byte
the user wrote. The XML part of a combination NFO is still merged, so its tags survive in place.
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date
from pathlib import Path
from typing import Any

import defusedxml  # type: ignore[import-untyped]
import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped]

from aniworld_desktop.durable import write_atomic
from aniworld_desktop.metadata.errors import MetadataError

__all__ = [
    "EPISODE_TAGS",
    "REQUIRED_TVSHOW_TAGS",
    "SEASON_TAGS",
    "TVSHOW_TAGS",
    "Actor",
    "EpisodeInfo",
    "Rating",
    "SeasonInfo",
    "ShowInfo",
    "episode_xml",
    "merge_nfo",
    "missing_tvshow_tags",
    "read_episode",
    "read_nfo",
    "read_season",
    "read_tvshow",
    "season_xml",
    "tvshow_xml",
    "write_nfo",
    "year_premiere",
]

TVSHOW_TAGS: tuple[str, ...] = (
    "title",
    "originaltitle",
    "year",
    "plot",
    "runtime",
    "premiered",
    "status",
    "genre",
    "studio",
    "country",
    "actor",
    "ratings",
    "uniqueid",
    "namedseason",
)
"""The children of ``<tvshow>`` we write, in the order we write them."""

SEASON_TAGS: tuple[str, ...] = ("seasonnumber", "title", "plot", "premiered")
"""The children of ``<season>`` we write, in order."""

EPISODE_TAGS: tuple[str, ...] = (
    "title",
    "season",
    "episode",
    "aired",
    "plot",
    "runtime",
    "ratings",
    "uniqueid",
)
"""The children of ``<episodedetails>`` we write, in order."""

REQUIRED_TVSHOW_TAGS: tuple[str, ...] = (
    "title",
    "originaltitle",
    "year",
    "plot",
    "runtime",
    "premiered",
    "status",
    "imdbid",
    "genre",
    "studio",
    "country",
    "actor",
    "watched",
)
"""What the repair scan wants in every ``tvshow.nfo``; ``imdbid`` stands for an imdb id."""

_OWNED: dict[str, tuple[str, ...]] = {
    "tvshow": TVSHOW_TAGS,
    "season": SEASON_TAGS,
    "episodedetails": EPISODE_TAGS,
}
# Children merged one by one, matched by this attribute, instead of replaced as a group.
_KEYED: dict[str, str] = {"uniqueid": "type", "namedseason": "number"}

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 does not allow at all (tab, LF and CR are allowed; CR is normalised apart).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOCKED = re.compile(rb"<lockdata>\s*true\s*</lockdata>", re.IGNORECASE)
# Kodi's deepest NFO elements (fileinfo/streamdetails/video/codec) are four levels down.
_MAX_DEPTH = 64
_RATING_MAX = "10"


@dataclass(frozen=True, slots=True)
class Actor:
    """One cast member.

    Attributes:
        name: The actor's name; an actor without one is not written.
        role: The character played.
        thumb: URL of a portrait.
    """

    name: str
    role: str = ""
    thumb: str = ""


@dataclass(frozen=True, slots=True)
class Rating:
    """A score from one source, out of 10.

    Attributes:
        source: Who gave it, as Kodi names it ("themoviedb", "imdb", "tvdb").
        value: The score, 0 to 10.
        votes: How many votes it rests on.
        default: Whether media servers should show this one first.
    """

    source: str
    value: float
    votes: int = 0
    default: bool = False


@dataclass(frozen=True, slots=True)
class ShowInfo:
    """What ``tvshow.nfo`` says about a series.

    Attributes:
        title: The title shown in the library.
        original_title: The title in the original language.
        year: Year of the first episode; taken from ``premiered`` when None.
        plot: The description.
        runtime: Usual episode length in minutes.
        premiered: Date of the first episode.
        status: "Continuing" or "Ended", as Kodi spells them.
        genres: One ``<genre>`` each.
        studios: Networks or studios, one ``<studio>`` each.
        countries: Countries of origin, one ``<country>`` each.
        actors: The cast, in billing order.
        ratings: Scores; exactly one is written as the default.
        unique_ids: Ids by type ("tmdb", "imdb", "tvdb").
        default_id: Which type in ``unique_ids`` is the default; tmdb, else the first, when None.
        named_seasons: Season names by season number.
    """

    title: str
    original_title: str = ""
    year: int | None = None
    plot: str = ""
    runtime: int | None = None
    premiered: date | None = None
    status: str = ""
    genres: Sequence[str] = ()
    studios: Sequence[str] = ()
    countries: Sequence[str] = ()
    actors: Sequence[Actor] = ()
    ratings: Sequence[Rating] = ()
    unique_ids: Mapping[str, str] = field(default_factory=dict)
    default_id: str | None = None
    named_seasons: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeasonInfo:
    """What ``season.nfo`` says about one season.

    Attributes:
        season: The season number; 0 holds the specials.
        title: The season's name.
        plot: Its description.
        premiered: Date of its first episode.
    """

    season: int
    title: str = ""
    plot: str = ""
    premiered: date | None = None


@dataclass(frozen=True, slots=True)
class EpisodeInfo:
    """What ``<episode file>.nfo`` says about one episode.

    Attributes:
        title: The episode's title.
        season: Its season number.
        episode: Its number within the season.
        aired: First broadcast date.
        plot: Its description.
        unique_ids: Ids by type ("tmdb", "imdb", "tvdb").
        default_id: Which type in ``unique_ids`` is the default; tmdb, else the first, when None.
        ratings: Scores; exactly one is written as the default.
        runtime: Length in minutes.
    """

    title: str
    season: int
    episode: int
    aired: date | None = None
    plot: str = ""
    unique_ids: Mapping[str, str] = field(default_factory=dict)
    default_id: str | None = None
    ratings: Sequence[Rating] = ()
    runtime: int | None = None


# --- writing ----------------------------------------------------------------------------------


def tvshow_xml(show: ShowInfo) -> bytes:
    """Return ``tvshow.nfo`` for ``show``: UTF-8 with an XML declaration.

    ``<premiered>`` is written whenever a date or a year is known: Kodi reads a series' year
    from ``<premiered>`` alone (its series table has no year of its own; a ``<year>`` without
    it shows as 1970), so a series known only by its year gets 1 January of that year
    (:func:`year_premiere`). ``<year>`` is written too, for Jellyfin and older Kodi.
    """
    root = ET.Element("tvshow")
    _add(root, "title", show.title)
    _add(root, "originaltitle", show.original_title)
    year = show.year if show.year is not None else (show.premiered.year if show.premiered else None)
    _add(root, "year", year)
    _add(root, "plot", show.plot)
    _add(root, "runtime", show.runtime)
    _add(root, "premiered", show.premiered or (year_premiere(year) if year is not None else None))
    _add(root, "status", show.status)
    for tag, values in (
        ("genre", show.genres),
        ("studio", show.studios),
        ("country", show.countries),
    ):
        for value in values:
            _add(root, tag, value)
    order = 0
    for actor in show.actors:
        name = _clean(actor.name)
        if not name:
            continue
        element = ET.SubElement(root, "actor")
        _add(element, "name", name)
        _add(element, "role", actor.role)
        _add(element, "thumb", actor.thumb)
        _add(element, "order", order)
        order += 1
    _add_ratings(root, show.ratings)
    _add_unique_ids(root, show.unique_ids, show.default_id)
    for number, name in sorted(show.named_seasons.items()):
        text = _clean(name)
        if text:
            ET.SubElement(root, "namedseason", number=str(number)).text = text
    return _serialise(root)


def year_premiere(year: int) -> date | None:
    """The premiere written for a series known only by its year: 1 January of it.

    None for a year no date can hold (0, or five digits from a hostile feed).
    """
    if not MINYEAR <= year <= MAXYEAR:
        return None
    return date(year, 1, 1)


def season_xml(season: SeasonInfo) -> bytes:
    """Return ``season.nfo`` for ``season``: UTF-8 with an XML declaration."""
    root = ET.Element("season")
    _add(root, "seasonnumber", season.season)
    _add(root, "title", season.title)
    _add(root, "plot", season.plot)
    _add(root, "premiered", season.premiered)
    return _serialise(root)


def episode_xml(episode: EpisodeInfo) -> bytes:
    """Return ``<episode file>.nfo`` for ``episode``: UTF-8 with an XML declaration."""
    root = ET.Element("episodedetails")
    _add(root, "title", episode.title)
    _add(root, "season", episode.season)
    _add(root, "episode", episode.episode)
    _add(root, "aired", episode.aired)
    _add(root, "plot", episode.plot)
    _add(root, "runtime", episode.runtime)
    _add_ratings(root, episode.ratings)
    _add_unique_ids(root, episode.unique_ids, episode.default_id)
    return _serialise(root)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL_XML.sub("", text)


def _add(parent: ET.Element, tag: str, value: str | int | date | None) -> None:
    """Append ``<tag>value</tag>``, unless there is no value (None or empty once cleaned)."""
    if value is None:
        return
    text = value.isoformat() if isinstance(value, date) else _clean(str(value))
    if text:
        ET.SubElement(parent, tag).text = text


def _add_ratings(parent: ET.Element, ratings: Iterable[Rating]) -> None:
    usable = [(rating, _clean(rating.source)) for rating in ratings]
    usable = [(rating, source) for rating, source in usable if source]
    if not usable:
        return
    # Kodi takes the first default it meets; we make sure there is exactly one.
    default = next((i for i, (rating, _) in enumerate(usable) if rating.default), 0)
    block = ET.SubElement(parent, "ratings")
    for index, (rating, source) in enumerate(usable):
        element = ET.SubElement(
            block,
            "rating",
            name=source,
            max=_RATING_MAX,
            default="true" if index == default else "false",
        )
        _add(element, "value", _format_score(rating.value))
        _add(element, "votes", max(0, rating.votes))


def _format_score(value: float) -> str:
    # Three decimals are more than any source gives; "g" drops the trailing zeros of 8.0.
    return format(round(float(value), 3), "g")


def _add_unique_ids(parent: ET.Element, ids: Mapping[str, str], default_id: str | None) -> None:
    cleaned: dict[str, str] = {}
    for kind, value in ids.items():
        kind_text, value_text = _clean(kind), _clean(value)
        if kind_text and value_text:
            cleaned[kind_text] = value_text
    if not cleaned:
        return
    default = _pick_default(cleaned, None if default_id is None else _clean(default_id))
    for kind, value in cleaned.items():
        element = ET.SubElement(
            parent, "uniqueid", type=kind, default="true" if kind == default else "false"
        )
        element.text = value


def _pick_default(ids: Mapping[str, str], wanted: str | None) -> str:
    if wanted is not None and wanted in ids:
        return wanted
    if "tmdb" in ids:
        return "tmdb"
    return next(iter(ids))


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return _DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


# --- merging ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    content: bytes | None  # what to write; None: leave the file as it is
    backup: bool  # keep a copy of the existing file first: it was not a readable NFO


def merge_nfo(existing: bytes | None, new: bytes) -> bytes | None:
    """Merge our freshly written ``new`` NFO into the ``existing`` file's content.

    Args:
        existing: The file on disk, or None when there is none.
        new: Our document (from :func:`tvshow_xml`, :func:`season_xml` or :func:`episode_xml`).

    Returns:
        The bytes to write, or None when the file should be left alone: it is locked
        (``<lockdata>true</lockdata>``) or already says everything ``new`` says. For an existing
        file that is not a readable NFO this is ``new`` (or its merge with the XML part of a
        combination NFO); :func:`write_nfo` backs the old file up first.

    Raises:
        MetadataError: ``new`` is not one of our NFO documents.
    """
    return _plan(existing, new).content


def _plan(existing: bytes | None, new: bytes) -> _Plan:
    new_root = _parse_ours(new)
    if existing is None or not existing.strip():
        # Nothing there (or an empty file: nothing the user could lose).
        return _Plan(new, backup=False)
    old_root, clean = _parse_theirs(existing, str(new_root.tag))
    if old_root is None:
        # A file we cannot read may still say it is locked; that wish holds all the same.
        return _Plan(None, backup=False) if _LOCKED.search(existing) else _Plan(new, backup=True)
    if _is_locked(old_root):
        return _Plan(None, backup=False)
    merged = _merge(old_root, new_root)
    if clean and _canonical(merged) == _canonical(old_root):
        return _Plan(None, backup=False)
    return _Plan(_serialise(merged), backup=not clean)


def _parse_ours(data: bytes) -> ET.Element:
    try:
        root = _parse(data)
    except (ET.ParseError, defusedxml.DefusedXmlException) as exc:
        raise MetadataError(f"The new NFO document is not valid XML: {exc}.") from exc
    tag = root.tag
    if not isinstance(tag, str) or tag not in _OWNED:
        raise MetadataError(f"<{tag}> is not an NFO document we write.")
    return root


def _parse_theirs(data: bytes, root_tag: str) -> tuple[ET.Element | None, bool]:
    """Read an existing file; the flag says it was a clean NFO of the expected kind.

    A document nested deeper than any NFO is treated as unreadable: merging compares and
    serialises elements recursively, which such a document would take past Python's limit.
    """
    try:
        root = _parse(data)
    except (ET.ParseError, defusedxml.DefusedXmlException, ValueError):
        salvaged = _salvage(data, root_tag)
        return (salvaged if salvaged is not None and _shallow(salvaged) else None), False
    return (root, True) if root.tag == root_tag and _shallow(root) else (None, False)


def _shallow(root: ET.Element, limit: int = _MAX_DEPTH) -> bool:
    """Whether no element lies more than ``limit`` levels below ``root`` (checked without
    recursion)."""
    level: list[ET.Element] = [root]
    for _depth in range(limit):
        level = [child for element in level for child in element]
        if not level:
            return True
    return False


def _salvage(data: bytes, root_tag: str) -> ET.Element | None:
    """The XML part of a combination NFO (XML followed by a link), when there is one."""
    closing = f"</{root_tag}>".encode()
    end = data.rfind(closing)
    if end < 0:
        return None
    try:
        root = _parse(data[: end + len(closing)])
    except (ET.ParseError, defusedxml.DefusedXmlException, ValueError):
        return None
    return root if root.tag == root_tag else None


def _parse(data: bytes) -> ET.Element:
    # Keep comments: they are the user's, and merging must not drop them.
    parser = DefusedET.DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True))
    parser.feed(data)
    root: ET.Element = parser.close()
    return root


def _is_locked(root: ET.Element) -> bool:
    return any(
        (element.text or "").strip().lower() == "true" for element in root.findall("lockdata")
    )


def _merge(old_root: ET.Element, new_root: ET.Element) -> ET.Element:
    owned = _OWNED[str(new_root.tag)]
    result = list(old_root)
    for tag in owned:
        fresh = [element for element in new_root if element.tag == tag]
        if not fresh:
            # No value this time: whatever the file has stays.
            continue
        key = _KEYED.get(tag)
        if key is None:
            replaced = [element for element in result if element.tag == tag]
        else:
            keys = {element.get(key) for element in fresh}
            replaced = [
                element for element in result if element.tag == tag and element.get(key) in keys
            ]
            if any(element.get("default") == "true" for element in fresh):
                for element in result:
                    if (
                        element.tag == tag
                        and element not in replaced
                        and "default" in element.attrib
                    ):
                        element.set("default", "false")
        if tag == "premiered" and _keeps_precise_date(replaced, fresh):
            continue
        if replaced:
            position = result.index(replaced[0])
            result = [element for element in result if element not in replaced]
        else:
            position = _insert_position(result, tag, owned)
        result[position:position] = fresh
    merged = ET.Element(old_root.tag, old_root.attrib)
    merged.text = old_root.text
    merged.extend(result)
    return merged


def _keeps_precise_date(old: list[ET.Element], fresh: list[ET.Element]) -> bool:
    """Whether the file's ``<premiered>`` is a date of the year our 1 January stands for."""
    if len(old) != 1 or len(fresh) != 1:
        return False
    try:
        ours = date.fromisoformat((fresh[0].text or "").strip())
        theirs = date.fromisoformat((old[0].text or "").strip())
    except ValueError:
        return False
    return (ours.month, ours.day) == (1, 1) and theirs.year == ours.year


def _insert_position(children: list[ET.Element], tag: str, owned: tuple[str, ...]) -> int:
    """Right after the last of our elements that comes before ``tag``; else at the start."""
    earlier = set(owned[: owned.index(tag)])
    position = 0
    for index, element in enumerate(children):
        if element.tag in earlier or (element.tag == tag):
            position = index + 1
    return position


def _canonical(element: ET.Element) -> tuple[Any, ...]:
    """What an element means, without the indentation between elements."""
    text = element.text or ""
    if len(element) and not text.strip():
        text = ""
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        text,
        tuple(_canonical(child) for child in element),
    )


def write_nfo(path: Path, data: bytes) -> bool:
    """Merge ``data`` into the NFO at ``path`` and write it atomically if that changes it.

    Blocking file I/O: call it through ``asyncio.to_thread`` from a coroutine.

    Args:
        path: The NFO file; missing parent folders are created.
        data: Our document, as returned by one of the ``*_xml`` functions.

    Returns:
        True when the file was written, False when it was left as it was.

    Raises:
        MetadataError: ``data`` is not one of our NFO documents.
        OSError: The file or its folder cannot be read or written.
    """
    try:
        existing: bytes | None = path.read_bytes()
    except FileNotFoundError:
        existing = None
    plan = _plan(existing, data)
    if plan.content is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    if plan.backup and existing is not None:
        _back_up(path, existing)
    _write_atomic(path, plan.content)
    return True


def _back_up(path: Path, content: bytes) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 0
    while candidate.exists():
        with contextlib.suppress(OSError):
            if candidate.read_bytes() == content:
                return candidate
        number += 1
        candidate = path.with_name(f"{path.name}.bak.{number}")
    _write_atomic(candidate, content)
    return candidate


def _write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, so readers see old or new, never half."""
    write_atomic(path, content, keep_mode=True)


# --- reading ----------------------------------------------------------------------------------


def read_nfo(xml: bytes) -> dict[str, list[str]]:
    """Read an NFO into ``{tag: [text of each child with that tag]}``; includes ``"root"``.

    Children with children of their own (``<actor>``, ``<ratings>``) appear with an empty text;
    the typed readers below go deeper, and also read the XML part of a combination NFO.

    Raises:
        MetadataError: The document is not XML, or holds forbidden entity declarations.
    """
    root = _read_root(xml)
    result: dict[str, list[str]] = {"root": [str(root.tag)]}
    for child in root:
        if isinstance(child.tag, str):
            text = "" if len(child) else child.text or ""
            result.setdefault(child.tag, []).append(text)
    return result


def read_tvshow(xml: bytes) -> ShowInfo:
    """Read a ``tvshow.nfo`` back into a :class:`ShowInfo`; unknown tags are ignored."""
    root = _read_root(xml, "tvshow")
    ids, default_id = _read_unique_ids(root)
    return ShowInfo(
        title=_text(root, "title"),
        original_title=_text(root, "originaltitle"),
        year=_int(root, "year"),
        plot=_text(root, "plot"),
        runtime=_int(root, "runtime"),
        premiered=_date(root, "premiered"),
        status=_text(root, "status"),
        genres=_texts(root, "genre"),
        studios=_texts(root, "studio"),
        countries=_texts(root, "country"),
        actors=tuple(
            Actor(_text(actor, "name"), _text(actor, "role"), _text(actor, "thumb"))
            for actor in root.findall("actor")
        ),
        ratings=_read_ratings(root),
        unique_ids=ids,
        default_id=default_id,
        named_seasons={
            number: element.text or ""
            for element in root.findall("namedseason")
            if (number := _whole_number(element.get("number", ""))) is not None
        },
    )


def read_season(xml: bytes) -> SeasonInfo:
    """Read a ``season.nfo`` back into a :class:`SeasonInfo`."""
    root = _read_root(xml, "season")
    return SeasonInfo(
        season=_int(root, "seasonnumber") or 0,
        title=_text(root, "title"),
        plot=_text(root, "plot"),
        premiered=_date(root, "premiered"),
    )


def read_episode(xml: bytes) -> EpisodeInfo:
    """Read an episode NFO back into an :class:`EpisodeInfo`."""
    root = _read_root(xml, "episodedetails")
    ids, default_id = _read_unique_ids(root)
    return EpisodeInfo(
        title=_text(root, "title"),
        season=_int(root, "season") or 0,
        episode=_int(root, "episode") or 0,
        aired=_date(root, "aired"),
        plot=_text(root, "plot"),
        unique_ids=ids,
        default_id=default_id,
        ratings=_read_ratings(root),
        runtime=_int(root, "runtime"),
    )


def missing_tvshow_tags(xml: bytes) -> list[str]:
    """Which of :data:`REQUIRED_TVSHOW_TAGS` a ``tvshow.nfo`` lacks or leaves empty.

    An imdb id counts as present as ``<uniqueid type="imdb">`` or ``<imdbid>``, and is reported
    as ``"imdbid"`` when missing. A file that cannot be read lacks everything.
    """
    try:
        root = _read_root(xml, "tvshow")
    except MetadataError:
        return list(REQUIRED_TVSHOW_TAGS)
    checks: dict[str, Callable[[], bool]] = {
        "imdbid": lambda: (
            any(
                (element.text or "").strip()
                for element in root.iter("uniqueid")
                if (element.get("type") or "").lower() == "imdb"
            )
            or bool(_text(root, "imdbid").strip())
        ),
        "actor": lambda: any(_text(actor, "name").strip() for actor in root.findall("actor")),
    }
    missing = []
    for tag in REQUIRED_TVSHOW_TAGS:
        check = checks.get(tag)
        present = check() if check else any((e.text or "").strip() for e in root.findall(tag))
        if not present:
            missing.append(tag)
    return missing


def _read_root(xml: bytes, expected: str | None = None) -> ET.Element:
    try:
        root = _parse(xml)
    except (ET.ParseError, defusedxml.DefusedXmlException, ValueError) as exc:
        root_or_none = _salvage(xml, expected) if expected else None
        if root_or_none is None:
            raise MetadataError(f"This NFO file is not valid XML: {exc}.") from exc
        root = root_or_none
    if expected is not None and root.tag != expected:
        raise MetadataError(f"This NFO file describes <{root.tag}>, not <{expected}>.")
    return root


def _text(parent: ET.Element, tag: str) -> str:
    element = parent.find(tag)
    return "" if element is None else element.text or ""


def _texts(parent: ET.Element, tag: str) -> tuple[str, ...]:
    return tuple(element.text or "" for element in parent.findall(tag))


def _int(parent: ET.Element, tag: str) -> int | None:
    return _whole_number(_text(parent, tag))


def _whole_number(text: str) -> int | None:
    # int() refuses "²", "--5" and 5,000 digits with a ValueError: a file's odd number is none.
    try:
        return int(text.strip())
    except ValueError:
        return None


def _date(parent: ET.Element, tag: str) -> date | None:
    try:
        return date.fromisoformat(_text(parent, tag).strip())
    except ValueError:
        return None


def _read_ratings(root: ET.Element) -> tuple[Rating, ...]:
    ratings = []
    for element in root.findall("ratings/rating"):
        try:
            value = float(_text(element, "value"))
        except ValueError:
            continue
        ratings.append(
            Rating(
                source=element.get("name", ""),
                value=value,
                votes=_int(element, "votes") or 0,
                default=element.get("default") == "true",
            )
        )
    return tuple(ratings)


def _read_unique_ids(root: ET.Element) -> tuple[dict[str, str], str | None]:
    ids: dict[str, str] = {}
    default: str | None = None
    for element in root.findall("uniqueid"):
        kind = element.get("type", "")
        ids[kind] = element.text or ""
        if element.get("default") == "true" and default is None:
            default = kind
    return ids, default
