"""The holder's settings, kept in the vault: the UI language (the windows are rebuilt in it)
and the minutes without input before the vault locks itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.create_vault_dialog import LANGUAGE_NAMES
from observer_app.i18n import SUPPORTED_LANGUAGES, _
from observer_app.logbook.settings import MAX_AUTO_LOCK_MINUTES, Settings, load_settings


class SettingsDialog(QDialog):
    changed = Signal(object)
    """The new `Settings`, once stored."""
    wipe_requested = Signal()
    """The holder asked for the emergency wipe (its own dialog confirms)."""

    def __init__(self, commands: Commands, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commands = commands
        current = load_settings(commands.session)
        self.before = current
        self.setWindowTitle(_("Settings"))
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language of the window"))
        self.language.addItem(_("As the system"), None)
        for code in SUPPORTED_LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(self.language.findData(current.ui_language), 0))
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(0, MAX_AUTO_LOCK_MINUTES)
        self.auto_lock.setSuffix(" " + _("min"))
        self.auto_lock.setSpecialValueText(_("never"))
        self.auto_lock.setValue(current.auto_lock_minutes)
        self.auto_lock.setAccessibleName(_("Lock after minutes without input"))
        form = QFormLayout()
        for text, widget in (
            (_("&Language:"), self.language),
            (_("Lock &after no input for:"), self.auto_lock),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.error = QLabel()
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.wipe_button = QPushButton(_("&Emergency wipe…"))
        self.wipe_button.setAutoDefault(False)
        self.wipe_button.clicked.connect(self._wipe)
        buttons.addButton(self.wipe_button, QDialogButtonBox.ButtonRole.ResetRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.language.setFocus()

    def _wipe(self) -> None:
        self.reject()
        self.wipe_requested.emit()

    def save(self) -> None:
        try:
            settings: Settings = self.commands.update_settings(
                ui_language=self.language.currentData(),
                auto_lock_minutes=self.auto_lock.value(),
            )
        except ObserverError as error:
            self.error.setText(str(error))
            return
        self.accept()
        self.changed.emit(settings)
