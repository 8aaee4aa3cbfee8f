"""Enrollment from both sides through the real dialogs, a temp folder playing the stick: the
other side's fingerprint is shown grouped, nothing is recorded before "I compared it", and
afterwards the coordinator has the observer enrolled and the observer has the coordinator
pinned (a handoff can start)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.core.fingerprint import format_fingerprint
from observer_app.gui.dialogs.enrollment_dialog import EnrollmentDialog
from observer_app.logbook import stations
from observer_app.logbook.enrollment import EnrolledObservers, PinnedCoordinators, enrollments
from observer_app.logbook.handoff import ObserverStatus, handoff_status
from observer_app.logbook.session import LogbookSession


def shown(dialog: EnrollmentDialog) -> str:
    return " ".join(dialog.fingerprint.text().split())


def test_enrollment_from_both_sides(
    qtbot: QtBot,
    session: LogbookSession,
    make_session: Callable[..., LogbookSession],
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    stations.add_station(coordinator, catalogue, "101", "Школа № 5", region="almaty_city")
    stick = tmp_path / "stick"
    stick.mkdir()

    observer_side = EnrollmentDialog(session, folder=stick)
    qtbot.addWidget(observer_side)
    observer_side.request_button.click()
    assert shown(observer_side) == format_fingerprint(session.identity.feed)
    assert "\n" in observer_side.fingerprint.text()  # two lines of groups, to read aloud
    (request,) = list(stick.iterdir())

    coordinator_side = EnrollmentDialog(coordinator, folder=stick)
    qtbot.addWidget(coordinator_side)
    coordinator_side.file.setText(str(request))
    qtbot.keyClick(coordinator_side.file, Qt.Key.Key_Return)
    assert shown(coordinator_side) == format_fingerprint(session.identity.feed)
    assert "Айгерим Сапарова" in coordinator_side.who.text()
    assert not coordinator_side.confirm_button.isEnabled()  # not before comparing
    coordinator_side.stations.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClick(coordinator_side.compared, Qt.Key.Key_Space)
    assert coordinator_side.confirm_button.isEnabled()
    with qtbot.waitSignal(coordinator_side.enrolled):
        coordinator_side.confirm_button.click()
    roster = enrollments(coordinator)
    assert isinstance(roster, EnrolledObservers)
    assert [o.feed for o in roster.observers] == [session.identity.feed]
    package = next(p for p in stick.iterdir() if p != request)

    observer_side.file.setText(str(package))
    observer_side.open_button.click()
    assert shown(observer_side) == format_fingerprint(coordinator.identity.feed)
    pins = enrollments(session)
    assert isinstance(pins, PinnedCoordinators) and not pins.pins  # nothing trusted yet
    observer_side.compared.setChecked(True)
    with qtbot.waitSignal(observer_side.enrolled):
        observer_side.confirm_button.click()
    pins = enrollments(session)
    assert isinstance(pins, PinnedCoordinators)
    assert [p.coordinator for p in pins.pins] == [coordinator.identity.feed]
    status = handoff_status(session)
    assert isinstance(status, ObserverStatus) and status.enrolled


def test_a_file_that_is_not_a_request_is_refused_clearly(
    qtbot: QtBot, make_session: Callable[..., LogbookSession], tmp_path: Path
) -> None:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    junk = tmp_path / "junk.age"
    junk.write_bytes(b"not age")
    dialog = EnrollmentDialog(coordinator, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.file.setText(str(junk))
    dialog.open_button.click()
    assert dialog.outcome.text()
    assert not dialog.compared.isEnabled() and not dialog.confirm_button.isEnabled()
