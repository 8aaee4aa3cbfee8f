"""Start, unlock and the main window, driven through the real widgets on a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.gui.models.timeline_model import TimelineModel
from observer_app.gui.session_flow import SessionFlow
from observer_app.gui.widgets.timeline_view import TimelineView
from observer_app.i18n import set_language
from observer_app.logbook.identity import whoami
from observer_app.logbook.known_vaults import list_known_vaults
from observer_app.logbook.localtime import format_local
from observer_app.logbook.session import open_session
from observer_app.logbook.settings import load_settings

from .conftest import unlock


def test_unlock_dialog_has_focus_and_survives_a_wrong_passphrase(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = flow.unlock_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.focusWidget() is dialog.passphrase
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert flow.window is None and flow.access is not None and flow.access.locked
    assert "wrong passphrase" in dialog.error.text()
    # What was typed is still there, selected: typing again replaces it.
    assert dialog.passphrase.selectedText() == "not the passphrase"
    window = unlock(qtbot, flow, passphrase)
    assert not dialog.isVisible()
    assert "Айгерим Сапарова" in window.windowTitle()


def test_main_window_shows_stations_timeline_details_and_status(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    stations = window.stations.model
    assert [stations.data(stations.index(r)) for r in range(stations.rowCount())] == [
        "All stations",
        "101 · Школа № 5",
        "102 · Гимназия № 38",
    ]
    timeline = window.timeline.timeline
    texts = [timeline.entry(r).text for r in range(timeline.rowCount())]
    assert any("amended: severity, text" in text for text in texts)
    assert texts[0].startswith("note")  # newest first
    # One station: only its events.
    window.stations.select("102")
    codes = {timeline.data(timeline.index(r, 1)) for r in range(timeline.rowCount())}
    assert codes == {"102"}
    # The voided incident: struck through with the reason.
    window.timeline.selectRow(0)
    html = window.details.toHtml()
    assert "wrong station" in html
    assert "line-through" in html
    # The amended one: what changed, from what to what.
    window.stations.select("101")
    row = next(
        r for r in range(timeline.rowCount()) if timeline.entry(r).event_type == "incident.added"
    )
    window.timeline.selectRow(row)
    text = window.details.toPlainText()
    assert "Пачка бюллетеней в урне → Две пачки" in text
    assert "severity: Critical → High" in text
    status = window.status_line
    assert status.role.text() == "Observer"
    short = whoami(window.session).fingerprint_short
    assert short in status.fingerprint.text() and len(short.split()) == 8
    assert "records waiting for handoff" in status.waiting.text()
    visits = window.stations.visits
    assert visits.count() == 1 and "101: since" in visits.item(0).text()


def test_window_state_and_station_are_remembered_in_the_vault(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, day_vault: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("102")
    window.resize(1000, 650)
    window.close()
    assert flow.access is not None and flow.access.locked
    session = open_session(day_vault, passphrase)
    try:
        settings = load_settings(session)
    finally:
        session.close()
    assert settings.last_station == "102"
    assert settings.window_geometry and settings.window_state
    assert [known.path for known in list_known_vaults()] == [day_vault]


def test_timeline_model_fetches_pages_as_the_view_asks(day_vault: Path, passphrase: str) -> None:
    session = open_session(day_vault, passphrase)
    try:
        model = TimelineModel(session, page_size=3, first_page_size=5)
        model.reload()
        assert model.rowCount() == 5  # the first page fills the view in one query
        assert model.canFetchMore(model.index(-1, -1))
        model.fetchMore(model.index(-1, -1))
        assert model.rowCount() == 8  # then small pages as the view scrolls
        while model.canFetchMore(model.index(-1, -1)):
            model.fetchMore(model.index(-1, -1))
        assert model.rowCount() == model.total() >= 10
        times = [model.entry(r).time_utc for r in range(model.rowCount())]
        assert times == sorted(times, reverse=True)
    finally:
        session.close()


def test_changes_refresh_the_timeline(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    window = unlock(qtbot, flow, passphrase)
    before = window.timeline.timeline.rowCount()
    window.commands.add_note("Second note", "101", None)
    qtbot.waitUntil(lambda: window.timeline.timeline.rowCount() == before + 1)
    assert window.timeline.timeline.entry(0).text.endswith("Second note")


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_time_column_holds_the_widest_time_of_any_month(
    qtbot: QtBot, day_vault: Path, passphrase: str, lang: str
) -> None:
    set_language(lang)  # the autouse fixture puts English back
    session = open_session(day_vault, passphrase)
    try:
        view = TimelineView(TimelineModel(session))
        qtbot.addWidget(view)
        # Kazakh writes the month out: a fixed width cut "2026 ж. 3 желтоқсан, 17:10" short.
        widest = max(
            view.fontMetrics().horizontalAdvance(format_local(f"2026-{m:02d}-28T18:59:00Z", "UTC"))
            for m in range(1, 13)
        )
        assert "желтоқсан" in format_local("2026-12-28T18:59:00Z", "UTC") or lang != "kk"
        assert view.horizontalHeader().sectionSize(0) >= widest + 8
    finally:
        session.close()
