"""One checklist question with its answer control, note and earlier value.

Enumerated answers are buttons with one key each (shown on the button, chosen so that none
collide); numbers, times and text are a field saved on Enter or when the focus leaves it. Every
answer is recorded the moment it is given; a changed answer shows the earlier one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from observer_app.core.catalogue import AnswerType, ChecklistItem
from observer_app.core.choice_keys import choice_keys
from observer_app.i18n import _, current_language
from observer_app.logbook.checklist import ChecklistLine, format_stored

CHECKED_STYLE = "QPushButton:checked { background: #1f5fa8; color: white; font-weight: bold; }"
"""The given answer must stand out from the others at a glance."""

Save = Callable[[ChecklistItem, str, str | None], bool]
"""`(item, raw value, note) -> recorded`: the dialog's call into `Commands.answer`."""


class AnswerRow(QWidget):
    advance = Signal()
    """The answer was given (a choice key, Enter): the next question's turn."""
    photo_requested = Signal()
    """The observer wants to attach a photo to the answer in force."""

    def __init__(self, line: ChecklistLine, save: Save, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = line.item
        self._save = save
        language = current_language()
        self.question = QLabel(self.item.label.get(language))
        self.question.setWordWrap(True)
        self.earlier = QLabel()
        self.earlier.setStyleSheet("color: #666;")
        self.note = QLineEdit(line.current.note or "" if line.current else "")
        self.note.setPlaceholderText(_("Note"))
        self.note.setAccessibleName(_("Note on: {question}").format(question=self.question.text()))
        self.photo = QPushButton(_("Photo…"))
        self.photo.setAccessibleName(
            _("Attach a photo to: {question}").format(question=self.question.text())
        )
        self.photo.setAutoDefault(False)
        self.photo.clicked.connect(self.photo_requested.emit)
        self.buttons: dict[str, QPushButton] = {}
        self.keys: dict[str, str] = {}
        self.field: QLineEdit | None = None
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        if self.item.choices:
            self._choice_buttons(controls, language)
        else:
            self._field(controls, line)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addWidget(self.question, 0, 0, 1, 3)
        grid.addLayout(controls, 1, 0)
        grid.addWidget(self.note, 1, 1)
        grid.addWidget(self.photo, 1, 2)
        grid.addWidget(self.earlier, 2, 0, 1, 3)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.question.text())
        self.note.editingFinished.connect(self._note_changed)
        self.show_line(line)

    # -- building ----------------------------------------------------------------------------

    def _choice_buttons(self, controls: QHBoxLayout, language: str) -> None:
        labels = [choice.label.get(language) for choice in self.item.choices]
        group = QButtonGroup(self)
        group.setExclusive(self.item.type is not AnswerType.MULTI_CHOICE)
        for choice, label, key in zip(self.item.choices, labels, choice_keys(labels), strict=True):
            button = QPushButton(f"{key.upper()} · {label}")
            button.setCheckable(True)
            button.setAccessibleName(label)
            button.setToolTip(_("Key: {key}").format(key=key.upper()))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet(CHECKED_STYLE)
            button.clicked.connect(lambda _checked=False, cid=choice.id: self._choose(cid))
            group.addButton(button)
            controls.addWidget(button)
            self.buttons[choice.id] = button
            self.keys[key] = choice.id
        controls.addStretch(1)

    def _field(self, controls: QHBoxLayout, line: ChecklistLine) -> None:
        field = QLineEdit()
        field.setAccessibleName(self.question.text())
        if self.item.type is AnswerType.INTEGER:
            field.setValidator(QIntValidator(0, 10_000_000, field))
            field.setPlaceholderText(_("number"))
            field.setMaximumWidth(140)
        elif self.item.type is AnswerType.TIME:
            field.setPlaceholderText(_("hh:mm"))
            field.setMaximumWidth(140)
        field.editingFinished.connect(self._field_done)
        field.returnPressed.connect(self.advance.emit)
        controls.addWidget(field)
        self.field = field
        self.setFocusProxy(field)

    # -- showing -----------------------------------------------------------------------------

    def show_line(self, line: ChecklistLine) -> None:
        """Show the answer in force and, when it replaced another, the one before."""
        self._line = line
        value = line.current.value if line.current else None
        chosen = set(value if isinstance(value, list) else [value] if value else [])
        for choice_id, button in self.buttons.items():
            button.setChecked(choice_id in chosen)
        if self.field is not None and not self.field.hasFocus():
            self.field.setText(line.display() or "" if line.current else "")
        self.photo.setEnabled(line.current is not None)
        self.photo.setToolTip(
            _("Attach a photo to this answer")
            if line.current is not None
            else _("Answer the question first: the photo is attached to the answer")
        )
        if line.superseded:
            before = format_stored(self.item, line.superseded[-1])
            self.earlier.setText(_("earlier: {value}").format(value=before))
            self.earlier.show()
        else:
            self.earlier.hide()

    @property
    def answered(self) -> bool:
        return self._line.current is not None

    # -- answering ---------------------------------------------------------------------------

    def _note_text(self) -> str | None:
        return self.note.text().strip() or None

    def _choose(self, choice_id: str) -> None:
        if self.item.type is AnswerType.MULTI_CHOICE:
            chosen = [cid for cid, button in self.buttons.items() if button.isChecked()]
            if not chosen:
                return
            self._save(self.item, ",".join(chosen), self._note_text())
        else:
            self._save(self.item, choice_id, self._note_text())

    def commit(self) -> None:
        """Record what is typed in the field and not yet recorded (leaving the question)."""
        if self.field is not None:
            self._field_done()

    def _field_done(self) -> None:
        assert self.field is not None
        typed = self.field.text().strip()
        shown = self._line.display() if self._line.current else None
        if typed and typed != shown and self._save(self.item, typed, self._note_text()):
            self.field.setText(self._line.display() or typed)  # "6:00" shown as recorded

    def _note_changed(self) -> None:
        current = self._line.current
        if current is None or (current.note or None) == self._note_text():
            return
        raw = ",".join(current.value) if isinstance(current.value, list) else str(current.value)
        self._save(self.item, raw, self._note_text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        choice_id = self.keys.get(event.text().lower()) if event.text() else None
        if choice_id is not None and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            button = self.buttons[choice_id]
            if self.item.type is AnswerType.MULTI_CHOICE:
                button.setChecked(not button.isChecked())
            else:
                button.setChecked(True)
            self._choose(choice_id)
            if self.item.type is not AnswerType.MULTI_CHOICE:
                self.advance.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.advance.emit()
            return
        super().keyPressEvent(event)
