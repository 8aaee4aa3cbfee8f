"""GUI fixtures: a real vault with a small polling day (today, so times are plausible), the
shipped catalogue, and the session flow driven through real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.i18n import set_language
from observer_app.logbook import incidents, mission, notes, stations, visits
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.setup import KdfProfile


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts in English and leaves the process language as it found it."""
    set_language("en")
    yield
    set_language("en")


def populate_day(session: LogbookSession, catalogue: Catalogue) -> None:
    """Stations 101 and 102, a visit to 101, two incidents (one amended, one voided), a note."""
    today = dt.date.today().isoformat()
    mission.set_mission(session, "Test mission", today, ["A=Alpha", "B=Beta"], False)
    stations.add_station(session, catalogue, "101", "Школа № 5", region="almaty_city")
    stations.add_station(session, catalogue, "102", "Гимназия № 38", region="almaty_city")
    visits.start_visit(session, "101")
    stuffing = incidents.add_incident(
        session, catalogue, "101", "ballot_stuffing", "Пачка бюллетеней в урне"
    )
    incidents.amend_incident(
        session, catalogue, stuffing, IncidentChanges(severity="high", text="Две пачки")
    )
    wrong = incidents.add_incident(session, catalogue, "102", "campaigning", "Агитация у входа")
    incidents.void_incident(session, wrong, "wrong station")
    notes.add_note(session, "Queue outside at opening", "101")


@pytest.fixture
def day_vault(vault_path: Path, passphrase: str, catalogue: Catalogue) -> Path:
    """A vault with `populate_day`'s records, closed so that the window opens it itself."""
    session = open_session(vault_path, passphrase)
    try:
        populate_day(session, catalogue)
    finally:
        session.close()
    return vault_path


@pytest.fixture
def flow(qtbot: QtBot, catalogue: Catalogue, day_vault: Path) -> Iterator[SessionFlow]:
    started = SessionFlow(catalogue, day_vault, kdf=KdfProfile.TEST)
    started.start()
    yield started
    if started.window is not None:
        started.window.close()
    if started.access is not None:
        started.access.lock()


def unlock(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> MainWindow:
    """Type the passphrase and press Enter, as a person does; the main window opens."""
    dialog = flow.unlock_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    type_text(dialog.passphrase, passphrase)
    with qtbot.waitSignal(dialog.unlocked):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert flow.window is not None
    qtbot.waitExposed(flow.window)
    return flow.window


def type_text(widget: QWidget, text: str) -> None:
    """Type any text into a widget as key events (QTest.keyClicks knows only ASCII keys)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)
