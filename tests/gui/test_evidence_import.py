"""Evidence import in the window (issue 15) and photos in the record forms (issue 14), driven
through the real widgets and a real vault: a dropped card, its summary, a cancel, deleting the
verified originals, and photos that end linked to the record they document."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.checklist_dialog import ChecklistDialog
from observer_app.gui.dialogs.evidence_import_dialog import EvidenceImportDialog
from observer_app.gui.dialogs.file_picker import FilePicker
from observer_app.gui.dialogs.incident_dialog import IncidentDialog
from observer_app.gui.dialogs.protocol_dialog import ProtocolDialog
from observer_app.gui.dropped_files import file_urls
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook import media
from observer_app.logbook.incidents import get_incident
from observer_app.logbook.media_batch import BatchSummary, DeletionSummary
from observer_app.logbook.session import LogbookSession
from tests.media.card_support import BROKEN, DATA, make_card

from .conftest import type_text, unlock
from .test_record_dialogs import CTRL, SHIFT, Keyboard, _focused_window, _open_form


def drop(widget: QWidget, paths: list[Path]) -> None:
    """What a file manager does: drag file URLs over the widget (it must accept them), then
    drop them. Delivered to the widget's own event handler: offscreen Qt has no drag manager,
    whose current target `QApplication` would check first."""
    data = file_urls(paths)
    where, action = QPointF(10, 10), Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, action, data, buttons, keys)
    enter.ignore()
    widget.event(enter)
    assert enter.isAccepted()
    widget.event(QDropEvent(where, action, data, buttons, keys))


def import_dialog(qtbot: QtBot, window: MainWindow) -> EvidenceImportDialog:
    qtbot.waitUntil(lambda: any(isinstance(f, EvidenceImportDialog) for f in window.open_forms))
    dialog = next(f for f in window.open_forms if isinstance(f, EvidenceImportDialog))
    qtbot.waitExposed(dialog)
    return dialog


def blobs_consistent(session: LogbookSession) -> bool:
    files = {p.name for p in session.vault.blobs_dir.rglob("*") if p.is_file()}
    named: set[str] = set()
    for file, thumb in session.conn.execute("SELECT file, thumb_file FROM blobs"):
        named |= {Path(file).name} | ({Path(thumb).name} if thumb else set())
    return files == named


def test_a_dropped_card_is_imported_summarised_and_its_verified_originals_deleted(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    card = make_card(tmp_path)
    drop(window, [card.dcim])
    dialog = import_dialog(qtbot, window)
    assert dialog.paths == [card.dcim]
    assert dialog.chosen_link() == media.Link("station", "101")  # the current visit's
    with qtbot.waitSignal(dialog.run.imported, timeout=60_000) as done:
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    summary: BatchSummary = done.args[0]
    text = dialog.summary_text.toPlainText()
    assert text.startswith(
        "4 files imported\n1 already in the vault (linked, not stored twice)\n4 refused"
    )
    for name in BROKEN:
        assert any(line.startswith("refused: ") and name in line for line in text.splitlines())
    assert "warning: " in text  # the 2008 GPS photos, kept all the same
    session = window.session
    items = media.media_items(session)
    assert sorted(i.sha256 for i in items) == sorted(
        str(f.sha256) for f in summary.files if f.outcome.value == "imported"
    )
    assert all(item.links == (("station", "101"),) for item in items)
    assert blobs_consistent(session)
    # Deleting the originals: offered for the five the vault holds, after the warning.
    assert dialog.delete_button.isVisible() and dialog.flash_warning.isVisible()
    assert "not secure erasure" in dialog.flash_warning.text()
    changed = card.good[1]
    changed.write_bytes(changed.read_bytes() + b"edited on the card meanwhile")
    with qtbot.waitSignal(dialog.run.deleted, timeout=30_000) as deleted:
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    deletions: DeletionSummary = deleted.args[0]
    assert len(deletions.deleted) == 4
    assert changed.exists() and not card.good[0].exists() and not card.duplicate.exists()
    assert all(path.exists() for path in card.broken.values())
    assert "4 originals deleted from the card" in dialog.summary_text.toPlainText()
    assert "kept: " in dialog.summary_text.toPlainText()


def test_cancel_in_the_window_keeps_whole_items_only(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    folder = tmp_path / "DCIM"
    folder.mkdir()
    big = (DATA / "mobile_jolla.jpg").read_bytes()
    for index in range(12):  # distinct bytes (a trailer after the JPEG), full-size photos
        (folder / f"IMG_{index:04d}.jpg").write_bytes(big + index.to_bytes(4, "big"))
    window.actions_by_name["import_media"].trigger()
    dialog = import_dialog(qtbot, window)
    dialog.add_paths([folder])
    dialog.run.file_started.connect(lambda index, count, name: dialog.cancel_button.click())
    with qtbot.waitSignal(dialog.run.imported, timeout=60_000) as done:
        dialog.import_button.click()
    summary: BatchSummary = done.args[0]
    assert summary.cancelled and summary.not_started > 0
    assert len(summary.files) + summary.not_started == 12
    assert "Cancelled: " in dialog.summary_text.toPlainText()
    items = media.media_items(window.session)
    assert sorted(i.sha256 for i in items) == sorted(str(f.sha256) for f in summary.files)
    for item in items:  # each kept item is whole
        index = int(item.original_name[4:8])
        assert media.original_bytes(window.session, item) == big + index.to_bytes(4, "big")
    assert blobs_consistent(window.session)


def test_an_incident_with_text_and_a_photo_by_keys_alone(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    photo = Path(shutil.copy(DATA / "orientation_portrait_8.jpg", tmp_path / "IMG_0042.jpg"))
    _focused_window(qtbot, window)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_N, CTRL)
    form = _open_form(qtbot, window)
    assert isinstance(form, IncidentDialog)
    keys.type("stuff", counted=False)
    keys.press(Qt.Key.Key_Return)
    keys.type("Фото вброса у урны № 2", counted=False)
    keys.press(Qt.Key.Key_I, CTRL | SHIFT)  # attach photos
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), FilePicker))
    picker = QApplication.activeModalWidget()
    assert isinstance(picker, FilePicker)
    qtbot.waitUntil(picker.path.hasFocus)
    keys.press(Qt.Key.Key_A, CTRL)
    keys.type(str(photo), counted=False)  # the file name's characters are not counted
    with qtbot.waitSignal(form.photos.finished, timeout=30_000):
        keys.press(Qt.Key.Key_Return)
    assert form.photos.names.count() == 1
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.saved) as saved:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert keys.presses < 30, keys.presses
    session = window.session
    incident = get_incident(session, saved.args[0])
    assert incident.text == "Фото вброса у урны № 2" and incident.category == "ballot_stuffing"
    (item,) = media.media_items(session)
    assert item.original_name == "IMG_0042.jpg"
    assert set(item.links) == {("incident", incident.id), ("station", "101")}
    assert media.original_bytes(session, item) == photo.read_bytes()


def test_photos_dropped_on_a_new_incident_survive_esc_as_a_draft(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    photo = Path(shutil.copy(DATA / "Canon_40D.jpg", tmp_path / "IMG_0007.jpg"))
    form = window.new_incident()
    qtbot.waitExposed(form)
    with qtbot.waitSignal(form.photos.finished, timeout=30_000):
        drop(form, [photo])
    qtbot.keyClick(form.text, Qt.Key.Key_Escape)
    again = window.new_incident()
    qtbot.waitExposed(again)
    assert [again.photos.names.item(0).text()] == ["IMG_0007.jpg"]
    type_text(again.category.filter, "campaign")
    qtbot.keyClick(again.category.filter, Qt.Key.Key_Return)
    type_text(again.text, "Агитация, фото приложено")
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)
    with qtbot.waitSignal(again.saved) as saved:
        qtbot.keyClick(again.text, Qt.Key.Key_Return, CTRL)
    (item,) = media.media_items(window.session)
    assert ("incident", saved.args[0]) in item.links


def test_the_protocol_photo_and_a_checklist_answer_photo_are_linked_to_them(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    session = window.session
    posted = Path(shutil.copy(DATA / "gps_DSCN0038.jpg", tmp_path / "protocol.jpg"))
    protocol = window.open_protocol("101")
    assert isinstance(protocol, ProtocolDialog)
    qtbot.waitExposed(protocol)
    with qtbot.waitSignal(protocol.photos.finished, timeout=30_000):
        protocol.photos.attach([posted])
    (item,) = media.media_items(session)
    assert item.links == (("protocol", "101"),)
    protocol.reject()
    reopened = window.open_protocol("101")
    assert isinstance(reopened, ProtocolDialog)
    assert reopened.photos.names.count() == 1  # the posted protocol's photo, listed again
    reopened.reject()

    checklist = window.open_checklist()
    assert isinstance(checklist, ChecklistDialog)
    qtbot.waitExposed(checklist)
    item_id, row = next((i, r) for i, r in checklist.rows.items() if r.buttons)
    assert not row.photo.isEnabled()  # nothing to attach a photo to yet
    key = next(iter(row.keys))
    row.setFocus()
    qtbot.keyClick(row, key)
    assert row.photo.isEnabled()
    row.photo.click()
    dialog = checklist.import_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    answer = checklist._line_of(item_id).current
    assert answer is not None and dialog.chosen_link() == media.Link("answer", answer.id)
    dialog.add_paths([Path(shutil.copy(DATA / "gps_DSCN0010.jpg", tmp_path / "box.jpg"))])
    with qtbot.waitSignal(dialog.run.imported, timeout=30_000):
        dialog.import_button.click()
    linked = [i for i in media.media_items(session) if i.original_name == "box.jpg"]
    assert [i.links for i in linked] == [(("answer", answer.id),)]
