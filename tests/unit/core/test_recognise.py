# ruff: noqa: RUF001  (real release names, in the scripts and widths their groups write)
"""The file-name parser against a table of real-world-style names (with their folders)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aniworld_desktop.core import recognise as filenames
from aniworld_desktop.core.recognise import ParsedFile, is_video, parse_file_name

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
    # A season in the name, then a number within it; an anime-style number is also the
    # release's own count (Sonarr reads "Title S2 - 05" as absolute 5 of "Title S2"), so it is
    # read both ways, as with a season folder: that season's episode first.
    ("[SubsPlease] Kimi no Hana S2 - 05 (1080p) [ABCD1234].mkv", (2, 5, None, 5)),
    ("[Group] Kimi no Hana Season 2 - 05 [1080p].mkv", (2, 5, None, 5)),
    ("Kimi no Hana 3rd Season - 05.mkv", (3, 5, None, 5)),
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


# --- The forms Sonarr reads and we once missed (issue 15), each with a name that failed -------

# (name as a release, a feed title or a link names it; (season, episode, episode_end, absolute)).
RELEASES: list[tuple[str, Expected]] = [
    # A marker repeated for each episode of a multi-episode file.
    ("Series.S03E01.S03E02.720p.HDTV.X264-DIMENSION", (3, 1, 2, None)),
    ("Series.Title.2x04.2x05.720p.BluRay-FUTV", (2, 4, 5, None)),
    ("Series Title.S6E1-S6E2.Episode Name.1080p.WEB-DL", (6, 1, 2, None)),
    ("Series Title.S6.E1-S6E2.Episode Name.1080p.WEB-DL", (6, 1, 2, None)),
    ("Series Title - S07E22 - S07E23 - And Lots of Security.. [HDTV-720p].mkv", (7, 22, 23, None)),
    ("Series's Sonarr - 8x01_02 - Free Falling", (8, 1, 2, None)),
    ("1x01-x03 - Episode Title.HDTV-720p", (1, 1, 3, None)),
    ("The Series And The Code - S42 Ep10718 - Ep10722", (42, 10718, 10722, None)),
    ("World Series of Sonarr - 2010x15 - 2010x16 - HD TV.mkv", (2010, 15, 16, None)),
    ("Show.S03E01.S04E02.720p", (3, 1, None, None)),  # another season ends the range
    ("Show Name - S01E01 & S01E02", (1, 1, 2, None)),
    ("Show Name - S01E01 + S01E02", (1, 1, 2, None)),
    ("Show - 3x12 - 3x13", (3, 12, 13, None)),
    ("Show - 3x12 & 4x01", (3, 12, None, None)),
    ("grp-zoos01e11e12-1080p", (1, 11, 12, None)),  # a group glued to the marker
    ("Series-S07E12-31st_Century_Fox-[Bluray-1080p].mkv", (7, 12, None, None)),
    ("Series - 2016x231", (2016, 231, None, None)),
    ("Titles.s06.01.1999.BDRip.1080p.Ukr.Eng.AC3.Hurtom.TNU.Tenax555", (6, 1, None, None)),
    # Scene style's numbers, one episode or two.
    ("Series.Title.103.104.720p.HDTV.X264-DIMENSION", (1, 3, 4, None)),
    ("the.Series.101.102.hdtv-lol", (1, 1, 2, None)),
    ("Series.10708.hdtv-lol.mp4", (1, 7, 8, None)),
    ("E.010910.HDTVx264REPACKLOL.mp4", (1, 9, 10, None)),
    ("this.is.a.show.2015.0308-yestv", (3, 8, None, None)),
    ("tvs-amgo-dd51-dl-7p-azhd-x264-103", (1, 3, None, None)),
    ("St_Series_209_Aids_And_Comfort", (2, 9, None, None)),
    ("11-02 The Series Reaction (HD).m4v", (11, 2, None, None)),
    # Anime ranges and batches.
    ("[Erai-raws] Series Title! - 01 ~ 10 [1080p][Multiple Subtitle]", (None, None, 10, 1)),
    ("[Erai-raws] Series-Title! 2 - 01~10 [1080p][Multiple Subtitle]", (None, None, 10, 1)),
    ("[诸神字幕组][战栗杀机][ANIME SERIES TITLE][01-24完][简日双语字幕][720P][MP4]", (None, None, 24, 1)),
    ("[HorribleSubs] Some Anime Show 01 - 119 [1080p] [Batch]", (None, None, 119, 1)),
    ("[HorribleSubs] Some Anime Show!! (01-25) [1080p] (Batch)", (None, None, 25, 1)),
    ("Series_Title_2_[01-05]_[AniLibria_TV]_[WEBRip_1080p]", (None, None, 5, 1)),
    ("[ANBU-AonE]_SeriesTitle_26-27_[F224EF26].avi", (None, None, 27, 26)),
    ("[Judas] Some Anime Show 091-123 [1080p][HEVC x265 10bit][Dual-Audio][Multi-Subs]", (None, None, 123, 91)),
    ("[YMDR][慕留人 -火影忍者新時代-][Anime Series Title-][2017][88-91][1080p][AVC][JAP]", (None, None, 91, 88)),
    ("Series Title (2010) - 01-02-03 - Episode Title (1) HDTV-720p", (None, None, 3, 1)),
    ("[RlsGrp] Series Title (2010) - S01E01-02-03 - 001-002-003 - Episode Title HDTV-720p v2", (1, 1, 3, 1)),
    # A number after a season in the name is that season's episode and the release's count.
    ("[HorribleSubs] Series Title! S2 - 07 [720p]", (2, 7, None, 7)),
    ("Anime Title S21 999", (21, 999, None, 999)),
    ("[orion origin] Anime-Series Title S02[07][1080p][H264 AAC][CHS]", (2, 7, None, 7)),
    ("[K-F] Some Anime Show S10E14 214", (10, 14, None, 214)),
    ("[K-F] Some Anime Show 214 10x14", (10, 14, None, 214)),
    ("[Dae-P9] Anime Series - 05 - S01E05 - Marrying by Contesting (BD 1080p) [5BCD56B8]", (1, 5, None, 5)),
    ("[RlsGrp]Series.Title.2010.S01E01.001.HDTV-720p.x264-DTS", (1, 1, None, 1)),
    ("[VARYG] Series at Age 29 S01E03 Rirui and Anyango 1080p CR WEB-DL AAC2.0 H.264", (1, 3, None, None)),
    ("[SubsPlease] Series Title - 100 Years Quest - 01 (1080p) [1107F3A9].mkv", (None, None, None, 1)),
    ("[CBM]_Series_Title_-_11_-_511_Kinderheim_[6C70C4E4].mkv", (None, None, None, 11)),
    ("[DRONE]Series.Title.100", (None, None, None, 100)),
    ("[abc] Adventure Series: 30 [Web][MKV][h264][720p][AAC 2.0][abc]", (None, None, None, 30)),
    ("Series Title (2010) {01} Episode Title (1).hdtv-720p", (None, None, None, 1)),
    # Part N, N of M: a mini-series, whose one season is never named.
    ("The.Big.Series.Leader.Part.2.DSR.XviD-SYS", (1, 2, None, None)),
    ("24 7 Series-Title - Road to the Sonarr Part01 720p HDTV x264 ORENJI", (1, 1, None, None)),
    ("App.Sonarr.Made.in.Canada.Part.Two.720p.HDTV.x264-2HD", (1, 2, None, None)),
    ("John.Smith.The.Series.Title.5of9.The.Universe.Of.Development.1990.DVDRip.x264", (1, 5, None, None)),
    # Spanish, Dutch and Turkish markers.
    ("Series Title - Temporada 2 [HDTV 720p][Cap.408]", (4, 8, None, None)),
    ("Series Title - Temporada 2 [HDTV 720p][Cap.1901][AC3 5.1 Castellano]", (19, 1, None, None)),
    ("Series [HDTV 1080p][Cap. 101](wolfmax4k.com).mkv", (1, 1, None, None)),
    ("Series falls - Temporada 1 [HDTV][Cap.111_120]", (1, 11, 20, None)),
    ("Series T Se.3 afl.3", (3, 3, None, None)),
    ("13 Series Se.1 afl.2-3-4 [VTM]", (1, 2, 4, None)),
    ("Series T Se.3 afl.3 en 4", (3, 3, 4, None)),
    ("Different show 1. Bölüm (23.10.2023) 720p WebDL AAC H.264 - TURG", (None, None, None, 1)),
    ("Turkish show 60.Bolum (31.01.2023) 720p WebDL AAC H.264 - TURG", (None, None, None, 60)),
    ("Soap opera 01 BLM(01.11.2023) 1080p HDTV AC3 x264 TURG", (None, None, None, 1)),
    ("Exclusive BLM Documentary with no false positives EP03.1080p.AAC.x264", (None, None, None, 3)),
    # CJK brackets and counters, full-width digits.
    ("【极影字幕社】 ★04月新番 【巴哈姆特之怒 Virgin Soul】【Anime Series Title】【24】 【END】GB MP4_720P", (None, None, None, 24)),
    ("【DHR动研字幕组】[多田君不恋爱_Anime Series Title][13完][繁体][720P][MP4]", (None, None, None, 13)),
    ("【喵萌奶茶屋】★10月新番★[哥布林杀手+Anime Series Title][12END][720p][繁体][招募翻译校对]", (None, None, None, 12)),
    ("[风车字幕组][名侦探柯南][857集][米花町反复变化之谜（前篇）][简体][MP4][1080P]", (None, None, None, 857)),
    ("【千夏字幕组】【天使降临到了我身边！_Anime Series Title】[第05话][1080p_HEVC][简繁外挂]", (None, None, None, 5)),
    ("[Subz] My Series - １５８ [h264 10-bit][1080p]", (None, None, None, 158)),
    ("[GM-Team][国漫][斗罗大陆][Anime Title][Douro Mainland][2019][215 END][AVC][GB][1080P]", (None, None, None, 215)),
    ("【高清剧集网发布 www.DDHDTV.com】当我飞奔向你[第01-15集][国语配音+中文字幕].Series.Towards.You.S01.2023.2160p", (1, 1, 15, 1)),
]  # fmt: skip

# Paths whose numbers are only in a folder's name (a release's folder).
FOLDERS: list[tuple[str, Expected]] = [
    ("TV Drop/Series - 10x11 - Title [SDTV]/1011 - Title.avi", (10, 11, None, None)),
    ("TV Drop/Series Title - 10x12 - 24 Hours of Development [SDTV]/Hours of Development.avi", (10, 12, None, None)),
    ("Downloads/tv/Series.Title.S01E01.720p.HDTV/ajifajjjeaeaeqwer_eppj.avi", (1, 1, None, None)),
    ("Test/Unsorted/Series.Title.S01E01.720p.HDTV/tbbt101.avi", (1, 1, None, None)),
    ("Test/Unsorted/Series.Title.S02E19.720p.BluRay.x264-SiNNERS-RP/ba27283b17c00d01193eacc02a8ba98eeb523a76.mkv", (2, 19, None, None)),
    ("Test/Series/Season 2 - Total Series Action/01. Total Series Action - Episode 1 - Monster Cash.mkv", (2, 1, None, None)),
    ("Show.S01E01-E10.1080p.WEB/Show - 05.mkv", (1, 5, None, 5)),  # a season pack's file
    ("Season 2/E05-06 - Episode Title HDTV-720p Proper.mkv", (2, 5, 6, None)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), RELEASES, ids=[n for n, _ in RELEASES])
def test_release_names(name: str, expected: Expected) -> None:
    parsed = filenames.recognise_title(name)
    assert _shape(parsed) == expected
    assert parsed is not None and parsed.source == "fast"


@pytest.mark.parametrize(("path", "expected"), FOLDERS, ids=[p for p, _ in FOLDERS])
def test_numbers_only_in_a_folders_name(path: str, expected: Expected) -> None:
    parsed = filenames.recognise(path)
    assert _shape(parsed) == expected
    assert parsed is not None and parsed.source == "fast"


def test_a_range_holds_as_many_absolute_numbers() -> None:
    parsed = filenames.recognise_title("[RlsGrp] Series Title (2010) - S01E01-02-03 - 001-002-003")
    assert parsed is not None and (parsed.absolute, parsed.absolute_end) == (1, 3)
    batch = filenames.recognise_title("[Judas] Some Anime Show 091-123 [1080p]")
    assert batch is not None and (batch.absolute, batch.absolute_end) == (91, 123)
    single = filenames.recognise_title("[Group] Show - 05 [1080p]")
    assert single is not None and single.absolute_end is None


# --- Dates are dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("Show - 2011-04-12.mkv", date(2011, 4, 12)),
        ("Late.Night.2016.02.25.Guest.720p.HDTV.x264.mkv", date(2016, 2, 25)),
        ("Late Night 2016 02 25 Guest.mkv", date(2016, 2, 25)),
        ("Late_Night_2016_02_25.mkv", date(2016, 2, 25)),
        ("Harbor.Lights.2021.03.14.mkv", date(2021, 3, 14)),
        ("Late Night (29.10.2023) 1080p.mkv", date(2023, 10, 29)),
        ("Late Night - 04.28.2014.mkv", date(2014, 4, 28)),
        ("Late Night 22 October 2016.mkv", date(2016, 10, 22)),
        ("221208 Late Night Special.mp4", date(2022, 12, 8)),
    ],
)
def test_a_daily_shows_file_is_read_as_its_air_date_never_as_numbers(name: str, when: date) -> None:
    parsed = filenames.recognise(name)
    assert parsed is not None and parsed.air_date == when
    assert (parsed.season, parsed.episode, parsed.episode_end, parsed.absolute) == (None,) * 4
    assert not parsed.numbered
    assert parse_file_name(name) is None  # no episode number in it


def test_show_dash_date_is_not_absolute_4_to_12() -> None:
    """The name that marked nine wrong episodes as on disk."""
    parsed = filenames.recognise("Show/Show - 2011-04-12.mkv")
    assert parsed is not None
    assert (parsed.series, parsed.air_date, parsed.absolute, parsed.episode_end) == (
        "Show",
        date(2011, 4, 12),
        None,
        None,
    )


@pytest.mark.parametrize(
    ("name", "expected", "when"),
    [
        ("The Series And the Show - S41 E10478 - 2014-08-15", (41, 10478, None, None), date(2014, 8, 15)),
        ("Judge Developer 2016 02 25 S20E142", (20, 142, None, None), date(2016, 2, 25)),
        ("Series.E191.190121.720p-NEXT.mp4", (None, None, None, 191), date(2019, 1, 21)),
        ("Some show 69. Blm (29.10.2023) 1080p WebDL #turkseed", (None, None, None, 69), date(2023, 10, 29)),
        ("221208 ABC123 Series Title ep34[1080p60 H264].mp4", (None, None, None, 34), date(2022, 12, 8)),
    ],
)  # fmt: skip
def test_numbers_beside_a_date_keep_it_as_the_air_date(
    name: str, expected: Expected, when: date
) -> None:
    parsed = filenames.recognise_title(name)
    assert _shape(parsed) == expected
    assert parsed is not None and parsed.air_date == when


def test_an_ambiguous_date_is_no_number_and_no_date() -> None:
    parsed = filenames.recognise_title("Soap opera 01 BLM(01.11.2023) 1080p")  # 1 Nov or 11 Jan?
    assert parsed is not None and (parsed.absolute, parsed.air_date) == (1, None)


@settings(max_examples=200, deadline=None)
@given(
    when=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
    title=st.sampled_from(["Late Night", "The Daily Show", "Kimi no Hana", "9-1-1", "24"]),
    shape=st.sampled_from(
        [
            "{t} - {y}-{m:02d}-{d:02d}.mkv",
            "{dotted}.{y}.{m:02d}.{d:02d}.720p.HDTV.x264.mkv",
            "{t} {y} {m:02d} {d:02d} Guest Name.mkv",
            "{t}/Season {y}/{t} - {y}-{m:02d}-{d:02d} - Guest.mkv",
            "[Group] {t} - {y}.{m:02d}.{d:02d} [1080p].mkv",
        ]
    ),
)
def test_no_date_ever_becomes_an_episode_number(when: date, title: str, shape: str) -> None:
    name = shape.format(
        t=title, dotted=title.replace(" ", "."), y=when.year, m=when.month, d=when.day
    )
    parsed = filenames.recognise(name)
    assert parsed is not None and parsed.air_date == when
    assert parsed.episode is None and parsed.absolute is None and parsed.episode_end is None


# --- Recaps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "[Group] Kimi no Hana - 12.5 [1080p].mkv",
        "Kimi no Hana - 12.5.mkv",
        "Kimi no Hana E12.5.mkv",
        "[Group] Kimi no Hana [12.5][1080p].mkv",
        "Series Title S01E12.5 [SP]-The Poppies Bloom Red on the Battlefield.mkv",
    ],
)
def test_a_recap_between_two_episodes_is_not_episode_12(name: str) -> None:
    parsed = filenames.recognise(name)
    assert parsed is not None and parsed.recap == "12.5"
    assert (parsed.season, parsed.episode, parsed.episode_end, parsed.absolute) == (None,) * 4
    assert parse_file_name(name) is None


def test_a_recap_is_one_number_however_it_is_padded() -> None:
    for name in ("Kimi no Hana - 05.5.mkv", "Kimi no Hana - 5.5.mkv", "Kimi no Hana S01E05.5.mkv"):
        parsed = filenames.recognise(name)
        assert parsed is not None and parsed.recap == "5.5"


def test_a_recaps_own_marker_wins() -> None:
    parsed = filenames.recognise_title("[Thighs] Anime Reincarnation - 17.5 (S00E01) (BD 1080p)")
    assert _shape(parsed) == (0, 1, None, None)
    assert parsed is not None and parsed.recap is None


def test_audio_channels_after_a_marker_are_no_recap() -> None:
    assert _shape(filenames.recognise_title("Show.S01E02.5.1.AAC.1080p")) == (1, 2, None, None)


# --- guessit, behind the fast path ---------------------------------------------------------------


def test_guessits_year_as_season_is_dropped() -> None:
    """guessit reads "[2019][215 END]" as S2019E215; the year is no season."""
    name = "[GM-Team][国漫][斗罗大陆][Anime Title][Douro Mainland][2019][215 END][AVC][GB].mkv"
    from guessit import guessit

    assert guessit(name, {"type": "episode"}).get("season") == 2019  # what it does alone
    parsed = filenames._parse_with_guessit(name, [])
    assert _shape(parsed) == (None, None, None, 215)


def test_a_year_beside_a_number_that_only_guessit_reads() -> None:
    parsed = filenames.recognise("Series Title 2018 06 720p x265 AOZ.mp4")
    assert parsed is not None and parsed.source == "guessit"
    assert _shape(parsed) == (None, None, None, 6)


def test_a_season_that_is_marked_stays_even_as_a_year() -> None:
    assert not filenames._year_as_season(2019, "Show.S2019.Episode.Five.mkv", set())
    assert filenames._year_as_season(2019, "Show [2019][Episode Five].mkv", set())


def test_guessit_is_not_asked_about_names_that_are_no_files_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """guessit takes seconds on long runs of digits; a file name has 255 bytes at most."""
    monkeypatch.setitem(sys.modules, "guessit", None)  # any import of it would fail
    assert filenames.recognise("9" * 5000 + ".mkv") is None
    assert filenames.recognise("Show " + "9" * 30 + ".mkv") is None
    assert filenames.recognise_title("x" * 300) is None


# --- Titles: feeds and links read by the same recogniser -----------------------------------------


@pytest.mark.parametrize(
    ("name", "series", "season", "episode"),
    [
        ("Harbor.Lights.S01E02.1080p.mkv", "Harbor Lights", 1, 2),
        ("harbor_lights_s2e10.mp4", "harbor lights", 2, 10),
        ("Harbor Lights - 1x05 - Title.avi", "Harbor Lights", 1, 5),
        ("Show S00E03.mkv", "Show", 0, 3),
    ],
)
def test_titles_as_core_naming_read_them(name: str, series: str, season: int, episode: int) -> None:
    """The cases of the second parser that core/naming.py had, now read here."""
    for parsed in (
        filenames.recognise_title(name),
        filenames.recognise_title(name, markers_only=True),
    ):
        assert parsed is not None
        assert (parsed.series, parsed.season, parsed.episode) == (series, season, episode)


@pytest.mark.parametrize("name", ["trailer.mp4", "1080x1920.mp4"])
def test_titles_without_numbers(name: str) -> None:
    assert filenames.recognise_title(name) is None
    assert filenames.clean_title(name.rsplit(".", 1)[0]) == name.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    "title",
    ["Interview with Jane, Part 2", "#12: Twelve things", "Episode 12: The Return",
     "Christmas Special 2", "Show - 05", "Top 10 (2024)"],
)  # fmt: skip
def test_markers_only_reads_no_other_numbers(title: str) -> None:
    assert filenames.recognise_title(title, markers_only=True) is None


def test_markers_only_reads_every_marker() -> None:
    for title, expected in [
        ("Night Shift S03E01.S03E02 - Double", (3, 1, 2, None)),
        ("Night Shift 2x04", (2, 4, None, None)),
        ("Noche [Cap.408]", (4, 8, None, None)),
        ("Nacht Se.3 afl.3", (3, 3, None, None)),
    ]:
        assert _shape(filenames.recognise_title(title, markers_only=True)) == expected
