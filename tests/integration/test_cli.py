"""The command line: stable output, exit codes and one-line errors."""

from __future__ import annotations

import json

from aniworld_desktop import __version__
from tests.integration.cli import cli, queue_json


def test_version(profile):
    proc = cli(profile, "--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"aniworld-desktop {__version__}"


def test_empty_queue(profile):
    proc = cli(profile, "queue")
    assert (proc.returncode, proc.stdout.strip()) == (0, "The queue is empty.")
    assert queue_json(profile) == []


def test_add_refuses_other_schemes_with_one_line(profile):
    proc = cli(profile, "add", "file:///etc/passwd")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "aniworld-desktop: Only http and https links can be added (file given): file:///etc/passwd"
    ]
    assert "Traceback" not in proc.stderr


def test_unknown_provider_is_a_usage_error(profile):
    proc = cli(profile, "add", "https://example.test/a.mp4", "--provider", "nope")
    assert proc.returncode == 2
    assert "Unknown provider 'nope'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_invalid_environment_setting_names_it(profile):
    proc = cli(profile, "queue", ANIWORLD_MAX_DOWNLOADS="many")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "aniworld-desktop: Invalid ANIWORLD_MAX_DOWNLOADS: expected a whole number from 1 to 32,"
        " got 'many'."
    )


def test_usage_error_exit_code(profile):
    proc = cli(profile, "frobnicate")
    assert proc.returncode == 2


def test_add_queues_and_queue_json_has_the_stable_keys(profile):
    proc = cli(profile, "add", "http://127.0.0.1:9/media/Harbor.Lights.S01E02.mkv")
    assert proc.returncode == 0, proc.stderr
    assert "Harbor Lights S01E02" in proc.stdout
    again = cli(profile, "add", "http://127.0.0.1:9/media/Harbor.Lights.S01E02.mkv")
    assert "Already in the queue: 1 episode(s)." in again.stdout
    (item,) = queue_json(profile)
    assert {
        "id",
        "series",
        "season",
        "episode",
        "status",
        "bytes_done",
        "bytes_total",
        "error",
    } <= set(item)
    assert (item["series"], item["season"], item["episode"], item["status"]) == (
        "Harbor Lights",
        1,
        2,
        "pending",
    )
    assert item["destination"] == "Harbor Lights/Season 01/Harbor Lights - S01E02.mkv"


def test_direct_downloads_without_marker_are_numbered_in_order(profile):
    for name in ("first.mp4", "second.mp4"):
        assert cli(profile, "add", f"http://127.0.0.1:9/{name}").returncode == 0
    items = queue_json(profile)
    assert [(i["series"], i["season"], i["episode"], i["title"]) for i in items] == [
        ("Direct downloads", 1, 1, "first"),
        ("Direct downloads", 1, 2, "second"),
    ]


def test_import_proposes_series_from_sub_folders_and_renames_nothing(profile):
    library = profile / "library"
    show = library / "Harbor Lights (2019)" / "Season 1"
    show.mkdir(parents=True)
    (show / "harbor.lights.s01e01.mkv").write_bytes(b"x")
    (show / "notes.txt").write_text("not a video")
    (library / "Empty Folder").mkdir()
    proc = cli(profile, "import", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {
            "folder": "Harbor Lights (2019)",
            "title": "Harbor Lights",
            "year": 2019,
            "video_files": 1,
            "recognised": 1,
            "series_id": None,
            "tmdb_id": None,
            "match": None,
            "confidence": None,
            "match_state": "unmatched",
            "note": "No TMDB token is set: add one in Settings to match it.",
        }
    ]
    assert (show / "harbor.lights.s01e01.mkv").exists()
    text = cli(profile, "import").stdout
    assert "Harbor Lights (2019): Harbor Lights (2019), 1 video file(s), 1 recognised" in text


def test_scan_shows_air_dates_and_recaps(profile, tmp_path):
    folder = tmp_path / "Late Night"
    folder.mkdir()
    for name in ("Late Night - 2011-04-12.mkv", "Late Night - S01E02.mkv", "Late Night - 12.5.mkv"):
        (folder / name).write_bytes(b"x")
    proc = cli(profile, "scan", "--json", str(folder))
    assert proc.returncode == 0, proc.stderr
    by_path = {entry["path"]: entry for entry in json.loads(proc.stdout)}
    dated = by_path["Late Night - 2011-04-12.mkv"]
    assert (dated["air_date"], dated["season"], dated["episode"]) == ("2011-04-12", None, None)
    assert "absolute" not in dated
    assert by_path["Late Night - 12.5.mkv"]["recap"] == "12.5"
    assert "air_date" not in by_path["Late Night - S01E02.mkv"]
    text = cli(profile, "scan", str(folder)).stdout
    assert "Late Night - 2011-04-12.mkv  ->  no number, aired 2011-04-12" in text
    assert "Late Night - 12.5.mkv  ->  recap 12.5 (no episode)" in text
