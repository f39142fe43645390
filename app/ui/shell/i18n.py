"""Interface translations: Qt's own (buttons of standard dialogs, context menus) and the console's.

The source strings are French, the language of the rooms; ``resources/i18n/sas_en.qm``
carries the English ones (``scripts/update_translations.sh`` extracts the
strings with ``pyside6-lupdate`` and compiles them with ``pyside6-lrelease``).
:func:`install_translators` runs once at start-up, before any widget exists,
for the ``language`` setting: in French Qt's ``qtbase_fr`` and our
``qtbase_fr_extra`` (the few strings of Qt's file dialog that ``qtbase_fr``
leaves in English, « Look in », « Files of type »), in English Qt's
``qtbase_en`` and ``sas_en``.  Changing the language takes effect
at the next start (the widgets read their texts when they are built).

Strings are marked so that ``pyside6-lupdate`` finds them: ``self.tr("…")`` in a
QObject subclass (context: the class name), ``QCoreApplication.translate("Ctx",
"…")`` elsewhere, and ``QT_TRANSLATE_NOOP("Ctx", "…")`` for module-level
tables translated where they are shown.  An alias (``tr = self.tr``) is *not*
recognised by lupdate: call ``self.tr`` itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app import paths, settings
from app.ui.qt import PySide6, QApplication, QtCore

log = logging.getLogger(__name__)

#: Each language of :data:`app.settings.LANGUAGE_CODES` by its own name (a code without a name fails here).
LANGUAGES = {code: {"fr": "Français", "en": "English"}[code] for code in settings.LANGUAGE_CODES}
SOURCE_LANGUAGE = "fr"

#: The translators installed in the running application (kept alive: Qt does not own them).
_installed: list = []


def translations_dir() -> Path:
    """Where our ``.ts``/``.qm`` files live (``resources/i18n``)."""
    return paths.resource("i18n")


def qt_translations_dir() -> Path:
    """Qt's own ``.qm`` files, as shipped in the PySide6 wheel (or the frozen bundle)."""
    path = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
    if path and Path(path).is_dir():
        return Path(path)
    return Path(PySide6.__file__).parent / "Qt" / "translations"


def _load(directory: Path, name: str) -> QtCore.QTranslator | None:
    translator = QtCore.QTranslator()
    if translator.load(name, str(directory)):
        return translator
    log.warning("translation %s not found in %s", name, directory)
    return None


def install_translators(language: str, app: QApplication | None = None) -> list[str]:
    """Install the translators for ``language`` ("fr" or "en"); returns the names loaded.

    Any earlier ones are removed first, so calling it again switches language
    for the texts built afterwards.  An unknown language falls back to French.
    """
    app = app or QApplication.instance()
    remove_translators(app)
    if language not in LANGUAGES:
        log.warning("unknown language %r, using French", language)
        language = SOURCE_LANGUAGE
    wanted = [(qt_translations_dir(), f"qtbase_{language}")]
    if language != SOURCE_LANGUAGE:
        wanted.append((translations_dir(), f"sas_{language}"))
    else:  # installed last, so asked first: it answers only what qtbase_fr lacks
        wanted.append((translations_dir(), "qtbase_fr_extra"))
    loaded = []
    for directory, name in wanted:
        translator = _load(directory, name)
        if translator is not None and app.installTranslator(translator):
            _installed.append(translator)
            loaded.append(name)
    log.info("interface language %s (%s)", language, ", ".join(loaded) or "no translator")
    return loaded


def remove_translators(app: QApplication | None = None) -> None:
    """Back to the French source strings."""
    app = app or QApplication.instance()
    while _installed:
        app.removeTranslator(_installed.pop())
