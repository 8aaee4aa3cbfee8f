"""`observer-app [--vault DIR] [--ui-lang LANG]`: the QApplication and how the window starts.

The vault comes from `--vault`, else `OBSERVER_VAULT`; without one the chooser opens. Nothing
is kept outside the vault but the list of known vault folders: no QSettings, no file-dialog
history.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from observer_app import __version__
from observer_app.gui.session_flow import SessionFlow
from observer_app.i18n import SUPPORTED_LANGUAGES, _, current_language, detect_language
from observer_app.i18n import set_language as set_ui_language
from observer_app.logbook.setup import KdfProfile

VAULT_ENV = "OBSERVER_VAULT"


class ObserverApplication(QApplication):
    """The one QApplication: Qt's own dialogs in the UI language, no desktop settings kept."""

    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        self.setApplicationName("Observer Logbook")
        self.setApplicationDisplayName(_("Observer Logbook"))
        self.setQuitOnLastWindowClosed(False)  # the flow decides (a lock closes the window)
        self._qt_translator: QTranslator | None = None
        self.translate_qt()

    def translate_qt(self) -> None:
        """Qt's own buttons (OK, Cancel) in the UI language (PySide6 ships qtbase_ru/kk)."""
        if self._qt_translator is not None:
            self.removeTranslator(self._qt_translator)
            self._qt_translator = None
        language = current_language()
        if language == "en":
            return
        translator = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QLocale(language), "qtbase", "_", folder):
            self.installTranslator(translator)
            self._qt_translator = translator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="observer-app", description=_("Observer Logbook"))
    parser.add_argument("--vault", type=Path, help=_("the vault folder"))
    parser.add_argument("--ui-lang", choices=SUPPORTED_LANGUAGES, help=_("the UI language"))
    parser.add_argument("--version", action="store_true", help=_("print the version and exit"))
    return parser


def run(argv: Sequence[str]) -> int:
    set_ui_language(detect_language(None))
    args = _parser().parse_args(list(argv))
    if args.version:
        print(f"observer-app {__version__}")
        return 0
    vault = args.vault or (Path(os.environ[VAULT_ENV]) if os.environ.get(VAULT_ENV) else None)
    app = ObserverApplication([sys.argv[0]])
    flow = SessionFlow(
        None,
        vault,
        ui_language=args.ui_lang,
        kdf=KdfProfile.DEFAULT,
        language_changed=app.translate_qt,
    )
    flow.ended.connect(app.quit)
    flow.start()
    return app.exec()
