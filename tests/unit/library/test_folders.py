"""What a series folder's name says: title, year and a TMDB id (Jellyfin's and Sonarr's ways)."""

from __future__ import annotations

import pytest

from aniworld_desktop.library.folders import FolderName, parse_series_folder


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("Harbor Lights (2024)", FolderName("Harbor Lights", 2024)),
        ("Harbor Lights [2024] ", FolderName("Harbor Lights", 2024)),
        ("Harbor Lights", FolderName("Harbor Lights")),
        ("2024", FolderName("2024")),
        ("(2024)", FolderName("(2024)")),
        ("Harbor Lights (2024) [tmdbid-123]", FolderName("Harbor Lights", 2024, 123)),
        ("Harbor Lights {tmdb-123}", FolderName("Harbor Lights", None, 123)),
        ("Harbor Lights (2024) {tmdb-123} {tvdb-99}", FolderName("Harbor Lights", 2024, 123)),
        ("Harbor Lights [tmdb=42]", FolderName("Harbor Lights", None, 42)),
        ("Harbor Lights [imdbid-tt0111] (2024)", FolderName("Harbor Lights", 2024)),
        ("Harbor Lights {tvdb-5}", FolderName("Harbor Lights")),
        ("Harbor Lights {tmdb-0}", FolderName("Harbor Lights")),
        ("Blade Runner 2049", FolderName("Blade Runner 2049")),
    ],
)
def test_a_folder_name_gives_a_title_a_year_and_an_id(folder: str, expected: FolderName) -> None:
    assert parse_series_folder(folder) == expected
