"""The settings dialog: pages of fields, each checked as it is typed and refused in place.

The pages (Library, Downloads, Metadata, Automation, Public broadcasters, Notifications, Media
servers, Trusted servers; laid out in :mod:`.settings_pages`) are listed on the left. Each
field is validated through :meth:`Settings.updated`, so the dialog and ``settings.json``
accept exactly the same values; a refusal names the field by its label ("Downloads at once:
expected a whole number from 1 to 32…"), in the window's language. Times are asked in minutes
or seconds, speeds in KB/s, sizes in MB; the dialog turns them into the seconds and bytes the
settings keep. Every input has an accessible name (its label). Open the dialog with ``open()``
(or :func:`aniworld_desktop.ui.dialogs.run_dialog`), never ``exec()`` inside a coroutine, then
call :func:`save` once it is accepted.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from yarl import URL

from aniworld_desktop.config import (
    ProfilePaths,
    Settings,
    save_settings,
)
from aniworld_desktop.core.errors import ConfigError
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.mediaservers import (
    JellyfinClient,
    KodiClient,
    MediaServerClient,
    MediaServerError,
)
from aniworld_desktop.metadata.credentials import load_token, store_token
from aniworld_desktop.net.session import TrustedHosts, fetch_fingerprint, format_fingerprint
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.settings_pages import ARTWORK_SIZES, KB, MINUTE, SettingsPages
from aniworld_desktop.ui.settings_parts import (
    FittingScrollArea,
    names_server,
    number_text,
    plain_label,
    size_text,
)
from aniworld_desktop.ui.tasks import LatestTasks

__all__ = ["ARTWORK_SIZES", "MEDIA_SERVERS", "SettingsDialog", "save", "size_text"]

log = logging.getLogger(__name__)

# An error colour that reads on both light and dark palettes.
_ERROR_STYLE = "border: 1px solid #d9534f;"
_ERROR_TEXT_STYLE = "color: #d9534f;"
_ERROR_COLOUR = "#d9534f"
_CERTIFICATE = "certificate"  # the key of the certificate read among the dialog's tasks
_SAMPLE_EPISODE: dict[str, Any] = {
    "series": "Harbor Lights",
    "year": 2024,
    "season": 1,
    "episode": 2,
    "title": "Fog",
    "suffix": ".mkv",
}
_REFUSAL = re.compile(r"^Invalid \S+: (?P<problem>.*)$", re.DOTALL)

# Each media server's settings, by the key its Test button and result label go by.
MEDIA_SERVERS: dict[str, tuple[str, ...]] = {
    "jellyfin": ("jellyfin_url", "jellyfin_api_key"),
    "kodi": ("kodi_url", "kodi_user", "kodi_password"),
}


class SettingsDialog(QDialog):
    """Edits the settings of one profile; OK is enabled only while every value is valid.

    Attributes:
        paths: The profile the settings belong to.
        edits: The line edit of each text setting, by setting name.
        error_labels: The label under each field that says why its value is refused.
        example_label: The naming template rendered for a sample episode, or why it cannot be.
        token_edit: The TMDB token, masked unless ``show_token`` is checked.
        show_token: Unmasks the token while checked.
        artwork_size_combo: The image size.
        artwork_checks: One check box per artwork kind.
        checks: The check box of each on/off setting, by setting name.
        show_secrets: The "Show" box of each media server secret, by setting name.
        test_buttons: The Test button of each media server ("jellyfin", "kodi").
        test_results: The label below each Test button: what the last test said.
        browse_button: Opens a folder chooser for the library.
        ok_button: Accepts; disabled while any value is invalid.

    Signals:
        serverTested(str, bool, str): A media server test ended: its key ("jellyfin"),
            whether it worked, and the sentence shown.
    """

    serverTested = Signal(str, bool, str)
    certificateRead = Signal(bool, str)

    # Made by the pages (settings_pages.SettingsPages).
    browse_button: QPushButton
    example_label: QLabel
    token_edit: QLineEdit
    show_token: QCheckBox
    artwork_size_combo: QComboBox
    artwork_checks: dict[str, QCheckBox]
    trusted_edit: QPlainTextEdit
    trust_url_edit: QLineEdit
    trust_button: QPushButton
    trust_result: QLabel

    def __init__(
        self,
        settings: Settings,
        paths: ProfilePaths,
        parent: QWidget | None = None,
        *,
        token: str | None = None,
    ) -> None:
        """Show ``settings``; ``token`` is the current TMDB token (looked up when None).

        The lookup may ask the keyring, which can block: a caller on the event loop can look it
        up in a worker thread first and pass it in.
        """
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(660)
        self.settings = settings
        self.paths = paths
        self._errors: dict[str, str] = {}
        self.readers: dict[str, Callable[[], Any]] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.checks: dict[str, QCheckBox] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._folder_dialog: QFileDialog | None = None
        self.show_secrets: dict[str, QCheckBox] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.test_results: dict[str, QLabel] = {}
        self._labels: dict[str, str] = {}  # each field's label as shown, for its refusals
        self._page_of: dict[str, int] = {}  # each field's page
        self._units: dict[str, tuple[float, str, Any]] = {}  # factor, shown text, saved value
        # A media server's test (keyed by the server) and the certificate read (_CERTIFICATE).
        self._tasks = LatestTasks()

        self.pages = QListWidget(self)
        self.pages.setObjectName("settingsPages")
        self.pages.setAccessibleName(self.tr("Settings pages"))
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("settingsStack")
        for builder in SettingsPages(self, self).builders():
            self._building = self.stack.count()
            group = builder()
            self.pages.addItem(group.title())
            self.stack.addWidget(self._page(group))
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)
        widest = max(
            self.pages.fontMetrics().horizontalAdvance(self.pages.item(row).text())
            for row in range(self.pages.count())
        )
        self.pages.setFixedWidth(widest + 40)
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.token_edit.setText(load_token(settings) if token is None else token)
        for name in self.readers:
            self.validate(name)
        # A test still running when the dialog closes is cancelled: its answer has nowhere to go.
        self.finished.connect(self._tasks.cancel_all)

    # Building the pages.

    def _page(self, group: QGroupBox) -> QScrollArea:
        """``group`` as a page: scrolled when the screen is too small for it."""
        scroll = FittingScrollArea(self)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # As needed, never clipped: on a narrow screen the long fields scroll sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidgetResizable(True)
        holder = QWidget(scroll)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(group)
        column.addStretch(1)
        scroll.setWidget(holder)
        return scroll

    def show_page(self, name: str) -> None:
        """Show the page that holds the setting ``name``."""
        self.pages.setCurrentRow(self._page_of.get(name, 0))

    def read_certificate(self) -> None:
        """Read the certificate the typed server presents and add its fingerprint to the list.

        Nothing is trusted before OK: the line is added for the user to compare with the
        fingerprint their server shows. ``certificateRead`` is emitted either way.
        """
        self._tasks.cancel(_CERTIFICATE)
        url = URL(self.trust_url_edit.text().strip())
        if url.scheme != "https" or not url.host:
            self._show_trust(False, self.tr("Type the server's https:// address first."))
            return
        self.trust_result.setStyleSheet("")
        self.trust_result.setText(
            self.tr("Reading the certificate of {host}…").format(host=url.host)
        )
        self.trust_result.show()
        self.trust_button.setEnabled(False)
        self._tasks.latest(_CERTIFICATE, self._read_certificate(url.host.lower(), url.port or 443))

    async def _read_certificate(self, host: str, port: int) -> None:
        try:
            digest = await fetch_fingerprint(host, port)
        except OSError as exc:
            self._show_trust(
                False, self.tr("Cannot read the certificate: {reason}.").format(reason=exc)
            )
            return
        finally:
            self.trust_button.setEnabled(True)
        # Any earlier line of the same server goes: it names the certificate it had then.
        lines = [line for line in self.trusted_edit.toPlainText().splitlines() if line.strip()]
        lines = [line for line in lines if not names_server(line, host, port)] + TrustedHosts(
            {(host, port): digest}
        ).to_text().splitlines()
        self.trusted_edit.setPlainText("\n".join(lines))
        self._show_trust(
            True,
            self.tr(
                "{host}:{port} presents the certificate {fingerprint}. Compare it with the one "
                "your server shows before you press OK."
            ).format(
                host=host,
                port=port,
                # A zero-width space after each colon: the label may wrap inside it.
                fingerprint=format_fingerprint(digest).replace(":", ":\u200b"),
            ),
        )

    def _show_trust(self, ok: bool, text: str) -> None:
        self.trust_result.setText(text)
        self.trust_result.setStyleSheet("" if ok else _ERROR_TEXT_STYLE)
        self.trust_result.setProperty("failed", not ok)
        self.trust_result.show()
        self.certificateRead.emit(ok, text)

    def secret_row(
        self, form: QFormLayout, text: str, name: str, placeholder: str, parent: QWidget
    ) -> QLineEdit:
        """A masked line edit for the secret setting ``name``, with a Show box beside it."""
        edit = self.line_edit(name, str(getattr(self.settings, name)))
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setPlaceholderText(placeholder)
        show = QCheckBox(self.tr("Show"), parent)
        show.setObjectName(f"show_{name}")
        show.setAccessibleName(self.tr("Show {field}").format(field=plain_label(text)))
        show.toggled.connect(
            lambda shown: edit.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        self.show_secrets[name] = show
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        row.addWidget(show)
        self.add_row(form, text, name, row, edit)
        return edit

    def test_row(self, server: str, text: str, parent: QWidget) -> QWidget:
        """The Test button of ``server`` above the label that shows what the test said."""
        holder = QWidget(parent)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        button = QPushButton(text, holder)
        button.setObjectName(f"{server}_test")
        button.setAutoDefault(False)  # Enter in the dialog means OK, never "test"
        button.clicked.connect(lambda: self.test_server(server))
        result = QLabel(holder)
        result.setObjectName(f"{server}_test_result")
        result.setWordWrap(True)
        result.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(result)
        self.test_buttons[server] = button
        self.test_results[server] = result
        return holder

    def check_box(self, name: str, text: str, parent: QWidget) -> QCheckBox:
        check = QCheckBox(text, parent)
        check.setObjectName(name)
        check.setChecked(bool(getattr(self.settings, name)))
        self.checks[name] = check
        self.readers[name] = check.isChecked
        check.toggled.connect(lambda: self.validate(name))
        return check

    def unit_edit(self, name: str, value: float, factor: float) -> QLineEdit:
        """A field for ``name`` shown in a unit of ``factor`` seconds or bytes (minutes, KB/s,
        MB); it reads back as the setting's own unit. Left as shown, it reads back the value
        exactly as it was (a size of odd bytes is not rounded by merely opening the dialog)."""
        shown = number_text(round(value / factor, 6))
        edit = QLineEdit(shown, self)
        edit.setObjectName(name)
        self.edits[name] = edit
        self._units[name] = (factor, shown, value)

        def read() -> float:
            text = edit.text().strip()
            if text == shown:
                return value
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise ConfigError(self._unit_refusal(name))
            converted = number * factor
            return round(converted) if isinstance(value, int) else converted

        self.readers[name] = read
        edit.textChanged.connect(lambda: self.validate(name))
        return edit

    def line_edit(self, name: str, text: str) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setObjectName(name)
        self.edits[name] = edit
        self.readers.setdefault(name, edit.text)
        edit.textChanged.connect(lambda: self.validate(name))
        return edit

    def _with_error(self, name: str, content: QWidget | QHBoxLayout | QVBoxLayout) -> QWidget:
        """``content`` above the label that says why ``name`` is refused."""
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(content, QWidget):
            column.addWidget(content)
        else:
            column.addLayout(content)
        error = QLabel(holder)
        error.setObjectName(f"{name}_error")
        error.setWordWrap(True)
        error.setStyleSheet(_ERROR_TEXT_STYLE)
        error.hide()
        column.addWidget(error)
        self.error_labels[name] = error
        return holder

    def add_row(
        self,
        form: QFormLayout,
        text: str,
        name: str,
        content: QWidget | QHBoxLayout | QVBoxLayout,
        target: QWidget | None,
    ) -> QWidget:
        """A form row whose label's mnemonic focuses ``target``, with the error label below.

        The label, without its mnemonic and colon, is ``target``'s accessible name and the name
        its refusals go by.
        """
        holder = self._with_error(name, content)
        label = QLabel(text, holder)
        plain = plain_label(text)
        self._labels[name] = plain
        self._page_of[name] = self._building
        if target is not None:
            label.setBuddy(target)
            target.setAccessibleName(plain)
            if isinstance(target, QCheckBox):  # its own text says what it switches
                target.setAccessibleDescription(plain_label(target.text()))
        form.addRow(label, holder)
        return holder

    # Validation.

    def validate(self, name: str) -> None:
        reader = self.readers.get(name)
        if reader is None:  # a signal fired while the dialog is still being built
            return
        try:
            self.settings.updated({name: reader()})
        except ConfigError as exc:
            self._errors[name] = (
                self._unit_refusal(name) if name in self._units else self._refusal(name, str(exc))
            )
        else:
            self._errors.pop(name, None)
        self._mark_pages()
        problem = self._errors.get(name, "")
        label = self.error_labels.get(name)
        if label is not None:
            label.setText(problem)
            label.setVisible(bool(problem))
        edit = self.edits.get(name)
        if edit is not None:
            edit.setProperty("invalid", bool(problem))
            edit.setStyleSheet(_ERROR_STYLE if problem else "")
        if hasattr(self, "ok_button"):
            self.ok_button.setEnabled(not self._errors)
        self._update_test_buttons()

    def _refusal(self, name: str, sentence: str) -> str:
        """config.py's refusal ("Invalid max_downloads: expected …") with the field's label in
        place of the setting's name, in the window's language."""
        found = _REFUSAL.match(sentence)
        problem = service_text(found.group("problem")) if found else service_text(sentence)
        return self.tr("{field}: {problem}").format(field=self._field(name), problem=problem)

    def _unit_refusal(self, name: str) -> str:
        factor = self._units[name][0]
        field = self._field(name)
        if factor == MINUTE:
            parse = next(f for f in dataclasses.fields(Settings) if f.name == name)
            low, high = parse.metadata["parse"].bounds
            most = number_text(high / MINUTE)
            if low == 0:
                text = self.tr("{field}: expected a number of minutes from 0 to {most}.")
            elif low >= MINUTE:
                text = self.tr("{field}: expected a number of minutes from {least} to {most}.")
                return text.format(field=field, least=number_text(low / MINUTE), most=most)
            else:
                text = self.tr("{field}: expected a number of minutes above 0, at most {most}.")
            return text.format(field=field, most=most)
        if factor == KB:
            return self.tr("{field}: expected a number of KB/s, 0 for no limit.").format(
                field=field
            )
        return self.tr("{field}: expected a number of MB, 0 for none.").format(field=field)

    def _field(self, name: str) -> str:
        return self._labels.get(name, name)

    def _mark_pages(self) -> None:
        """A page holding a refused value says so in the list (OK stays off until it is fixed)."""
        if not hasattr(self, "pages"):
            return
        wrong = {self._page_of.get(name, 0) for name in self._errors}
        for row in range(self.pages.count()):
            item = self.pages.item(row)
            item.setForeground(QColor(_ERROR_COLOUR) if row in wrong else QBrush())
            item.setToolTip(self.tr("A value on this page is refused.") if row in wrong else "")

    def update_example(self) -> None:
        try:
            template = NamingTemplate(self.edits["naming_template"].text())
            example = template.render(**_SAMPLE_EPISODE)
        except ValueError as exc:
            self.example_label.setText(
                self.tr("No example: the template {problem}.").format(problem=exc)
            )
        else:
            self.example_label.setText(self.tr("Example: {name}").format(name=example))

    def errors(self) -> dict[str, str]:
        """The refused settings, each with the sentence that says why."""
        return dict(self._errors)

    def is_valid(self) -> bool:
        """True when every field holds an acceptable value."""
        return not self._errors

    # Actions.

    def browse(self) -> None:
        # open(), not exec() or getExistingDirectory(): a nested loop would hang under qasync.
        if self._folder_dialog is None:
            chooser = QFileDialog(self, self.tr("Library folder"))
            chooser.setObjectName("libraryFolderDialog")
            chooser.setFileMode(QFileDialog.FileMode.Directory)
            chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
            chooser.fileSelected.connect(self._folder_chosen)
            self._folder_dialog = chooser
        current = self.edits["library_dir"].text().strip() or str(self.paths.default_library)
        self._folder_dialog.setDirectory(current)
        self._folder_dialog.open()

    def _folder_chosen(self, folder: str) -> None:
        if folder:
            self.edits["library_dir"].setText(folder)

    # Media server tests.

    def _update_test_buttons(self) -> None:
        """A Test button works while its server has a valid address and no test is running."""
        for server, names in MEDIA_SERVERS.items():
            button = self.test_buttons.get(server)
            edit = self.edits.get(names[0])
            if button is None or edit is None:
                continue
            running = self._tasks.running(server)
            usable = bool(edit.text().strip()) and not any(n in self._errors for n in names)
            button.setEnabled(usable and not running)

    def _test_client(self, server: str) -> MediaServerClient:
        """A client of ``server`` with the values as typed (not yet saved).

        Raises:
            ConfigError: A value of that server is invalid.
            MediaServerError: Its address is empty.
        """
        names = (*MEDIA_SERVERS[server], "trusted_servers")
        typed = self.settings.updated({name: self.readers[name]() for name in names})
        trusted = typed.trusted_hosts()  # a NAS with a certificate of its own, as typed
        if server == "jellyfin":
            return JellyfinClient(typed.jellyfin_url, typed.jellyfin_api_key, trusted=trusted)
        return KodiClient(typed.kodi_url, typed.kodi_user, typed.kodi_password, trusted=trusted)

    def test_server(self, server: str) -> None:
        """Ask ``server`` ("jellyfin" or "kodi") who it is, in a task; the dialog stays usable.

        The sentence it answers (or why it failed) shows below the button, and
        ``serverTested`` is emitted. A test of the same server still running is cancelled.
        """
        self._tasks.cancel(server)
        try:
            client = self._test_client(server)
        except (ConfigError, MediaServerError) as exc:
            self._show_test(server, False, str(exc))
            self.serverTested.emit(server, False, str(exc))
            return
        label = self.test_results[server]
        label.setStyleSheet("")
        label.setText(
            self.tr("Asking {server} at {url}…").format(server=client.name, url=client.url)
        )
        label.show()
        self._tasks.latest(server, self._run_test(server, client))
        self._update_test_buttons()

    async def _run_test(self, server: str, client: MediaServerClient) -> None:
        try:
            async with client:
                message = await client.test_connection()
        except MediaServerError as exc:
            ok, text = False, str(exc)
        except Exception as exc:  # the dialog must go on whatever happens
            log.warning("the %s test failed unexpectedly (%s)", client.name, type(exc).__name__)
            text = self.tr("The {server} test failed unexpectedly; see the activity log.")
            ok, text = False, text.format(server=client.name)
        else:
            ok, text = True, message
        self._tasks.release(server)
        self._show_test(server, ok, text)
        self._update_test_buttons()
        self.serverTested.emit(server, ok, text)

    def _show_test(self, server: str, ok: bool, text: str) -> None:
        label = self.test_results[server]
        label.setText(text)
        label.setStyleSheet("" if ok else _ERROR_TEXT_STYLE)
        label.setProperty("failed", not ok)
        label.show()

    def toggle_token(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token_edit.setEchoMode(mode)

    def accept(self) -> None:
        """Close with Accepted, only while every value is valid."""
        # Enter in a line edit can reach accept() even while OK is disabled.
        if self.is_valid():
            super().accept()

    # Results.

    def token(self) -> str:
        """The TMDB token as typed, without surrounding blanks."""
        return self.token_edit.text().strip()

    def result_settings(self) -> Settings:
        """The edited settings, validated, with ``tmdb_token`` empty (see :meth:`token`).

        The token travels apart so that no caller writes it into settings.json by accident.

        Raises:
            ConfigError: A value is invalid (OK is disabled then).
        """
        values = {name: read() for name, read in self.readers.items() if name != "tmdb_token"}
        return dataclasses.replace(self.settings.updated(values), tmdb_token="")


def save(dialog: SettingsDialog) -> Settings:
    """Write the accepted dialog's settings and token; returns the settings as now stored.

    The settings are saved without the token, then the token goes through
    :func:`store_token`: into the keyring when one works (settings.json keeps an empty
    ``tmdb_token``), else into settings.json, written 0600. Both may block on disk or on the
    keyring; a caller on the event loop can run this in ``asyncio.to_thread``.

    Raises:
        ConfigError: A value is invalid, or settings.json cannot be written.
    """
    settings = dialog.result_settings()
    save_settings(dialog.paths, settings)
    token = dialog.token()
    where = store_token(dialog.paths, token)
    return settings if where == "keyring" else dataclasses.replace(settings, tmdb_token=token)
