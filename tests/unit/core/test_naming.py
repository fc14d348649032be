import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aniworld_desktop.core.naming import (
    DEFAULT_TEMPLATE,
    NamingTemplate,
    episode_path,
    file_name_from_url,
    safe_component,
    video_suffix,
)


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


def test_default_template_follows_the_jellyfin_convention():
    t = NamingTemplate()
    assert t.template == DEFAULT_TEMPLATE
    assert t.render(
        series="Harbor Lights", year=2024, season=1, episode=2, title="Fog", suffix=".mkv"
    ) == ("Harbor Lights (2024)/Season 01/Harbor Lights - S01E02 - Fog.mkv")
    # No year: " (year)" is left out; no title: " - title" is left out; season 0: Specials.
    assert t.render(
        series="Harbor Lights", year=None, season=0, episode=3, title="", suffix=".mp4"
    ) == ("Harbor Lights/Specials/Harbor Lights - S00E03.mp4")
    assert t.series_folder("Harbor Lights", 2024) == "Harbor Lights (2024)"


def test_existing_folder_replaces_the_first_component():
    path = NamingTemplate().render(
        series="Harbor Lights",
        year=2024,
        season=1,
        episode=1,
        title="",
        suffix=".mkv",
        folder="harbor.lights",
    )
    assert path == "harbor.lights/Season 01/Harbor Lights - S01E01.mkv"


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{series}", "separated by /"),
        ("{series}/{nope} {episode}", "unknown field {nope}"),
        ("{series}/{title}", "needs {episode}"),
        ("{series}/{episode:zz}", "cannot be filled in"),
    ],
)
def test_bad_templates_say_why(template, reason):
    with pytest.raises(ValueError, match=reason.replace("{", r"\{").replace("}", r"\}")):
        NamingTemplate(template)


@settings(max_examples=300, deadline=None)
@given(
    series=st.text(max_size=400),
    title=st.text(max_size=400),
    year=st.none() | st.integers(0, 9999),
    season=st.integers(0, 300),
    episode=st.integers(0, 99999),
)
def test_any_title_renders_to_safe_components_inside_the_root(
    tmp_path_factory, series, title, year, season, episode
):
    root = tmp_path_factory.getbasetemp() / "library"
    path = NamingTemplate().render(
        series=series, year=year, season=season, episode=episode, title=title, suffix=".mkv"
    )
    parts = path.split("/")
    assert len(parts) == 3
    for part in parts:
        assert part and part not in {".", ".."}
        assert not part.startswith((" ", ".")) and not part.endswith((" ", "."))
        assert len(part.encode("utf-8")) <= 255
        assert "\\" not in part and "\x00" not in part
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in part)
        assert part.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    resolved = (root / path).resolve()
    assert resolved.is_relative_to(root.resolve())


@given(st.text(max_size=500))
def test_safe_component_property(text):
    safe = safe_component(text)
    assert safe and "/" not in safe and safe not in {".", ".."}
    assert len(safe.encode("utf-8")) <= 255
