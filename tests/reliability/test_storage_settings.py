"""Storage faults (issue 7): a corrupt settings file at start.

Whatever is in ``settings.json`` (broken JSON, TOML by mistake, binary garbage, a list, values of
the wrong type, names this version does not know), the app starts: the file is kept aside as
``settings.json.corrupt-<time>`` byte for byte and with its permissions, valid values are kept,
the rest are the defaults, and the user is told once (the notice list, the log, the CLI's
stderr). Nothing is deleted.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from aniworld_desktop.config import ProfilePaths, Settings, load_settings
from aniworld_desktop.core.errors import ConfigError
from aniworld_desktop.services import open_services
from tests.integration.test_run_once import run_cli

CORRUPT = {
    "cut short": b'{"max_downloads": 5, "speed_limit": "1M"',
    "toml": b'max_downloads = 5\nlibrary_dir = "/srv/media"\n',
    "binary": bytes(range(256)) * 8,
    "zeros": bytes(4096),
    "empty": b"",
    "a list": b'[{"max_downloads": 5}]',
    "a string": b'"max_downloads"',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "latin-1": '{"metadata_language": "français"}'.encode("latin-1"),
}


def _kept(paths: ProfilePaths) -> list[Path]:
    return sorted(paths.config_dir.glob("settings.json.corrupt-*"))


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_an_unreadable_settings_file_is_kept_and_the_defaults_used(
    paths: ProfilePaths, content: bytes
) -> None:
    paths.create()
    paths.settings_file.write_bytes(content)
    notices: list[str] = []
    assert load_settings(paths, environ={}, notices=notices) == Settings()
    (notice,) = notices
    (kept,) = _kept(paths)
    assert kept.read_bytes() == content
    assert str(paths.settings_file) in notice and kept.name in notice
    assert "the defaults are used" in notice
    assert not paths.settings_file.exists()
    # Told once: the next start finds no file and says nothing.
    again: list[str] = []
    assert load_settings(paths, environ={}, notices=again) == Settings()
    assert again == [] and len(_kept(paths)) == 1


def test_values_of_the_wrong_type_cost_only_themselves(paths: ProfilePaths) -> None:
    paths.create()
    stored = {
        "max_downloads": "lots",
        "speed_limit": "1M",
        "auto_download": [1, 2],
        "naming_template": "{series}/{no_such_field}",
        "metadata_language": "de-DE",
        "tmdb_token": {"not": "text"},
        "shiny_new_setting": True,
    }
    original = (json.dumps(stored) + "\n").encode()
    paths.settings_file.write_bytes(original)
    notices: list[str] = []
    settings = load_settings(paths, environ={}, notices=notices)
    (notice,) = notices
    defaults = Settings()
    assert (settings.speed_limit, settings.metadata_language) == (1 << 20, "de-DE")
    assert settings.max_downloads == defaults.max_downloads
    assert settings.auto_download == defaults.auto_download
    assert settings.naming_template == defaults.naming_template
    assert settings.tmdb_token == ""
    assert "Invalid max_downloads" in notice and "2 more" in notice
    assert "the settings that were valid are kept" in notice
    assert "{'not': 'text'}" not in notice  # a secret's value is never echoed
    (kept,) = _kept(paths)
    assert kept.read_bytes() == original
    # The valid values were written back: the next start is quiet and keeps them.
    again: list[str] = []
    assert load_settings(paths, environ={}, notices=again) == settings
    assert again == []


def test_a_private_settings_file_stays_private_when_kept_aside(paths: ProfilePaths) -> None:
    paths.create()
    paths.settings_file.write_bytes(b'{"tmdb_token": "tok-1234567890", "max_downloads": 0}')
    os.chmod(paths.settings_file, 0o600)
    settings = load_settings(paths, environ={}, notices=[])
    assert settings.tmdb_token == "tok-1234567890"
    (kept,) = _kept(paths)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600  # holds the token


def test_without_a_notice_list_the_notice_is_logged(
    paths: ProfilePaths, caplog: pytest.LogCaptureFixture
) -> None:
    paths.create()
    paths.settings_file.write_bytes(b"{oops")
    with caplog.at_level(logging.WARNING, logger="aniworld_desktop.config"):
        assert load_settings(paths, environ={}) == Settings()
    (record,) = caplog.records
    assert "could not be used" in record.getMessage()


def test_a_bad_environment_variable_is_still_an_error(paths: ProfilePaths) -> None:
    """Typed for this run by someone who is there to fix it: not set aside, refused."""
    with pytest.raises(ConfigError, match="ANIWORLD_MAX_DOWNLOADS"):
        load_settings(paths, environ={"ANIWORLD_MAX_DOWNLOADS": "lots"})


async def test_the_notice_reaches_the_services_for_the_window(paths: ProfilePaths) -> None:
    paths.create()
    paths.settings_file.write_bytes(b"\xff\xfe garbage")
    notices: list[str] = []
    settings = load_settings(paths, environ={}, notices=notices)
    async with open_services(paths, settings, run_downloads=False, notices=notices) as services:
        assert services.notices == notices
        assert "it is not text" in services.notices[0]


async def test_the_command_line_says_so_once_and_runs(profile: Path) -> None:
    paths = ProfilePaths.for_profile(profile)
    paths.create()
    paths.settings_file.write_bytes(b"max_downloads = 5\n")
    code, out, err = await run_cli(profile, "list")
    assert code == 0, err
    assert "No series followed yet" in out
    (line,) = err.strip().splitlines()
    assert line.startswith(f"aniworld-desktop: The settings file {paths.settings_file}")
    assert "not valid JSON" in line and "settings.json.corrupt-" in line
    assert "Traceback" not in err
    code, out, err = await run_cli(profile, "list")
    assert (code, err) == (0, "")
    log = (paths.log_dir / "aniworld.log").read_text()
    assert log.count("The settings file") == 1
