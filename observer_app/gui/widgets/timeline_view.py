"""The middle of the window: the timeline table over the lazy `TimelineModel`."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from observer_app.gui.models.timeline_model import TimelineModel, TimelineRow
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local


class TimelineView(QTableView):
    entry_selected = Signal(object)
    """The `TimelineRow` of the selected row (None when nothing is selected)."""

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = model
        self.setModel(model)
        self.setAccessibleName(_("Timeline"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, self._time_column_width())
        header.resizeSection(1, 70)
        header.resizeSection(2, 130)
        self.selectionModel().selectionChanged.connect(self._selected)

    def _time_column_width(self) -> int:
        """Room for the widest time of any month in the UI language (Kazakh writes the month
        out: "2026 ж. 28 желтоқсан, 23:59"), so that no time is cut off at the end."""
        samples = (format_local(f"2026-{month:02d}-28T18:59:00Z", "UTC") for month in range(1, 13))
        widest = max(self.fontMetrics().horizontalAdvance(text) for text in samples)
        return max(150, widest + 20)

    def current_entry(self) -> TimelineRow | None:
        index = self.currentIndex()
        return self.timeline.entry(index.row()) if index.isValid() else None

    def _selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self.entry_selected.emit(self.current_entry())
