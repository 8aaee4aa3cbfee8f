"""A new vault: who the holder is, the UI language, where the vault goes, the passphrase twice
with a strength estimate (hints in the UI language). Creation runs in a worker: the key
derivation takes a moment and the window must not freeze meanwhile."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.passphrase_strength import estimate
from observer_app.core.progress import Cancel, Progress
from observer_app.core.roles import ROLES, role_label
from observer_app.errors import ObserverError
from observer_app.gui.workers import Worker
from observer_app.i18n import SUPPORTED_LANGUAGES, _, current_language
from observer_app.logbook.known_vaults import default_vault_path, remember_vault
from observer_app.logbook.setup import CreatedVault, KdfProfile, NewIdentity, init_vault

LANGUAGE_NAMES: Final = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
"""Each language by its own name, so that anyone finds theirs whatever the UI speaks."""


def _free_default() -> Path:
    base = default_vault_path()
    candidate, number = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{number}")
        number += 1
    return candidate


class CreateVaultDialog(QDialog):
    created = Signal(object)
    """The new vault's folder (a Path), after it was made and remembered."""

    def __init__(self, kdf: KdfProfile = KdfProfile.DEFAULT, parent: QWidget | None = None):
        super().__init__(parent)
        self.kdf = kdf
        self.setWindowTitle(_("Create a new vault"))
        self.name = QLineEdit()
        self.accreditation = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.organisation = QLineEdit()
        self.language = QComboBox()
        for code in SUPPORTED_LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(SUPPORTED_LANGUAGES.index(current_language()))
        self.folder = QLineEdit(str(_free_default()))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.hints = QLabel()
        self.hints.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        fields = (
            (_("&Name:"), self.name, _("Name")),
            (_("&Accreditation number:"), self.accreditation, _("Accreditation number")),
            (_("&Role:"), self.role, _("Role")),
            (_("&Organisation:"), self.organisation, _("Organisation")),
            (_("&Language:"), self.language, _("Language")),
            (_("&Folder:"), self.folder, _("Folder")),
            (_("&Passphrase:"), self.passphrase, _("Passphrase")),
            (_("Re&peat:"), self.repeat, _("Repeat the passphrase")),
            (_("Strength:"), self.meter, _("Passphrase strength")),
        )
        for text, widget, accessible in fields:
            widget.setAccessibleName(accessible)
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.hints.setAccessibleName(_("Passphrase hints"))
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(_("Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        cancel = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create_vault)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.create_vault)
        cancel.setAccessibleName(_("Cancel"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hints)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.passphrase.textChanged.connect(self._rate)
        self._rate("")
        self.worker: Worker | None = None
        self.setMinimumWidth(560)
        self.name.setFocus()

    def _rate(self, text: str) -> None:
        strength = estimate(text)
        self.meter.setValue(strength.score)
        self.meter.setFormat(strength.label if text else "")
        self.hints.setText("\n".join(strength.hints) if text else "")

    def _say(self, message: str) -> None:
        self.error.setText(message)

    def create_vault(self) -> None:
        if self.worker is not None and self.worker.running:
            return
        name = self.name.text().strip()
        if not name:
            self._say(_("Give your name."))
            self.name.setFocus()
            return
        passphrase = self.passphrase.text()
        if len(passphrase) < 8:
            self._say(_("The passphrase must have at least 8 characters."))
            self.passphrase.setFocus()
            return
        if passphrase != self.repeat.text():
            self._say(_("The two passphrases differ."))
            self.repeat.selectAll()
            self.repeat.setFocus()
            return
        folder = Path(self.folder.text()).expanduser()
        who = NewIdentity(
            name=name,
            role=str(self.role.currentData()),
            accreditation=self.accreditation.text().strip() or None,
            organisation=self.organisation.text().strip() or None,
        )
        kdf = self.kdf

        def call(progress: Progress, cancel: Cancel) -> CreatedVault:
            return init_vault(folder, passphrase, who, kdf)

        self._say(_("Creating the vault…"))
        self.create_button.setEnabled(False)
        self.worker = Worker(call, self)
        self.worker.signals.succeeded.connect(self._created)
        self.worker.signals.failed.connect(self._failed)
        self.worker.start()

    def _created(self, vault: CreatedVault) -> None:
        language = str(self.language.currentData())
        # The vault exists; only the list of known vaults could not be written.
        with contextlib.suppress(ObserverError, ValueError):
            remember_vault(vault.path, language)
        self.accept()
        self.created.emit(vault.path)

    def _failed(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        if isinstance(error, ObserverError):
            self._say(str(error))
        else:
            self._say(
                _("The vault could not be created: {reason}").format(reason=type(error).__name__)
            )
