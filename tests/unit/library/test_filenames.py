"""The file-name parser against a table of real-world-style names (with their folders)."""

from __future__ import annotations

import sys
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aniworld_desktop.library import filenames
from aniworld_desktop.library.filenames import ParsedFile, is_video, parse_file_name

# (relative path, (season, episode, episode_end, absolute) or None for "not an episode").
Expected = tuple[int | None, int | None, int | None, int | None] | None

TV: list[tuple[str, Expected]] = [
    # Scene style, dots.
    ("Harbor.Lights.S01E02.1080p.WEB-DL.DDP5.1.H.264-GRP.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.720p.HDTV.x264-KILLERS.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S02E10.HEVC.x265-MeGusta.mkv", (2, 10, None, None)),
    ("harbor.lights.s03e04.480p.mp4", (3, 4, None, None)),
    ("Harbor.Lights.S10E100.mkv", (10, 100, None, None)),
    ("Harbor.Lights.2019.S01E02.1080p.mkv", (1, 2, None, None)),
    ("The.Office.US.S05E14.720p.mkv", (5, 14, None, None)),
    ("Mr.Robot.S04E13.2160p.UHD.HDR10.x265.mkv", (4, 13, None, None)),
    ("Harbor.Lights.S01E02.PROPER.REPACK.1080p.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02v2.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01.E02.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01_E02.mkv", (1, 2, None, None)),
    ("Harbor.Lights.1x02.HDTV.avi", (1, 2, None, None)),
    ("Show.Name.102.HDTV.x264.mkv", (1, 2, None, None)),
    ("Harbor.Lights.205.HDTV.mkv", (2, 5, None, None)),
    ("Harbor.Lights.1012.720p.WEB.mkv", (10, 12, None, None)),
    ("Harbor Lights/Season 2/Harbor.Lights.205.HDTV.mkv", (2, 5, None, None)),
    ("Harbor.Lights.S2019E05.mkv", (2019, 5, None, None)),
    ("24.S01E01.720p.mkv", (1, 1, None, None)),
    ("1923.S01E01.1080p.mkv", (1, 1, None, None)),
    ("9-1-1.S05E03.mkv", (5, 3, None, None)),
    # Spaces and dashes.
    ("Harbor Lights - S01E02 - The Storm.mkv", (1, 2, None, None)),
    ("Harbor Lights S01E02.mkv", (1, 2, None, None)),
    ("Harbor Lights S01 E02.mkv", (1, 2, None, None)),
    ("Harbor Lights - S01 - E02.mkv", (1, 2, None, None)),
    ("Harbor Lights - s1e2.mp4", (1, 2, None, None)),
    ("harbor lights s1e2.mp4", (1, 2, None, None)),
    ("Harbor Lights - 1x02 - The Storm.avi", (1, 2, None, None)),
    ("Harbor Lights 2x10.mkv", (2, 10, None, None)),
    ("Harbor Lights - 10x05.mkv", (10, 5, None, None)),
    ("Harbor Lights (2019) - S01E02 - The Storm [WEBDL-1080p].mkv", (1, 2, None, None)),
    (
        "Harbor Lights (2019) - S01E02 - The Storm [HDTV-720p][x264][AAC 2.0]-GRP.mkv",
        (1, 2, None, None),
    ),
    ("Harbor Lights [1080p] S01E02.mkv", (1, 2, None, None)),
    ("Harbor Lights - Season 1 Episode 2.mkv", (1, 2, None, None)),
    ("Harbor Lights Season 2 Episode 10 - Title.mp4", (2, 10, None, None)),
    ("Harbor Lights - S01Ep02.mkv", (1, 2, None, None)),
    ("Harbor Lights - S1 Ep 2.mkv", (1, 2, None, None)),
    ("Harbor Lights - S01E02 - 1920x1080.mkv", (1, 2, None, None)),
    ("Harbor Lights - S01E02 - Part 3.mkv", (1, 2, None, None)),
    ("Harbor Lights 1080p S01E02 x265.mkv", (1, 2, None, None)),
    # Underscores.
    ("harbor_lights_s02e10.mp4", (2, 10, None, None)),
    ("Harbor_Lights_S01E02_720p.mkv", (1, 2, None, None)),
    ("Harbor_Lights_-_1x02_-_The_Storm.avi", (1, 2, None, None)),
    # Multi-episode files.
    ("Harbor.Lights.S01E01E02.720p.mkv", (1, 1, 2, None)),
    ("Harbor.Lights.S01E01-E02.mkv", (1, 1, 2, None)),
    ("Harbor.Lights.S01E01-02.mkv", (1, 1, 2, None)),
    ("Harbor.Lights.S01E01E02E03.mkv", (1, 1, 3, None)),
    ("Harbor Lights - S02E05-E06 - Two Parter.mkv", (2, 5, 6, None)),
    ("Harbor Lights - S02E05 E06.mkv", (2, 5, 6, None)),
    ("Harbor Lights 1x01-02.mkv", (1, 1, 2, None)),
    ("Harbor Lights 1x01x02.mkv", (1, 1, 2, None)),
    ("Harbor Lights 1x01-1x02.mkv", (1, 1, 2, None)),
    ("Harbor.Lights.S01E01-1080p.mkv", (1, 1, None, None)),
    ("Harbor.Lights.S01E05-E03.mkv", (1, 5, None, None)),
    # Folders give the season.
    ("Harbor Lights/Season 1/Episode 02.mkv", (1, 2, None, None)),
    ("Season 1/Episode 02.mkv", (1, 2, None, None)),
    ("Season 01/05.mkv", (1, 5, None, None)),
    ("Harbor Lights/Season 03/E07.mkv", (3, 7, None, None)),
    ("Harbor Lights/Season 2/Ep 04 - The Storm.mkv", (2, 4, None, None)),
    ("Harbor Lights/Season 2/04 - The Storm.mkv", (2, 4, None, None)),
    ("Harbor Lights/Season 2/04. The Storm.mkv", (2, 4, None, None)),
    ("Harbor Lights/Season 2/04 The Storm.mkv", (2, 4, None, None)),
    ("Harbor Lights/S2/Episode 3.mkv", (2, 3, None, None)),
    ("Harbor Lights/S02/Harbor Lights Episode 3.mkv", (2, 3, None, None)),
    ("Harbor Lights/Season.3/Harbor.Lights.E05.mkv", (3, 5, None, None)),
    ("Harbor Lights/Season_4/Episode_5.mkv", (4, 5, None, None)),
    ("Harbor Lights/Season 5 (2020)/Episode 1.mkv", (5, 1, None, None)),
    ("Harbor Lights/Series 2/Episode 6.mkv", (2, 6, None, None)),
    ("Harbor Lights/Season 1/Show.Name.05.720p.HDTV.x264.mkv", (1, 5, None, None)),
    ("Harbor Lights/Season 1/Harbor Lights - 05 - The Storm.mkv", (1, 5, None, 5)),
    ("Harbor Lights/Season 1/Harbor.Lights.S02E03.mkv", (2, 3, None, None)),
    ("Harbor Lights (2019)/Season 01/Harbor Lights (2019) - S01E02.mkv", (1, 2, None, None)),
    ("Harbor Lights/Season 1/Disc 2/Episode 3.mkv", (1, 3, None, None)),
    # German: Staffel / Folge, umlauts.
    ("Die Brücke/Staffel 1/Die.Brücke.S01E02.German.DL.1080p.mkv", (1, 2, None, None)),
    ("Die Brücke/Staffel 2/Folge 3.mkv", (2, 3, None, None)),
    ("Die Brücke/Staffel 2/Folge 03 - Der Anfang.mkv", (2, 3, None, None)),
    ("Die Brücke - Staffel 1 Folge 5.mkv", (1, 5, None, None)),
    ("Große.Freiheit.S01E04.GERMAN.720p.mkv", (1, 4, None, None)),
    ("Männer.im.Wald.S02E01.mkv", (2, 1, None, None)),
    ("Schöne Neue Welt - S01E01 - Öffnung.mkv", (1, 1, None, None)),
    ("Fräulein Kommissar - 1x07 - Straße der Nächte.avi", (1, 7, None, None)),
    ("Tatort/Folge 1000.mkv", (None, None, None, 1000)),
    ("Grüne Wälder/Specials/Folge 1.mkv", (0, 1, None, None)),
    # Specials.
    ("Harbor.Lights.S00E01.mkv", (0, 1, None, None)),
    ("Harbor Lights/Specials/Harbor Lights - S00E02 - Behind the Lights.mkv", (0, 2, None, None)),
    ("Harbor Lights/Specials/Episode 1.mkv", (0, 1, None, None)),
    ("Harbor Lights/Specials/03 - Christmas.mkv", (0, 3, None, None)),
    ("Harbor Lights/Special/E04.mkv", (0, 4, None, None)),
    ("Harbor Lights/Season 0/Episode 5.mkv", (0, 5, None, None)),
    ("Harbor Lights/Season 00/06.mkv", (0, 6, None, None)),
    ("Harbor Lights/Specials/Harbor Lights - 07.mkv", (0, 7, None, None)),
    # Other containers.
    ("Harbor.Lights.S01E02.webm", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.MOV", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.ts", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.m2ts", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.wmv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.flv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.mpg", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.MPEG", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.ogm", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.3gp", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.m4v", (1, 2, None, None)),
    # More of what Sonarr, Plex users and release groups write.
    ("Harbor Lights - S01E02 - The Storm (1080p BluRay x265 10bit).mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.The.Storm.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb.mkv", (1, 2, None, None)),
    ("Harbor.Lights.S01E02.German.DL.720p.WEB.h264-WvF.mkv", (1, 2, None, None)),
    ("Harbor Lights S01E02 [1080p].mp4", (1, 2, None, None)),
    ("Harbor Lights - S01E02 - Pilot (Part 1).mkv", (1, 2, None, None)),
    ("Harbor Lights/Season 01/Harbor Lights - S01E01-E03 - Triple.mkv", (1, 1, 3, None)),
    ("Harbor Lights - S03E12 - 12 Monkeys.mkv", (3, 12, None, None)),
    ("Harbor.Lights.S01E02.HDR.DV.2160p.mkv", (1, 2, None, None)),
    ("Harbor Lights/Season 1/1x02.mkv", (1, 2, None, None)),
    ("Harbor Lights/Season 1/S01E02.mkv", (1, 2, None, None)),
    ("Harbor Lights/Staffel 01/Harbor Lights - S01E02 - Die Flut.mkv", (1, 2, None, None)),
    ("Harbor Lights/Saison 2/\u00c9pisode 3.mkv", (2, 3, None, None)),
    ("Harbor Lights/Temporada 1/Episodio 4.mkv", (1, 4, None, None)),
    ("Harbor Lights/Season 1/Harbor Lights - 1x02.mkv", (1, 2, None, None)),
]

ANIME: list[tuple[str, Expected]] = [
    ("[SubsPlease] Kimi no Hana - 012 (1080p) [ABCD1234].mkv", (None, None, None, 12)),
    ("[Group] Kimi no Hana - 012 [1080p].mkv", (None, None, None, 12)),
    ("[Group] Kimi no Hana - 12v2 [ABCD1234].mkv", (None, None, None, 12)),
    ("[Group] Kimi no Hana - 12 [720p][ABCD1234].mkv", (None, None, None, 12)),
    ("[Erai-raws] Kimi no Hana - 05 [1080p][Multiple Subtitle].mkv", (None, None, None, 5)),
    ("[HorribleSubs] Kimi no Hana - 01 [480p].mkv", (None, None, None, 1)),
    ("[Judas] Kimi no Hana - 1100 [1080p][HEVC x265 10bit].mkv", (None, None, None, 1100)),
    ("[Group] Kimi no Hana - 999 [1920x1080 x264 AAC].mkv", (None, None, None, 999)),
    ("[Group] Kimi no Hana - 000 [1080p].mkv", (None, None, None, 0)),
    ("[Group] Kimi no Hana (2019) - 07 [1080p].mkv", (None, None, None, 7)),
    ("[Group] Kimi no Hana 2 - 07 [1080p].mkv", (None, None, None, 7)),
    ("[Group] Kimi no Hana - 01-02 [1080p].mkv", (None, None, 2, 1)),
    ("[Group] Kimi no Hana - 01~03 [1080p].mkv", (None, None, 3, 1)),
    ("[Group] Kimi no Hana - 13 END [1080p].mkv", (None, None, None, 13)),
    ("[Group] Kimi no Hana - 04 (BD 1080p FLAC) [ABCD1234].mkv", (None, None, None, 4)),
    ("[Group] Kimi no Hana [12][1080p].mkv", (None, None, None, 12)),
    ("[Kamigami] Kimi no Hana [12] [1080p x264].mkv", (None, None, None, 12)),
    ("[Group] Kimi no Hana 12 [1080p].mkv", (None, None, None, 12)),
    ("[Group] Kimi no Hana Ep 12 [1080p].mkv", (None, None, None, 12)),
    ("[Group]_Kimi_no_Hana_-_05_[720p][ABCD1234].mkv", (None, None, None, 5)),
    ("[Group].Kimi.no.Hana.-.05.[720p].mkv", (None, None, None, 5)),
    ("Kimi no Hana - 012.mkv", (None, None, None, 12)),
    ("Kimi no Hana - 12v3.mkv", (None, None, None, 12)),
    ("Kimi no Hana - 2019 - 05.mkv", (None, None, None, 5)),
    ("Kimi no Hana (2019) - 05.mkv", (None, None, None, 5)),
    ("Kimi no Hana - 05 (2019).mkv", (None, None, None, 5)),
    ("Kimi no Hana Ep 12.mkv", (None, None, None, 12)),
    ("Kimi no Hana Ep. 12.mkv", (None, None, None, 12)),
    ("Kimi no Hana Ep12.mkv", (None, None, None, 12)),
    ("Kimi no Hana EP 012 1080p.mkv", (None, None, None, 12)),
    ("Kimi no Hana E12.mkv", (None, None, None, 12)),
    ("Kimi.no.Hana.E12.1080p.WEB.x264.mkv", (None, None, None, 12)),
    ("Kimi no Hana Episode 12.mkv", (None, None, None, 12)),
    ("Kimi no Hana - Episode 12 - The Return.mkv", (None, None, None, 12)),
    ("Kimi no Hana #12.mkv", (None, None, None, 12)),
    ("Kimi_no_Hana_-_12.mkv", (None, None, None, 12)),
    ("Kimi no Hana \u2013 12.mkv", (None, None, None, 12)),
    ("Kimi no Hana - 1080p - 12.mkv", (None, None, None, 12)),
    ("Kimi no Hana E01-E02.mkv", (None, None, 2, 1)),
    ("[ASW] Kimi no Hana - 03 [1080p HEVC][ABCD1234].mkv", (None, None, None, 3)),
    ("[Group] Kimi no Hana - 03 [BD 1080p] [Dual Audio].mkv", (None, None, None, 3)),
    ("[Group] Kimi no Hana - 03 (1080p) (Multi-Subs).mkv", (None, None, None, 3)),
    ("[Group] Kimi no Hana - 03 [1080p] [v2].mkv", (None, None, None, 3)),
    ("Kimi no Hana - 03 [1080p].mp4", (None, None, None, 3)),
    ("[Group] Kimi no Hana II - 03 [1080p].mkv", (None, None, None, 3)),
    ("[Group] 86 - Eighty Six - 03 [1080p].mkv", (None, None, None, 3)),
    ("[Group] Kimi no Hana - 1000 [1080p].mkv", (None, None, None, 1000)),
    ("Kimi no Hana/Season 1/[Group] Kimi no Hana - S01E03 [1080p].mkv", (1, 3, None, None)),
    ("Kimi no Hana/[Group] Kimi no Hana - 03 [1080p].mkv", (None, None, None, 3)),
    # A season in the name, then a number within it.
    ("[SubsPlease] Kimi no Hana S2 - 05 (1080p) [ABCD1234].mkv", (2, 5, None, None)),
    ("[Group] Kimi no Hana Season 2 - 05 [1080p].mkv", (2, 5, None, None)),
    ("Kimi no Hana 3rd Season - 05.mkv", (3, 5, None, None)),
    ("Kimi no Hana 2nd Season Ep 7.mkv", (2, 7, None, None)),
    # Season folders with absolute-style names: both readings.
    ("Kimi no Hana/Season 02/[Group] Kimi no Hana - 26 [1080p].mkv", (2, 26, None, 26)),
    ("Kimi no Hana/Season 1/Kimi no Hana - 03.mkv", (1, 3, None, 3)),
    ("Kimi no Hana/Season 1/[Group] Kimi no Hana [03].mkv", (1, 3, None, 3)),
    ("Kimi no Hana/S1/[Group] Kimi no Hana 03 [720p].mkv", (1, 3, None, 3)),
    ("Kimi no Hana/Season 1/Episode 3.mkv", (1, 3, None, None)),
    # Specials of anime.
    ("[Group] Kimi no Hana - OVA 2 [1080p].mkv", (0, 2, None, None)),
    ("[Group] Kimi no Hana - SP1 [1080p].mkv", (0, 1, None, None)),
    ("Kimi no Hana OAD 3.mkv", (0, 3, None, None)),
    ("Kimi no Hana - Special 2.mkv", (0, 2, None, None)),
    ("Kimi no Hana.S00E03.mkv", (0, 3, None, None)),
    # Numbers first, no season folder.
    ("Kimi no Hana/01 - Pilot.mkv", (None, None, None, 1)),
    ("Kimi no Hana/01. Pilot.mkv", (None, None, None, 1)),
    ("Kimi no Hana/012.mkv", (None, None, None, 12)),
    ("01.mkv", (None, None, None, 1)),
    ("Kimi no Hana/01-02 - Pilot.mkv", (None, None, 2, 1)),
]

REJECTED: list[tuple[str, Expected]] = [
    # Not videos.
    ("Harbor.Lights.S01E02.nfo", None),
    ("Harbor.Lights.S01E02.srt", None),
    ("Harbor.Lights.S01E02.en.srt", None),
    ("Harbor.Lights.S01E02.ass", None),
    ("Harbor.Lights.S01E02-thumb.jpg", None),
    ("Harbor Lights/poster.jpg", None),
    ("Harbor Lights/tvshow.nfo", None),
    ("Harbor Lights/Season 1/season.nfo", None),
    ("Harbor.Lights.S01E02.mkv.part", None),
    ("Harbor.Lights.S01E02.txt", None),
    ("Harbor.Lights.S01E02", None),
    ("Harbor Lights/Season 1/.mkv", None),
    ("Harbor.Lights.S01E02.rar", None),
    ("Harbor.Lights.S01E02.sub", None),
    ("Harbor Lights/Season 1/Harbor.Lights.S01E02.jpg", None),
    ("Harbor Lights/fanart.jpg", None),
    ("Harbor.Lights.S01E02.mkv.!qB", None),
    ("Harbor.Lights.S01E02.mkv.crdownload", None),
    # Samples.
    ("sample.mkv", None),
    ("Sample.mkv", None),
    ("Harbor.Lights.S01E02-sample.mkv", None),
    ("Harbor.Lights.S01E02.sample.mkv", None),
    ("harbor.lights.s01e02.720p-sample.mkv", None),
    ("sample-harbor.lights.s01e02.mkv", None),
    ("Harbor Lights/Season 1/Sample/harbor.lights.s01e02.mkv", None),
    ("Harbor Lights/Season 1/Samples/Harbor.Lights.S01E02.mkv", None),
    # Extras.
    ("Harbor Lights/Extras/Making of.mkv", None),
    ("Harbor Lights/Extras/Harbor.Lights.S01E02.Deleted.Scene.mkv", None),
    ("Harbor Lights/Trailers/Trailer 1.mkv", None),
    ("Harbor Lights/Featurettes/Cast Interview.mkv", None),
    ("Harbor Lights/Season 1/Extras/Episode 1 Commentary.mkv", None),
    ("Harbor Lights/Behind The Scenes/Day 1.mkv", None),
    ("Harbor Lights/Deleted Scenes/Scene 12.mkv", None),
    ("Harbor Lights/Interviews/01.mkv", None),
    ("Extras/Making of.mkv", None),
    ("Harbor Lights-trailer.mkv", None),
    ("Harbor Lights - S01E01-featurette.mkv", None),
    ("[Group] Kimi no Hana - NCOP1 [1080p].mkv", None),
    ("[Group] Kimi no Hana - NCED [1080p].mkv", None),
    ("[Group] Kimi no Hana - Creditless Opening [1080p].mkv", None),
    # Neither path can read these.
    ("Harbor Lights - Pilot.mkv", None),
    ("Harbor Lights (2019).mkv", None),
    ("Harbor Lights - Pilot (1).mkv", None),
    ("Kimi no Hana - 2019.mkv", None),
]

# Names only guessit reads (the fast path leaves them alone on purpose).
GUESSIT: list[tuple[str, Expected]] = [
    ("Harbor Lights/Season 1/Harbor.Lights.205.HDTV.mkv", (1, 5, None, None)),
    ("Harbor Lights 12.mkv", (None, None, None, 12)),
    ("Harbor.Lights.S02.Ep.Five.mkv", (2, 5, None, None)),
    ("Harbor Lights - Episode Five.mkv", (None, None, None, 5)),
    ("Harbor.Lights.Episode.Twelve.720p.mkv", (None, None, None, 12)),
    ("Harbor.Lights.2021.03.14.mkv", None),
]

TABLE = TV + ANIME + REJECTED


def _shape(parsed: ParsedFile | None) -> Expected:
    if parsed is None:
        return None
    return (parsed.season, parsed.episode, parsed.episode_end, parsed.absolute)


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) + len(GUESSIT) >= 150


@pytest.mark.parametrize(("path", "expected"), TABLE, ids=[p for p, _ in TABLE])
def test_fast_path(path: str, expected: Expected) -> None:
    parsed = parse_file_name(path)
    assert _shape(parsed) == expected
    if parsed is not None:
        assert parsed.source == "fast"


@pytest.mark.parametrize(("path", "expected"), GUESSIT, ids=[p for p, _ in GUESSIT])
def test_guessit_fallback(path: str, expected: Expected, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = parse_file_name(path)
    assert _shape(parsed) == expected
    assert parsed is None or parsed.source == "guessit"
    monkeypatch.setattr(filenames, "_parse_with_guessit", lambda text, folders: None)
    assert parse_file_name(path) is None  # the fast path leaves these alone


def test_fast_path_decides_at_least_95_percent_of_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    real = filenames._parse_with_guessit

    def spy(text: str, folders: list[str]) -> ParsedFile | None:
        asked.append(text)
        return real(text, folders)

    monkeypatch.setattr(filenames, "_parse_with_guessit", spy)
    rows = TABLE + GUESSIT
    right = sum(1 for path, expected in rows if _shape(parse_file_name(path)) == expected)
    assert right == len(rows)
    fast = len(rows) - len(asked)
    assert fast / len(rows) >= 0.95, f"the fast path decided {fast} of {len(rows)}"


def test_guessit_is_not_imported_for_names_the_fast_path_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "guessit", None)  # any import of it would fail
    assert parse_file_name("Harbor.Lights.S01E02.mkv") is not None
    assert parse_file_name("[Group] Kimi no Hana - 012 [1080p].mkv") is not None
    assert parse_file_name("Harbor.Lights.S01E02.nfo") is None
    with pytest.raises(ImportError):
        parse_file_name("Harbor Lights - Pilot.mkv")


@pytest.mark.parametrize(
    ("path", "series"),
    [
        ("Harbor.Lights.S01E02.1080p.mkv", "Harbor Lights"),
        ("Harbor Lights - S01E02 - The Storm.mkv", "Harbor Lights"),
        ("harbor_lights_s02e10.mp4", "harbor lights"),
        ("Harbor.Lights.2019.S01E02.mkv", "Harbor Lights"),
        ("Harbor Lights (2019) - S01E02.mkv", "Harbor Lights"),
        ("The Office (US) - S01E02.mkv", "The Office (US)"),
        ("Mr. Robot - S01E02.mkv", "Mr. Robot"),
        ("[SubsPlease] Kimi no Hana - 012 (1080p) [ABCD1234].mkv", "Kimi no Hana"),
        ("[SubsPlease] Kimi no Hana S2 - 05 (1080p).mkv", "Kimi no Hana"),
        ("Kimi no Hana 3rd Season - 05.mkv", "Kimi no Hana"),
        ("Harbor Lights/Season 1/Episode 02.mkv", "Harbor Lights"),
        ("Harbor Lights (2019)/Season 1/Episode 02.mkv", "Harbor Lights"),
        ("Harbor Lights/Season 1/S01E02.mkv", "Harbor Lights"),
        ("Harbor Lights (2019)/Season 1/Disc 2/Episode 3.mkv", "Harbor Lights"),
        ("Library/Harbor Lights/E03.mkv", "Harbor Lights"),
        ("Harbor Lights/Specials/Episode 1.mkv", "Harbor Lights"),
        ("Harbor Lights/Temporada 1/Temporada 1 Episodio 4.mkv", "Harbor Lights"),
        ("Season 1/Episode 02.mkv", ""),
        ("Die.Brücke.S01E02.German.mkv", "Die Brücke"),
        ("1923.S01E01.mkv", "1923"),
        ("Kimi no Hana/01 - Pilot.mkv", "Kimi no Hana"),
    ],
)
def test_series_title(path: str, series: str) -> None:
    parsed = parse_file_name(path)
    assert parsed is not None
    assert parsed.series == series


def test_decomposed_umlauts_become_composed() -> None:
    parsed = parse_file_name("Die Bru\u0308cke - S01E02.mkv")  # as macOS stores it
    assert parsed is not None
    assert parsed.series == "Die Br\u00fccke"


def test_paths_objects_and_windows_paths() -> None:
    expected = (1, 2, None, None)
    assert _shape(parse_file_name(PurePosixPath("Harbor Lights/Season 1/Episode 02.mkv"))) == (
        expected
    )
    windows = PureWindowsPath("Harbor Lights\\Season 1\\Episode 02.mkv")
    assert _shape(parse_file_name(windows)) == expected


def test_a_first_folder_named_like_extras_may_be_a_series() -> None:
    parsed = parse_file_name("Extras/Extras.S01E02.mkv")
    assert parsed is not None
    assert (parsed.series, parsed.season, parsed.episode) == ("Extras", 1, 2)


def test_guessit_errors_are_not_episodes(monkeypatch: pytest.MonkeyPatch) -> None:
    import guessit

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError("rebulk could not cope")

    monkeypatch.setattr(guessit, "guessit", broken)
    assert parse_file_name("Harbor Lights - Pilot.mkv") is None


def test_is_video() -> None:
    assert is_video("a.mkv") and is_video("A.MKV") and is_video("dir/x.mp4")
    assert not is_video("a.mkv.part") and not is_video(".mkv") and not is_video("dir/.mkv")
    assert not is_video("a.nfo") and not is_video("mkv")
    assert all(ext.startswith(".") and ext == ext.lower() for ext in filenames.VIDEO_EXTENSIONS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_name_parses_without_error_and_numbers_are_sane(text: str) -> None:
    stem = text.replace("/", " ") + " S01E02"
    assume(not filenames._SAMPLE.search(stem) and not filenames._EXTRA_NAME.search(stem))
    parsed = parse_file_name(stem + ".mkv")
    assert parsed is not None
    if parsed.episode_end is not None:
        assert parsed.episode is not None and parsed.episode < parsed.episode_end


@settings(max_examples=200, deadline=None)
@given(
    season=st.integers(0, 99),
    episode=st.integers(0, 999),
    title=st.sampled_from(["Harbor Lights", "Die Brücke", "Kimi no Hana", "9-1-1", "24"]),
    shape=st.sampled_from(
        ["{t}.S{s:02d}E{e:02d}.1080p.mkv", "{t} - S{s:02d}E{e:02d} - x.mkv", "{t} {s}x{e:02d}.avi"]
    ),
)
def test_marked_names_round_trip(season: int, episode: int, title: str, shape: str) -> None:
    parsed = parse_file_name(shape.format(t=title.replace(" ", "."), s=season, e=episode))
    assert parsed is not None
    assert (parsed.season, parsed.episode, parsed.source) == (season, episode, "fast")
