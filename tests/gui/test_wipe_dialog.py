"""The emergency wipe from the window's settings, through the real widgets: a typed word, the
warning about records waiting, a countdown that Cancel stops (the vault intact), and a wipe
that leaves the application at the chooser with no vault to open and none listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.errors import ObserverError
from observer_app.gui.dialogs import wipe_dialog
from observer_app.gui.dialogs.wipe_dialog import WipeDialog
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.known_vaults import list_known_vaults
from observer_app.logbook.session import open_session

from .conftest import type_text, unlock


@pytest.fixture(autouse=True)
def quick_countdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wipe_dialog, "TICK_MS", 5)


def open_wipe(qtbot: QtBot, window: MainWindow) -> WipeDialog:
    settings = window.open_settings()
    settings.wipe_button.click()
    found = [form for form in window.open_forms if isinstance(form, WipeDialog)]
    assert len(found) == 1
    dialog = found[0]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_cancelling_the_countdown_wipes_nothing(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, day_vault: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    dialog = open_wipe(qtbot, window)
    assert dialog.waiting.isVisibleTo(dialog)
    assert "wait for handoff and will be lost" in dialog.waiting.text()
    type_text(dialog.typed, "wip")
    assert not dialog.wipe_button.isEnabled()
    type_text(dialog.typed, "e")
    assert dialog.wipe_button.isEnabled()
    qtbot.keyClick(dialog.typed, Qt.Key.Key_Return)
    assert dialog.timer.isActive()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc stops the countdown, not only closes
    assert not dialog.timer.isActive()
    assert "nothing was wiped" in dialog.countdown.text()
    assert flow.window is window
    window.close()  # the flow locks the vault as it ends
    assert flow.access is not None and flow.access.locked
    open_session(day_vault, passphrase).close()  # intact


def test_the_wipe_leaves_nothing_readable_and_returns_to_the_chooser(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, day_vault: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    assert any(v.path == day_vault for v in list_known_vaults())
    dialog = open_wipe(qtbot, window)
    type_text(dialog.typed, "WIPE")
    with qtbot.waitSignal(dialog.confirmed):
        dialog.wipe_button.click()
    qtbot.waitUntil(lambda: flow.chooser is not None and flow.chooser.isVisible())
    assert flow.window is None and flow.access is None
    assert not any(v.path == day_vault for v in list_known_vaults())
    with pytest.raises(ObserverError):
        open_session(day_vault, passphrase)
    left = [p for p in day_vault.rglob("*") if p.is_file()] if day_vault.exists() else []
    assert left == []
    assert flow.chooser is not None
    flow.chooser.reject()
