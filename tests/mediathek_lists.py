"""Film lists in MediathekView's published format, made up for tests and benchmarks.

Written the way MServer writes them: the meta header, the field-name row, then one ``"X"`` key
per film; an empty channel or topic when it repeats the film before; small and HD URLs relative
to the main one (``"<n>|<suffix>"``); the date as German ``dd.MM.yyyy`` / ``HH:mm:ss`` and as
epoch seconds. xz-compressed as the published ``Filmliste-akt.xz`` is, unless asked otherwise.
"""

from __future__ import annotations

import json
import lzma
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aniworld_desktop.providers.mediathek.filmlist import FIELD_NAMES

GERMANY = ZoneInfo("Europe/Berlin")
CREATED = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One film as a test writes it (full URLs; the writer makes them relative)."""

    channel: str
    topic: str
    title: str
    url: str
    aired: int = 1_763_000_000  # epoch seconds
    duration: str = "00:44:30"
    size_mb: str = "512"
    description: str = ""
    website: str = ""
    subtitle: str = ""
    small: str = ""
    hd: str = ""
    geo: str = ""
    new: bool = False


def relative(url: str, other: str) -> str:
    """``other`` as MServer writes it: ``"<n>|<suffix>"`` after the prefix shared with ``url``."""
    if not other:
        return ""
    n = 0
    for a, b in zip(url, other, strict=False):
        if a != b:
            break
        n += 1
    return f"{n}|{other[n:]}"


def row(entry: ListEntry, previous: ListEntry | None) -> list[str]:
    """The entry's fields, in the published order, with the repeated-field rule applied."""
    when = datetime.fromtimestamp(entry.aired, GERMANY)
    same_channel = previous is not None and previous.channel == entry.channel
    same_topic = same_channel and previous is not None and previous.topic == entry.topic
    return [
        "" if same_channel else entry.channel,
        "" if same_topic else entry.topic,
        entry.title,
        when.strftime("%d.%m.%Y"),
        when.strftime("%H:%M:%S"),
        entry.duration,
        entry.size_mb,
        entry.description,
        entry.url,
        entry.website,
        entry.subtitle,
        "",
        relative(entry.url, entry.small),
        "",
        relative(entry.url, entry.hd),
        "",
        str(entry.aired),
        "",
        entry.geo,
        "true" if entry.new else "false",
    ]


def film_list_text(
    entries: Iterable[ListEntry],
    *,
    created: datetime = CREATED,
    list_id: str = "0123456789abcdef0123456789abcdef",
    columns: Iterable[str] = FIELD_NAMES,
) -> Iterator[str]:
    """The list as JSON text, in pieces (a 700,000-film list never sits in memory whole)."""
    local = created.astimezone(GERMANY)
    meta = [
        local.strftime("%d.%m.%Y, %H:%M"),
        created.strftime("%d.%m.%Y, %H:%M"),
        "3",
        "MSearch [Vers.: 3.1.240]",
        list_id,
    ]
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield '{"Filmliste":' + dump(meta) + ',"Filmliste":' + dump(list(columns))
    previous: ListEntry | None = None
    pieces: list[str] = []
    for entry in entries:
        pieces.append(',"X":' + dump(row(entry, previous)))
        previous = entry
        if len(pieces) >= 1000:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "}"


def write_film_list(
    path: Path,
    entries: Iterable[ListEntry] | None = None,
    *,
    text: Iterable[str] | None = None,
    compress: bool = True,
    preset: int = 1,
    **options: object,
) -> Path:
    """Write a film list (xz unless ``compress`` is False) from entries or from ready text."""
    pieces = text if text is not None else film_list_text(entries or (), **options)  # type: ignore[arg-type]
    if not compress:
        with path.open("w", encoding="utf-8") as file:
            for piece in pieces:
                file.write(piece)
        return path
    compressor = lzma.LZMACompressor(preset=preset)
    with path.open("wb") as file:
        for piece in pieces:
            file.write(compressor.compress(piece.encode("utf-8")))
        file.write(compressor.flush())
    return path


def film_list_bytes(entries: Iterable[ListEntry], **options: object) -> bytes:
    """A whole xz-compressed list in memory (small lists for the loopback server)."""
    text = "".join(film_list_text(entries, **options))  # type: ignore[arg-type]
    return lzma.compress(text.encode("utf-8"), preset=1)


# --- Made-up catalogues ------------------------------------------------------------------------

CHANNELS = ("ARD", "ZDF", "3Sat", "ARTE.DE", "KiKA", "SWR", "NDR", "BR", "ORF", "SRF", "PHOENIX")
WORDS = (
    "Terra", "Expedition", "Küste", "Nordsee", "Alpen", "Wildnis", "Geschichte", "Krimi", "Stadt",
    "Land", "Fluss", "Leben", "Reise", "Wissen", "Natur", "Großstadt", "Märchen", "Abenteuer",
    "Heimat", "Kommissar", "Garten", "Küche", "Dorf", "Insel", "Brücke", "Sterne", "Wetter",
    "Schule", "Tiere", "Meer", "Wald", "Berge", "Nacht", "Sommer", "Winter", "Familie",
)  # fmt: skip
STYLES = ("season", "staffel", "folge", "teil", "dated")


def _episode_title(style: str, season: int, number: int, name: str) -> str:
    if style == "season":
        return f"{name} (S{season:02}/E{number:02})"
    if style == "staffel":
        return f"{name} - (Staffel {season}, Folge {number})"
    if style == "folge":
        return f"Folge {number}: {name}"
    if style == "teil":
        return f"{name} - Teil {number}"
    return f"{name} vom {number:02}.03.2026"


def generated_entries(
    count: int, *, seed: int = 1, films_per_topic: int = 24, start: int = 1_700_000_000
) -> Iterator[ListEntry]:
    """``count`` films in topics of about ``films_per_topic``, sorted by channel and topic as
    MServer sorts them, with the conventions the provider reads: numbered titles in each style,
    audio-description and sign-language versions, trailers, geo-blocked films, subtitles, and a
    few streaming playlists (``.m3u8``)."""
    rng = random.Random(seed)
    made = 0
    topic_number = 0
    while made < count:
        topic_number += 1
        channel = CHANNELS[topic_number % len(CHANNELS)]
        topic = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {topic_number}"
        style = STYLES[topic_number % len(STYLES)]
        season = 1 + topic_number % 3
        host = f"https://media{topic_number % 7}.example.test"
        size = min(films_per_topic, count - made)
        for number in range(1, size + 1):
            name = " ".join(rng.choices(WORDS, k=rng.randint(1, 4)))
            title = _episode_title(style, season, number, name)
            aired = start + topic_number * 3_600 + number * 604_800
            path = f"{host}/{channel.lower()}/{topic_number}/{number}"
            words = rng.choices(WORDS, k=rng.randint(15, 45))
            entry = ListEntry(
                channel=channel,
                topic=topic,
                title=title,
                url=f"{path}/video_1800k.mp4",
                aired=aired,
                duration=f"00:{rng.randint(10, 59):02}:{rng.randint(0, 59):02}",
                size_mb=str(rng.randint(100, 900)),
                description=" ".join(words) + ".",
                website=f"https://www.example.test/{channel.lower()}/{topic_number}/{number}",
                subtitle=f"{path}/subtitles.vtt" if number % 3 == 0 else "",
                small=f"{path}/video_480k.mp4",
                hd=f"{path}/video_3500k.mp4" if number % 5 else "",
                geo="DE-AT-CH" if number % 11 == 0 else "",
                new=number == size,
            )
            if number % 13 == 0:
                entry = replace(entry, url=f"{path}/master.m3u8", small="", hd="")
            yield entry
            made += 1
            if made < count and number % 7 == 0:
                yield replace(
                    entry,
                    title=f"{title} (Audiodeskription)",
                    url=f"{path}/ad_1800k.mp4",
                    small="",
                    hd=f"{path}/ad_3500k.mp4",
                )
                made += 1
            if made >= count:
                break
