"""Checklists by keys: each answer saved as given, every answer type, a changed answer shows
the earlier one, completion counted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.checklist_dialog import ChecklistDialog
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.checklist import checklist

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
