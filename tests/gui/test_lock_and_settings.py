"""Lock (Ctrl+L, idle) turns open forms into drafts and hides everything; unlock restores
them; settings change the language (windows rebuilt) and the auto-lock time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.incident_dialog import IncidentDialog
from observer_app.gui.dialogs.settings_dialog import SettingsDialog
from observer_app.gui.session_flow import SessionFlow
from observer_app.i18n import current_language
from observer_app.logbook.drafts import list_drafts
from observer_app.logbook.settings import load_settings

from .conftest import type_text, unlock

NAME = "Айгерим Сапарова"


def _visible_titles() -> list[str]:
    return [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_ctrl_l_locks_an_open_form_into_a_draft_and_unlock_restores_it(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("102")
    form = window.new_incident()
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow)
    type_text(form.text, "Наблюдателя не пустили в зал")
    qtbot.keyClick(form.text, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: flow.window is None)
    assert flow.access is not None and flow.access.locked
    dialog = flow.unlock_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    titles = _visible_titles()
    assert titles == [dialog.windowTitle()]
    assert not any(NAME in title or "102" in title for title in titles)
    again = unlock(qtbot, flow, passphrase)
    assert again is not window
    assert again.stations.current_code == "102"
    reopened = [f for f in again.open_forms if isinstance(f, IncidentDialog)]
    assert len(reopened) == 1
    assert reopened[0].text.toPlainText() == "Наблюдателя не пустили в зал"
    assert [d.id for d in list_drafts(again.session, "incident")] == [reopened[0].draft_id]


def test_idle_time_locks_the_vault(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    window = unlock(qtbot, flow, passphrase)
    assert flow.idle.minutes == 5  # the default
    note = window.new_note()
    type_text(note.text, "Почти записано")
    flow.idle.timer.setInterval(30)  # instead of five minutes
    flow.idle.timer.start()
    qtbot.waitUntil(lambda: flow.window is None)
    assert flow.access is not None and flow.access.locked
    again = unlock(qtbot, flow, passphrase)
    texts = [f.text.toPlainText() for f in again.open_forms]  # type: ignore[attr-defined]
    assert texts == ["Почти записано"]


def test_settings_change_language_and_auto_lock(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.language.setCurrentIndex(dialog.language.findData("kk"))
    dialog.auto_lock.setValue(12)
    with qtbot.waitSignal(dialog.changed):
        dialog.save()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window is not window)
    rebuilt = flow.window
    assert rebuilt is not None
    assert current_language() == "kk"
    assert rebuilt.windowTitle().startswith("Байқаушы журналы")
    menus = [action.text() for action in rebuilt.menuBar().actions()]
    assert "Ж&азбалар" in menus
    assert flow.idle.minutes == 12
    stored = load_settings(rebuilt.session)
    assert (stored.ui_language, stored.auto_lock_minutes) == ("kk", 12)
