"""Choose a file the way `FolderPicker` chooses a folder: no QFileDialog, so no history of the
folders visited is written outside the vault."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QWidget

from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.i18n import _


class FilePicker(FolderPicker):
    """`chosen` carries the file's Path; `patterns` like ("*.pdf",) narrow what is listed."""

    def __init__(
        self,
        title: str,
        patterns: Sequence[str],
        start: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, start, parent)
        self.path.setAccessibleName(_("File"))
        self.model.setFilter(QDir.Filter.AllDirs | QDir.Filter.Files | QDir.Filter.NoDotAndDotDot)
        self.model.setNameFilters(list(patterns))
        self.model.setNameFilterDisables(False)
