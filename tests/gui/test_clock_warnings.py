"""The forms warn before saving when the clock or the zone looks wrong, and still record."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.incidents import get_incident
from observer_app.logbook.visits import list_visits

from .conftest import type_text, unlock

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def system_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set this process's system time zone (TZ) for a test, and put it back afterwards."""
    yield monkeypatch
    monkeypatch.undo()
    time.tzset()


def _set_zone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


def _answer_yes_when_asked() -> None:
    """Press Yes in the "record it anyway?" question once it is up (it runs its own loop)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            yes = box.button(QMessageBox.StandardButton.Yes)
            assert yes is not None
            yes.click()
        else:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)


def test_an_incident_far_from_polling_day_warns_and_can_still_be_recorded(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, system_zone: pytest.MonkeyPatch
) -> None:
    _set_zone(system_zone, "Asia/Almaty")  # the stations' zone: only the time can be wrong
    window = unlock(qtbot, flow, passphrase)
    form = window.new_incident()
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow)
    assert form.clock_warning.isHidden()  # now, on polling day
    form.category.filter.setFocus()
    type_text(form.category.filter, "stuff")
    qtbot.keyClick(form.category.filter, Qt.Key.Key_Return)
    type_text(form.text, "Вброс")
    form.time.selectAll()
    long_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat() + "T10:00"
    type_text(form.time, long_ago)
    assert form.clock_warning.isVisible()
    assert "more than two days away from the mission's polling day" in form.clock_warning.text()
    _answer_yes_when_asked()
    with qtbot.waitSignal(form.saved) as saved:
        qtbot.keyClick(form.text, Qt.Key.Key_Return, CTRL)
    assert not form.error.text()
    incident = get_incident(window.session, saved.args[0])
    assert incident.occurred_utc.startswith(long_ago[:10]) and incident.text == "Вброс"


def test_a_computer_in_another_zone_warns_in_the_visit_form(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, system_zone: pytest.MonkeyPatch
) -> None:
    window = unlock(qtbot, flow, passphrase)
    _set_zone(system_zone, "Europe/Moscow")  # UTC+03:00, the stations are at UTC+05:00
    window.stations.select("102")
    visit = window.visit("arrive")
    qtbot.waitExposed(visit)
    assert visit.clock_warning.isVisible()
    assert "UTC+03:00" in visit.clock_warning.text()
    assert "UTC+05:00" in visit.clock_warning.text()
    with qtbot.waitSignal(visit.recorded):  # a warning, not a refusal: Enter records
        qtbot.keyClick(visit.time, Qt.Key.Key_Return)
    assert [row.station for row in list_visits(window.session) if row.station == "102"]
    _set_zone(system_zone, "Asia/Almaty")
    again = window.visit("depart")
    qtbot.waitExposed(again)
    assert again.clock_warning.isHidden()
