"""SettingsDialog: values shown, bad values refused in place, the token masked and kept apart."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import ssl
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit

from aniworld_desktop.config import ProfilePaths, Settings, load_settings
from aniworld_desktop.mediaservers import KodiClient
from aniworld_desktop.metadata import credentials
from aniworld_desktop.net.session import format_fingerprint
from aniworld_desktop.ui.dialogs import run_dialog
from aniworld_desktop.ui.settings_dialog import SettingsDialog, save, size_text
from tests.ui.conftest import signal_future
from tests.unit.mediaservers.fake_servers import API_KEY, KODI_PASSWORD, KODI_USER, FakeServers

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
    assert dialog.edits["speed_limit"].text() == "2048"  # KB/s
    assert dialog.edits["stall_timeout"].text() == "45"
    assert dialog.edits["min_free_disk"].text() == "512"  # MB
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
    dialog.show_page("max_downloads")
    edit = dialog.edits["max_downloads"]
    label = dialog.error_labels["max_downloads"]

    type_into(edit, bad)

    assert not dialog.ok_button.isEnabled()
    assert label.isVisible()
    # The field's label, never the setting's internal name (issue 18).
    assert label.text().startswith("Downloads at once: expected a whole number from 1 to 32")
    assert "max_downloads" not in label.text()
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
    assert dialog.error_labels["speed_limit"].text() == (
        "Speed limit (KB/s): expected a number of KB/s, 0 for no limit."
    )

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
    type_into(dialog.edits["speed_limit"], "1536")  # KB/s: 1.5 MiB a second
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
    dialog.show_page("auto_download_interval")
    interval = dialog.edits["auto_download_interval"]
    assert interval.text() == "60" and interval.isEnabled()  # minutes

    type_into(interval, "0")
    assert not dialog.ok_button.isEnabled()
    label = dialog.error_labels["auto_download_interval"]
    assert label.isVisible()
    assert label.text() == (
        "Check every (minutes): expected a number of minutes above 0, at most 10080."
    )
    type_into(interval, "15")
    assert dialog.ok_button.isEnabled()

    dialog.checks["auto_download"].setChecked(False)
    assert not interval.isEnabled()  # the interval means nothing while it is off
    dialog.checks["notify_finished"].setChecked(False)
    dialog.checks["close_to_tray"].setChecked(False)
    result = dialog.result_settings()
    assert result.auto_download is False
    assert result.auto_download_interval == 900  # 15 minutes, kept in seconds
    assert result.notify_finished is False and result.notify_failed is True
    assert result.close_to_tray is False


# Media servers.

MEDIA_KEY = "sentinel-jellyfin-key-0b7e4d"
MEDIA_PASSWORD = "sentinel-kodi-pass-9a1f"


def media_settings(paths: ProfilePaths, **values: Any) -> Settings:
    return sample_settings(paths).updated(values)


def test_media_server_fields_are_checked_and_secrets_masked(
    qtbot: Any, paths: ProfilePaths, no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = media_settings(
        paths, jellyfin_url="http://nas:8096", jellyfin_api_key=MEDIA_KEY, kodi_user="kodi"
    )
    dialog = SettingsDialog(settings, paths, token="")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edits, buttons = dialog.edits, dialog.test_buttons
    assert edits["jellyfin_url"].text() == "http://nas:8096"
    assert edits["jellyfin_api_key"].text() == MEDIA_KEY
    assert edits["kodi_url"].text() == "" and edits["kodi_user"].text() == "kodi"
    for name in ("jellyfin_api_key", "kodi_password"):
        assert edits[name].echoMode() is QLineEdit.EchoMode.Password
        dialog.show_secrets[name].setChecked(True)
        assert edits[name].echoMode() is QLineEdit.EchoMode.Normal
        dialog.show_secrets[name].setChecked(False)
        assert edits[name].echoMode() is QLineEdit.EchoMode.Password
    # A server without an address cannot be tested; one with an address can.
    assert buttons["jellyfin"].isEnabled() and not buttons["kodi"].isEnabled()

    dialog.show_page("kodi_url")
    type_into(edits["kodi_url"], "ftp://kodi:8080")
    assert not dialog.ok_button.isEnabled() and not buttons["kodi"].isEnabled()
    assert dialog.error_labels["kodi_url"].isVisible()
    assert (
        dialog.error_labels["kodi_url"]
        .text()
        .startswith("Kodi address: expected an http or https URL")
    )
    type_into(edits["kodi_url"], "http://kodi:8080")
    assert dialog.ok_button.isEnabled() and buttons["kodi"].isEnabled()

    type_into(edits["jellyfin_api_key"], f"{MEDIA_KEY} x")  # a space: not a header value
    assert "got a hidden value" in dialog.error_labels["jellyfin_api_key"].text()
    assert not buttons["jellyfin"].isEnabled()
    type_into(edits["jellyfin_api_key"], MEDIA_KEY)
    type_into(edits["kodi_password"], MEDIA_PASSWORD)

    result = dialog.result_settings()
    assert (result.jellyfin_url, result.jellyfin_api_key) == ("http://nas:8096", MEDIA_KEY)
    assert (result.kodi_url, result.kodi_user) == ("http://kodi:8080", "kodi")
    assert result.kodi_password == MEDIA_PASSWORD
    assert MEDIA_KEY not in repr(result) and MEDIA_PASSWORD not in repr(result)

    saved = save(dialog)

    assert saved.jellyfin_api_key == MEDIA_KEY and saved.kodi_password == MEDIA_PASSWORD
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600
    assert load_settings(paths, environ={}) == saved
    for record in caplog.records:
        assert MEDIA_KEY not in record.getMessage() and MEDIA_PASSWORD not in record.getMessage()
    for label in dialog.error_labels.values():
        assert MEDIA_KEY not in label.text() and MEDIA_PASSWORD not in label.text()


@contextlib.asynccontextmanager
async def shown(dialog: SettingsDialog) -> AsyncIterator[asyncio.Future[int]]:
    """Open ``dialog`` as the window does (no nested loop); yields its result."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    result = asyncio.ensure_future(run_dialog(dialog))
    try:
        yield result
    finally:
        if not result.done():
            result.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await result
        dialog.deleteLater()
        app.setQuitOnLastWindowClosed(quit_on_close)


@pytest.mark.qt_loop
async def test_test_buttons_ask_the_servers_in_a_task_and_show_the_answer(
    paths: ProfilePaths, no_keyring: None
) -> None:
    async with FakeServers() as server:
        settings = media_settings(
            paths, jellyfin_url="http://127.0.0.1:9", jellyfin_api_key=API_KEY
        )
        dialog = SettingsDialog(settings, paths, token="")
        async with shown(dialog):
            dialog.show_page("jellyfin_url")
            # The values as typed are tested, before they are saved.
            dialog.edits["jellyfin_url"].setText(server.url)
            tested = signal_future(dialog.serverTested)
            dialog.test_buttons["jellyfin"].click()
            # The click returned at once: the question is under way in a task.
            label = dialog.test_results["jellyfin"]
            assert label.text() == f"Asking Jellyfin at {server.url}…"
            assert not dialog.test_buttons["jellyfin"].isEnabled()

            ok_text = f"Connected to Jellyfin “Living Room NAS” 10.10.7 at {server.url}; the API key works."
            assert await asyncio.wait_for(tested, 5) == ("jellyfin", True, ok_text)
            assert label.text() == ok_text and label.isVisible()
            assert label.property("failed") is False
            assert dialog.test_buttons["jellyfin"].isEnabled()
            [request] = server.requests
            assert (request.method, request.path) == ("GET", "/System/Info")
            assert request.headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'

            dialog.edits["kodi_url"].setText(server.url)
            dialog.edits["kodi_user"].setText(KODI_USER)
            dialog.edits["kodi_password"].setText("not-" + KODI_PASSWORD)
            tested = signal_future(dialog.serverTested)
            dialog.test_buttons["kodi"].click()
            server_key, ok, text = await asyncio.wait_for(tested, 5)
            assert (server_key, ok) == ("kodi", False)
            assert text == (
                f"Kodi at {server.url} refused the user name or password (HTTP 401): check them "
                "in the settings."
            )
            assert dialog.test_results["kodi"].text() == text
            assert dialog.test_results["kodi"].property("failed") is True
            assert KODI_PASSWORD not in text
            assert server.requests[-1].json()["method"] == "JSONRPC.Ping"


@pytest.mark.qt_loop
async def test_a_server_that_never_answers_leaves_the_dialog_usable(
    paths: ProfilePaths, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancelled = asyncio.Event()
    ping = KodiClient.test_connection

    async def watched_ping(client: KodiClient) -> str:
        try:
            return await ping(client)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    monkeypatch.setattr(KodiClient, "test_connection", watched_ping)
    async with FakeServers(hang=True) as server:
        settings = media_settings(
            paths, kodi_url=server.url, kodi_user=KODI_USER, kodi_password=KODI_PASSWORD
        )
        dialog = SettingsDialog(settings, paths, token="")
        seen: list[tuple[str, bool, str]] = []
        dialog.serverTested.connect(lambda *args: seen.append(args))
        async with shown(dialog) as result:
            dialog.test_buttons["kodi"].click()
            await asyncio.wait_for(server.arrived.wait(), 5)
            # While Kodi thinks, the dialog goes on: values are checked, OK still closes it.
            dialog.edits["max_retries"].setText("abc")
            assert "max_retries" in dialog.errors()
            dialog.edits["max_retries"].setText("4")
            assert dialog.test_results["kodi"].text() == f"Asking Kodi at {server.url}…"
            dialog.ok_button.click()
            assert await asyncio.wait_for(result, 5) == QDialog.DialogCode.Accepted.value
            # Closing cancelled the test; its session closed (a leak would fail this test).
            await asyncio.wait_for(cancelled.wait(), 5)
        assert seen == []


# --- trusted servers ----------------------------------------------------------------------------

FINGERPRINT = ":".join(["AB"] * 32)


def test_trusted_servers_are_checked_as_typed(qtbot, paths: ProfilePaths, no_keyring: None):
    dialog = SettingsDialog(sample_settings(paths), paths, token="")
    qtbot.addWidget(dialog)
    dialog.trusted_edit.setPlainText("nas.local:8920 not-a-fingerprint")
    assert "trusted_servers" in dialog.errors() and not dialog.ok_button.isEnabled()
    assert "is not a SHA-256 fingerprint" in dialog.error_labels["trusted_servers"].text()
    dialog.trusted_edit.setPlainText(f"NAS.local:8920 {FINGERPRINT.lower()}\n")
    assert dialog.is_valid() and dialog.ok_button.isEnabled()
    saved = dialog.result_settings()
    assert saved.trusted_servers == f"nas.local:8920 {FINGERPRINT}"


@pytest.mark.qt_loop
async def test_read_certificate_adds_what_the_server_presents_and_the_test_uses_it(
    paths: ProfilePaths, tmp_path: Path, no_keyring: None
) -> None:
    from tests.reliability.hostile import self_signed_server_context
    from tests.reliability.hostile_server import HostileServer
    from tests.unit.mediaservers.fake_servers import fixture_json

    context = self_signed_server_context(tmp_path)
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert((tmp_path / "cert.pem").read_text())).digest()
    info = json.dumps(fixture_json("jellyfin_system_info.json")).encode()
    async with HostileServer(ssl=context) as server:
        server.add("/System/Info", info, content_type="application/json")
        base = server.url("").rstrip("/")
        port = int(base.rsplit(":", 1)[1])
        settings = media_settings(paths, jellyfin_url=base, jellyfin_api_key=API_KEY)
        dialog = SettingsDialog(
            settings.updated({"trusted_servers": f"127.0.0.1:{port} {FINGERPRINT}"}),
            paths,
            token="",
        )
        async with shown(dialog):
            tested = signal_future(dialog.serverTested)
            dialog.test_buttons["jellyfin"].click()  # the old certificate: refused
            _, ok, text = await asyncio.wait_for(tested, 5)
            assert not ok and "it has changed" in text

            dialog.trust_url_edit.setText(base)
            read = signal_future(dialog.certificateRead)
            dialog.trust_button.click()
            ok, text = await asyncio.wait_for(read, 5)
            assert ok and format_fingerprint(digest) in text.replace("\u200b", "")
            assert dialog.trust_result.text() == text
            # The server's line is replaced, not doubled.
            assert dialog.trusted_edit.toPlainText() == (
                f"127.0.0.1:{port} {format_fingerprint(digest)}"
            )
            assert dialog.is_valid()

            tested = signal_future(dialog.serverTested)
            dialog.test_buttons["jellyfin"].click()
            _, ok, text = await asyncio.wait_for(tested, 5)
            assert ok, text
            assert dialog.result_settings().trusted_hosts().pins == {("127.0.0.1", port): digest}

            dialog.trust_url_edit.setText("http://nas.local")
            read = signal_future(dialog.certificateRead)
            dialog.trust_button.click()
            assert await asyncio.wait_for(read, 5) == (
                False,
                "Type the server's https:// address first.",
            )


def test_settings_come_as_pages_listed_by_name(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)
    titles = [dialog.pages.item(row).text() for row in range(dialog.pages.count())]
    assert titles == [
        "Library",
        "Downloads",
        "Metadata",
        "Automation",
        "Public broadcasters",
        "Notifications",
        "Media servers",
        "Trusted servers",
    ]
    dialog.pages.setCurrentRow(titles.index("Notifications"))
    assert dialog.checks["notify_failed"].isVisible()
    assert not dialog.edits["max_downloads"].isVisible()  # one page at a time, no long scroll
    # A refused value on a page not shown marks its page in the list.
    type_into(dialog.edits["max_downloads"], "0")
    downloads = dialog.pages.item(titles.index("Downloads"))
    assert downloads.toolTip() == "A value on this page is refused."
    assert not dialog.ok_button.isEnabled()
    type_into(dialog.edits["max_downloads"], "4")
    assert downloads.toolTip() == "" and dialog.ok_button.isEnabled()


def test_every_input_has_an_accessible_name(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    """A walk of the accessibility tree, as a screen reader makes it, over every page."""
    from PySide6.QtGui import QAccessible

    roles = QAccessible.Role
    inputs = {
        roles.EditableText,
        roles.ComboBox,
        roles.CheckBox,
        roles.SpinBox,
        roles.List,
        roles.RadioButton,
        roles.Slider,
    }
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)
    found: dict[str, str] = {}

    def walk(interface: Any, depth: int = 0) -> None:
        if interface is None or not interface.isValid() or depth > 40:
            return
        state = interface.state()
        if interface.role() in inputs and not state.invisible:
            widget = interface.object()
            key = f"{type(widget).__name__}({widget.objectName() or '-'})@{id(widget)}"
            found[key] = interface.text(QAccessible.Text.Name)
        for n in range(interface.childCount()):
            walk(interface.child(n), depth + 1)

    for page in range(dialog.pages.count()):
        dialog.pages.setCurrentRow(page)
        walk(QAccessible.queryAccessibleInterface(dialog))
    nameless = sorted(key for key, name in found.items() if not name.strip())
    assert not nameless, "inputs without an accessible name:\n" + "\n".join(nameless)
    assert len(found) >= 30  # the walk reached every page's fields (20 settings and more)
    names = set(found.values())
    assert {"Downloads at once", "Speed limit (KB/s)", "Check every (minutes)"} <= names
    assert "Show Kodi password" in names


def test_the_public_broadcasters_page_shows_and_returns_the_film_list_settings(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox

    # Versions in an order the page's own would not make: opened and left alone, it is kept.
    given = Settings(
        mediathek_quality="sd",
        mediathek_versions="standard,sign-language,audio-description",
        mediathek_refresh_interval=7200.0,
    )
    dialog = SettingsDialog(given, paths, token="")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_page("mediathek_quality")
    quality = dialog.findChild(QComboBox, "mediathek_quality")
    preferred = dialog.findChild(QComboBox, "mediathek_preferred_version")
    checks = {
        v: dialog.findChild(QCheckBox, f"mediathek_version_{v}")
        for v in ("standard", "audio-description", "sign-language")
    }
    assert quality.isVisible() and quality.currentText() == "SD"
    assert preferred.currentData() == "standard"
    assert all(check.isChecked() for check in checks.values())
    assert not checks["standard"].isEnabled()  # the preferred one is always downloaded
    assert dialog.edits["mediathek_refresh_interval"].text() == "120"
    assert dialog.result_settings() == given

    quality.setCurrentIndex(quality.findData("small"))
    preferred.setCurrentIndex(preferred.findData("audio-description"))
    assert not checks["audio-description"].isEnabled() and checks["standard"].isEnabled()
    checks["sign-language"].setChecked(False)
    type_into(dialog.edits["mediathek_refresh_interval"], "60")
    result = dialog.result_settings()
    assert result.mediathek_quality == "small"
    assert result.mediathek_versions == "audio-description,standard"
    assert result.mediathek_refresh_interval == 3600.0

    # Only the preferred version: the others are never downloaded.
    checks["standard"].setChecked(False)
    assert dialog.result_settings().mediathek_versions == "audio-description"


def test_the_film_list_interval_is_refused_below_a_quarter_hour(
    qtbot: Any, paths: ProfilePaths, no_keyring: None
) -> None:
    dialog = make_dialog(qtbot, paths)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_page("mediathek_refresh_interval")
    edit = dialog.edits["mediathek_refresh_interval"]
    type_into(edit, "5")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_labels["mediathek_refresh_interval"].text() == (
        "Refresh every (minutes): expected a number of minutes from 15 to 10080."
    )
    type_into(edit, "15")
    assert dialog.ok_button.isEnabled()
    assert dialog.result_settings().mediathek_refresh_interval == 900.0
