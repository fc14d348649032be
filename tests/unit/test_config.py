import json
from pathlib import Path

import pytest

from aniworld_desktop.config import (
    ProfilePaths,
    Settings,
    load_settings,
    parse_size,
    save_settings,
)
from aniworld_desktop.core.errors import ConfigError


def test_profile_puts_everything_under_one_folder(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    for path in (paths.config_dir, paths.data_dir, paths.log_dir, paths.cache_dir):
        assert path.is_relative_to(tmp_path)
    assert paths.database.parent == tmp_path
    assert Settings().library(paths) == tmp_path / "library"


def test_defaults_without_file_or_environment(tmp_path):
    settings = load_settings(ProfilePaths.for_profile(tmp_path), environ={})
    assert settings == Settings()
    assert settings.max_downloads == 3 and settings.stall_timeout == 30.0


def test_environment_overrides_file(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    paths.settings_file.write_text(json.dumps({"max_downloads": 5, "speed_limit": "1M"}))
    settings = load_settings(
        paths,
        environ={
            "ANIWORLD_MAX_DOWNLOADS": "7",
            "ANIWORLD_LIBRARY_DIR": str(tmp_path / "lib"),
            "ANIWORLD_STALL_TIMEOUT": "2.5",
        },
    )
    assert settings.max_downloads == 7
    assert settings.speed_limit == 1 << 20
    assert settings.library_dir == tmp_path / "lib"
    assert settings.stall_timeout == 2.5


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "ANIWORLD_MAX_DOWNLOADS",
            "abc",
            "Invalid ANIWORLD_MAX_DOWNLOADS: expected a whole number from 1 to 32, got 'abc'.",
        ),
        ("ANIWORLD_MAX_DOWNLOADS", "0", "Invalid ANIWORLD_MAX_DOWNLOADS"),
        (
            "ANIWORLD_STALL_TIMEOUT",
            "-1",
            "Invalid ANIWORLD_STALL_TIMEOUT: expected a number of seconds",
        ),
        ("ANIWORLD_MIN_FREE_DISK", "lots", "Invalid ANIWORLD_MIN_FREE_DISK: expected a size"),
        ("ANIWORLD_AUTO_DOWNLOAD", "maybe", "Invalid ANIWORLD_AUTO_DOWNLOAD: expected on or off"),
        (
            "ANIWORLD_AUTO_DOWNLOAD_INTERVAL",
            "0",
            "Invalid ANIWORLD_AUTO_DOWNLOAD_INTERVAL: expected a number of seconds from 1",
        ),
    ],
)
def test_invalid_environment_value_is_one_clear_line(tmp_path, name, value, message):
    with pytest.raises(ConfigError) as info:
        load_settings(ProfilePaths.for_profile(tmp_path), environ={name: value})
    text = str(info.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_unknown_setting_in_file_is_named_and_the_rest_kept(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    paths.settings_file.write_text('{"max_downlods": 3, "max_retries": 7}')
    notices: list[str] = []
    settings = load_settings(paths, environ={}, notices=notices)
    (notice,) = notices
    assert "Unknown setting 'max_downlods'" in notice
    assert settings.max_retries == 7 and settings.max_downloads == Settings().max_downloads
    # The valid value was written back; the file as it was is kept beside it.
    assert json.loads(paths.settings_file.read_text())["max_retries"] == 7
    (kept,) = paths.config_dir.glob("settings.json.corrupt-*")
    assert json.loads(kept.read_text()) == {"max_downlods": 3, "max_retries": 7}


def test_broken_settings_file_is_set_aside_with_a_clear_notice(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    paths.settings_file.write_text("{not json")
    notices: list[str] = []
    assert load_settings(paths, environ={}, notices=notices) == Settings()
    (notice,) = notices
    assert "could not be used (it is not valid JSON" in notice and "defaults" in notice
    assert not paths.settings_file.exists()  # nothing valid to write back: defaults


def test_an_unreadable_settings_file_is_still_an_error(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    paths.settings_file.mkdir()  # cannot be read (a folder); not corrupt, so left alone
    with pytest.raises(ConfigError, match="Cannot read the settings file"):
        load_settings(paths, environ={})
    assert paths.settings_file.is_dir()


def test_save_and_load_round_trip(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    settings = Settings().updated({"max_downloads": 4, "library_dir": str(tmp_path / "x")})
    save_settings(paths, settings)
    assert load_settings(paths, environ={}) == settings
    assert not list(Path(paths.config_dir).glob("*.tmp"))


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", 0), ("512", 512), ("500M", 500 << 20), ("1 GiB", 1 << 30), ("2g", 2 << 30)],
)
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_naming_template_is_validated_with_its_reason(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(
            ProfilePaths.for_profile(tmp_path),
            environ={"ANIWORLD_NAMING_TEMPLATE": "{series}/{title}"},
        )
    assert str(info.value).endswith("got '{series}/{title}' (the file name needs {episode}).")
    settings = load_settings(
        ProfilePaths.for_profile(tmp_path),
        environ={"ANIWORLD_NAMING_TEMPLATE": "{series}/S{season:02}E{episode:02}"},
    )
    assert (
        settings.naming().render(
            series="A", year=None, season=1, episode=2, title="t", suffix=".mkv"
        )
        == "A/S01E02.mkv"
    )


@pytest.mark.parametrize(
    ("text", "value"), [("on", True), ("0", False), ("No", False), ("TRUE", True)]
)
def test_switches_read_from_the_environment(tmp_path, text, value):
    environ = {"ANIWORLD_AUTO_DOWNLOAD": text, "ANIWORLD_CLOSE_TO_TRAY": text}
    settings = load_settings(ProfilePaths.for_profile(tmp_path), environ=environ)
    assert settings.auto_download is value
    assert settings.close_to_tray is value


def test_automation_defaults_and_round_trip(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    defaults = Settings()
    assert defaults.auto_download is True
    assert defaults.auto_download_interval == 3600
    assert defaults.auto_download_cooldown == 300
    changed = defaults.updated({"auto_download": False, "auto_download_cooldown": "60"})
    save_settings(paths, changed)
    loaded = load_settings(paths, environ={})
    assert loaded.auto_download is False and loaded.auto_download_cooldown == 60


MEDIA_KEY = "sentinel-jellyfin-key-3c9d1e"
MEDIA_PASSWORD = "sentinel kodi pass 7f2a "  # spaces kept: a password is not stripped


def test_media_servers_are_off_by_default_and_read_from_the_environment(tmp_path):
    assert Settings().jellyfin_url == "" and Settings().kodi_url == ""
    settings = load_settings(
        ProfilePaths.for_profile(tmp_path),
        environ={
            "ANIWORLD_JELLYFIN_URL": "http://nas:8096/",
            "ANIWORLD_JELLYFIN_API_KEY": MEDIA_KEY,
            "ANIWORLD_KODI_URL": "https://kodi.local:8080/jsonrpc",
            "ANIWORLD_KODI_USER": " kodi ",
            "ANIWORLD_KODI_PASSWORD": MEDIA_PASSWORD,
        },
    )
    assert settings.jellyfin_url == "http://nas:8096"
    assert settings.jellyfin_api_key == MEDIA_KEY
    assert settings.kodi_url == "https://kodi.local:8080/jsonrpc"
    assert settings.kodi_user == "kodi"
    assert settings.kodi_password == MEDIA_PASSWORD
    assert sorted(settings.secrets()) == sorted([MEDIA_KEY, MEDIA_PASSWORD])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("jellyfin_url", "ftp://nas", "Invalid jellyfin_url: expected an http or https URL"),
        ("kodi_url", "nas:8080", "Invalid kodi_url: expected an http or https URL"),
        ("kodi_url", "http://nas:99999", "Invalid kodi_url"),
        ("jellyfin_url", "http://nas:8096/?api_key=1", "Invalid jellyfin_url"),
        ("kodi_user", "ko:di", "Invalid kodi_user: expected a user name without ':'"),
    ],
)
def test_media_server_values_are_checked(name, value, message):
    with pytest.raises(ConfigError) as info:
        Settings().updated({name: value})
    assert str(info.value).startswith(message)


def test_credentials_in_a_server_url_are_refused_without_echoing_them():
    with pytest.raises(ConfigError) as info:
        Settings().updated({"kodi_url": f"http://kodi:{MEDIA_PASSWORD.strip()}@tv:8080"})
    text = str(info.value)
    assert MEDIA_PASSWORD.strip() not in text
    assert text == (
        "Invalid kodi_url: expected an http or https URL such as http://nas:8096 (or nothing), "
        "got 'http://***@tv:8080' (put the user name and password in their own fields)."
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("jellyfin_api_key", f"{MEDIA_KEY} with spaces"), ("kodi_password", f"{MEDIA_KEY}\nline")],
)
def test_a_refused_secret_is_never_echoed(name, value):
    with pytest.raises(ConfigError) as info:
        Settings().updated({name: value})
    assert MEDIA_KEY not in str(info.value)
    assert "got a hidden value" in str(info.value)


def test_media_server_secrets_are_masked_and_make_the_file_private(tmp_path):
    paths = ProfilePaths.for_profile(tmp_path)
    paths.create()
    save_settings(paths, Settings())  # a file without secrets: readable as usual
    before = paths.settings_file.stat().st_mode & 0o777
    settings = Settings().updated(
        {"jellyfin_url": "http://nas:8096", "jellyfin_api_key": MEDIA_KEY}
    )
    assert MEDIA_KEY not in repr(settings)
    assert "'jellyfin_api_key': '***'" in repr(settings)

    save_settings(paths, settings)

    assert before & 0o077  # (so the change below is the save's doing)
    assert paths.settings_file.stat().st_mode & 0o777 == 0o600
    assert load_settings(paths, environ={}) == settings
    other = Settings().updated({"kodi_password": MEDIA_PASSWORD})
    assert MEDIA_PASSWORD not in repr(other)
