"""Stations for the left-hand list: "all stations" first, then each station with its counts.

A polling day has a handful of stations, a coordinator's vault a few thousand at most: the
pages of the read model are all read at once (each is one indexed query).
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from observer_app.core.paging import MAX_PAGE, Cursor
from observer_app.i18n import _
from observer_app.logbook.read_models import StationListRow, stations_page
from observer_app.logbook.session import LogbookSession

CODE_ROLE: Final = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class StationModel(QAbstractListModel):
    def __init__(self, session: LogbookSession) -> None:
        super().__init__()
        self._session = session
        self._rows: list[StationListRow] = []
        self.reload()

    def reload(self) -> None:
        rows: list[StationListRow] = []
        cursor: Cursor | None = None
        while True:
            page = stations_page(self._session, cursor, MAX_PAGE)
            rows.extend(page.rows)
            if page.next is None:
                break
            cursor = page.next
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def code(self, row: int) -> str | None:
        """The station code of a row; None for "all stations"."""
        return None if row == 0 else self._rows[row - 1].station.code

    def row_of(self, code: str | None) -> int:
        if code is None:
            return 0
        for number, row in enumerate(self._rows, start=1):
            if row.station.code == code:
                return number
        return 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.row() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return _("All stations")
            return None
        row = self._rows[index.row() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.station.code} · {row.station.name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{address} — visits: {visits}, incidents: {incidents}").format(
                address=row.station.address or row.station.name,
                visits=row.visits,
                incidents=row.incidents,
            )
        if role == CODE_ROLE:
            return row.station.code
        return None
