"""The window's life with one vault: choose it, unlock it, work, lock, unlock again, quit.

Each unlock builds a fresh main window on the new session; a lock saves where the holder was
(ids only), discards the window and asks for the passphrase again, so nothing of the vault stays
on screen or in a widget while it is locked.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.errors import ObserverError, UserActionError
from observer_app.gui.concealment import conceal_windows
from observer_app.gui.dialogs.unlock_dialog import UnlockDialog
from observer_app.gui.idle_lock import IdleLock
from observer_app.gui.preload import preload_window_modules
from observer_app.gui.vault_access import VaultAccess
from observer_app.i18n import _, current_language, detect_language, set_language
from observer_app.logbook.known_vaults import remember_vault, unlock_language
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import Settings, load_settings
from observer_app.logbook.setup import KdfProfile

PRELOAD_DELAY_MS: Final = 200

if TYPE_CHECKING:  # the window's modules load after the unlock dialog shows (cold start)
    from observer_app.gui.dialogs.vault_chooser import VaultChooser
    from observer_app.gui.main_window import MainWindow, Place


class SessionFlow(QObject):
    ended = Signal()

    def __init__(
        self,
        catalogue: Catalogue | None,
        vault: Path | None = None,
        *,
        ui_language: str | None = None,
        kdf: KdfProfile = KdfProfile.DEFAULT,
        language_changed: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__()
        self.language_changed = language_changed
        self._catalogue = catalogue
        self.kdf = kdf
        self.explicit_language = ui_language
        self.access = VaultAccess(vault) if vault is not None else None
        self.window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.chooser: VaultChooser | None = None
        self._place: Place | None = None
        self.idle = IdleLock(0, self)
        self.idle.idle.connect(self._idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)

    def _idle(self) -> None:
        if self.window is not None:
            self.lock()

    @property
    def catalogue(self) -> Catalogue:
        """Loaded when the window is built (None given), not before the unlock dialog shows."""
        if self._catalogue is None:
            self._catalogue = load_catalogue()
        return self._catalogue

    def start(self) -> None:
        if self.access is None:
            self.show_chooser()
        else:
            self.show_unlock()

    # -- choosing and unlocking --------------------------------------------------------------

    def show_chooser(self) -> None:
        from observer_app.gui.dialogs.vault_chooser import VaultChooser

        set_language(detect_language(self.explicit_language))
        self.chooser = VaultChooser(kdf=self.kdf)
        self.chooser.chosen.connect(self._chosen)
        self.chooser.rejected.connect(self._end)
        self.chooser.open()

    def _chosen(self, path: Path) -> None:
        self.chooser = None
        self.access = VaultAccess(path)
        self.show_unlock()

    def show_unlock(self) -> None:
        assert self.access is not None
        language = self.explicit_language or unlock_language(self.access.path)
        set_language(detect_language(language))
        dialog = UnlockDialog(self.access)
        dialog.unlocked.connect(self._unlocked)
        dialog.rejected.connect(self._end)
        self.unlock_dialog = dialog
        dialog.open()
        QTimer.singleShot(PRELOAD_DELAY_MS, preload_window_modules)  # once the dialog shows

    def _unlocked(self, session: LogbookSession) -> None:
        assert self.access is not None
        self.unlock_dialog = None
        settings = load_settings(session)
        remembered = unlock_language(self.access.path)
        set_language(detect_language(self.explicit_language or settings.ui_language or remembered))
        # A damaged list of known vaults must not keep the holder out of the vault.
        with contextlib.suppress(UserActionError):
            remember_vault(self.access.path, settings.ui_language or remembered)
        self.build_window(session)

    def build_window(self, session: LogbookSession) -> None:
        from observer_app.gui.main_window import MainWindow

        window = MainWindow(session, self.catalogue, self._place)
        self._place = None
        window.lock_requested.connect(self.lock)
        window.quit_requested.connect(self._end)
        window.settings_changed.connect(self._settings_changed)
        window.wipe_confirmed.connect(self.wipe)
        self.window = window
        self.idle.set_minutes(load_settings(session).auto_lock_minutes)
        window.show()
        # What exists now (modules, Qt wrappers, the catalogue, Babel's data) lives as long as
        # the process: keep the collector from walking it again and again, which stalled the
        # GUI thread for 100+ ms every few timeline pages.
        gc.freeze()

    def _settings_changed(self, settings: Settings) -> None:
        """A new auto-lock time applies at once; a new language rebuilds the window in it."""
        self.idle.set_minutes(settings.auto_lock_minutes)
        assert self.access is not None
        self.explicit_language = None  # the holder's choice now overrides --ui-lang
        language = detect_language(settings.ui_language)
        with contextlib.suppress(UserActionError):
            remember_vault(self.access.path, settings.ui_language)
        if language != current_language():
            set_language(language)
            self.language_changed()
            self.rebuild()

    # -- locking and leaving -----------------------------------------------------------------

    def lock(self) -> None:
        """Save the place and the window's state, discard the window, close the session."""
        self.idle.set_minutes(0)
        window, self.window = self.window, None
        if window is not None:
            self._place = window.place()
            window.save_window_state()
            window.detach()
            window.hide()
            window.deleteLater()
        conceal_windows()
        if self.access is not None:
            self.access.lock()
        self.show_unlock()

    def wipe(self) -> None:
        """The emergency wipe: discard the window (nothing saved), destroy the vault, and show
        the chooser, which no longer lists it."""
        self.idle.set_minutes(0)
        window, self.window = self.window, None
        if window is not None:
            window.detach()
            window.hide()
            window.deleteLater()
        access, self.access = self.access, None
        self._place = None
        if access is not None:
            try:
                access.wipe()
            except ObserverError as error:
                QMessageBox.critical(None, _("Emergency wipe"), str(error))
        self.show_chooser()

    def rebuild(self) -> None:
        """Build the window again (a language switch: strings are fixed when widgets are made)."""
        window = self.window
        if window is None:
            return
        self._place = window.place()
        window.save_window_state()
        window.detach()
        window.hide()
        window.deleteLater()
        self.build_window(window.session)

    def _end(self) -> None:
        self.idle.set_minutes(0)
        window, self.window = self.window, None
        if window is not None:
            window.detach()
        if self.access is not None:
            self.access.lock()
        self.ended.emit()
