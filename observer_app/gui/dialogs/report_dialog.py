"""Make a signed PDF report: for whom, in which language, which stations and period; what the
audience rules will withhold is shown before anything is written, and the PDF is checked after.

The PDF leaves the vault unencrypted (a commission cannot open a vault), so the dialog says so
and writes only where the holder chose. Making and checking run on the generic worker with
progress and cancel; the report machinery is imported there, not at window start-up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue
from observer_app.core.progress import Cancel, Progress
from observer_app.errors import ObserverError, OperationCancelled
from observer_app.gui.dialogs.create_vault_dialog import LANGUAGE_NAMES
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.gui.workers import Worker
from observer_app.i18n import N_, SUPPORTED_LANGUAGES, _, current_language
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations

AUDIENCE_TEXTS = {
    Audience.PUBLIC: (
        N_("&Public"),
        N_(
            "For the press: only media whose consent allows publication, no GPS, "
            "private persons named as “witness 1”."
        ),
    ),
    Audience.COMPLAINT: (
        N_("&Complaint"),
        N_("To an election commission: all the evidence, with your name and contact."),
    ),
    Audience.INTERNAL: (
        N_("&Internal"),
        N_("For your organisation: all the evidence and the full signed journal."),
    ),
}


def audience_name(value: str | None) -> str:
    """The audience as the window names it ("Public"), or the raw value of an unknown one."""
    try:
        return _(AUDIENCE_TEXTS[Audience(value or "")][0]).replace("&", "")
    except ValueError:
        return value or "-"


def default_report_name(audience: Audience, today: dt.date | None = None) -> str:
    return f"report-{audience.value}-{(today or dt.date.today()).isoformat()}.pdf"


class ReportDialog(QDialog):
    made = Signal(object)
    """(ReportResult, ReportVerdict) once the PDF is written and checked."""
    previewed = Signal(object)
    """The ReportPreview of the current options."""
    failed = Signal(str)
    """What was shown when making the report failed or was cancelled."""

    def __init__(
        self,
        session: LogbookSession,
        catalogue: Catalogue,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.catalogue = catalogue
        self.setWindowTitle(_("Make a signed report"))
        self.audiences = QButtonGroup(self)
        audience_box = QVBoxLayout()
        for index, audience in enumerate(Audience):
            title, line = AUDIENCE_TEXTS[audience]
            button = QRadioButton(_(title))
            button.setObjectName(f"audience_{audience.value}")
            explanation = QLabel(_(line))
            explanation.setWordWrap(True)
            explanation.setIndent(24)
            button.setAccessibleDescription(_(line))
            self.audiences.addButton(button, index)
            audience_box.addWidget(button)
            audience_box.addWidget(explanation)
        self.complaint_button = self.audiences.buttons()[1]
        self.complaint_button.setChecked(True)  # a complaint is the common case
        self.language = QComboBox()
        for code in SUPPORTED_LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.stations = QListWidget()
        self.stations.setAccessibleName(_("Stations in the report"))
        for row in list_stations(session):
            item = QListWidgetItem(f"{row.code} — {row.name}")
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.stations.addItem(item)
        # Up to four stations in sight without scrolling (a fixed 72 px cut the third in two).
        shown = max(1, min(4, self.stations.count()))
        self.stations.setMinimumHeight(shown * self.stations.sizeHintForRow(0) + 8)
        self.stations.setMaximumHeight(110)
        self.period_from = QLineEdit()
        self.period_from.setPlaceholderText(_("e.g. 2026-03-15 08:00 (empty: from the start)"))
        self.period_to = QLineEdit()
        self.period_to.setPlaceholderText(_("e.g. 2026-03-15 20:00 (empty: to the end)"))
        self.commission = QLineEdit()
        self.commission.setPlaceholderText(_("the commission a complaint is addressed to"))
        self.folder = QLineEdit(str(folder or Path.home()))
        choose = QPushButton(_("C&hoose…"))
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        audience_group = QGroupBox(_("Who the report is for:"))
        audience_group.setLayout(audience_box)
        form = QFormLayout()
        for text, field in (
            (_("&Language:"), self.language),
            (_("&Stations:"), self.stations),
            (_("&From:"), self.period_from),
            (_("&To:"), self.period_to),
            (_("Co&mmission:"), self.commission),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        folder_label = QLabel(_("Fol&der:"))
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        self.withheld = QLabel()
        self.withheld.setWordWrap(True)
        self.withheld.setObjectName("withheld")
        warning = QLabel(
            _(
                "The PDF leaves the vault unencrypted: anyone who gets the file can read it. "
                "Write it only where you mean to."
            )
        )
        warning.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("outcome")
        self.outcome.setAccessibleName(_("The report made and its check"))
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.generate_button = QPushButton(_("&Generate"))
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton(_("&Open with the system viewer…"))
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_in_viewer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(audience_group)
        layout.addLayout(form)
        layout.addWidget(self.withheld)
        layout.addWidget(warning)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.worker: Worker | None = None
        self.preview_worker: Worker | None = None
        self.written: Path | None = None
        self.setMinimumWidth(820)
        self.audiences.idClicked.connect(lambda _id: self.refresh_preview())
        self.stations.itemChanged.connect(lambda _item: self.refresh_preview())
        self.period_from.editingFinished.connect(self.refresh_preview)
        self.period_to.editingFinished.connect(self.refresh_preview)
        self.complaint_button.setFocus()
        self.refresh_preview()

    # -- options -----------------------------------------------------------------------------

    @property
    def audience(self) -> Audience:
        return list(Audience)[self.audiences.checkedId()]

    def options(self) -> Any:
        from observer_app.logbook.reports import ReportOptions

        checked = [
            str(self.stations.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.stations.count())
            if self.stations.item(i).checkState() == Qt.CheckState.Checked
        ]
        every = len(checked) == self.stations.count()
        return ReportOptions(
            audience=self.audience,
            lang=str(self.language.currentData()),
            stations=() if every else tuple(checked),
            period_from=self.period_from.text().strip() or None,
            period_to=self.period_to.text().strip() or None,
            commission=self.commission.text().strip() or None,
        )

    def out_path(self) -> Path:
        return Path(self.folder.text()).expanduser() / default_report_name(self.audience)

    def choose_folder(self) -> None:
        picker = FolderPicker(_("Where to write the report"), Path(self.folder.text()), self)
        picker.chosen.connect(lambda path: self.folder.setText(str(path)))
        picker.open()

    # -- what will be withheld ---------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Ask the audience rules what this report leaves out (off the GUI thread)."""
        from observer_app.logbook.report_preview import preview_withheld

        options = self.options()
        session, catalogue = self.session, self.catalogue

        def call(progress: Progress, cancel: Cancel) -> Any:
            with session.worker(cancel):
                return preview_withheld(session, options, catalogue)

        if self.preview_worker is not None:
            self.preview_worker.cancel()
        worker = Worker(call, self)
        self.preview_worker = worker
        worker.signals.succeeded.connect(lambda preview: self._previewed(worker, preview))
        worker.signals.failed.connect(lambda error: self._preview_failed(worker, error))
        worker.start()

    def _previewed(self, worker: Worker, preview: Any) -> None:
        if worker is not self.preview_worker:
            return  # an older question; a newer answer follows
        if not preview.withheld:
            text = _("Nothing is withheld: every record and media item in range is included.")
        else:
            lines = [
                _("Withheld from this report, by the consent rules and the audience:"),
                *(
                    _("• media item {id}: {reason}").format(id=item.label, reason=item.reason)
                    for item in preview.withheld
                ),
            ]
            text = "\n".join(lines)
        if self.audience is Audience.PUBLIC:
            text += "\n" + _(
                "Also left out for the public: GPS positions, original file names, consent "
                "notes and the names of private persons."
            )
        self.withheld.setText(text)
        self.adjustSize()
        self.previewed.emit(preview)

    def _preview_failed(self, worker: Worker, error: Exception) -> None:
        if worker is self.preview_worker:
            self.withheld.setText(str(error) if isinstance(error, ObserverError) else "")

    # -- making ------------------------------------------------------------------------------

    def generate(self) -> None:
        if self.worker is not None and self.worker.running:
            return
        from observer_app.logbook.reports import make_report, verify_report

        options = self.options()
        out = self.out_path()
        session, catalogue = self.session, self.catalogue

        def call(progress: Progress, cancel: Cancel) -> Any:
            with session.worker(cancel) as stop:
                result = make_report(session, options, out, progress, stop, catalogue)
                return result, verify_report(session, result.path)

        self.outcome.setText(_("Making the report…"))
        self.generate_button.setEnabled(False)
        self.open_button.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.worker = Worker(call, self)
        self.worker.signals.progressed.connect(self._progressed)
        self.worker.signals.succeeded.connect(self._made)
        self.worker.signals.failed.connect(self._failed)
        self.worker.start()

    def cancel(self) -> None:
        """Stop a report being made (nothing is written), else close."""
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            return
        self.reject()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _made(self, outcome: tuple[Any, Any]) -> None:
        result, verdict = outcome
        self.progress.setVisible(False)
        self.generate_button.setEnabled(True)
        self.written = result.path
        checked = (
            _("checked: the signature is valid")
            if verdict.valid
            else _("checked: NOT valid ({reason})").format(reason=verdict.pdf.reason)
        )
        trusted = (
            _("trusted by your organisation's certificate")
            if verdict.trusted
            else _("not linked to an organisation certificate this vault knows")
        )
        self.outcome.setText(
            _("Report {id} written to {path}; {checked}; {trusted}. Folder: {folder}").format(
                id=result.report_id[:8],
                path=result.path.name,
                checked=checked,
                trusted=trusted,
                folder=result.path.parent,
            )
        )
        self.open_button.setVisible(True)
        self.adjustSize()
        self.made.emit(outcome)

    def _failed(self, error: Exception) -> None:
        self.progress.setVisible(False)
        self.generate_button.setEnabled(True)
        if isinstance(error, OperationCancelled | ObserverError):
            self.outcome.setText(str(error))
        else:
            self.outcome.setText(
                _("The report could not be made: {reason}").format(reason=type(error).__name__)
            )
        self.failed.emit(self.outcome.text())

    def open_in_viewer(self) -> None:
        if self.written is None:
            return
        answer = QMessageBox.question(
            self,
            _("Open the report"),
            _(
                "The system viewer may add the file's name to the desktop's list of recent "
                "files, where others using this computer can see it. Open it anyway?"
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written)))
