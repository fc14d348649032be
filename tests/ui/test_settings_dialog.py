"""SettingsDialog: values shown, bad values refused in place, the token masked and kept apart."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit

from aniworld_desktop.config import ProfilePaths, Settings, load_settings
from aniworld_desktop.metadata import credentials
from aniworld_desktop.ui.settings_dialog import SettingsDialog, save, size_text

SENTINEL = "sentinel-token-8f3a9c1e77"


class FakeKeyring:
    """Stands in for the keyring module: a dict of passwords."""

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, password: str) -> None:
        self.passwords[service, user] = password

    def get_password(self, service: str, user: str) -> str | None:
        return self.passwords.get((service, user))

    def delete_password(self, service: str, user: str) -> None:
        self.passwords.pop((service, user), None)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No usable keyring, and no token in the environment: the token lives in settings.json."""
    monkeypatch.setattr(credentials, "keyring_backend", lambda: None)
    monkeypatch.delenv(credentials.TOKEN_ENV, raising=False)


@pytest.fixture
def fake_keyring(monkeypatch: pytest.MonkeyPatch) -> FakeKeyring:
    keyring = FakeKeyring()
    monkeypatch.setattr(credentials, "keyring_backend", lambda: keyring)
    monkeypatch.delenv(credentials.TOKEN_ENV, raising=False)
    return keyring


def sample_settings(paths: ProfilePaths) -> Settings:
    return Settings(
        library_dir=paths.default_library,
        max_downloads=4,
        speed_limit=2 << 20,
        stall_timeout=45.0,
        min_free_disk=512 << 20,
        artwork_size="w780",
        artwork="poster,fanart",
    )


def make_dialog(qtbot: Any, paths: ProfilePaths) -> SettingsDialog:
    dialog = SettingsDialog(sample_settings(paths), paths, token="")
    qtbot.addWidget(dialog)
    return dialog


def type_into(edit: QLineEdit, text: str) -> None:
    """Replace the text the way a user does: select all, then type key by key."""
    edit.setFocus()
    edit.selectAll()
    if text:
        QTest.keyClicks(edit, text)
    else:
        edit.clear()


def test_fields_show_current_values(qtbot: Any, paths: ProfilePaths, no_keyring: None) -> None:
    dialog = make_dialog(qtbot, paths)

    assert dialog.edits["library_dir"].text() == str(paths.default_library)
    assert dialog.edits["max_downloads"].text() == "4"
    assert dialog.edits["max_downloads_per_host"].text() == "2"
    assert dialog.edits["speed_limit"].text() == "2M"
    assert dialog.edits["stall_timeout"].text() == "45"
    assert dialog.edits["min_free_disk"].text() == "512M"
    assert dialog.edits["max_retries"].text() == "3"
    assert dialog.edits["tmdb_api_url"].text() == "https://api.themoviedb.org/3"
    assert dialog.edits["metadata_language"].text() == "en-US"
    assert dialog.artwork_size_combo.currentText() == "w780"
    checked = {kind for kind, box in dialog.artwork_checks.items() if box.isChecked()}
    assert checked == {"poster", "fanart"}
    assert dialog.ok_button.isEnabled()
    assert dialog.errors() == {}
    # Unchanged, the result is the settings it was given (the token travels apart).
    assert dialog.result_settings() == sample_settings(paths)


def test_token_from_load_token_when_not_given(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = SettingsDialog(Settings(tmdb_token=SENTINEL), paths)
    qtbot.addWidget(dialog)
    assert dialog.token() == SENTINEL


@pytest.mark.parametrize("bad", ["0", "abc", "33", ""])
def test_invalid_max_downloads_is_refused_in_place(
    qtbot: Any, paths: ProfilePaths, no_keyring: None, bad: str
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)
    edit = dialog.edits["max_downloads"]
    label = dialog.error_labels["max_downloads"]

    type_into(edit, bad)

    assert not dialog.ok_button.isEnabled()
    assert label.isVisible()
    assert label.text().startswith("Invalid max_downloads: expected a whole number from 1 to 32")
    assert edit.property("invalid") is True
    assert "max_downloads" in dialog.errors()
    # Enter does not accept while a value is invalid.
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.result() == 0

    type_into(edit, "5")

    assert dialog.ok_button.isEnabled()
    assert not label.isVisible()
    assert label.text() == ""
    assert edit.property("invalid") is False
    assert dialog.result_settings().max_downloads == 5


def test_two_invalid_fields_keep_ok_disabled_until_both_are_fixed(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    type_into(dialog.edits["speed_limit"], "fast")
    type_into(dialog.edits["stall_timeout"], "0")
    assert set(dialog.errors()) == {"speed_limit", "stall_timeout"}
    assert "a size such as 500M" in dialog.error_labels["speed_limit"].text()

    type_into(dialog.edits["speed_limit"], "0")
    assert not dialog.ok_button.isEnabled()
    type_into(dialog.edits["stall_timeout"], "10")
    assert dialog.ok_button.isEnabled()
    assert dialog.result_settings().speed_limit == 0


def test_naming_template_shows_live_example_or_reason(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    edit = dialog.edits["naming_template"]
    assert dialog.example_label.text() == (
        "Example: Harbor Lights (2024)/Season 01/Harbor Lights - S01E02 - Fog.mkv"
    )

    type_into(edit, "{series}/{season}")  # no {episode} in the file name

    assert not dialog.ok_button.isEnabled()
    assert "(the file name needs {episode})" in dialog.error_labels["naming_template"].text()
    assert "the file name needs {episode}" in dialog.example_label.text()
    assert not dialog.example_label.text().startswith("Example:")

    type_into(edit, "{series}/{nope}")
    assert "unknown field {nope}" in dialog.error_labels["naming_template"].text()

    # Every keystroke renders again: after the last one the example is the new template's.
    seen: list[str] = []
    dialog.example_label.setText("")
    edit.textChanged.connect(lambda _: seen.append(dialog.example_label.text()))
    type_into(edit, "{series}/E{episode:03}")
    assert len(seen) == len("{series}/E{episode:03}")
    assert dialog.example_label.text() == "Example: Harbor Lights/E002.mkv"
    assert dialog.ok_button.isEnabled()
    assert dialog.result_settings().naming_template == "{series}/E{episode:03}"


def test_library_folder_browse_is_non_blocking(
    qtbot: Any, paths: ProfilePaths, no_keyring: None, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)

    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)  # returns: no nested loop

    chooser = dialog.findChild(QFileDialog, "libraryFolderDialog")
    assert chooser is not None and chooser.isVisible()
    assert chooser.fileMode() is QFileDialog.FileMode.Directory
    chooser.fileSelected.emit(str(tmp_path / "Anime"))
    chooser.reject()
    assert dialog.edits["library_dir"].text() == str(tmp_path / "Anime")
    assert dialog.result_settings().library_dir == tmp_path / "Anime"

    # Empty means the profile's default library, and is valid.
    type_into(dialog.edits["library_dir"], "")
    assert dialog.ok_button.isEnabled()
    assert dialog.result_settings().library_dir is None


def test_artwork_choices(qtbot: Any, paths: ProfilePaths, no_keyring: None) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.artwork_checks["logo"].setChecked(True)
    dialog.artwork_checks["poster"].setChecked(False)
    dialog.artwork_size_combo.setCurrentText("original")
    result = dialog.result_settings()
    assert result.artwork == "fanart,logo"
    assert result.artwork_size == "original"


def test_token_is_masked_and_never_logged(
    qtbot: Any, paths: ProfilePaths, no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = make_dialog(qtbot, paths)
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Password

    type_into(dialog.token_edit, SENTINEL)
    dialog.show_token.setChecked(True)
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Normal
    dialog.show_token.setChecked(False)
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Password
    type_into(dialog.edits["max_downloads"], "abc")  # an error elsewhere must not show it
    type_into(dialog.edits["max_downloads"], "2")
    save(dialog)

    assert dialog.token() == SENTINEL
    assert SENTINEL not in repr(dialog.result_settings())
    for record in caplog.records:
        assert SENTINEL not in record.getMessage()
        assert SENTINEL not in str(record.args)
    assert all(SENTINEL not in label.text() for label in dialog.error_labels.values())


def test_save_without_keyring_writes_settings_and_private_token(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    type_into(dialog.edits["max_downloads"], "7")
    type_into(dialog.edits["speed_limit"], "1.5M")
    type_into(dialog.edits["naming_template"], "{series}/S{season:02}E{episode:02}")
    type_into(dialog.edits["metadata_language"], "de-DE")
    type_into(dialog.token_edit, SENTINEL)

    saved = save(dialog)

    stored = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert stored["max_downloads"] == 7
    assert stored["speed_limit"] == int(1.5 * (1 << 20))
    assert stored["naming_template"] == "{series}/S{season:02}E{episode:02}"
    assert stored["metadata_language"] == "de-DE"
    # No keyring: the token stays in settings.json, which only its owner can read.
    assert stored["tmdb_token"] == SENTINEL
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600
    assert saved.tmdb_token == SENTINEL
    loaded = load_settings(paths, environ={})
    assert loaded == saved
    assert credentials.load_token(loaded, environ={}) == SENTINEL


def test_save_with_keyring_keeps_token_out_of_settings(
    qtbot: Any, paths: ProfilePaths, fake_keyring: FakeKeyring
) -> None:
    dialog = make_dialog(qtbot, paths)
    type_into(dialog.token_edit, SENTINEL)

    saved = save(dialog)

    text = paths.settings_file.read_text(encoding="utf-8")
    assert SENTINEL not in text
    assert json.loads(text)["tmdb_token"] == ""
    assert saved.tmdb_token == ""
    assert fake_keyring.passwords == {
        (credentials.KEYRING_SERVICE, credentials.KEYRING_USER): SENTINEL
    }


def test_enter_accepts_when_valid_and_escape_cancels(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.open()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.edits["max_retries"], Qt.Key.Key_Return)
    assert not dialog.isVisible()

    other = make_dialog(qtbot, paths)
    other.open()
    qtbot.waitExposed(other)
    with qtbot.waitSignal(other.rejected, timeout=2000):
        QTest.keyClick(other.edits["max_retries"], Qt.Key.Key_Escape)
    assert not other.isVisible()


def test_size_text() -> None:
    assert size_text(0) == "0"
    assert size_text(512 << 20) == "512M"
    assert size_text(3 << 30) == "3G"
    assert size_text(1536) == "1536"  # 1.5K: kept in bytes, exact
    assert size_text(1000) == "1000"


def test_automation_fields_are_checked_and_follow_the_switch(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)
    interval = dialog.edits["auto_download_interval"]
    assert interval.text() == "3600" and interval.isEnabled()

    type_into(interval, "0")
    assert not dialog.ok_button.isEnabled()
    label = dialog.error_labels["auto_download_interval"]
    assert label.isVisible()
    assert "expected a number of seconds from 1" in label.text()
    type_into(interval, "900")
    assert dialog.ok_button.isEnabled()

    dialog.checks["auto_download"].setChecked(False)
    assert not interval.isEnabled()  # the interval means nothing while it is off
    dialog.checks["notify_finished"].setChecked(False)
    dialog.checks["close_to_tray"].setChecked(False)
    result = dialog.result_settings()
    assert result.auto_download is False
    assert result.auto_download_interval == 900
    assert result.notify_finished is False and result.notify_failed is True
    assert result.close_to_tray is False
