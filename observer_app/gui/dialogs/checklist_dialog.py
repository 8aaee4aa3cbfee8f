"""A phase's checklist at one station, the whole phase on one page, keyboard first.

Each answer is recorded when given (no "submit"); the heading shows how many of the phase's
questions are answered. Tab/Enter move from question to question; a choice has one key.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue, ChecklistItem
from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.evidence_import_dialog import EvidenceImportDialog
from observer_app.gui.widgets.answer_row import AnswerRow
from observer_app.i18n import _, current_language
from observer_app.logbook.checklist import ChecklistLine, checklist
from observer_app.logbook.media import Link
from observer_app.logbook.stations import list_stations


class ChecklistDialog(QDialog):
    def __init__(
        self,
        commands: Commands,
        catalogue: Catalogue,
        station: str,
        phase: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.catalogue = catalogue
        self.station = station
        names = {row.code: row.name for row in list_stations(commands.session)}
        self.setWindowTitle(_("Checklist"))
        self.phase = QComboBox()
        self.phase.setAccessibleName(_("Phase"))
        for each in catalogue.phases:
            self.phase.addItem(each.label.get(current_language()), each.id)
        if phase is not None:
            self.phase.setCurrentIndex(max(self.phase.findData(phase), 0))
        self.progress = QLabel()
        self.progress.setAccessibleName(_("Questions answered"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        top = QHBoxLayout()
        station_label = QLabel(
            _("Station {code} · {name}").format(code=station, name=names.get(station, ""))
        )
        top.addWidget(station_label, 1)
        phase_label = QLabel(_("P&hase:"))
        phase_label.setBuddy(self.phase)
        top.addWidget(phase_label)
        top.addWidget(self.phase)
        top.addWidget(self.progress)
        self.page_area = QScrollArea()
        self.page_area.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.page_area, 1)
        layout.addWidget(buttons)
        self.rows: dict[str, AnswerRow] = {}
        self.import_dialog: EvidenceImportDialog | None = None
        self.phase.currentIndexChanged.connect(lambda index: self.build())
        self.resize(900, 640)
        self.build()

    def build(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        self.rows = {}
        for line in checklist(
            self.commands.session, self.catalogue, self.station, str(self.phase.currentData())
        ):
            row = AnswerRow(line, self._save)
            row.advance.connect(lambda item_id=line.item.id: self._next_after(item_id))
            row.photo_requested.connect(lambda item_id=line.item.id: self.attach_photo(item_id))
            column.addWidget(row)
            self.rows[line.item.id] = row
        column.addStretch(1)
        self.page_area.setWidget(page)
        self._show_progress()
        first = next(iter(self.rows.values()), None)
        if first is not None:
            first.setFocus()

    def attach_photo(self, item_id: str) -> EvidenceImportDialog | None:
        """Import photos for the answer in force of this question (the import dialog, its
        link fixed to the answer)."""
        current = self._line_of(item_id).current
        if current is None:
            self.error.setText(_("Answer the question first: the photo is attached to the answer"))
            return None
        question = self.rows[item_id].question.text()
        dialog = EvidenceImportDialog(
            self.commands,
            self.catalogue,
            link=Link("answer", current.id),
            link_text=_("The answer to: {question}").format(question=question),
            parent=self,
        )
        dialog.finished.connect(lambda result: dialog.deleteLater())
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def _next_after(self, item_id: str) -> None:
        order = list(self.rows)
        position = order.index(item_id)
        if position + 1 < len(order):
            following = self.rows[order[position + 1]]
            following.setFocus()
            self.page_area.ensureWidgetVisible(following)

    def _save(self, item: ChecklistItem, raw: str, note: str | None) -> bool:
        try:
            self.commands.answer(self.station, item.id, raw, note)
        except ObserverError as error:
            self.error.setText(str(error))
            self.rows[item.id].show_line(self._line_of(item.id))
            return False
        self.error.clear()
        self.rows[item.id].show_line(self._line_of(item.id))
        self._show_progress()
        return True

    def _line_of(self, item_id: str) -> ChecklistLine:
        phase = str(self.phase.currentData())
        lines = checklist(self.commands.session, self.catalogue, self.station, phase)
        return next(line for line in lines if line.item.id == item_id)

    def _show_progress(self) -> None:
        done = sum(row.answered for row in self.rows.values())
        self.progress.setText(
            _("{done} of {total} answered").format(done=done, total=len(self.rows))
        )
