"""Incidents, notes and visits entered through the real dialogs, by keys, checked in the vault."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from observer_app.gui.actions import ACTIONS
from observer_app.gui.dialogs.incident_dialog import IncidentDialog
from observer_app.gui.dialogs.note_dialog import NoteDialog
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.drafts import list_drafts
from observer_app.logbook.incidents import get_incident, list_incidents
from observer_app.logbook.visits import list_visits

from .conftest import type_text, unlock

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Keyboard:
    """Presses keys on whatever has the focus, counting the presses (typed text apart)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.presses = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        self.presses += 1
        self.qtbot.keyClick(self.focus(), key, modifiers)

    def type(self, text: str, counted: bool = True) -> None:
        if counted:
            self.presses += len(text)
        type_text(self.focus(), text)


def _focused_window(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.timeline)


def _active(qtbot: QtBot, form: QWidget) -> None:
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow)


def _open_form(qtbot: QtBot, window: MainWindow) -> IncidentDialog | NoteDialog:
    qtbot.waitUntil(lambda: bool(window.open_forms))
    form = window.open_forms[-1]
    assert isinstance(form, IncidentDialog | NoteDialog)
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow)
    return form


def test_every_action_shows_its_shortcut_and_has_a_name(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    shortcuts = {spec.name: spec.shortcut for spec in ACTIONS}
    assert shortcuts["new_incident"] == "Ctrl+N" and shortcuts["new_note"] == "Ctrl+Shift+N"
    assert shortcuts["search"] == "Ctrl+F" and shortcuts["lock"] == "Ctrl+L"
    assert shortcuts["quit"] == "Ctrl+Q"
    assert len(set(shortcuts.values())) == len(shortcuts)
    for name, action in window.actions_by_name.items():
        assert action.shortcut().toString() == shortcuts[name]
        assert shortcuts[name] in action.toolTip()
    for widget in (window.timeline, window.details, window.stations.stations):
        assert widget.accessibleName()


def test_an_incident_by_keys_alone(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    window = unlock(qtbot, flow, passphrase)
    _focused_window(qtbot, window)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_N, CTRL)
    form = _open_form(qtbot, window)
    assert isinstance(form, IncidentDialog)
    assert keys.focus() is form.category.filter
    assert form.station.currentData() == "101"  # the open visit's
    keys.type("stuff")
    keys.press(Qt.Key.Key_Return)
    assert keys.focus() is form.text
    assert form.severity.currentData() == "critical"
    keys.type("Вброс пачки бюллетеней в урну № 2", counted=False)
    keys.press(Qt.Key.Key_Tab)  # to the station
    keys.press(Qt.Key.Key_Tab)  # to the time
    keys.press(Qt.Key.Key_Tab)  # to the severity
    keys.press(Qt.Key.Key_Tab)  # to seen
    keys.press(Qt.Key.Key_Down)  # reported by someone else
    with qtbot.waitSignal(form.saved) as saved:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert keys.presses < 30
    incident = get_incident(window.session, saved.args[0])
    assert incident.category == "ballot_stuffing" and incident.station == "101"
    assert incident.text == "Вброс пачки бюллетеней в урну № 2"
    assert incident.severity == "critical" and incident.seen != "direct"
    assert list_drafts(window.session) == []
    qtbot.waitUntil(lambda: "Вброс" in window.timeline.timeline.entry(0).text)


def test_esc_keeps_a_draft_that_the_next_form_restores(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    form = window.new_incident()
    _active(qtbot, form)
    qtbot.keyClicks(form.category.filter, "campaign")
    qtbot.keyClick(form.category.filter, Qt.Key.Key_Return)
    type_text(form.text, "Листовки у входа")
    type_text(form.persons, "Мужчина в синей куртке")
    with qtbot.waitSignal(form.rejected):
        qtbot.keyClick(form.text, Qt.Key.Key_Escape)
    drafts = list_drafts(window.session, "incident")
    assert len(drafts) == 1
    again = window.new_incident()
    assert again.draft_id == drafts[0].id
    assert again.text.toPlainText() == "Листовки у входа"
    assert again.category.chosen == "campaigning"
    assert again.persons.toPlainText() == "Мужчина в синей куртке"
    _active(qtbot, again)
    with qtbot.waitSignal(again.saved):
        qtbot.keyClick(again.text, Qt.Key.Key_Return, CTRL)
    assert list_drafts(window.session) == []
    found = list_incidents(window.session, window.catalogue, category="campaigning")
    assert any(i.persons == ("Мужчина в синей куртке",) for i in found)


def test_draft_saved_while_typing_and_discarded_explicitly(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    form = window.new_note()
    type_text(form.text, "Очередь у входа")
    form.timer.setInterval(10)
    qtbot.waitUntil(lambda: len(list_drafts(window.session, "note")) == 1)
    with qtbot.waitSignal(form.finished):
        form.discard_button.click()
    assert list_drafts(window.session) == []


def test_amend_and_void_an_incident(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("101")
    timeline = window.timeline.timeline
    row = next(
        r for r in range(timeline.rowCount()) if timeline.entry(r).event_type == "incident.added"
    )
    window.timeline.selectRow(row)
    form = window.amend_selected()
    assert isinstance(form, IncidentDialog)
    form.text.setPlainText("Три пачки")
    form.reason.setText("пересчитал")
    _active(qtbot, form)
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.text, Qt.Key.Key_Return, CTRL)
    assert window.details.current is not None
    incident_id = window.details.current.id
    assert get_incident(window.session, incident_id).text == "Три пачки"
    qtbot.waitUntil(lambda: "Две пачки → Три пачки" in window.details.toPlainText())
    void = window.void_selected()
    assert void is not None
    _active(qtbot, void)
    type_text(void.reason, "дубликат")  # type: ignore[attr-defined]
    with qtbot.waitSignal(void.voided):  # type: ignore[attr-defined]
        qtbot.keyClick(void.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    incident = get_incident(window.session, incident_id)
    assert incident.voided and incident.void_reason == "дубликат"


def test_note_by_keys_and_amended(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    window = unlock(qtbot, flow, passphrase)
    _focused_window(qtbot, window)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_N, CTRL | SHIFT)
    form = _open_form(qtbot, window)
    assert isinstance(form, NoteDialog) and keys.focus() is form.text
    keys.type("Наблюдателей пересадили", counted=False)
    with qtbot.waitSignal(form.saved) as saved:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert keys.presses == 2
    qtbot.waitUntil(lambda: "Наблюдателей" in window.timeline.timeline.entry(0).text)
    window.timeline.selectRow(0)
    assert window.details.current is not None and window.details.current.id == saved.args[0]
    amend = window.amend_selected()
    assert isinstance(amend, NoteDialog)
    amend.text.setPlainText("Наблюдателей пересадили дальше")
    _active(qtbot, amend)
    with qtbot.waitSignal(amend.saved):
        qtbot.keyClick(amend.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "→ Наблюдателей пересадили дальше" in window.details.toPlainText())


def test_arrival_and_departure_one_keystroke_each(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("102")
    _focused_window(qtbot, window)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(window.open_forms))
    dialog = window.open_forms[-1]
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.open_forms)
    visits = list_visits(window.session, "102")
    assert len(visits) == 1 and visits[0].ended_utc is None
    _focused_window(qtbot, window)
    keys.press(Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(window.open_forms))
    qtbot.waitExposed(window.open_forms[-1])
    qtbot.waitUntil(window.open_forms[-1].isActiveWindow)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.open_forms)
    visits = list_visits(window.session, "102")
    assert visits[0].ended_utc is not None
    assert keys.presses == 4


def test_a_break_shows_in_the_details_with_its_start_and_end(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    window.commands.pause("101", None)
    window.commands.resume("101", None)
    window.stations.select("101")
    timeline = window.timeline.timeline
    qtbot.waitUntil(
        lambda: any(
            timeline.entry(r).event_type == "visit.resumed" for r in range(timeline.rowCount())
        )
    )
    row = next(
        r for r in range(timeline.rowCount()) if timeline.entry(r).event_type == "visit.paused"
    )
    window.timeline.selectRow(row)
    qtbot.waitUntil(lambda: "Break 1" in window.details.toPlainText())
    shown = window.details.toPlainText()
    assert "Arrival" in shown and "still there" in shown and " – " in shown
    assert "not ended" not in shown  # the break has its end
    assert window.amend_selected() is None  # a visit is not amended like an incident
