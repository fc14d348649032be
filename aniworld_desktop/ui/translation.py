"""The window's language: Qt translators for the app's own texts and for Qt's standard dialogs.

Every text the window shows is English in the source and goes through Qt's translation:
``self.tr()`` in a QObject (or a :class:`PlainTr`), ``QCoreApplication.translate(context, ...)``
elsewhere, and :func:`QT_TRANSLATE_NOOP` for tables of texts that are translated where they are
shown. Counts use Qt's plural forms (``self.tr("%n episode(s)", "", count)``); values are filled in with
``str.format`` after the translation, never in an f-string, which ``pyside6-lupdate`` cannot read.

``resources/translations`` holds ``aniworld_desktop_<lang>.ts`` (the translations, edited with
Qt Linguist or by hand) and the ``.qm`` files built from them by ``make translations``:

- ``de``: German, every text;
- ``en``: only the English plural forms ("1 episode", "2 episodes"), as Qt recommends for a
  source language; it is always installed, below the chosen language.

The language is ``$ANIWORLD_DESKTOP_LANG`` when set (``de``, ``en``, or a locale name such as
``de_AT``), which also sets the locale numbers are written in; otherwise the system's UI
languages, the first one with a translation (English when none has). Qt's own translation
(``qtbase_<lang>.qm``, shipped with PySide6) comes along for the chosen language, so standard
buttons ("OK", "Cancel") and shortcut names ("Ctrl" as "Strg") match. The language is chosen
once, at start: the window does not retranslate itself.

The folder is ``$ANIWORLD_TRANSLATION_DIR`` when set; otherwise ``resources/translations``
inside the package (package data), the top-level ``resources/translations`` of a source
checkout (or of a bundle), then ``<prefix>/share/aniworld-desktop/translations``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from aniworld_desktop.ui.resource_dirs import find_resource_dir

__all__ = [
    "CATALOGUE",
    "LANGUAGE_ENV",
    "QT_TRANSLATE_NOOP",
    "TRANSLATION_DIR_ENV",
    "PlainTr",
    "Translation",
    "find_translation_dir",
    "install",
    "wanted_locale",
]

log = logging.getLogger(__name__)

LANGUAGE_ENV: Final = "ANIWORLD_DESKTOP_LANG"
TRANSLATION_DIR_ENV: Final = "ANIWORLD_TRANSLATION_DIR"
CATALOGUE: Final = "aniworld_desktop"
"""The translation files' stem: ``aniworld_desktop_de.qm``."""
SOURCE_LANGUAGE: Final = "en"
QT_CATALOGUE: Final = "qtbase"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark ``text`` for translation in ``context`` and return it untranslated.

    For tables of texts defined before any translator exists; translate each where it is shown
    with ``QCoreApplication.translate(context, text)``. (PySide6's own ``QT_TRANSLATE_NOOP`` is
    typed as returning ``object``.)
    """
    return text


class PlainTr:
    """``QObject.tr()`` for a class that needs no QObject: its texts' context is the class's name.

    ``pyside6-lupdate`` reads ``self.tr(...)`` in any class alike and files the text under that
    class's name, so the context asked for at run time is the name of the object's class. A
    class deriving from it is used as it is, never through a subclass (whose name differs).
    """

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(type(self).__name__, text, disambiguation, n)


def find_translation_dir() -> Path:
    """The folder holding the ``.qm`` files (see the module's docstring for the order)."""
    return find_resource_dir(
        "translations", TRANSLATION_DIR_ENV, lambda path: any(path.glob(f"{CATALOGUE}_*.qm"))
    )


def wanted_locale(environ: Mapping[str, str] | None = None) -> tuple[QLocale, bool]:
    """The locale asked for, and whether it was asked for explicitly.

    ``$ANIWORLD_DESKTOP_LANG`` when it names a language (``de``, ``en_GB``); otherwise the
    system's locale. A value Qt does not know is logged and ignored.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(LANGUAGE_ENV, "").strip()
    if value:
        locale = QLocale(value)
        if locale.language() not in (QLocale.Language.C, QLocale.Language.AnyLanguage):
            return locale, True
        log.warning("%s=%r is not a language Qt knows; using the system's", LANGUAGE_ENV, value)
    return QLocale.system(), False


@dataclass(slots=True)
class Translation:
    """The translators installed by :func:`install`, to remove them again (tests do).

    Attributes:
        language: The language of the window's texts: ``"de"``, or ``"en"`` (the source).
        translators: What was installed into the application, in order.
        locale_set: The default ``QLocale`` that was replaced, when the language was chosen
            explicitly; None when the system's stayed.
    """

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    locale_set: QLocale | None = None

    def remove(self) -> None:
        """Uninstall the translators and put the previous default locale back."""
        for translator in reversed(self.translators):
            QCoreApplication.removeTranslator(translator)
        self.translators.clear()
        if self.locale_set is not None:
            QLocale.setDefault(self.locale_set)
            self.locale_set = None


def install(
    language: str | QLocale | None = None,
    *,
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Translation:
    """Install the translators for ``language`` into the running ``QCoreApplication``.

    Args:
        language: ``"de"``, ``"en"``, a locale name or a ``QLocale``; None reads
            ``$ANIWORLD_DESKTOP_LANG`` and then the system's UI languages. An explicit choice
            also becomes the default ``QLocale`` (how numbers and dates are written).
        directory: Where the ``.qm`` files are; :func:`find_translation_dir` when None.
        environ: The environment to read (tests pass their own).

    Returns:
        What was installed. A missing or unreadable file is logged, never raised: the window
        then speaks English.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install() needs a QCoreApplication")
    if language is None:
        locale, explicit = wanted_locale(environ)
    else:
        locale, explicit = (language if isinstance(language, QLocale) else QLocale(language)), True
    folder = str(directory if directory is not None else find_translation_dir())
    result = Translation(SOURCE_LANGUAGE)
    if explicit:
        result.locale_set = QLocale()
        QLocale.setDefault(locale)

    def add(translator: QTranslator) -> None:
        QCoreApplication.installTranslator(translator)
        result.translators.append(translator)

    english = QTranslator(app)
    if english.load(f"{CATALOGUE}_{SOURCE_LANGUAGE}", folder):
        add(english)
    else:
        log.warning("no English plural forms in %s: counts read like 'episode(s)'", folder)
    if locale.language() == QLocale.Language.English:
        return result
    own = QTranslator(app)
    if not own.load(locale, CATALOGUE, "_", folder):
        log.info("no translation for %s in %s; the window speaks English", locale.name(), folder)
        return result
    add(own)
    result.language = QLocale(own.language()).name().split("_")[0]
    # Qt's own texts in the same language as ours, never in one we have no translation for.
    qt = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(own.language()), QT_CATALOGUE, "_", qt_folder):
        add(qt)
    else:
        log.info("Qt's %s translation is not in %s", own.language(), qt_folder)
    return result
