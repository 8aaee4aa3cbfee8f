"""The report dialog and the verify window, driven through their real widgets: a signed PDF
for the public with a refused-consent photo withheld (told before and left out of the file),
cancelling, and verifying a good and a changed PDF."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.core.consent import ConsentState
from observer_app.gui.dialogs.report_dialog import ReportDialog
from observer_app.gui.dialogs.verify_dialog import VerifyDialog
from observer_app.logbook import media
from observer_app.logbook.reports import verify_report
from observer_app.logbook.session import LogbookSession

from .conftest import populate_day

PHOTO = Path(__file__).parent.parent / "data" / "media" / "gps_DSCN0010.jpg"


@pytest.fixture
def day(session: LogbookSession, catalogue: Catalogue) -> Iterator[LogbookSession]:
    populate_day(session, catalogue)
    yield session


def refused_photo(session: LogbookSession) -> str:
    return media.import_file(session, PHOTO, media.Link("station", "101"), ConsentState.REFUSED).id


def make_public_report(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, folder: Path
) -> tuple[ReportDialog, Any]:
    dialog = ReportDialog(session, catalogue, folder=folder)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    # Keyboard only: the focus starts on "complaint"; Up chooses "public".
    focused = dialog.audiences.checkedButton()
    assert QApplication.focusWidget() is focused
    with qtbot.waitSignal(dialog.previewed) as preview:
        qtbot.keyClick(focused, Qt.Key.Key_Up)
    assert dialog.audiences.checkedButton().objectName() == "audience_public"
    with qtbot.waitSignal(dialog.made, timeout=30000) as made:
        qtbot.keyClick(dialog.audiences.checkedButton(), Qt.Key.Key_Return)
    return dialog, (preview.args[0], made.args[0])


def test_public_report_withholds_the_refused_photo_and_checks_the_pdf(
    qtbot: QtBot, day: LogbookSession, catalogue: Catalogue, tmp_path: Path
) -> None:
    photo = refused_photo(day)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog, (preview, (result, verdict)) = make_public_report(qtbot, day, catalogue, folder)
    assert [item.id for item in preview.withheld] == [photo]
    # Named as the observer knows it (reference and file name), not by an id's first digits.
    assert f"M-1 {PHOTO.name}:" in dialog.withheld.text()
    assert photo[:8] not in dialog.withheld.text()
    assert "refused" in dialog.withheld.text() or "consent" in dialog.withheld.text()
    assert result.path.parent == folder and result.path.exists()
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert verdict.valid and verdict.audience == "public"
    assert str(folder) in dialog.outcome.text()
    assert dialog.open_button.isVisible()
    # Checked again from the file alone: valid, and the photo's bytes are not in it.
    again = verify_report(None, result.path)
    assert again.valid
    assert PHOTO.read_bytes()[-4096:] not in result.path.read_bytes()


def test_cancelling_writes_no_file(
    qtbot: QtBot, day: LogbookSession, catalogue: Catalogue, tmp_path: Path
) -> None:
    dialog = ReportDialog(day, catalogue, folder=tmp_path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed):
        pass
    with qtbot.waitSignal(dialog.failed, timeout=30000):
        dialog.generate_button.click()
        dialog.cancel_button.click()  # the worker sees it at its next step
    assert "cancelled" in dialog.outcome.text()
    assert not list(tmp_path.glob("*.pdf"))
    assert dialog.generate_button.isEnabled()


def drop(dialog: VerifyDialog, path: Path) -> None:
    """Drag a file over the window and let go (Qt delivers a drop only after a drag enter)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(dialog, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(dialog, event)


def test_verify_window_says_valid_then_changed(
    qtbot: QtBot, day: LogbookSession, catalogue: Catalogue, tmp_path: Path
) -> None:
    _dialog, (_preview, (result, _verdict)) = make_public_report(qtbot, day, catalogue, tmp_path)
    window = VerifyDialog(day)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.checked, timeout=30000) as good:
        drop(window, result.path)
    assert good.args[0].valid
    assert window.verdict.text().startswith("VALID")
    assert "Айгерим Сапарова" in window.details.text()
    assert "Journal head" in window.details.text()

    changed = tmp_path / "changed.pdf"
    data = bytearray(result.path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 8] = b"XXXXXXXX"
    changed.write_bytes(bytes(data))
    window.pdf.setText(str(changed))
    with qtbot.waitSignal(window.checked, timeout=30000) as bad:
        qtbot.keyClick(window.pdf, Qt.Key.Key_Return)
    assert not bad.args[0].valid
    assert window.verdict.text().startswith("NOT VALID")
    assert bad.args[0].pdf.reason in window.details.text()


def test_verify_window_reports_a_file_that_is_not_a_pdf(qtbot: QtBot, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    window = VerifyDialog(None)
    qtbot.addWidget(window)
    window.pdf.setText(str(junk))
    with qtbot.waitSignal(window.checked, timeout=30000) as verdict:
        window.check_button.click()
    assert not verdict.args[0].valid
    assert "damaged" in window.details.text() or "not a PDF" in window.details.text()
