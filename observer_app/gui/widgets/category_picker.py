"""Choose an incident category by typing: the list filters by the names in the UI language,
Up/Down move the highlight, Enter takes the highlighted one (then the form moves on)."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from observer_app.core.catalogue import Catalogue
from observer_app.i18n import _
from observer_app.logbook.record_words import RecordWords

ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1


class CategoryPicker(QWidget):
    picked = Signal(str)
    """The chosen category's id."""

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        words = RecordWords(catalogue)
        self.source = QStandardItemModel(self)
        for category in catalogue.incident_categories:
            item = QStandardItem(words.label(category.label))
            item.setData(category.id, ID_ROLE)
            item.setEditable(False)
            self.source.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setAccessibleName(_("Category"))
        self.filter.setPlaceholderText(_("Type to find the category"))
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(_("Categories"))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Six categories in sight at any scaling (a fixed 150 px held four at 150 %), and long
        # Kazakh names wrapped rather than hidden behind a horizontal scroll bar.
        rows = self.list.fontMetrics().lineSpacing()
        self.list.setMinimumHeight(6 * rows + 8)
        self.list.setMaximumHeight(8 * rows + 8)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.chosen: str | None = None
        self.filter.textEdited.connect(self._filter)
        self.filter.installEventFilter(self)
        self.list.clicked.connect(lambda index: self._take())
        self.setFocusProxy(self.filter)
        self._highlight(0)

    def set_category(self, category_id: str) -> None:
        for row in range(self.source.rowCount()):
            item = self.source.item(row)
            if item.data(ID_ROLE) == category_id:
                self.chosen = category_id
                self.filter.setText(item.text())
                self.proxy.setFilterFixedString("")
                self.list.setCurrentIndex(self.proxy.mapFromSource(item.index()))
                return

    def _filter(self, text: str) -> None:
        self.chosen = None
        self.proxy.setFilterFixedString(text.strip())
        self._highlight(0)

    def _highlight(self, row: int) -> None:
        if self.proxy.rowCount():
            row = max(0, min(row, self.proxy.rowCount() - 1))
            self.list.setCurrentIndex(self.proxy.index(row, 0))

    def _take(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        category_id = str(index.data(ID_ROLE))
        self.set_category(category_id)
        self.picked.emit(category_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                self._highlight(self.list.currentIndex().row() + step)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == (
                Qt.KeyboardModifier.NoModifier
            ):
                self._take()
                return True
        return super().eventFilter(watched, event)
