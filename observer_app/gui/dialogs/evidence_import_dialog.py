"""Import photos and files: drop or pick files and folders (an SD card's DCIM), choose what they
document, and watch each file and the whole batch; then the summary, and an offer to delete the
originals from the card once the vault's copies are verified.

The batch runs on the generic worker (`ImportRun`); Cancel stops it with nothing kept of the
file in progress. Plausibility warnings stay in the summary: the items are kept, the observer
decides. Deleting is offered only for files the vault holds, and says first that deleting on
flash memory is not secure erasure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.file_names import readable_file_name
from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.file_picker import FilePicker
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.gui.dropped_files import dropped_paths
from observer_app.gui.form_values import clock_of
from observer_app.gui.media_import_run import ImportRun
from observer_app.i18n import N_, _, ngettext
from observer_app.logbook.incidents import list_incidents
from observer_app.logbook.media import Link
from observer_app.logbook.media_batch import BatchSummary, DeletionSummary
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.stations import list_stations

INCIDENTS_OFFERED = 50  # the newest of the holder's own; older ones through their form
FLASH_WARNING = N_(
    "Deleting files from a memory card or USB stick is not secure erasure: the photos may "
    "still be recoverable from the card with special tools. Only files whose content matches "
    "the vault's verified copy are deleted."
)


class EvidenceImportDialog(QDialog):
    def __init__(
        self,
        commands: Commands,
        catalogue: Catalogue,
        *,
        station: str | None = None,
        link: Link | None = None,
        link_text: str | None = None,
        paths: Sequence[Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.setWindowTitle(_("Import photos and files"))
        self.setAcceptDrops(True)
        self.paths: list[Path] = []
        self.summary: BatchSummary | None = None
        hint = QLabel(_("Drop files or folders here (a camera card's DCIM folder), or add them:"))
        hint.setWordWrap(True)
        self.sources = QListWidget()
        self.sources.setAccessibleName(_("Files and folders to import"))
        self.sources.setMaximumHeight(120)
        self.add_files = QPushButton(_("Add &files…"))
        self.add_folder = QPushButton(_("Add a f&older…"))
        self.add_files.clicked.connect(self.choose_file)
        self.add_folder.clicked.connect(self.choose_folder)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.add_files)
        pick_row.addWidget(self.add_folder)
        pick_row.addStretch(1)
        self.link = QComboBox()
        self.link.setAccessibleName(_("What the files document"))
        self._fill_links(catalogue, station, link, link_text)
        link_label = QLabel(_("&Attach to:"))
        link_label.setBuddy(self.link)
        link_row = QHBoxLayout()
        link_row.addWidget(link_label)
        link_row.addWidget(self.link, 1)
        self.current = QLabel()
        self.current.setAccessibleName(_("The file being imported"))
        self.file_bar = QProgressBar()
        self.file_bar.setAccessibleName(_("This file"))
        self.overall_bar = QProgressBar()
        self.overall_bar.setAccessibleName(_("All files"))
        for bar in (self.file_bar, self.overall_bar):
            bar.setVisible(False)
        self.summary_text = QPlainTextEdit()
        self.summary_text.setReadOnly(True)
        self.summary_text.setAccessibleName(_("Summary"))
        self.summary_text.setVisible(False)
        self.flash_warning = QLabel(_(FLASH_WARNING))
        self.flash_warning.setWordWrap(True)
        self.flash_warning.setStyleSheet("color: #8a4b00;")
        self.flash_warning.setVisible(False)
        self.import_button = QPushButton(_("&Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.delete_button = QPushButton()
        self.delete_button.setVisible(False)
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_originals)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.sources)
        layout.addLayout(pick_row)
        layout.addLayout(link_row)
        layout.addWidget(self.current)
        layout.addWidget(self.file_bar)
        layout.addWidget(self.overall_bar)
        layout.addWidget(self.summary_text, 1)
        layout.addWidget(self.flash_warning)
        layout.addLayout(buttons)
        self.run = ImportRun(commands, self)
        self.run.file_started.connect(self._file_started)
        self.run.file_progressed.connect(self._file_progressed)
        self.run.progressed.connect(self._overall_progressed)
        self.run.imported.connect(self._imported)
        self.run.deleted.connect(self._deleted)
        self.run.failed.connect(self._failed)
        self.setMinimumWidth(640)
        self.resize(720, 520)
        self.add_paths(paths)
        self.add_files.setFocus()

    # -- what and where ----------------------------------------------------------------------

    def _fill_links(
        self, catalogue: Catalogue, station: str | None, link: Link | None, link_text: str | None
    ) -> None:
        session = self.commands.session
        words = RecordWords(catalogue)
        choices: list[tuple[str, Link]] = []
        codes = list_stations(session)
        for row in codes:
            text = _("Station {code} · {name}").format(code=row.code, name=row.name)
            choices.append((text, Link("station", row.code)))
        for row in codes:
            text = _("Results protocol of station {code}").format(code=row.code)
            choices.append((text, Link("protocol", row.code)))
        own = list_incidents(
            session, catalogue, limit=INCIDENTS_OFFERED, feed=session.identity.feed
        )
        for incident in own:
            if incident.voided:
                continue
            text = _("Incident at {code}, {time}: {category}").format(
                code=incident.station,
                time=clock_of(incident.occurred_utc, incident.tz),
                category=words.category(incident.category),
            )
            choices.append((text, Link("incident", incident.id)))
        if link is not None and link not in [each for _text, each in choices]:
            choices.insert(0, (link_text or _("The record this form is for"), link))
        for text, each in choices:
            self.link.addItem(text, each)
        wanted = link or (Link("station", station) if station else None)
        for index in range(self.link.count()):
            if self.link.itemData(index) == wanted:
                self.link.setCurrentIndex(index)

    def chosen_link(self) -> Link | None:
        data = self.link.currentData()
        return data if isinstance(data, Link) else None

    def add_paths(self, paths: Sequence[Path]) -> None:
        for path in paths:
            if path not in self.paths:
                self.paths.append(path)
                self.sources.addItem(readable_file_name(str(path)))

    def choose_file(self) -> None:
        start = self.paths[-1].parent if self.paths else None
        picker = FilePicker(_("A file to import"), ["*"], start, self)
        picker.chosen.connect(lambda path: self.add_paths([path]))
        picker.open()

    def choose_folder(self) -> None:
        start = self.paths[-1].parent if self.paths else None
        picker = FolderPicker(_("A folder to import (every file in it)"), start, self)
        picker.chosen.connect(lambda path: self.add_paths([path]))
        picker.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()) and not self.run.running:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths and not self.run.running:
            self.add_paths(paths)
            event.acceptProposedAction()

    # -- importing ---------------------------------------------------------------------------

    def start(self) -> None:
        link = self.chosen_link()
        if not self.paths or link is None or self.run.running:
            self._say(_("Add files or folders first (drop them here, or Add files…)."))
            return
        try:
            link = self.commands.media_link(link.kind, link.ref)
        except ObserverError as error:
            self._say(str(error))
            return
        self._busy(True)
        self.current.setText(_("Looking for files…"))
        self.run.start(self.paths, link)

    def cancel(self) -> None:
        if self.run.running:
            self.run.cancel()
            self.current.setText(_("Cancelling…"))
            return
        self.reject()

    def _busy(self, busy: bool) -> None:
        for widget in (self.import_button, self.add_files, self.add_folder, self.link):
            widget.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)
        self.file_bar.setVisible(busy)
        self.overall_bar.setVisible(busy)
        self.cancel_button.setText(_("Cancel") if busy or self.summary is None else _("Close"))

    def _file_started(self, index: int, count: int, name: str) -> None:
        self.current.setText(
            _("File {number} of {count}: {name}").format(number=index + 1, count=count, name=name)
        )
        self.file_bar.setValue(0)

    def _file_progressed(self, done: int, total: int) -> None:
        self.file_bar.setMaximum(max(total, 1))
        self.file_bar.setValue(min(done, max(total, 1)))

    def _overall_progressed(self, done: int, total: int) -> None:
        # QProgressBar holds an int: scale bytes to per-mille.
        self.overall_bar.setMaximum(1000)
        self.overall_bar.setValue(done * 1000 // total if total > 0 else 0)

    def _imported(self, summary: BatchSummary) -> None:
        self.summary = summary
        self.paths = []
        self.sources.clear()
        self._busy(False)
        self.current.setText(_("Import finished.") if not summary.cancelled else _("Cancelled."))
        self._say("\n".join(summary.lines()))
        count = len(summary.deletable)
        if count:
            self.delete_button.setText(
                ngettext(
                    "&Delete {count} verified original from the card…",
                    "&Delete {count} verified originals from the card…",
                    count,
                ).format(count=count)
            )
        self.delete_button.setVisible(count > 0)
        self.flash_warning.setVisible(count > 0)
        self.summary_text.setFocus()

    def delete_originals(self) -> None:
        if self.summary is None or self.run.running:
            return
        files = self.summary.deletable
        self._busy(True)
        self.current.setText(_("Checking each original against the vault's copy…"))
        self.run.delete(files)

    def _deleted(self, deletions: DeletionSummary) -> None:
        self._busy(False)
        self.delete_button.setVisible(False)
        self.current.setText(_("Originals checked."))
        self._say(self.summary_text.toPlainText() + "\n\n" + "\n".join(deletions.lines()))

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        reason = str(error) if isinstance(error, ObserverError) else type(error).__name__
        self.current.setText(_("The import stopped: {reason}").format(reason=reason))

    def _say(self, text: str) -> None:
        self.summary_text.setPlainText(text)
        self.summary_text.setVisible(True)

    def done(self, result: int) -> None:
        """Closing while a batch runs cancels it (what was done stays, whole)."""
        self.run.cancel()
        super().done(result)
