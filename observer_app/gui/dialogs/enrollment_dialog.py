"""Enrollment by USB stick, from either side, with the other side's fingerprint shown large and
grouped so that it can be read aloud across a table, and an explicit "I compared it" before
anything is recorded: nothing is trusted silently.

Observer: write the request to the stick; later open the setup package, compare the
coordinator's fingerprint, accept. Coordinator: open a request, compare the observer's
fingerprint, tick the stations, write the setup package next to the request. The files are a
few kilobytes, so the steps run on the GUI thread (a re-enrollment question from the service,
`session.confirm`, is asked here too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.fingerprint import format_fingerprint
from observer_app.errors import ObserverError
from observer_app.gui.dialogs.file_picker import FilePicker
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.i18n import _
from observer_app.logbook import enrollment
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations


class FingerprintLabel(QLabel):
    """A fingerprint in large monospaced groups of four, two lines, selectable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.8)
        font.setWeight(QFont.Weight.Bold)
        self.setFont(font)
        self.setObjectName("fingerprint")
        self.setAccessibleName(_("Fingerprint to compare aloud"))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_feed(self, feed: str | None) -> None:
        if feed is None:
            self.setText("")
            return
        groups = format_fingerprint(feed).split()
        half = (len(groups) + 1) // 2
        self.setText(" ".join(groups[:half]) + "\n" + " ".join(groups[half:]))
        self.setAccessibleName(_("Fingerprint {fp}").format(fp=" ".join(groups)))


class EnrollmentDialog(QDialog):
    enrolled = Signal(str)
    """What was recorded (a setup package written, or a coordinator pinned)."""

    def __init__(
        self, session: LogbookSession, folder: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.coordinator = session.identity.role == "coordinator"
        self.setWindowTitle(_("Enrollment"))
        self.folder = QLineEdit(str(folder or Path.home()))
        self.folder.setAccessibleName(_("The stick or folder"))
        choose_folder = QPushButton(_("C&hoose a folder…"))
        choose_folder.clicked.connect(self._choose_folder)
        self.file = QLineEdit()
        choose_file = QPushButton(_("Choose…"))
        choose_file.clicked.connect(self._choose_file)
        self.open_button = QPushButton(
            _("&Open the request") if self.coordinator else _("&Open the setup package")
        )
        self.open_button.clicked.connect(self.open_file)
        self.file.returnPressed.connect(self.open_file)
        form = QFormLayout()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose_folder)
        folder_label = QLabel(_("&Stick:"))
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(choose_file)
        file_row.addWidget(self.open_button)
        file_label = QLabel(_("&Request:") if self.coordinator else _("&Setup package:"))
        file_label.setBuddy(self.file)
        self.file.setAccessibleName(file_label.text().replace("&", "").rstrip(":"))
        form.addRow(file_label, file_row)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.fingerprint = FingerprintLabel()
        self.compared = QCheckBox(
            _("I &compared it: the other side read out exactly this fingerprint")
        )
        self.compared.setEnabled(False)
        self.stations = QListWidget()
        self.stations.setAccessibleName(_("Stations assigned"))
        self.stations.setMaximumHeight(110)
        self.stations.setVisible(self.coordinator)
        if self.coordinator:
            for row in list_stations(session):
                item = QListWidgetItem(f"{row.code} — {row.name}")
                item.setData(Qt.ItemDataRole.UserRole, row.code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.stations.addItem(item)
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.confirm_button = QPushButton(
            _("&Enroll and write the setup package")
            if self.coordinator
            else _("&Accept and pin the coordinator")
        )
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm)
        self.compared.toggled.connect(self.confirm_button.setEnabled)
        buttons = QHBoxLayout()
        if not self.coordinator:
            self.request_button = QPushButton(_("&Write my request to the stick"))
            self.request_button.clicked.connect(self.write_request)
            buttons.addWidget(self.request_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.who)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.stations)
        layout.addWidget(self.compared)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.opened: Any = None
        self.setMinimumWidth(680)
        self.file.setFocus()

    def _choose_folder(self) -> None:
        picker = FolderPicker(_("The stick or folder"), Path(self.folder.text()), self)
        picker.chosen.connect(lambda path: self.folder.setText(str(path)))
        picker.open()

    def _choose_file(self) -> None:
        picker = FilePicker(_("Choose a file"), ("*.age",), Path(self.folder.text()), self)
        picker.chosen.connect(lambda path: self.file.setText(str(path)))
        picker.open()

    def _say(self, text: str, error: bool = False) -> None:
        self.outcome.setStyleSheet("color: #b00020" if error else "")
        self.outcome.setText(text)

    # -- observer: the request -----------------------------------------------------------------

    def write_request(self) -> None:
        try:
            written = enrollment.write_request(self.session, Path(self.folder.text()).expanduser())
        except ObserverError as error:
            self._say(str(error), error=True)
            return
        self.who.setText(_("Your fingerprint (read it aloud to the coordinator):"))
        self.fingerprint.show_feed(written.feed)
        self._say(_("Request written: {path}").format(path=written.path))

    # -- the other side's file ---------------------------------------------------------------

    def open_file(self) -> None:
        """Read the request or package and show who sent it; nothing is recorded yet."""
        path = Path(self.file.text().strip()).expanduser()
        self.compared.setChecked(False)
        self.compared.setEnabled(False)
        self.opened = None
        self.fingerprint.show_feed(None)
        try:
            if self.coordinator:
                request = enrollment.read_request(self.session, path)
                self.who.setText(
                    _("Request from: {name} (accreditation {accreditation})").format(
                        name=request.name, accreditation=request.accreditation or "-"
                    )
                    + "\n"
                    + _("Fingerprint (compare it with the one the observer reads aloud):")
                )
                self.fingerprint.show_feed(request.feed)
                self.opened = request
            else:
                package = enrollment.read_package(self.session, path)
                self.who.setText(
                    _("Setup package from {name}").format(name=package.coordinator_name)
                    + "\n"
                    + _(
                        "Coordinator's fingerprint (compare it with the one the coordinator "
                        "reads aloud):"
                    )
                )
                self.fingerprint.show_feed(package.coordinator)
                self.opened = package
        except ObserverError as error:
            self.who.setText("")
            self._say(str(error), error=True)
            return
        self._say("")
        self.compared.setEnabled(True)
        self.compared.setFocus()

    def confirm(self) -> None:
        """Record the enrollment, re-checking the fingerprint compared (a file swapped on the
        stick meanwhile is refused)."""
        if self.opened is None or not self.compared.isChecked():
            return
        path = Path(self.file.text().strip()).expanduser()
        try:
            if self.coordinator:
                chosen = [
                    str(self.stations.item(i).data(Qt.ItemDataRole.UserRole))
                    for i in range(self.stations.count())
                    if self.stations.item(i).checkState() == Qt.CheckState.Checked
                ]
                issued = enrollment.issue_package(
                    self.session, path, path.parent, chosen, self.opened.feed
                )
                text = _("Setup package written: {path}").format(path=issued.path)
                text += "\n" + _("Your fingerprint (read it aloud to the observer):")
                self.fingerprint.show_feed(self.session.identity.feed)
            else:
                accepted = enrollment.accept_package(self.session, path, self.opened.coordinator)
                text = _("Coordinator pinned: {name} ({organisation})").format(
                    name=accepted.coordinator_name, organisation=accepted.organisation
                )
        except ObserverError as error:
            self._say(str(error), error=True)
            return
        self.compared.setChecked(False)
        self.compared.setEnabled(False)
        self.opened = None
        self._say(text)
        self.enrolled.emit(text)
