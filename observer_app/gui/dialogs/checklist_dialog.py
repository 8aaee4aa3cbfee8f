"""A phase's checklist at one station: the whole phase on one page (as Apollo) or one question
at a time (as VoteMonitor), keyboard first.

Each answer is recorded when given (no "submit"); the heading shows how many of the phase's
questions are answered and the phase list how many of each phase's. Tab/Enter move from
question to question; a choice has one key. One question at a time, Enter or PageDown goes on
and PageUp back; the choice of mode is remembered in the vault's settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
from observer_app.logbook.settings import load_settings
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
        self.one_at_a_time = QCheckBox(_("&One question at a time"))
        self.one_at_a_time.setToolTip(
            _("Show one question at a time: Enter or PageDown goes on, PageUp goes back")
        )
        self.one_at_a_time.setChecked(load_settings(commands.session).checklist_one_at_a_time)
        self.position = QLabel()
        self.position.setAccessibleName(_("Question number"))
        self.back = QPushButton(_("Previous (PgUp)"))
        self.back.setAccessibleName(_("Previous question"))
        self.forward = QPushButton(_("Next (PgDn)"))
        self.forward.setAccessibleName(_("Next question"))
        for button in (self.back, self.forward):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(lambda: self.go(-1))
        self.forward.clicked.connect(lambda: self.go(1))
        self.shortcuts = [
            QShortcut(QKeySequence(key), self, lambda step=step: self.go(step))
            for key, step in ((Qt.Key.Key_PageDown, 1), (Qt.Key.Key_PageUp, -1))
        ]
        for shortcut in self.shortcuts:
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.current = 0
        """The question shown when one question at a time (its index in `rows`)."""
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
        steps = QHBoxLayout()
        steps.addWidget(self.one_at_a_time)
        steps.addStretch(1)
        steps.addWidget(self.position)
        steps.addWidget(self.back)
        steps.addWidget(self.forward)
        self.page_area = QScrollArea()
        self.page_area.setAccessibleName(_("The questions of this phase"))
        self.page_area.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(steps)
        layout.addWidget(self.error)
        layout.addWidget(self.page_area, 1)
        layout.addWidget(buttons)
        self.rows: dict[str, AnswerRow] = {}
        self.import_dialog: EvidenceImportDialog | None = None
        self.phase.currentIndexChanged.connect(lambda index: self.build())
        self.one_at_a_time.toggled.connect(self._mode_changed)
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
        unanswered = [i for i, row in enumerate(self.rows.values()) if not row.answered]
        self.current = unanswered[0] if unanswered else 0
        self._show_progress()
        self._show_mode()

    @property
    def single(self) -> bool:
        """One question at a time (else the whole phase on the page)."""
        return self.one_at_a_time.isChecked()

    def _mode_changed(self, checked: bool) -> None:
        try:
            self.commands.update_settings(checklist_one_at_a_time=checked)
        except ObserverError as error:  # the mode still changes for this dialog
            self.error.setText(str(error))
        self._show_mode()

    def _show_mode(self) -> None:
        """Show every question, or only the current one with its number; focus on it."""
        rows = list(self.rows.values())
        for position, row in enumerate(rows):
            row.setVisible(not self.single or position == self.current)
        for widget in (self.position, self.back, self.forward):
            widget.setVisible(self.single)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(self.single)
        if not rows:
            return
        self.position.setText(
            _("Question {number} of {total}").format(number=self.current + 1, total=len(rows))
        )
        self.back.setEnabled(self.current > 0)
        self.forward.setEnabled(self.current + 1 < len(rows))
        shown = rows[self.current] if self.single else rows[0]
        shown.setFocus()
        if self.single:
            self.page_area.ensureWidgetVisible(shown)

    def go(self, step: int) -> None:
        """One question at a time: the next (`1`) or previous (`-1`) question; what was typed in
        the one left is recorded first."""
        rows = list(self.rows.values())
        target = self.current + step
        if not self.single or not 0 <= target < len(rows):
            return
        rows[self.current].commit()
        self.current = target
        self._show_mode()

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
        if self.single:
            self.current = position
            self.go(1)
        elif position + 1 < len(order):
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
        """The phase's answered questions, and each phase's completion in the phase list."""
        done = sum(row.answered for row in self.rows.values())
        self.progress.setText(
            _("{done} of {total} answered").format(done=done, total=len(self.rows))
        )
        lines = checklist(self.commands.session, self.catalogue, self.station)
        language = current_language()
        for index, each in enumerate(self.catalogue.phases):
            mine = [line for line in lines if line.phase == each.id]
            answered = sum(line.current is not None for line in mine)
            self.phase.setItemText(
                index,
                _("{phase} · {done}/{total}").format(
                    phase=each.label.get(language), done=answered, total=len(mine)
                ),
            )
