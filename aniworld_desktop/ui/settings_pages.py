"""The pages of the settings dialog: what each one asks, and in which words.

The dialog (:mod:`aniworld_desktop.ui.settings_dialog`) keeps the frame: the list of pages,
the form helpers that tie a field to its setting, validation, and saving. Each page here only
lays out its fields through those helpers (:class:`SettingsForm`), so a value is checked and
saved the same way on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.config import (
    ARTWORK_KINDS,
    MEDIATHEK_QUALITIES,
    MEDIATHEK_VERSIONS,
    ProfilePaths,
    Settings,
)
from aniworld_desktop.ui.mediathek_texts import quality_text, version_text
from aniworld_desktop.ui.settings_parts import number_text, plain_label
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP, PlainTr

__all__ = ["ARTWORK_SIZES", "MINUTE", "SettingsForm", "SettingsPages"]

# The choices of Settings.artwork_size; config keeps them inside its parser, so they are repeated
# here, and the dialog still validates the chosen one through Settings.updated.
ARTWORK_SIZES = ("w500", "w780", "original")
# What the artwork choices say; TMDB's size codes (w500, w780) are shown as they are.
_ARTWORK_LABELS: dict[str, str] = {
    "original": QT_TRANSLATE_NOOP("SettingsDialog", "original"),
    "poster": QT_TRANSLATE_NOOP("SettingsDialog", "poster"),
    "fanart": QT_TRANSLATE_NOOP("SettingsDialog", "fanart"),
    "logo": QT_TRANSLATE_NOOP("SettingsDialog", "logo"),
    "season": QT_TRANSLATE_NOOP("SettingsDialog", "season"),
    "thumb": QT_TRANSLATE_NOOP("SettingsDialog", "thumb"),
}
# Fields shown in a human unit: the setting's unit (bytes, seconds) per unit shown.
KB, MB, MINUTE = 1024, 1 << 20, 60.0


def _artwork_label(value: str) -> str:
    label = _ARTWORK_LABELS.get(value)
    return QCoreApplication.translate("SettingsDialog", label) if label is not None else value


class SettingsForm(Protocol):
    """What the pages ask of the dialog: the settings shown, and fields tied to them.

    Attributes:
        settings: The settings the dialog opened with.
        paths: The profile they belong to.
        readers: How each setting's value is read back from its field, by setting name.
    """

    settings: Settings
    paths: ProfilePaths
    readers: dict[str, Callable[[], Any]]
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

    def line_edit(self, name: str, text: str) -> QLineEdit: ...

    def unit_edit(self, name: str, value: float, factor: float) -> QLineEdit: ...

    def check_box(self, name: str, text: str, parent: QWidget) -> QCheckBox: ...

    def add_row(
        self,
        form: QFormLayout,
        text: str,
        name: str,
        content: QWidget | QHBoxLayout | QVBoxLayout,
        target: QWidget | None,
    ) -> QWidget: ...

    def secret_row(
        self, form: QFormLayout, text: str, name: str, placeholder: str, parent: QWidget
    ) -> QLineEdit: ...

    def test_row(self, server: str, text: str, parent: QWidget) -> QWidget: ...

    def validate(self, name: str) -> None: ...

    def update_example(self) -> None: ...

    def browse(self) -> None: ...

    def toggle_token(self, shown: bool) -> None: ...

    def read_certificate(self) -> None: ...


class SettingsPages(PlainTr):
    """Builds the dialog's pages, each a titled group of fields (the title names it in the list).

    Attributes:
        dialog: The dialog the fields belong to.
    """

    def __init__(self, dialog: SettingsForm, parent: QWidget) -> None:
        self.dialog = dialog
        self._parent = parent

    def builders(self) -> tuple[Callable[[], QGroupBox], ...]:
        """The pages in the order they are listed."""
        return (
            self.library,
            self.downloads,
            self.metadata,
            self.automation,
            self.mediathek,
            self.notifications,
            self.media_servers,
            self.trusted_servers,
        )

    def library(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Library"), self._parent)
        form = QFormLayout(box)
        library = d.line_edit("library_dir", str(d.settings.library_dir or ""))
        library.setPlaceholderText(str(d.paths.default_library))
        d.readers["library_dir"] = lambda: library.text().strip() or None
        d.browse_button = QPushButton(self.tr("Browse…"), box)
        # Not a default button: Enter anywhere in the dialog means OK, never "browse".
        d.browse_button.setAutoDefault(False)
        d.browse_button.clicked.connect(d.browse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(library)
        row.addWidget(d.browse_button)
        d.add_row(form, self.tr("Library &folder:"), "library_dir", row, library)

        template = d.line_edit("naming_template", d.settings.naming_template)
        d.example_label = QLabel(box)
        d.example_label.setObjectName("namingExample")
        d.example_label.setWordWrap(True)
        template.setCursorPosition(0)  # the start of a long template says more than its end
        template.textChanged.connect(d.update_example)
        field = d.add_row(form, self.tr("&Naming template:"), "naming_template", template, template)
        column = field.layout()
        if isinstance(column, QVBoxLayout):
            column.addWidget(d.example_label)
        d.update_example()
        return box

    def downloads(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Downloads"), self._parent)
        form = QFormLayout(box)
        s = d.settings
        rows = (
            ("max_downloads", self.tr("&Downloads at once:"), str(s.max_downloads), ""),
            ("max_downloads_per_host", self.tr("From one &server:"), str(s.max_downloads_per_host), ""),
            ("stall_timeout", self.tr("S&tall timeout (seconds):"), number_text(s.stall_timeout), ""),
            ("max_retries", self.tr("&Retries:"), str(s.max_retries), ""),
        )  # fmt: skip
        for name, label, text, placeholder in rows:
            edit = d.line_edit(name, text)
            edit.setPlaceholderText(placeholder)
            d.add_row(form, label, name, edit, edit)
        speed = d.unit_edit("speed_limit", s.speed_limit, KB)
        speed.setPlaceholderText(self.tr("0 = no limit"))
        d.add_row(form, self.tr("Speed &limit (KB/s):"), "speed_limit", speed, speed)
        disk = d.unit_edit("min_free_disk", s.min_free_disk, MB)
        disk.setPlaceholderText(self.tr("e.g. 512"))
        d.add_row(form, self.tr("&Minimum free disk (MB):"), "min_free_disk", disk, disk)
        return box

    def metadata(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Metadata"), self._parent)
        form = QFormLayout(box)
        d.token_edit = d.line_edit("tmdb_token", "")
        d.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        d.token_edit.setPlaceholderText(self.tr("TMDB read-access token or API key"))
        d.show_token = QCheckBox(self.tr("Show"), box)
        d.show_token.setAccessibleName(self.tr("Show the TMDB token"))
        d.show_token.toggled.connect(d.toggle_token)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(d.token_edit)
        row.addWidget(d.show_token)
        d.add_row(form, self.tr("TMDB &token:"), "tmdb_token", row, d.token_edit)

        url = d.line_edit("tmdb_api_url", d.settings.tmdb_api_url)
        d.add_row(form, self.tr("&API URL:"), "tmdb_api_url", url, url)
        language = d.line_edit("metadata_language", d.settings.metadata_language)
        language.setPlaceholderText(self.tr("e.g. en-US, de-DE"))
        d.add_row(form, self.tr("Lan&guage:"), "metadata_language", language, language)

        d.artwork_size_combo = QComboBox(box)
        for size in ARTWORK_SIZES:
            d.artwork_size_combo.addItem(_artwork_label(size), size)
        d.artwork_size_combo.setCurrentIndex(
            max(0, d.artwork_size_combo.findData(d.settings.artwork_size))
        )
        d.readers["artwork_size"] = d.artwork_size_combo.currentData
        d.artwork_size_combo.currentIndexChanged.connect(lambda: d.validate("artwork_size"))
        combo = d.artwork_size_combo
        d.add_row(form, self.tr("Artwork si&ze:"), "artwork_size", combo, combo)

        chosen = set(filter(None, d.settings.artwork.split(",")))
        d.artwork_checks = {}
        kinds = QHBoxLayout()
        kinds.setContentsMargins(0, 0, 0, 0)
        for kind in ARTWORK_KINDS:
            check = QCheckBox(_artwork_label(kind), box)
            check.setChecked(kind in chosen)
            check.toggled.connect(lambda: d.validate("artwork"))
            d.artwork_checks[kind] = check
            kinds.addWidget(check)
        kinds.addStretch(1)
        d.readers["artwork"] = lambda: ",".join(
            kind for kind, check in d.artwork_checks.items() if check.isChecked()
        )
        d.add_row(form, self.tr("Artwork to write:"), "artwork", kinds, None)
        return box

    def automation(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Automation"), self._parent)
        form = QFormLayout(box)
        s = d.settings
        auto = d.check_box(
            "auto_download", self.tr("Queue missing episodes of monitored series"), box
        )
        d.add_row(form, self.tr("&Auto-download:"), "auto_download", auto, auto)
        rows = (
            ("auto_download_interval", self.tr("Check &every (minutes):"), s.auto_download_interval, self.tr("60 = hourly")),
            ("auto_download_cooldown", self.tr("&Cooldown (minutes):"), s.auto_download_cooldown, self.tr("5 = five minutes")),
        )  # fmt: skip
        for name, label, value, placeholder in rows:
            edit = d.unit_edit(name, value, MINUTE)
            edit.setPlaceholderText(placeholder)
            d.add_row(form, label, name, edit, edit)
            auto.toggled.connect(edit.setEnabled)
            edit.setEnabled(auto.isChecked())
        return box

    def notifications(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Notifications"), self._parent)
        form = QFormLayout(box)
        kinds = QVBoxLayout()
        kinds.setContentsMargins(0, 0, 0, 0)
        for name, text in (
            ("notify_auto_download", self.tr("Episodes queued automatically")),
            ("notify_finished", self.tr("Downloads finished")),
            ("notify_failed", self.tr("Downloads failed")),
        ):
            kinds.addWidget(d.check_box(name, text, box))
        d.add_row(form, self.tr("Notify about:"), "notifications", kinds, None)
        tray = d.check_box(
            "close_to_tray", self.tr("Keep downloading in the tray when the window closes"), box
        )
        if not QSystemTrayIcon.isSystemTrayAvailable():
            tray.setEnabled(False)
            tray.setText(self.tr("No tray on this desktop: closing the window quits"))
        d.add_row(form, self.tr("&Tray:"), "close_to_tray", tray, tray)
        return box

    def media_servers(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Media servers"), self._parent)
        form = QFormLayout(box)
        s = d.settings
        note = QLabel(
            self.tr(
                "After a batch of downloads and their metadata, these servers are asked to "
                "rescan their library. Leave an address empty to skip a server."
            ),
            box,
        )
        note.setWordWrap(True)
        form.addRow(note)

        jellyfin = d.line_edit("jellyfin_url", s.jellyfin_url)
        jellyfin.setPlaceholderText(self.tr("e.g. http://nas:8096"))
        d.add_row(form, self.tr("&Jellyfin address:"), "jellyfin_url", jellyfin, jellyfin)
        d.secret_row(
            form,
            self.tr("Jellyfin API &key:"),
            "jellyfin_api_key",
            self.tr("Dashboard > API Keys"),
            box,
        )
        form.addRow("", d.test_row("jellyfin", self.tr("Test Jellyfin"), box))

        kodi = d.line_edit("kodi_url", s.kodi_url)
        kodi.setPlaceholderText(self.tr("e.g. http://kodi:8080"))
        d.add_row(form, self.tr("K&odi address:"), "kodi_url", kodi, kodi)
        user = d.line_edit("kodi_user", s.kodi_user)
        user.setPlaceholderText(self.tr("Kodi: Settings > Services > Control"))
        d.add_row(form, self.tr("Kodi &user:"), "kodi_user", user, user)
        d.secret_row(form, self.tr("Kodi pass&word:"), "kodi_password", "", box)
        form.addRow("", d.test_row("kodi", self.tr("Test Kodi"), box))
        return box

    def trusted_servers(self) -> QGroupBox:
        d = self.dialog
        box = QGroupBox(self.tr("Trusted servers"), self._parent)
        form = QFormLayout(box)
        note = QLabel(
            self.tr(
                "Servers of your own with a self-signed certificate (a NAS, a home server). "
                "Each is trusted by its certificate's fingerprint, for its address and port "
                "only; every other secure connection is checked as usual."
            ),
            box,
        )
        note.setWordWrap(True)
        form.addRow(note)
        d.trusted_edit = QPlainTextEdit(d.settings.trusted_servers, box)
        d.trusted_edit.setObjectName("trusted_servers")
        d.trusted_edit.setPlaceholderText(self.tr("nas.local:8920 AB:CD:EF:… (one per line)"))
        d.trusted_edit.setTabChangesFocus(True)
        d.trusted_edit.setFixedHeight(d.trusted_edit.fontMetrics().lineSpacing() * 4 + 12)
        d.readers["trusted_servers"] = d.trusted_edit.toPlainText
        d.trusted_edit.textChanged.connect(lambda: d.validate("trusted_servers"))
        d.add_row(
            form, self.tr("Cert&ificates:"), "trusted_servers", d.trusted_edit, d.trusted_edit
        )

        d.trust_url_edit = QLineEdit(box)
        d.trust_url_edit.setObjectName("trust_url")
        d.trust_url_edit.setPlaceholderText(self.tr("https://nas.local:8920"))
        d.trust_button = QPushButton(self.tr("Read Certificate"), box)
        d.trust_button.setObjectName("trust_read")
        d.trust_button.setAutoDefault(False)  # Enter means OK
        d.trust_button.clicked.connect(d.read_certificate)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(d.trust_url_edit)
        row.addWidget(d.trust_button)
        label = QLabel(self.tr("Add a ser&ver:"), box)
        label.setBuddy(d.trust_url_edit)
        d.trust_url_edit.setAccessibleName(plain_label(label.text()))
        holder = QWidget(box)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        d.trust_result = QLabel(holder)
        d.trust_result.setObjectName("trust_result")
        d.trust_result.setWordWrap(True)
        d.trust_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        d.trust_result.hide()
        column.addWidget(d.trust_result)
        form.addRow(label, holder)
        return box

    def mediathek(self) -> QGroupBox:
        """The public broadcasters' film list: quality, versions, how often it is read."""
        d = self.dialog
        box = QGroupBox(self.tr("Public broadcasters"), self._parent)
        form = QFormLayout(box)
        s = d.settings
        note = QLabel(
            self.tr(
                "Programmes followed from the public broadcasters' film list (ARD, ZDF, arte "
                "and others). A series can choose its own quality (Series > Quality); these "
                "are the defaults. The film list is asked for again when it is older than the "
                "refresh interval."
            ),
            box,
        )
        note.setWordWrap(True)
        form.addRow(note)

        quality = QComboBox(box)
        quality.setObjectName("mediathek_quality")
        for value in MEDIATHEK_QUALITIES:
            quality.addItem(quality_text(value), value)
        quality.setCurrentIndex(max(0, quality.findData(s.mediathek_quality)))
        d.readers["mediathek_quality"] = quality.currentData
        quality.currentIndexChanged.connect(lambda: d.validate("mediathek_quality"))
        d.add_row(form, self.tr("Default &quality:"), "mediathek_quality", quality, quality)

        chosen = [v for v in s.mediathek_versions.split(",") if v in MEDIATHEK_VERSIONS]
        preferred = QComboBox(box)
        preferred.setObjectName("mediathek_preferred_version")
        for value in MEDIATHEK_VERSIONS:
            preferred.addItem(version_text(value), value)
        preferred.setCurrentIndex(max(0, preferred.findData(chosen[0] if chosen else "standard")))
        d.add_row(form, self.tr("&Preferred version:"), "mediathek_versions", preferred, preferred)
        others = QVBoxLayout()
        others.setContentsMargins(0, 0, 0, 0)
        checks: dict[str, QCheckBox] = {}
        for value in MEDIATHEK_VERSIONS:
            check = QCheckBox(version_text(value), box)
            check.setObjectName(f"mediathek_version_{value}")
            check.setChecked(value in chosen)
            check.toggled.connect(lambda: d.validate("mediathek_versions"))
            checks[value] = check
            others.addWidget(check)
        hint = QLabel(
            self.tr(
                "An episode is downloaded in the preferred version; when it has only others, "
                "in one ticked here. Versions not ticked are never downloaded."
            ),
            box,
        )
        hint.setWordWrap(True)
        others_label = QLabel(self.tr("Otherwise:"), box)
        form.addRow(others_label, others)
        form.addRow(hint)

        def follow_preferred() -> None:
            first = preferred.currentData()
            for value, check in checks.items():
                if value == first:
                    check.setChecked(True)
                check.setEnabled(value != first)
            d.validate("mediathek_versions")

        def versions() -> str:
            # The preferred first, then the others in the order the settings had them, so a
            # page left as it was saves the same list.
            first = preferred.currentData()
            rest = [v for v in chosen if v != first]
            rest += [v for v in MEDIATHEK_VERSIONS if v not in rest and v != first]
            return ",".join([first] + [v for v in rest if checks[v].isChecked()])

        d.readers["mediathek_versions"] = versions
        preferred.currentIndexChanged.connect(follow_preferred)
        follow_preferred()

        refresh = d.unit_edit("mediathek_refresh_interval", s.mediathek_refresh_interval, MINUTE)
        refresh.setPlaceholderText(self.tr("180 = every three hours"))
        d.add_row(
            form,
            self.tr("&Refresh every (minutes):"),
            "mediathek_refresh_interval",
            refresh,
            refresh,
        )
        return box
