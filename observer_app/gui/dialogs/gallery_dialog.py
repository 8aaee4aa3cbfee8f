"""The evidence gallery: every photo, video and recording as a grid of thumbnails with consent
badges, narrowed by station, kind and consent, in import or capture order; Enter (or a double
click) opens the item in the viewer.

The grid is a `QListView` in icon mode over `GalleryModel` (pages fetched as it scrolls,
previews decrypted in batches off the GUI thread). Nothing it shows is written anywhere: the
previews live in the model and go when the dialog closes or the vault locks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QListView,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.changes import Change
from observer_app.errors import ObserverError
from observer_app.gui.change_relay import ChangeRelay
from observer_app.gui.dialogs.media_viewer import MediaCallback, MediaViewer
from observer_app.gui.models.gallery_model import ICON_SIDE, GalleryFilter, GalleryModel
from observer_app.gui.widgets.gallery_delegate import GalleryDelegate
from observer_app.i18n import _, ngettext
from observer_app.logbook.record_words import MEDIA_KIND_NAMES, RecordWords, named
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations


class GalleryDialog(QDialog):
    def __init__(
        self,
        session: LogbookSession,
        catalogue: Catalogue,
        *,
        station: str | None = None,
        on_redact: MediaCallback | None = None,
        on_edit_consent: MediaCallback | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.catalogue = catalogue
        self.on_redact = on_redact
        self.on_edit_consent = on_edit_consent
        self.viewer: QDialog | None = None
        self.setWindowTitle(_("Evidence gallery"))
        words = RecordWords(catalogue, {})
        self.station = self._combo(_("Station"), [(None, _("All stations"))])
        for row in list_stations(session):
            self.station.addItem(f"{row.code} — {row.name}" if row.name else row.code, row.code)
        self.kind = self._combo(
            _("Kind"),
            [(None, _("All kinds"))]
            + [(kind, named(MEDIA_KIND_NAMES, kind)) for kind in MEDIA_KIND_NAMES],
        )
        self.consent = self._combo(
            _("Consent"),
            [(None, _("Any consent"))]
            + [(state.id, words.label(state.label)) for state in catalogue.consent_states],
        )
        self.order = self._combo(
            _("Order"),
            [("imported", _("By import time")), ("captured", _("By capture time"))],
        )
        if station is not None:
            found = self.station.findData(station)
            self.station.setCurrentIndex(max(0, found))
        filters = QGridLayout()
        labels = (
            (_("&Station:"), self.station),
            (_("&Kind:"), self.kind),
            (_("&Consent:"), self.consent),
            (_("&Order:"), self.order),
        )
        for column, (text, combo) in enumerate(labels):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label, 0, column)
            filters.addWidget(combo, 1, column)
            filters.setColumnStretch(column, 1)
        self.model = GalleryModel(session, catalogue, parent=self)
        self.grid = QListView()
        self.grid.setAccessibleName(_("Photos, videos and recordings"))
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setWordWrap(True)
        self.grid.setSpacing(6)
        self.grid.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.grid.setGridSize(QSize(ICON_SIDE + 24, ICON_SIDE + 44))
        self.grid.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.grid.setItemDelegate(GalleryDelegate(self.grid))
        self.grid.setModel(self.model)
        self.grid.activated.connect(self.open_viewer)
        self.count = QLabel()
        self.count.setAccessibleName(_("How many items are shown"))
        hint = QLabel(_("Arrow keys move; Enter opens the selected item."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.count)
        layout.addWidget(hint)
        for combo in (self.station, self.kind, self.consent, self.order):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.finished.connect(self._closed)
        self.relay = ChangeRelay(self)
        self.relay.changed.connect(self.on_changes, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = session.changes.subscribe(self.relay)
        self.resize(900, 640)
        self.apply_filters()

    def _combo(self, name: str, choices: list[tuple[str | None, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for data, text in choices:
            combo.addItem(text, data)
        return combo

    def _closed(self, _result: int) -> None:
        """Closing (or the window locking) drops the previews and closes an open viewer."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.model.close()
        if self.viewer is not None:
            self.viewer.done(QDialog.DialogCode.Rejected)
            self.viewer = None

    def selection(self) -> GalleryFilter:
        return GalleryFilter(
            station=self.station.currentData(),
            kind=self.kind.currentData(),
            consent=self.consent.currentData(),
            order=self.order.currentData() or "imported",
        )

    def apply_filters(self) -> None:
        """Read the first page again with the chosen filters; the first item gets the focus."""
        self.model.set_selection(self.selection())
        total = self.model.total()
        self.count.setText(
            ngettext("{count} item", "{count} items", total).format(count=total)
            if total
            else _("No item matches these filters.")
        )
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0))

    def on_changes(self, changes: tuple[Change, ...]) -> None:
        """Media changed (an import, a consent, a redacted copy): read the rows again, keep the
        selected item selected, and show the open viewer's item as it is now."""
        if self._unsubscribe is None or not any(c.event_type.startswith("media.") for c in changes):
            return
        current = self.grid.currentIndex()
        kept = self.model.item(current.row()).id if current.isValid() else None
        self.apply_filters()
        if kept is not None and kept in self.model.ids():
            self.grid.setCurrentIndex(self.model.index(self.model.ids().index(kept)))
        changed = {record for change in changes for record in change.records}
        viewer = self.viewer
        if isinstance(viewer, MediaViewer) and viewer.item.id in changed:
            viewer.refresh()

    def _viewer_closed(self, viewer: QDialog) -> None:
        if self.viewer is viewer:
            self.viewer = None
        viewer.deleteLater()

    def open_viewer(self, index: QModelIndex) -> QDialog | None:
        """Show the item under `index` in the viewer (Enter or a double click)."""
        if not index.isValid():
            return None
        item = self.model.item(index.row())
        try:
            viewer = MediaViewer(
                self.session,
                self.catalogue,
                item.id,
                on_redact=self.on_redact,
                on_edit_consent=self.on_edit_consent,
                parent=self,
            )
        except ObserverError as error:
            self.count.setText(str(error))
            return None
        viewer.finished.connect(lambda _result: self._viewer_closed(viewer))
        self.viewer = viewer
        viewer.open()
        return viewer
