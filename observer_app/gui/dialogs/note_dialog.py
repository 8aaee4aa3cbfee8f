"""A quick note (or its amendment): free text, optionally at a station. Ctrl+Enter saves, Esc
keeps a draft."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.draft_form import DraftForm
from observer_app.i18n import _
from observer_app.logbook.stations import list_stations


class NoteDialog(DraftForm):
    draft_kind = "note"

    def __init__(
        self,
        commands: Commands,
        *,
        station: str | None = None,
        note_id: str | None = None,
        text: str = "",
        draft_id: str | None = None,
        draft: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(commands, draft_id, parent)
        self.note_id = note_id
        self.setWindowTitle(_("Amend the note") if note_id else _("New note"))
        self.text = QPlainTextEdit(text)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(_("Note text"))
        self.station = QComboBox()
        self.station.setAccessibleName(_("Station"))
        self.station.addItem(_("No station"), None)
        for row in list_stations(commands.session):
            self.station.addItem(f"{row.code} · {row.name}", row.code)
        index = self.station.findData(station)
        self.station.setCurrentIndex(max(index, 0))
        self.station.setEnabled(note_id is None)
        form = QFormLayout()
        for label_text, widget in ((_("&Note:"), self.text), (_("&Station:"), self.station)):
            label = QLabel(label_text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if draft is not None:
            self.text.setPlainText(str(draft.get("text", "")))
            index = self.station.findData(draft.get("station"))
            if index >= 0:
                self.station.setCurrentIndex(index)
        self.text.setFocus()

    def content(self) -> Mapping[str, Any]:
        return {"text": self.text.toPlainText(), "station": self.station.currentData()}

    def draft_station(self) -> str | None:
        code = self.station.currentData()
        return str(code) if code else None

    def draft_target(self) -> str | None:
        return self.note_id

    def is_empty(self) -> bool:
        return not self.text.toPlainText().strip()

    def record(self) -> str:
        code = self.station.currentData()
        if self.note_id is not None:
            self.commands.amend_note(self.note_id, self.text.toPlainText(), self.draft_id)
            return self.note_id
        return self.commands.add_note(
            self.text.toPlainText(), str(code) if code else None, self.draft_id
        )
