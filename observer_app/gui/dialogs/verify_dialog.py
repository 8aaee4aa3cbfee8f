"""Check a signed report: drop or pick a PDF, optionally the organisation certificate to trust;
the answer is said as a commission clerk needs it (valid or not, trusted or not, who signed,
when, the journal head, and what was changed when it is not valid).

The check runs on the generic worker (a report can be many megabytes); it needs no passphrase
beyond the open session, whose organisation certificates are trusted as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.progress import Cancel, Progress
from observer_app.errors import ObserverError
from observer_app.gui.dialogs.file_picker import FilePicker
from observer_app.gui.dialogs.report_dialog import audience_name
from observer_app.gui.workers import Worker
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession


class VerifyDialog(QDialog):
    checked = Signal(object)
    """The ReportVerdict of the file checked."""

    def __init__(self, session: LogbookSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Verify a report"))
        self.setAcceptDrops(True)
        hint = QLabel(_("Drop a report (PDF) here, or choose it."))
        hint.setWordWrap(True)
        self.pdf = QLineEdit()
        self.pdf.setAccessibleName(_("Report to check"))
        self.trust = QLineEdit()
        self.trust.setAccessibleName(_("Organisation certificate to trust"))
        self.trust.setPlaceholderText(_("optional: the organisation's certificate (PEM or DER)"))
        form = QFormLayout()
        for text, field, patterns in (
            (_("&Report:"), self.pdf, ("*.pdf",)),
            (_("&Certificate:"), self.trust, ("*.pem", "*.crt", "*.der", "*.cer")),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            choose = QPushButton(_("Choose…"))
            choose.setAccessibleName(_("Choose the file for {field}").format(field=text))
            choose.clicked.connect(lambda _checked=False, f=field, p=patterns: self._choose(f, p))
            row = QHBoxLayout()
            row.addWidget(field, 1)
            row.addWidget(choose)
            form.addRow(label, row)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.verdict.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setAccessibleName(_("What the check found"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.check_button = QPushButton(_("Chec&k"))
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.pdf.returnPressed.connect(self.check)
        self.trust.returnPressed.connect(self.check)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        self.worker: Worker | None = None
        self.setMinimumWidth(760)
        self.pdf.setFocus()

    def _choose(self, field: QLineEdit, patterns: tuple[str, ...]) -> None:
        start = Path(field.text()).parent if field.text() else None
        picker = FilePicker(_("Choose a file"), patterns, start, self)
        picker.chosen.connect(lambda path: field.setText(str(path)))
        picker.open()

    # -- dropping ----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.check_file(Path(files[0]))

    # -- checking ----------------------------------------------------------------------------

    def check_file(self, path: Path) -> None:
        self.pdf.setText(str(path))
        self.check()

    def check(self) -> None:
        if self.worker is not None and self.worker.running:
            return
        from observer_app.logbook.reports import verify_report

        text = self.pdf.text().strip()
        if not text:
            self.verdict.setText("")
            self.details.setText(_("Choose the report to check first."))
            return
        pdf = Path(text).expanduser()
        trust = [Path(self.trust.text().strip()).expanduser()] if self.trust.text().strip() else []
        session = self.session

        def call(progress: Progress, cancel: Cancel) -> Any:
            if session is None:
                return verify_report(None, pdf, trust)
            with session.worker(cancel):
                return verify_report(session, pdf, trust)

        self.verdict.setText(_("Checking…"))
        self.details.setText("")
        self.check_button.setEnabled(False)
        self.worker = Worker(call, self)
        self.worker.signals.succeeded.connect(self._checked)
        self.worker.signals.failed.connect(self._failed)
        self.worker.start()

    def _checked(self, verdict: Any) -> None:
        self.check_button.setEnabled(True)
        pdf = verdict.pdf
        if not verdict.valid:
            self.verdict.setText(_("NOT VALID — do not rely on this report"))
            self.verdict.setStyleSheet("color: #b00020")
        elif verdict.trusted:
            self.verdict.setText(_("VALID and TRUSTED"))
            self.verdict.setStyleSheet("color: #1b5e20")
        else:
            self.verdict.setText(_("VALID, but the signer is not trusted"))
            self.verdict.setStyleSheet("color: #8a5a00")
        lines = [
            _("What the check found: {reason}").format(reason=pdf.reason),
            _("Signed by: {name}").format(name=pdf.signer_name or _("unknown")),
            _("Signer's fingerprint: {fp}").format(fp=pdf.signer_fingerprint or "-"),
            _("Signed at: {time}").format(
                time=pdf.signing_time.strftime("%Y-%m-%d %H:%M %Z") if pdf.signing_time else "-"
            ),
        ]
        if not verdict.trusted:
            lines.append(
                _(
                    "Not trusted means the signature is not linked to an organisation "
                    "certificate you chose or this vault knows; ask the organisation for it."
                )
            )
        if verdict.report_id:
            lines.append(
                _("Report {id}, for: {audience}, language: {lang}").format(
                    id=verdict.report_id,
                    audience=audience_name(verdict.audience),
                    lang=verdict.lang,
                )
            )
        for head in verdict.journal_heads:
            lines.append(
                _("Journal head: record {seq}, hash {hash}").format(
                    seq=head.get("seq"), hash=str(head.get("hash"))[:16]
                )
            )
        self.details.setText("\n".join(lines))
        self.adjustSize()
        self.checked.emit(verdict)

    def _failed(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        self.verdict.setText(_("Not checked"))
        self.verdict.setStyleSheet("")
        if isinstance(error, ObserverError):
            self.details.setText(str(error))
        else:
            self.details.setText(
                _("The report could not be checked: {reason}").format(reason=type(error).__name__)
            )
