"""Choose a folder without QFileDialog: Qt's file dialog writes the folders it visited (its
history and last folder) to a settings file outside the vault; this one keeps nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QModelIndex, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileSystemModel,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from observer_app.i18n import _


class FolderPicker(QDialog):
    chosen = Signal(object)
    """The chosen folder (a Path)."""

    def __init__(self, title: str, start: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.path = QLineEdit(str(start or Path.home()))
        self.path.setAccessibleName(_("Folder"))
        label = QLabel(_("&Folder:"))
        label.setBuddy(self.path)
        self.model = QFileSystemModel(self)
        self.model.setFilter(QDir.Filter.AllDirs | QDir.Filter.NoDotAndDotDot)
        self.model.setRootPath("/")
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName(_("Folders"))
        for column in (1, 2, 3):
            self.tree.hideColumn(column)
        self.tree.setCurrentIndex(self.model.index(self.path.text()))
        self.tree.clicked.connect(self._clicked)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.path.returnPressed.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.path)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _clicked(self, index: QModelIndex) -> None:
        self.path.setText(self.model.filePath(index))

    def _accept(self) -> None:
        self.accept()
        self.chosen.emit(Path(self.path.text()).expanduser())
