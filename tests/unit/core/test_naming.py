import pytest

from aniworld_desktop.core.naming import (
    episode_path,
    file_name_from_url,
    parse_episode_name,
    safe_component,
    video_suffix,
)


@pytest.mark.parametrize(
    ("name", "series", "season", "episode"),
    [
        ("Harbor.Lights.S01E02.1080p.mkv", "Harbor Lights", 1, 2),
        ("harbor_lights_s2e10.mp4", "harbor lights", 2, 10),
        ("Harbor Lights - 1x05 - Title.avi", "Harbor Lights", 1, 5),
        ("Show S00E03.mkv", "Show", 0, 3),
        ("trailer.mp4", "trailer", None, None),
        ("1080x1920.mp4", "1080x1920", None, None),
    ],
)
def test_parse_episode_name(name, series, season, episode):
    parsed = parse_episode_name(name)
    assert (parsed.series, parsed.season, parsed.episode) == (series, season, episode)


def test_file_name_from_url_is_decoded_and_ignores_query():
    assert file_name_from_url("https://h/x/My%20Show.S01E01.mkv?token=1") == "My Show.S01E01.mkv"
    assert file_name_from_url("https://h") == ""


def test_video_suffix():
    assert video_suffix("a.MKV") == ".mkv"
    assert video_suffix("a.exe") == ".mp4"


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "..",
        ".",
        "",
        "a/b\\c",
        "CON",
        "nul.txt",
        "x\x00y\x1f",
        "evil\u202egpj.exe",
    ],
)
def test_safe_component_never_escapes_or_hides(hostile):
    safe = safe_component(hostile)
    assert safe and "/" not in safe and "\\" not in safe
    assert safe not in {".", ".."}
    assert not any(ord(c) < 32 for c in safe)
    assert "\u202e" not in safe
    assert safe.split(".")[0].upper() not in {"CON", "NUL"}


def test_safe_component_caps_long_names_in_bytes():
    assert len(safe_component("ä" * 400).encode()) <= 200


def test_episode_path_layout():
    assert episode_path("Harbor Lights", 1, 2, "Fog", ".mkv") == (
        "Harbor Lights/Season 01/Harbor Lights - S01E02 - Fog.mkv"
    )
    assert episode_path("../x", 0, 1, "", ".mp4") == "x/Specials/x - S00E01.mp4"
    assert episode_path("S", 1, 1, "", "/../../evil") == "S/Season 01/S - S01E01.mp4"
