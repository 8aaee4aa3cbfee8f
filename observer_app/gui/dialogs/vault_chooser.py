"""The first dialog when no vault was named: the vaults this computer opened before, another
folder, or a new vault."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.errors import UserActionError
from observer_app.gui.dialogs.create_vault_dialog import CreateVaultDialog
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.i18n import _
from observer_app.logbook.known_vaults import list_known_vaults
from observer_app.logbook.setup import KdfProfile

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class VaultChooser(QDialog):
    chosen = Signal(object)
    """The vault folder to unlock (a Path)."""

    def __init__(self, kdf: KdfProfile = KdfProfile.DEFAULT, parent: QWidget | None = None):
        super().__init__(parent)
        self.kdf = kdf
        self.setWindowTitle(_("Observer Logbook"))
        heading = QLabel(_("Vaults opened on this computer:"))
        self.vaults = QListWidget()
        self.vaults.setAccessibleName(_("Known vaults"))
        heading.setBuddy(self.vaults)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        try:
            for known in list_known_vaults():
                item = QListWidgetItem(str(known.path))
                item.setData(PATH_ROLE, str(known.path))
                self.vaults.addItem(item)
        except UserActionError as error:
            self.problem.setText(str(error))
            self.problem.show()
        self.open_button = QPushButton(_("&Open"))
        self.open_button.setAccessibleName(_("Open the selected vault"))
        self.open_button.setDefault(True)
        self.folder_button = QPushButton(_("Open another &folder…"))
        self.folder_button.setAccessibleName(_("Open another folder"))
        self.create_button = QPushButton(_("&Create a new vault…"))
        self.create_button.setAccessibleName(_("Create a new vault"))
        self.open_button.clicked.connect(self._open_selected)
        self.vaults.itemActivated.connect(lambda item: self._open_selected())
        self.folder_button.clicked.connect(self._open_folder)
        self.create_button.clicked.connect(self._create)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.folder_button, self.create_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.vaults)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.resize(640, 360)
        if self.vaults.count():
            self.vaults.setCurrentRow(0)
            self.vaults.setFocus()
        else:
            self.open_button.setEnabled(False)
            self.create_button.setDefault(True)
            self.create_button.setFocus()
        self.picker: FolderPicker | None = None
        self.creator: CreateVaultDialog | None = None

    def _open_selected(self) -> None:
        item = self.vaults.currentItem()
        if item is not None:
            self._choose(Path(item.data(PATH_ROLE)))

    def _open_folder(self) -> None:
        self.picker = FolderPicker(_("Open a vault folder"), parent=self)
        self.picker.chosen.connect(self._choose)
        self.picker.open()

    def _create(self) -> None:
        self.creator = CreateVaultDialog(kdf=self.kdf, parent=self)
        self.creator.created.connect(self._choose)
        self.creator.open()

    def _choose(self, path: Path) -> None:
        self.accept()
        self.chosen.emit(path)
