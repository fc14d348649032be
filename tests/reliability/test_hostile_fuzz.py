"""Fuzzing what reads names and documents from outside: they fail only in their documented ways,
and nothing they produce leads out of the library.

- ``core.recognise`` (``parse_file_name``, ``recognise``, ``recognise_title``): a reading or
  None, never an exception.
- ``core.naming``: ``safe_component`` gives one harmless path component for any text;
  ``NamingTemplate`` either refuses a template (ValueError) or renders paths that stay inside
  the library root, checked by creating the file and resolving it.
- ``providers.feed.parse_feed``: a series or a ProviderError, for any bytes and for generated
  hostile feeds (entities in any encoding, links of any scheme); whatever it returns links
  only http(s).
- ``metadata.nfo`` readers: a result or a MetadataError; ``merge_nfo``/``write_nfo`` take any
  existing file without failing.
- ``library.scanner.ScanCache.load``: any cache file gives a cache (empty when unreadable), and a
  tampered one cannot lead the scan out of the library.

Each property has a moderate ``max_examples`` so that the module stays well under a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import unicodedata
from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aniworld_desktop.core.naming import (
    MAX_COMPONENT_BYTES,
    NamingTemplate,
    episode_path,
    safe_component,
)
from aniworld_desktop.core.recognise import (
    ParsedFile,
    is_video,
    parse_file_name,
    recognise_title,
)
from aniworld_desktop.library import scanner
from aniworld_desktop.library.scanner import ScanCache, scan_library
from aniworld_desktop.metadata.errors import MetadataError
from aniworld_desktop.metadata.nfo import (
    EpisodeInfo,
    SeasonInfo,
    ShowInfo,
    episode_xml,
    merge_nfo,
    missing_tvshow_tags,
    read_episode,
    read_nfo,
    read_season,
    read_tvshow,
    season_xml,
    tvshow_xml,
    write_nfo,
)
from aniworld_desktop.providers.base import ProviderError, SeriesInfo
from aniworld_desktop.providers.feed import parse_feed

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEW = settings(FUZZ, max_examples=60)

# Text that reaches the interesting corners: separators, dots, control and format characters,
# right-to-left overrides, Windows device names, surrogates, wide characters.
TRICKY = st.sampled_from(
    ["..", ".", "/", "\\", "\x00", "\x1b", "\u202e", "\u200b", "\ufeff", "\ud800", "CON", "nul",
     "COM1", "lpt9", "COM\u00b9", "AUX.", " ", ":", "*", "?", "~", "$", "%2e%2e", "\u00e9",
     "e\u0301", "\U0001f600", "\u3000", "\u2028", "S01E02", "1x02", "Season 1", "Specials",
     "Extras", "[Group]", "(2024)", ".mkv", ".part", "-", "_", "\u0663", "\u00b2"]
)  # fmt: skip
NAME_TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=8).map("".join)


def _inside(root: Path, relative: str) -> Path:
    """Create ``root/relative`` for real and return it, failing if it resolves outside root."""
    target = (root / relative).resolve()
    target.relative_to(root.resolve())  # raises ValueError when outside
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()
    return target


# --- file names -----------------------------------------------------------------------------------


VIDEO_SUFFIX = st.sampled_from([".mkv", ".MP4", ".avi", ".m2ts", ".ts", ".webm", ".txt", ""])


@FUZZ
@given(folders=st.lists(NAME_TEXT, max_size=4), stem=NAME_TEXT, suffix=VIDEO_SUFFIX)
@example(folders=["Season 1"], stem="\u00b2", suffix=".mkv")
@example(folders=["S\u0663"], stem="E\u0663\u0663", suffix=".mkv")
@example(folders=["Extras", "Season 99999999"], stem="9" * 5000, suffix=".mkv")
def test_file_name_parser_never_crashes(folders: list[str], stem: str, suffix: str):
    path = "/".join([*folders, stem + suffix])
    is_video(path)
    parsed = parse_file_name(path)
    assert parsed is None or isinstance(parsed, ParsedFile)
    if parsed is not None:
        assert isinstance(parsed.series, str)
        for number in (parsed.season, parsed.episode, parsed.episode_end, parsed.absolute):
            assert number is None or (isinstance(number, int) and number >= 0)
    parse_file_name(PurePosixPath(path) if path else PurePosixPath("x"))
    for reading in (
        recognise_title(stem + suffix),
        recognise_title(stem + suffix, markers_only=True),
    ):
        assert reading is None or isinstance(reading, ParsedFile)


# --- the sanitiser and the naming template --------------------------------------------------------


def _windows_device(component: str) -> bool:
    base = component.split(".")[0].rstrip(" ").upper()
    return base in {"CON", "PRN", "AUX", "NUL"} or (
        len(base) == 4 and base[:3] in ("COM", "LPT") and base[3] in "123456789\u00b9\u00b2\u00b3"
    )


def assert_safe_component(component: str, max_bytes: int = MAX_COMPONENT_BYTES) -> None:
    assert component, "empty"
    assert component not in (".", ".."), component
    assert not set(component) <= {"."}, component
    assert "/" not in component and "\\" not in component and "\x00" not in component
    assert component == component.strip(" ."), f"leading or trailing space or dot: {component!r}"
    assert len(component.encode("utf-8")) <= max_bytes
    assert not _windows_device(component), f"a Windows device name: {component!r}"
    for char in component:
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cf", "Cs"), f"{char!r} ({category}) in {component!r}"
        assert char not in '<>:"|?*'


@FUZZ
@given(text=st.one_of(NAME_TEXT, st.text()), fallback=st.sampled_from(["untitled", "x"]))
@example(text="CON" + " ." * 100 + " " + "x" * 10, fallback="untitled")
@example(text="CON .mkv", fallback="untitled")
@example(text="com\u00b9.txt", fallback="untitled")
@example(text="\u00e9" * 150, fallback="untitled")
def test_safe_component_is_always_one_harmless_component(text: str, fallback: str):
    assert_safe_component(safe_component(text, fallback))


FIELD = st.sampled_from(
    ["{series}", "{year}", "{season}", "{season:02}", "{season:03d}", "{episode}",
     "{episode:02}", "{episode:>4}", "{title}", "{title!r}", "{series!s}", "{absolute:03}",
     "({year})", " - {title}", "S{season:02}E{episode:02}"]
)  # fmt: skip
LITERAL = st.one_of(TRICKY, st.text(alphabet=st.characters(exclude_characters="{}"), max_size=6))
COMPONENT = st.lists(st.one_of(FIELD, LITERAL), min_size=1, max_size=5).map("".join)
TEMPLATE = st.lists(COMPONENT, min_size=1, max_size=4).map(lambda parts: "/".join(parts))


@FUZZ
@given(
    template=st.one_of(st.just(None), TEMPLATE, st.text(max_size=40)),
    series=NAME_TEXT,
    title=NAME_TEXT,
    folder=st.one_of(st.none(), NAME_TEXT),
    year=st.one_of(st.none(), st.integers(-5, 99999)),
    season=st.integers(0, 10_000),
    episode=st.integers(0, 100_000),
    absolute=st.one_of(st.none(), st.integers(0, 100_000)),
    suffix=st.one_of(st.sampled_from([".mkv", ".mp4", ""]), st.text(max_size=8)),
)
@example(template="../../{series}/{episode}", series="..", title="..", folder="..",
         year=None, season=1, episode=1, absolute=None, suffix="/../../x")  # fmt: skip
@example(template="{series}/{title}{episode}", series="x", title="/etc/passwd", folder="../..",
         year=None, season=0, episode=1, absolute=None, suffix=".mkv")  # fmt: skip
def test_naming_template_never_leads_out_of_the_library(
    template: str | None,
    series: str,
    title: str,
    folder: str | None,
    year: int | None,
    season: int,
    episode: int,
    absolute: int | None,
    suffix: str,
):
    try:
        naming = NamingTemplate() if template is None else NamingTemplate(template)
    except ValueError:
        return  # a template it refuses, with a reason: documented
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "library"
        root.mkdir()
        relative = naming.render(
            series=series, year=year, season=season, episode=episode, title=title,
            absolute=absolute, suffix=suffix, folder=folder,
        )  # fmt: skip
        parts = relative.split("/")
        assert len(parts) == len(naming.components)
        for part in parts:
            assert_safe_component(part)
        created = _inside(root, relative)
        assert created.is_file()
        assert_safe_component(naming.series_folder(series, year))
        legacy = episode_path(series, season, episode, title, suffix)
        _inside(root, legacy)
        assert {p.name for p in Path(temporary).iterdir()} == {"library"}


# --- feeds -----------------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=3000))
@example(b"\x4c\x6f\xa7\x94" + b"\x00" * 10)
@example(b"\xff\xfe<\x00")
def test_feed_reader_takes_any_bytes(body: bytes):
    _check_feed_result(body, charset=None)


URL = st.one_of(
    st.sampled_from(
        ["http://127.0.0.1:9/e.mp4", "https://cdn.example.test/a.mkv", "file:///etc/passwd",
         "ftp://127.0.0.1/x.mp4", "data:video/mp4;base64,AAAA", "javascript:alert(1)",
         "gopher://127.0.0.1/_x", "//127.0.0.1/rel.mp4", "rel.mp4", "../../../etc/passwd",
         "jar:file:///x.zip!/a.mp4", "http:///nohost.mp4", " FILE:///etc/shadow ",
         "http://[::1]:9/v6.mp4", "http://127.0.0.1:9/\r\nX-Injected: 1", ""]
    ),
    st.text(max_size=30),
)  # fmt: skip
MARKER = "ENTITYVALUEMARKER"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def hostile_feed(draw: st.DrawFn) -> tuple[bytes, str | None]:
    declare = draw(
        st.sampled_from(["none", "internal", "nested", "external", "parameter", "comment"])
    )
    prolog = {
        "none": "",
        "internal": f'<!DOCTYPE rss [\n<!ENTITY a "{MARKER}">\n]>\n',
        "nested": f'<!DOCTYPE rss [\n<!ENTITY b "{MARKER}">\n<!ENTITY a "&b;&b;">\n]>\n',
        "external": '<!DOCTYPE rss [\n<!ENTITY a SYSTEM "file:///etc/passwd">\n]>\n',
        "parameter": '<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd">\n%p;\n]>\n',
        "comment": f'<!--\n<!DOCTYPE rss [\n<!ENTITY a "{MARKER}">\n]>\n-->\n',
    }[declare]
    padding = draw(st.sampled_from(["", "junk\n", " " * 70_000, "<!-- -- -->\n"]))
    items = []
    for number in range(draw(st.integers(0, 4))):
        url, image = draw(URL), draw(URL)
        base = draw(st.one_of(st.just(""), URL))
        title = draw(st.sampled_from(["&a;", "S01E0{n}", "", "&amp;", "<b>x</b>", "&#0;"]))
        media_type = draw(st.sampled_from(["video/mp4", "", "audio/mpeg", "text/html"]))
        claimed = draw(st.sampled_from(["1", "&a;", "-1", "3.5", "99999999999", ""]))
        base_attribute = f' xml:base="{_escape(base)}"' if base else ""
        items.append(
            f"<item{base_attribute}>"
            f"<title>{title.format(n=number)}</title><guid>{number}</guid>"
            f'<enclosure url="{_escape(url)}" type="{media_type}"/>'
            f'<itunes:image href="{_escape(image)}"/>'
            f"<podcast:episode>{claimed}</podcast:episode></item>"
        )
    document = (
        f'<?xml version="1.0"?>\n{padding}{prolog}<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0">'
        f"<channel><title>{draw(st.sampled_from(['&a;', 'T', '']))}</title>"
        f'<itunes:image href="{_escape(draw(URL))}"/>'
        + "".join(items)
        + draw(st.sampled_from(["</channel></rss>", "</chanel></rss>", "</channel>"]))
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-7", "cp037", "latin-1"]))
    body = document.encode(encoding, "replace")
    charset = draw(st.sampled_from([None, encoding, "utf-8", "utf-7", "bogus-charset"]))
    return body, charset


@FEW
@given(hostile_feed())
def test_feed_reader_takes_hostile_feeds(feed: tuple[bytes, str | None]):
    body, charset = feed
    _check_feed_result(body, charset)


def _check_feed_result(body: bytes, charset: str | None) -> None:
    try:
        info = parse_feed(body, "http://127.0.0.1:9/feed.xml", charset=charset)
    except ProviderError:
        return
    assert isinstance(info, SeriesInfo)
    links = [info.poster_url, info.fanart_url]
    for episode in info.episodes:
        links += [episode.url, episode.image_url]
        assert MARKER not in episode.title and MARKER not in episode.description
        assert episode.season >= 0 and (episode.number is None or episode.number >= 0)
    assert MARKER not in info.title and MARKER not in info.description
    for link in filter(None, links):
        assert link.startswith(("http://", "https://")), link
        assert not any(ord(char) < 32 for char in link), link
    assert "root:" not in repr(info)


# --- NFO files ----------------------------------------------------------------------------------


TAGS = st.sampled_from(
    ["title", "year", "plot", "runtime", "premiered", "aired", "season", "episode",
     "seasonnumber", "namedseason", "uniqueid", "ratings", "rating", "value", "votes", "actor",
     "name", "role", "thumb", "genre", "lockdata", "x"]
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(["1", "-1", "\u00b2", "--5", "9" * 5000, "nan", "inf", "1e999", "2024-02-30",
                     "true", "", " 7 ", "\u0663", "0x10"]),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=10),
)  # fmt: skip


@st.composite
def nfo_element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(TAGS)
    attributes = "".join(
        f' {name}="{_escape(draw(VALUES))}"'
        for name in draw(
            st.lists(
                st.sampled_from(["number", "type", "default", "name"]), max_size=2, unique=True
            )
        )
    )
    if depth < 3 and draw(st.booleans()):
        children = "".join(draw(st.lists(nfo_element(depth + 1), max_size=3)))
    else:
        children = _escape(draw(VALUES))
    return f"<{tag}{attributes}>{children}</{tag}>"


@st.composite
def nfo_document(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["tvshow", "season", "episodedetails", "movie"]))
    body = "".join(draw(st.lists(nfo_element(), max_size=6)))
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{body}</{root}>'
    text += draw(st.sampled_from(["", "\nhttps://www.themoviedb.org/tv/1", "<", "&bad;"]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16"])))


READERS = (read_nfo, read_tvshow, read_season, read_episode)
OURS = (
    tvshow_xml(ShowInfo(title="Harbor Lights", year=2024, named_seasons={1: "One"})),
    season_xml(SeasonInfo(season=1, title="One")),
    episode_xml(EpisodeInfo(title="Fog", season=1, episode=1, aired=date(2024, 1, 1))),
)


def _check_nfo(document: bytes) -> None:
    for reader in READERS:
        with contextlib.suppress(MetadataError):
            reader(document)
    assert isinstance(missing_tvshow_tags(document), list)
    for ours in OURS:
        merged = merge_nfo(document, ours)
        assert merged is None or isinstance(merged, bytes)
        if merged is not None:
            read_nfo(merged)  # what we write, we can read back


@FUZZ
@given(st.binary(max_size=2000))
@example(b"<tvshow><namedseason number='\xc2\xb2'>x</namedseason></tvshow>")
@example(b"<tvshow><namedseason number='--5'>x</namedseason></tvshow>")
@example(b"<tvshow><namedseason number='" + b"9" * 5000 + b"'>x</namedseason></tvshow>")
@example(b"<tvshow>" + b"<a>" * 2000 + b"</a>" * 2000 + b"</tvshow>")
@example(b"<tvshow>" + b"<a>" * 2000 + b"</a>" * 2000 + b"</tvshow>\nhttps://x.test/1")
def test_nfo_readers_take_any_bytes(document: bytes):
    _check_nfo(document)


@FEW
@given(nfo_document())
def test_nfo_readers_take_any_structure(document: bytes):
    _check_nfo(document)


@FEW
@given(document=st.one_of(nfo_document(), st.binary(max_size=500)))
def test_write_nfo_takes_any_existing_file(document: bytes):
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / "Series" / "tvshow.nfo"
        path.parent.mkdir()
        path.write_bytes(document)
        written = write_nfo(path, OURS[0])
        names = set(os.listdir(path.parent))
        assert names <= {"tvshow.nfo", "tvshow.nfo.bak"}, names
        if "tvshow.nfo.bak" in names:
            assert path.with_name("tvshow.nfo.bak").read_bytes() == document
        if written:
            read_tvshow(path.read_bytes())  # ours now, and readable
        else:
            assert path.read_bytes() == document  # locked, or already saying it all


# --- the scan cache -------------------------------------------------------------------------------


@FEW
@given(st.binary(max_size=2000))
@example(b"[" * 5_000 + b"]" * 5_000)
@example(
    b'{"format": "aniworld-desktop scan cache", "version": 2, "parser": 1, "folders": '
    + b"[" * 5_000
    + b"]" * 5_000
    + b"}"
)
def test_scan_cache_takes_any_file(data: bytes):
    with tempfile.TemporaryDirectory() as temporary:
        file = Path(temporary) / "scan-cache.json"
        file.write_bytes(data)
        cache = ScanCache.load(file)
        assert isinstance(cache, ScanCache)


@pytest.mark.parametrize(
    "name", ["..", "../outside", "a/../../outside", "/tmp", ".hidden", "x\x00y", ""]
)
def test_a_tampered_scan_cache_cannot_lead_the_scan_out_of_the_library(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
):
    # Trust folder times at once (the scanner waits 2 s for a folder's time to settle), so
    # that the second scan takes the folders from the tampered cache instead of listing them.
    monkeypatch.setattr(scanner, "_RACY_WINDOW_NS", 0)
    root = tmp_path / "library"
    (root / "Series").mkdir(parents=True)
    (root / "Series" / "Series - S01E01.mkv").write_bytes(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Other - S01E01.mkv").write_bytes(b"x")
    cache = ScanCache()
    result = scan_library(root, cache)
    cache_file = tmp_path / "scan-cache.json"
    cache.save(cache_file)
    # Tamper: claim the series folder has a sub-folder (and a video) named ``name``.
    payload = json.loads(cache_file.read_text())
    for record in payload["folders"].values():
        record[1].append(name)
    payload["folders"]["Series/"][2].append(name + ".mkv")
    for column in (3, 4):
        payload["folders"]["Series/"][column].append(1)
    for column in range(5, 11):
        payload["folders"]["Series/"][column].append(None)
    cache_file.write_text(json.dumps(payload))
    tampered = ScanCache.load(cache_file)
    result = scan_library(root, tampered)
    assert [file.path for file in result.files] == ["Series/Series - S01E01.mkv"]
    for file in result.files:
        _inside(root, file.path)
