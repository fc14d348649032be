"""Where the token is kept (keyring or a private settings.json) and the log filter that hides it."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from aniworld_desktop.config import Settings
from aniworld_desktop.metadata.credentials import (
    KEYRING_SERVICE,
    KEYRING_USER,
    TOKEN_ENV,
    SecretFilter,
    keyring_backend,
    load_token,
    store_token,
)

keyring = pytest.importorskip("keyring")
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import fail, null  # noqa: E402
from keyring.errors import KeyringLocked, PasswordDeleteError  # noqa: E402

from tests.sentinels import TMDB_V4_TOKEN  # noqa: E402

TOKEN = TMDB_V4_TOKEN


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, so no test touches the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("not there")


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")


@pytest.fixture(autouse=True)
def no_real_keyring() -> Iterator[None]:
    """Every test starts with no usable keyring and leaves the real one as it was."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def read_settings(paths: Any) -> dict[str, Any]:
    return json.loads(paths.settings_file.read_text(encoding="utf-8"))


def mode(path: os.PathLike[str]) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- keyring or settings.json ---------------------------------------------------------------------


def test_with_a_keyring_the_token_goes_there_and_out_of_the_settings(paths, memory_keyring):
    paths.create()
    paths.settings_file.write_text(json.dumps({"tmdb_token": "old", "max_downloads": 5}))
    assert store_token(paths, f" {TOKEN}\n") == "keyring"
    assert memory_keyring.passwords == {(KEYRING_SERVICE, KEYRING_USER): TOKEN}
    assert read_settings(paths) == {"max_downloads": 5}
    assert load_token(Settings(), environ={}) == TOKEN


def test_with_a_keyring_no_settings_file_is_created(paths, memory_keyring):
    store_token(paths, TOKEN)
    assert not paths.settings_file.exists()


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_without_a_usable_keyring_the_token_stays_in_a_private_settings_file(paths, backend):
    keyring.set_keyring(backend())
    assert keyring_backend() is None
    paths.create()
    paths.settings_file.write_text(json.dumps({"max_downloads": 5}))
    os.chmod(paths.settings_file, 0o644)
    assert store_token(paths, TOKEN) == "settings"
    assert read_settings(paths) == {"max_downloads": 5, "tmdb_token": TOKEN}
    assert mode(paths.settings_file) == 0o600
    assert load_token(Settings(tmdb_token=TOKEN), environ={}) == TOKEN


def test_without_the_keyring_package_the_settings_file_is_used(paths, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now raises ImportError
    assert keyring_backend() is None
    assert store_token(paths, TOKEN) == "settings"
    assert read_settings(paths) == {"tmdb_token": TOKEN}
    assert mode(paths.settings_file) == 0o600


def test_a_keyring_that_refuses_falls_back_to_the_settings_file(paths, caplog):
    keyring.set_keyring(LockedKeyring())
    assert store_token(paths, TOKEN) == "settings"
    assert read_settings(paths) == {"tmdb_token": TOKEN}
    assert load_token(Settings(tmdb_token=TOKEN), environ={}) == TOKEN
    assert "KeyringLocked" in caplog.text
    assert TOKEN not in caplog.text


def test_the_environment_wins(memory_keyring):
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USER, "from-keyring")
    settings = Settings(tmdb_token="from-settings")
    assert load_token(settings, environ={TOKEN_ENV: " from-env "}) == "from-env"
    assert load_token(settings, environ={TOKEN_ENV: ""}) == "from-keyring"
    memory_keyring.passwords.clear()
    assert load_token(settings, environ={}) == "from-settings"
    assert load_token(Settings(), environ={}) == ""


def test_an_empty_token_forgets_it_everywhere(paths, memory_keyring):
    paths.create()
    paths.settings_file.write_text(json.dumps({"tmdb_token": TOKEN}))
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USER, TOKEN)
    assert store_token(paths, "") == "keyring"
    assert memory_keyring.passwords == {}
    assert read_settings(paths) == {}
    store_token(paths, "")  # nothing left to delete is fine


def test_an_unreadable_settings_file_is_a_config_error_without_the_token(paths):
    from aniworld_desktop.core.errors import ConfigError

    paths.create()
    paths.settings_file.write_text("{broken")
    with pytest.raises(ConfigError, match="settings file") as caught:
        store_token(paths, TOKEN)
    assert TOKEN not in str(caught.value)


# --- the log filter -------------------------------------------------------------------------------


@pytest.fixture
def masked(caplog: pytest.LogCaptureFixture) -> Iterator[SecretFilter]:
    secret_filter = SecretFilter([TOKEN, "", "abc"])
    caplog.handler.addFilter(secret_filter)
    caplog.set_level(logging.DEBUG)
    yield secret_filter
    caplog.handler.removeFilter(secret_filter)


@pytest.mark.secret_leak_expected  # the masker's own test logs the secret on purpose
def test_the_filter_masks_message_and_arguments(masked, caplog):
    log = logging.getLogger("aniworld_desktop.some.module")
    log.info("token is %s", TOKEN)
    log.warning(f"url https://x/?api_key={TOKEN}&q=1")
    log.debug("%(t)s as a mapping", {"t": TOKEN})
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "token is ***",
        "url https://x/?api_key=***&q=1",
        "*** as a mapping",
    ]
    assert TOKEN not in caplog.text


@pytest.mark.secret_leak_expected  # the masker's own test logs the secret on purpose
def test_the_filter_masks_tracebacks(masked, caplog):
    try:
        raise RuntimeError(f"refused {TOKEN}")
    except RuntimeError:
        logging.getLogger("x").exception("it failed")
    assert "refused ***" in caplog.text
    assert TOKEN not in caplog.text


def test_the_filter_ignores_empty_and_short_secrets_and_learns_new_ones(masked, caplog):
    log = logging.getLogger("x")
    log.info("abc and plain text stay")
    masked.add("a-later-token")
    log.info("a-later-token")
    masked.discard("a-later-token")
    log.info("a-later-token")
    assert [r.getMessage() for r in caplog.records] == [
        "abc and plain text stay",
        "***",
        "a-later-token",
    ]


@pytest.mark.secret_leak_expected  # the masker's own test logs the secret on purpose
def test_the_filter_keeps_a_record_whose_format_is_broken(masked, caplog):
    logging.getLogger("x").info("%d broken", TOKEN)
    assert TOKEN not in caplog.records[0].getMessage()
