"""The evidence gallery as a lazy list of thumbnails: pages of the media read model fetched as
the view scrolls, each item's preview decrypted in batches off the GUI thread.

A page of rows is one indexed query, so it is read on the GUI thread like the timeline's. The
previews are not: `data()` asks for the ones the view paints, and a worker decrypts and decodes
them in batches (newest request first, so a fast scroll shows where it stops), returning
`QImage`s that become pixmaps here. They are held in memory only and forgotten on lock
(`forget`, registered with the session) and whenever the rows are read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QImage, QPixmap

from observer_app.core.catalogue import Catalogue
from observer_app.core.consent import ConsentState, MediaUse, allowed_uses
from observer_app.core.paging import Cursor
from observer_app.core.progress import Cancel, Progress
from observer_app.gui.workers import Worker
from observer_app.i18n import _
from observer_app.logbook import media
from observer_app.logbook.localtime import format_local
from observer_app.logbook.read_models import MediaItem, count_media, media_page
from observer_app.logbook.record_words import MEDIA_KIND_NAMES, RecordWords, named
from observer_app.logbook.session import LogbookSession

PAGE_SIZE: Final = 60
BATCH: Final = 24  # previews decrypted per worker run: a screenful
QUEUE_LIMIT: Final = 240  # requests kept while scrolling fast; older ones are asked again later
ICON_SIDE: Final = 160
ITEM_ROLE: Final = Qt.ItemDataRole.UserRole + 1
BADGE_ROLE: Final = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class GalleryFilter:
    """What the gallery shows: one station's, one kind's, one consent state's, in which order."""

    station: str | None = None
    kind: str | None = None
    consent: str | None = None
    order: str = "imported"  # or "captured" (read_models.MEDIA_ORDERS)


@dataclass(frozen=True)
class Badge:
    """The consent badge drawn on a thumbnail: a short word, a sign and how safe it is."""

    text: str
    sign: str
    level: str  # "public" (may be published), "anonymised", "caution", "forbidden"


_CAUTION: Final = frozenset({ConsentState.NOT_ASKED, ConsentState.OFFICIAL_ON_DUTY})


def badge_for(item: MediaItem, words: RecordWords) -> Badge:
    """Publishable items are green, anonymised copies blue, unknown consent amber, refused red."""
    text = words.consent(item.consent)
    try:
        state = ConsentState(item.consent)
    except ValueError:
        return Badge(text, "?", "caution")
    if state is ConsentState.ANONYMISED:
        return Badge(text, "◐", "anonymised")
    if MediaUse.PUBLICATION in allowed_uses(state, is_derivative=item.is_derivative):
        return Badge(text, "✓", "public")
    if state in _CAUTION:
        return Badge(text, "?", "caution")
    return Badge(text, "✕", "forbidden")


def _decode(previews: dict[str, bytes], side: int) -> dict[str, QImage]:
    """Off the GUI thread: QImage (unlike QPixmap) may be made on any thread."""
    images = {}
    for media_id, data in previews.items():
        image = QImage.fromData(data)
        if not image.isNull():
            images[media_id] = image.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
    return images


class GalleryModel(QAbstractListModel):
    def __init__(
        self,
        session: LogbookSession,
        catalogue: Catalogue,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._words = RecordWords(catalogue, {})
        self._page_size = page_size
        self._selection = GalleryFilter()
        self._items: list[MediaItem] = []
        self._rows: dict[str, int] = {}
        self._next: Cursor | None = None
        self._at_end = False
        self._thumbs: dict[str, QPixmap] = {}
        self._placeholders: dict[str, QPixmap] = {}
        self._without: set[str] = set()  # asked and found to have no preview
        self._queue: list[str] = []
        self._asked: set[str] = set()  # queued or being decrypted
        self._worker: Worker | None = None
        self._generation = 0
        self._locked = False
        self.batches = 0  # worker runs so far (the tests and the benchmark read it)
        self._kick = QTimer(self)
        self._kick.setSingleShot(True)
        self._kick.setInterval(0)  # after the paint that asked: one batch per screenful
        self._kick.timeout.connect(self._start_batch)
        self._unregister = session.on_lock(self.forget)

    # -- rows --------------------------------------------------------------------------------

    @property
    def selection(self) -> GalleryFilter:
        return self._selection

    def set_selection(self, selection: GalleryFilter) -> None:
        self._selection = selection
        self.reload()

    def reload(self) -> None:
        """Back to the first page (a new filter or order, or a change in the vault)."""
        self.beginResetModel()
        self._items, self._rows = [], {}
        self._next, self._at_end = None, False
        self._drop_previews()
        self.endResetModel()
        if not self._locked:
            self.fetchMore(QModelIndex())

    def total(self) -> int:
        s = self._selection
        return count_media(self._session, station=s.station, kind=s.kind, consent=s.consent)

    def item(self, row: int) -> MediaItem:
        return self._items[row]

    def ids(self) -> list[str]:
        return [item.id for item in self._items]

    def has_preview(self, media_id: str) -> bool:
        return media_id in self._thumbs

    @property
    def loading(self) -> bool:
        """Whether previews are asked for or being decrypted."""
        return bool(self._queue) or (self._worker is not None and self._worker.running)

    @property
    def preview_count(self) -> int:
        return len(self._thumbs)

    # -- previews ----------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop every decoded preview and stop asking for more (the vault is locking)."""
        self._locked = True
        self._drop_previews()

    def close(self) -> None:
        """The gallery closes: previews dropped, the lock callback removed."""
        self.forget()
        self._unregister()

    def _drop_previews(self) -> None:
        self._generation += 1  # a batch under way is thrown away when it comes back
        if self._worker is not None:
            self._worker.cancel()
        self._thumbs.clear()
        self._without.clear()
        self._queue.clear()
        self._asked.clear()

    def _ask(self, media_id: str) -> None:
        if self._locked or media_id in self._asked or media_id in self._without:
            return
        self._asked.add(media_id)
        self._queue.append(media_id)
        if len(self._queue) > QUEUE_LIMIT:
            for dropped in self._queue[:-QUEUE_LIMIT]:
                self._asked.discard(dropped)
            del self._queue[:-QUEUE_LIMIT]
        if self._worker is None or not self._worker.running:
            self._kick.start()

    def _start_batch(self) -> None:
        if self._locked or not self._queue or (self._worker and self._worker.running):
            return
        batch = self._queue[-BATCH:][::-1]  # the newest requests: what the view shows now
        del self._queue[-BATCH:]
        session, generation = self._session, self._generation

        def call(progress: Progress, cancel: Cancel) -> tuple[int, list[str], dict[str, QImage]]:
            with session.worker(cancel) as stop:
                previews = media.thumbnails_jpeg(session, batch)
                images = {} if stop() else _decode(previews, ICON_SIDE)
            return generation, batch, images

        worker = Worker(call, self)
        worker.signals.succeeded.connect(self._loaded)
        worker.signals.failed.connect(self._batch_failed)
        worker.signals.finished.connect(worker.deleteLater)
        worker.signals.finished.connect(self._start_batch)
        self._worker = worker
        self.batches += 1
        worker.start()

    def _loaded(self, outcome: tuple[int, list[str], dict[str, QImage]]) -> None:
        generation, batch, images = outcome
        if generation != self._generation or self._locked:
            return
        for media_id in batch:
            self._asked.discard(media_id)
            image = images.get(media_id)
            if image is None:
                self._without.add(media_id)
            else:
                self._thumbs[media_id] = QPixmap.fromImage(image)
            row = self._rows.get(media_id)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _batch_failed(self, error: object) -> None:
        """The vault locked meanwhile or a preview would not decrypt: placeholders stay."""
        self._queue.clear()
        self._asked.clear()

    def _placeholder(self, item: MediaItem) -> QPixmap:
        """One neutral picture per kind, decoded once (a few milliseconds each)."""
        pixmap = self._placeholders.get(item.kind)
        if pixmap is None:
            image = QImage.fromData(media.placeholder_jpeg(item))
            pixmap = QPixmap.fromImage(
                image.scaled(
                    ICON_SIDE,
                    ICON_SIDE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self._placeholders[item.kind] = pixmap
        return pixmap

    def _decoration(self, item: MediaItem) -> QPixmap:
        pixmap = self._thumbs.get(item.id)
        if pixmap is not None:
            return pixmap
        if not item.purged and item.kind in ("photo", "video"):
            self._ask(item.id)
        return self._placeholder(item)

    # -- words -------------------------------------------------------------------------------

    def _caption(self, item: MediaItem) -> str:
        if self._selection.order == "captured" and item.capture_time:
            return item.capture_time[:16].replace("T", " ")
        return format_local(item.time_utc, item.tz)

    def _tooltip(self, item: MediaItem) -> str:
        lines = [
            item.original_name,
            named(MEDIA_KIND_NAMES, item.kind),
            _("Consent: {state}").format(state=self._words.consent(item.consent)),
            _("Imported: {time}").format(time=format_local(item.time_utc, item.tz)),
        ]
        if item.capture_time:
            lines.append(_("Taken: {time}").format(time=item.capture_time.replace("T", " ")))
        return "\n".join(lines)

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._at_end and not self._locked

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._at_end or self._locked:
            return
        s = self._selection
        page = media_page(
            self._session,
            self._next,
            self._page_size,
            station=s.station,
            kind=s.kind,
            consent=s.consent,
            order=s.order,
        )
        self._next = page.next
        self._at_end = page.next is None
        if not page.rows:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        for offset, item in enumerate(page.rows):
            self._rows[item.id] = first + offset
        self._items.extend(page.rows)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._caption(item)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._tooltip(item).replace("\n", ", ")
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(ICON_SIDE + 16, ICON_SIDE + 40)
        if role == ITEM_ROLE:
            return item
        if role == BADGE_ROLE:
            return badge_for(item, self._words)
        return None
