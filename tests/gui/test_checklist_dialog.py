"""Checklists by keys: each answer saved as given, every answer type, a changed answer shows
the earlier one, completion counted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.checklist_dialog import ChecklistDialog
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.checklist import checklist
from observer_app.logbook.settings import load_settings

from .conftest import type_text, unlock


def _dialog(qtbot: QtBot, flow: SessionFlow, passphrase: str, phase: str) -> ChecklistDialog:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("101")
    dialog = window.open_checklist()
    assert dialog is not None
    dialog.phase.setCurrentIndex(dialog.phase.findData(phase))
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _answers(dialog: ChecklistDialog, phase: str) -> dict[str, object]:
    lines = checklist(dialog.commands.session, dialog.catalogue, "101", phase)
    return {line.item.id: line.current.value for line in lines if line.current}


def _key(qtbot: QtBot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    type_text(widget, text)


def test_opening_by_keys(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    dialog = _dialog(qtbot, flow, passphrase, "opening")
    rows = dialog.rows
    assert dialog.progress.text() == "0 of 9 answered"
    assert QApplication.focusWidget() is rows["OPN01"].field
    _key(qtbot, "06:00")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # type: ignore[arg-type]
    assert QApplication.focusWidget() is rows["OPN02"]
    keys = {v: k for k, v in rows["OPN02"].keys.items()}
    assert keys == {"yes": "y", "no": "n", "dk": "d"}
    assert rows["OPN02"].buttons["no"].text() == "N · No"
    _key(qtbot, "y")  # saved, and on to the next question
    assert QApplication.focusWidget() is rows["OPN03"]
    _key(qtbot, "n")
    assert QApplication.focusWidget() is rows["OPN04"].field
    _key(qtbot, "9")
    qtbot.keyClick(rows["OPN04"].field, Qt.Key.Key_Return)  # type: ignore[arg-type]
    rating = rows["OPN09"]
    rating.setFocus()
    good = {v: k for k, v in rating.keys.items()}["good"]
    _key(qtbot, good)
    answers = _answers(dialog, "opening")
    assert answers == {"OPN01": "06:00", "OPN02": "yes", "OPN03": "no", "OPN04": 9, "OPN09": "good"}
    assert dialog.progress.text() == "5 of 9 answered"
    # A changed answer shows what it was before.
    rows["OPN02"].setFocus()
    _key(qtbot, "n")
    assert _answers(dialog, "opening")["OPN02"] == "no"
    assert rows["OPN02"].earlier.text() == "earlier: Yes"
    assert rows["OPN02"].buttons["no"].isChecked()
    assert not rows["OPN02"].buttons["yes"].isChecked()


def test_arrival_multi_choice_text_and_note(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = _dialog(qtbot, flow, passphrase, "arrival")
    present = dialog.rows["ARR04"]
    present.setFocus()
    keys = {v: k for k, v in present.keys.items()}
    _key(qtbot, keys["police"])
    _key(qtbot, keys["media"])
    assert _answers(dialog, "arrival")["ARR04"] == ["police", "media"]
    _key(qtbot, keys["police"])  # toggled off again
    assert _answers(dialog, "arrival")["ARR04"] == ["media"]
    text = dialog.rows["ARR03"]
    assert text.field is not None
    text.field.setFocus()
    type_text(text.field, "Председатель комиссии")
    qtbot.keyClick(text.field, Qt.Key.Key_Return)
    assert _answers(dialog, "arrival")["ARR03"] == "Председатель комиссии"
    present.note.setFocus()
    type_text(present.note, "Двое с камерами")
    qtbot.keyClick(present.note, Qt.Key.Key_Return)
    lines = checklist(dialog.commands.session, dialog.catalogue, "101", "arrival")
    line = next(line for line in lines if line.item.id == "ARR04")
    assert line.current is not None and line.current.note == "Двое с камерами"
    assert line.current.value == ["media"]


def test_a_bad_value_says_why_and_records_nothing(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = _dialog(qtbot, flow, passphrase, "opening")
    field = dialog.rows["OPN08"].field
    assert field is not None
    field.setFocus()
    type_text(field, "25:99")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.error.text()
    assert "OPN08" not in _answers(dialog, "opening")


def test_one_question_at_a_time_by_keys(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    dialog = _dialog(qtbot, flow, passphrase, "opening")
    rows = dialog.rows
    assert not dialog.one_at_a_time.isChecked() and not dialog.position.isVisible()
    with qtbot.waitSignal(dialog.one_at_a_time.toggled):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # type: ignore[arg-type]
    assert load_settings(dialog.commands.session).checklist_one_at_a_time
    qtbot.waitUntil(lambda: QApplication.focusWidget() is rows["OPN01"].field)
    assert dialog.position.text() == "Question 1 of 9"
    assert [row.isVisible() for row in rows.values()] == [True] + [False] * 8
    _key(qtbot, "6:00")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # type: ignore[arg-type]
    assert _answers(dialog, "opening") == {"OPN01": "06:00"}  # saved when given
    assert QApplication.focusWidget() is rows["OPN02"] and rows["OPN02"].isVisible()
    assert not rows["OPN01"].isVisible()
    assert dialog.position.text() == "Question 2 of 9"
    _key(qtbot, "y")
    _key(qtbot, "d")
    assert dialog.position.text() == "Question 4 of 9"
    assert dialog.progress.text() == "3 of 9 answered"
    assert dialog.phase.currentText() == "Opening · 3/9"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp)  # type: ignore[arg-type]
    assert dialog.position.text() == "Question 3 of 9"
    _key(qtbot, "n")  # changed: on to question 4 again, the earlier value shown
    assert rows["OPN03"].earlier.text() == "earlier: Don't know"
    assert QApplication.focusWidget() is rows["OPN04"].field
    _key(qtbot, "12")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)  # type: ignore[arg-type]
    assert dialog.position.text() == "Question 5 of 9"
    assert _answers(dialog, "opening") == {
        "OPN01": "06:00",
        "OPN02": "yes",
        "OPN03": "no",
        "OPN04": 12,
    }
    # Another phase starts at its first question; the mode is remembered for the next dialog.
    dialog.phase.setCurrentIndex(dialog.phase.findData("voting"))
    assert dialog.position.text() == "Question 1 of 15"
    dialog.close()
    window = flow.window
    assert window is not None
    again = window.open_checklist()
    assert again is not None and again.one_at_a_time.isChecked()
    again.phase.setCurrentIndex(again.phase.findData("opening"))
    assert again.position.text() == "Question 5 of 9"  # the first one not yet answered
    assert [row.isVisible() for row in again.rows.values()].count(True) == 1
