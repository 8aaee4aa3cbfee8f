"""The USB handoff window between two real vaults, a temp folder playing the stick: a pulled
stick fails clearly and loses nothing, the next try writes and reads back, the coordinator
imports and writes a receipt, the observer reads it and nothing waits any more; the window's
status bar keeps a failure until a handoff succeeds, across a lock and a restart (the vault
keeps the notice)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.dialogs.handoff_dialog import HandoffDialog
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook import notes, stations
from observer_app.logbook.enrollment import accept_package, issue_package, write_request
from observer_app.logbook.handoff import CoordinatorStatus, ObserverStatus, handoff_status
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.setup import KdfProfile

from .conftest import populate_day, unlock


def enroll(coordinator: LogbookSession, observer: LogbookSession, stick: Path) -> None:
    stick.mkdir(exist_ok=True)
    request = write_request(observer, stick)
    package = issue_package(coordinator, request.path, stick, ["101"], replace=True)
    accept_package(observer, package.path, coordinator.identity.feed)
    request.path.unlink()
    package.path.unlink()


def observer_status(session: LogbookSession) -> ObserverStatus:
    status = handoff_status(session)
    assert isinstance(status, ObserverStatus)
    return status


def test_handoff_round_trip_with_a_pulled_stick_first(
    qtbot: QtBot,
    session: LogbookSession,
    make_session: Callable[..., LogbookSession],
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    populate_day(session, catalogue)
    stations.add_station(coordinator, catalogue, "101", "Школа № 5", region="almaty_city")
    enroll(coordinator, session, tmp_path / "setup")
    waiting = observer_status(session).events_waiting
    assert waiting > 0

    stick = tmp_path / "stick"  # not plugged in: the folder is not there
    window = MainWindow(session, catalogue)
    qtbot.addWidget(window)
    dialog = window.open_handoff()
    dialog.drive.setEditText(str(stick))
    assert "plugged in" in dialog.space.text()
    marks = [dialog.records.item(i).text() for i in range(dialog.records.count())]
    assert marks and all(m.startswith("… waiting for handoff") for m in marks)
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.export_button.click()
    assert "plugged in" in failed.args[0] and "Nothing was lost" in failed.args[0]
    assert window.status_line.handoff_failure.isVisibleTo(window)
    assert observer_status(session).events_waiting == waiting  # nothing lost

    stick.mkdir()  # plugged in: the next try works
    dialog.show_space()
    assert "Free:" in dialog.space.text()
    with qtbot.waitSignal(dialog.done_step, timeout=30000) as written:
        dialog.export_button.click()
    assert "written and read back; safe to remove the stick" in written.args[0]
    assert not window.status_line.handoff_failure.isVisibleTo(window)
    parts = sorted(stick.iterdir())
    assert parts

    importer = HandoffDialog(coordinator, folder=stick)
    qtbot.addWidget(importer)
    with qtbot.waitSignal(importer.done_step, timeout=30000) as imported:
        importer.import_button.click()
    assert "receipt written to the stick" in imported.args[0]
    held = handoff_status(coordinator)
    assert isinstance(held, CoordinatorStatus)
    assert held.observers[0].held_seq == observer_status(session).head_seq

    with qtbot.waitSignal(dialog.done_step, timeout=30000) as receipts:
        dialog.receipt_button.click()
    assert "1 receipt recorded" in receipts.args[0]
    assert observer_status(session).events_waiting == 0
    assert "0 records waiting" in dialog.state.text()
    marks = [dialog.records.item(i).text() for i in range(dialog.records.count())]
    assert marks and all(m.startswith("✓") for m in marks)
    assert (
        sum(m.startswith("✓ acknowledged") for m in marks)
        == observer_status(session).acknowledged_seq
    )
    qtbot.waitUntil(lambda: "0 records waiting" in window.status_line.waiting.text())

    # A record written afterwards waits again; the stick vanishing mid-way is a clear failure.
    notes.add_note(session, "After the handoff", "101")
    shutil.rmtree(stick)
    with qtbot.waitSignal(dialog.failed):
        dialog.export_button.click()
    assert observer_status(session).events_waiting == 1
    window.close()


def test_a_failed_handoff_is_still_said_after_a_lock(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    dialog = window.open_handoff()
    dialog.drive.setEditText(str(Path(window.session.vault.path) / "no-stick-here"))
    with qtbot.waitSignal(dialog.failed):
        dialog.export_button.click()
    flow.lock()
    again = unlock(qtbot, flow, passphrase)
    assert again is not window
    assert again.status_line.handoff_failure.isVisibleTo(again)
    assert "plugged in" in (again.status_line.handoff_failure_text or "")


def test_a_failed_handoff_is_still_said_after_the_application_was_closed(
    qtbot: QtBot,
    catalogue: Catalogue,
    vault_path: Path,
    passphrase: str,
    make_session: Callable[..., LogbookSession],
    tmp_path: Path,
) -> None:
    """The notice lives in the vault: a new process (a new flow on the same vault) says it,
    until a handoff succeeds; then a new start says nothing."""
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    stations.add_station(coordinator, catalogue, "101", "Школа № 5", region="almaty_city")
    observer = open_session(vault_path, passphrase)
    try:
        populate_day(observer, catalogue)
        enroll(coordinator, observer, tmp_path / "setup")
    finally:
        observer.close()

    def start() -> tuple[SessionFlow, MainWindow]:
        flow = SessionFlow(catalogue, vault_path, kdf=KdfProfile.TEST)
        flow.start()
        return flow, unlock(qtbot, flow, passphrase)

    def quit_app(flow: SessionFlow, window: MainWindow) -> None:
        with qtbot.waitSignal(flow.ended):
            window.quit_requested.emit()
        window.close()
        assert flow.access is not None and flow.access.locked

    flow, window = start()
    assert not window.status_line.handoff_failure.isVisibleTo(window)
    dialog = window.open_handoff()
    dialog.drive.setEditText(str(tmp_path / "no-stick-here"))
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.export_button.click()
    dialog.close()
    quit_app(flow, window)

    flow, window = start()
    assert window.status_line.handoff_failure.isVisibleTo(window)
    assert window.status_line.handoff_failure_text == failed.args[0]
    assert "plugged in" in failed.args[0]
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = window.open_handoff()
    dialog.drive.setEditText(str(stick))
    with qtbot.waitSignal(dialog.done_step, timeout=30000):
        dialog.export_button.click()
    assert not window.status_line.handoff_failure.isVisibleTo(window)
    dialog.close()
    quit_app(flow, window)

    flow, window = start()
    assert not window.status_line.handoff_failure.isVisibleTo(window)
    assert window.status_line.handoff_failure_text is None
    quit_app(flow, window)
