"""The passphrase prompt: focus in the field, Enter unlocks, a wrong passphrase keeps the dialog.

Keyboard contract (scripts and tests rely on it): the dialog opens with focus in the passphrase
field; Enter tries it; a wrong one says so, selects what was typed (so retyping replaces it) and
never locks the user out or wipes anything.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from observer_app.errors import ObserverError
from observer_app.gui.vault_access import VaultAccess
from observer_app.i18n import _


class UnlockDialog(QDialog):
    unlocked = Signal(object)
    """Emitted with the open `LogbookSession` once the passphrase was right."""

    def __init__(self, access: VaultAccess, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.access = access
        self.setWindowTitle(_("Unlock the logbook"))
        self.prompt = QLabel(_("Passphrase for the vault in {path}").format(path=access.path))
        self.prompt.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.prompt.setBuddy(self.passphrase)
        self.error = QLabel()
        self.error.setAccessibleName(_("Unlock error"))
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(_("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName(_("Unlock"))
        cancel = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAccessibleName(_("Cancel"))
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        self.passphrase.returnPressed.connect(self.try_unlock)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.passphrase.setFocus()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        typed = self.passphrase.text()
        if not typed:
            self._say(_("Type the passphrase."))
            return
        try:
            session = self.access.unlock(typed)
        except ObserverError as error:
            self._say(str(error))
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        self.error.hide()
        self.passphrase.clear()
        self.accept()
        self.unlocked.emit(session)

    def _say(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
