"""Lock (Ctrl+L, idle) turns open forms into drafts and hides everything; unlock restores
them; settings change the language (windows rebuilt) and the auto-lock time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
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


def _secrets_in(widget: QWidget, secrets: tuple[str, ...]) -> list[str]:
    """Which of `secrets` the window's title or accessible texts name."""
    said = " ".join((widget.windowTitle(), widget.accessibleName(), widget.accessibleDescription()))
    return [secret for secret in secrets if secret in said]


def test_while_locked_no_window_names_the_holder_a_station_or_typed_text(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    typed = "Наблюдателя не пустили в зал"
    secrets = (NAME, "101", "102", "Школа № 5", "Гимназия № 38", typed, "урна")
    assert _secrets_in(window, secrets) == [NAME]  # the title names the holder while unlocked
    window.stations.select("102")
    protocol = window.open_protocol()
    assert protocol is not None and "102" in protocol.windowTitle()
    protocol.show()
    search = window.open_search()
    search.words.setText("урна")
    search.setWindowTitle("урна")  # even a title made of typed words is not left behind
    search.show()
    form = window.new_incident()
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow)
    type_text(form.text, typed)
    qtbot.keyClick(form.text, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: flow.window is None)
    dialog = flow.unlock_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    # Every window Qt still holds (the discarded ones are deleted later), shown or not.
    everything = QApplication.topLevelWidgets()
    assert window in everything and protocol in everything
    leaks = {w.windowTitle(): _secrets_in(w, secrets) for w in everything}
    assert not any(leaks.values()), leaks
    assert [w for w in everything if w.isVisible()] == [dialog]
    assert window.windowTitle() == "Observer Logbook — locked"
    shown = [dialog, *dialog.findChildren(QWidget)]
    texts = " ".join(
        " ".join((w.windowTitle(), w.accessibleName(), w.toolTip(), str(w.property("text") or "")))
        for w in shown
    )
    assert not [secret for secret in secrets if secret in texts]
    # Unlocking restores the titles with the windows.
    again = unlock(qtbot, flow, passphrase)
    assert NAME in again.windowTitle()
    reopened = [f for f in again.open_forms if isinstance(f, IncidentDialog)]
    assert [f.windowTitle() for f in reopened] == ["New incident"]
