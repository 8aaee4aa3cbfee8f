"""The timeline as a lazy table: pages of the logbook's timeline read model, fetched as the view
scrolls (`canFetchMore`/`fetchMore`), newest first.

A page costs the same deep in a 100,000-event vault as at its start (keyset cursors), so the
GUI thread fetches one page at a time without a worker. Rows are formatted once, when fetched,
never in `data()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from observer_app.core.paging import Cursor
from observer_app.core.timeline_filter import ALL_EVENTS, TimelineFilter
from observer_app.gui.record_refs import RecordRef, record_of
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.timeline import TimelineEntry, timeline_count, timeline_page

PAGE_SIZE: Final = 25
# The first page after a new filter fills a full-height timeline (about 30 rows at 1366x768,
# more on a larger screen) in one query: with 25 a filter change cost two filtered queries
# before the view was full, the longest GUI-thread stall of a station change on 100,000 events
# (bench_gui). Later pages stay small: each one is a stall while scrolling.
FIRST_PAGE_SIZE: Final = 60
ENTRY_ROLE: Final = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """What the table shows of one event, and which record it belongs to.

    Made on demand: the model keeps only columns of strings, not the parsed events nor a row
    object each (100,000 events with their bodies are millions of objects that every garbage
    collection walks: a 280 ms stall every few pages when measured)."""

    when: str
    station: str
    author: str
    text: str
    event_type: str
    time_utc: str
    ref: RecordRef | None


def _row(entry: TimelineEntry) -> TimelineRow:
    event = entry.event
    station = event.body.get("station")
    if station is None and event.type.startswith("station."):
        station = event.body.get("code")
    return TimelineRow(
        format_local(event.time_utc, event.tz),
        str(station) if station else "",
        entry.author,
        entry.text,
        event.type,
        event.time_utc,
        record_of(entry),
    )


STORED: Final = ("when", "station", "author", "text", "event_type", "time_utc", "kind", "ref")


class TimelineModel(QAbstractTableModel):
    COLUMNS: Final = ("when", "station", "author", "text")

    def __init__(
        self,
        session: LogbookSession,
        page_size: int = PAGE_SIZE,
        first_page_size: int = FIRST_PAGE_SIZE,
    ) -> None:
        super().__init__()
        self._session = session
        self._page_size = page_size
        self._first_page_size = max(page_size, first_page_size)
        self._selection = ALL_EVENTS
        self._columns: dict[str, list[str]] = {name: [] for name in STORED}
        self._count = 0
        self._next: Cursor | None = None
        self._at_end = False

    @property
    def selection(self) -> TimelineFilter:
        return self._selection

    def set_selection(self, selection: TimelineFilter) -> None:
        self._selection = selection
        self.reload()

    def reload(self) -> None:
        """Back to the first page (after a change or a new filter)."""
        self.beginResetModel()
        self._columns = {name: [] for name in STORED}
        self._count = 0
        self._next = None
        self._at_end = False
        self.endResetModel()
        self._fetch(self._first_page_size)

    def total(self) -> int:
        return timeline_count(self._session.conn, self._selection)

    def entry(self, row: int) -> TimelineRow:
        c = self._columns
        kind, ref = c["kind"][row], c["ref"][row]
        return TimelineRow(
            c["when"][row],
            c["station"][row],
            c["author"][row],
            c["text"][row],
            c["event_type"][row],
            c["time_utc"][row],
            RecordRef(kind, ref) if kind else None,
        )

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._at_end

    def fetchMore(self, parent: Index) -> None:
        if not parent.isValid():
            self._fetch(self._page_size)

    def _fetch(self, limit: int) -> None:
        if self._at_end:
            return
        page = timeline_page(
            self._session.conn, self._selection, self._next, limit, newest_first=True
        )
        self._next = page.next
        self._at_end = page.next is None
        if not page.rows:
            return
        rows = [_row(entry) for entry in page.rows]
        first = self._count
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        c = self._columns
        for row in rows:
            c["when"].append(row.when)
            c["station"].append(row.station)
            c["author"].append(row.author)
            c["text"].append(row.text)
            c["event_type"].append(row.event_type)
            c["time_utc"].append(row.time_utc)
            c["kind"].append(row.ref.kind if row.ref else "")
            c["ref"].append(row.ref.id if row.ref else "")
        self._count += len(rows)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[column][index.row()]
        if role == ENTRY_ROLE:
            return self.entry(index.row())
        if role == Qt.ItemDataRole.ToolTipRole and column == "text":
            return self._columns["text"][index.row()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = {
            "when": _("Recorded"),
            "station": _("Station"),
            "author": _("Author"),
            "text": _("What happened"),
        }
        return titles[self.COLUMNS[section]]
