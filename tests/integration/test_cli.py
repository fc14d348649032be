"""The command line: stable output, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aniworld_desktop import __version__
from aniworld_desktop.exitcodes import EXIT_BROKEN_PIPE
from aniworld_desktop.json_output import JSON_SCHEMA
from tests.integration.cli import cli, cli_env, cli_json, queue_json


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
    assert cli_json(proc.stdout, "proposals") == [
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
    by_path = {entry["path"]: entry for entry in cli_json(proc.stdout, "files")}
    dated = by_path["Late Night - 2011-04-12.mkv"]
    assert (dated["air_date"], dated["season"], dated["episode"]) == ("2011-04-12", None, None)
    assert "absolute" not in dated
    assert by_path["Late Night - 12.5.mkv"]["recap"] == "12.5"
    assert "air_date" not in by_path["Late Night - S01E02.mkv"]
    text = cli(profile, "scan", str(folder)).stdout
    assert "Late Night - 2011-04-12.mkv  ->  no number, aired 2011-04-12" in text
    assert "Late Night - 12.5.mkv  ->  recap 12.5 (no episode)" in text


# An ISO 8601 time with its offset, as `datetime.fromisoformat` and `date -d` read it.
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def test_every_json_output_carries_the_schema_version(profile, tmp_path):
    assert cli(profile, "add", "http://127.0.0.1:9/Harbor.Lights.S01E01.mkv").returncode == 0
    (tmp_path / "Show.S01E01.mkv").write_bytes(b"x")
    runs = {
        ("add", "http://127.0.0.1:9/Harbor.Lights.S01E02.mkv", "--json"): "queued",
        ("list", "--json"): "series",
        ("episodes", "Harbor Lights", "--json"): "episodes",
        ("queue", "--json"): "queue",
        ("import", "--json"): "proposals",
        ("scan", str(tmp_path), "--json"): "files",
    }
    for args, key in runs.items():
        proc = cli(profile, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        document = json.loads(proc.stdout)
        assert document["schema"] == JSON_SCHEMA == 2, args
        assert next(iter(document)) == "schema", args  # first, so `head` shows it
        assert key in document, args


def test_json_times_are_iso_8601_with_their_offset(profile):
    assert cli(profile, "add", "http://127.0.0.1:9/Harbor.Lights.S01E01.mkv").returncode == 0
    (item,) = queue_json(profile)
    assert ISO_WITH_OFFSET.match(item["created_at"]), item["created_at"]
    created = datetime.fromisoformat(item["created_at"])
    assert created.utcoffset() == timedelta(0)  # stored in UTC, and says so
    assert abs(datetime.now(UTC) - created) < timedelta(hours=1)
    assert item["finished_at"] is None
    proc = cli(profile, "episodes", "Harbor Lights", "--json")
    (episode,) = cli_json(proc.stdout, "episodes")
    assert episode["air_date"] is None or re.match(r"^\d{4}-\d\d-\d\d$", episode["air_date"])


def run_module(*args: str, profile: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The program with exactly these arguments (``cli()`` puts --profile first)."""
    return subprocess.run(
        [sys.executable, "-m", "aniworld_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(),
        check=False,
    )


def test_global_options_work_after_the_sub_command(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    url = "http://127.0.0.1:9/Harbor.Lights.S01E01.mkv"
    assert run_module("add", url, "--profile", str(first)).returncode == 0
    after = run_module("queue", "--json", "--profile", str(first), "--debug")
    assert after.returncode == 0, after.stderr
    assert [i["series"] for i in cli_json(after.stdout, "queue")] == ["Harbor Lights"]
    assert "DEBUG" in after.stderr  # --debug after the sub-command counts too
    before = run_module("--profile", str(first), "queue", "--json")
    assert cli_json(before.stdout, "queue") == cli_json(after.stdout, "queue")
    # Given before the sub-command and not after it, the earlier value stays.
    other = run_module("--profile", str(second), "queue", "--json")
    assert cli_json(other.stdout, "queue") == []
    assert "DEBUG" not in other.stderr


def test_a_closed_pipe_ends_the_command_quietly(profile):
    assert cli(profile, "add", "http://127.0.0.1:9/Harbor.Lights.S01E01.mkv").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile), "queue", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    # The reader is gone (a `| head` that had its lines) long before the program, still
    # importing, writes its first byte: that write fails with EPIPE.
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_BROKEN_PIPE == 141
    assert err == ""  # no traceback, no "Exception ignored ... BrokenPipeError"
