"""The media viewer (issue 15) through its real widgets: metadata and the GPS warning, rotation
and zoom for display only, the history, exports that warn first and obey consent, the redaction
and consent hooks, and a video that plays its first frame from the encrypted blob."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.dialogs.media_viewer import MediaViewer
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession

from .test_gallery import Evidence, add_evidence


@pytest.fixture
def evidence(session: LogbookSession, catalogue: Catalogue, tmp_path: Path) -> Evidence:
    return add_evidence(session, catalogue, tmp_path)


def open_viewer(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, media_id: str, **hooks: object
) -> MediaViewer:
    viewer = MediaViewer(session, catalogue, media_id, **hooks)  # type: ignore[arg-type]
    qtbot.addWidget(viewer)
    viewer.open()
    qtbot.waitExposed(viewer)
    return viewer


def test_a_photo_shows_its_metadata_and_the_gps_warning_and_turns_for_display_only(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    before = media.require_media(session, evidence.gps)
    viewer = open_viewer(qtbot, session, catalogue, evidence.gps)
    photo = viewer.photo
    assert photo is not None
    qtbot.waitUntil(lambda: photo.has_image, timeout=10_000)
    text = viewer.details.toPlainText()
    assert before.sha256 in text
    assert "NIKON" in text  # the camera
    assert "2008-10-22" in text or "2008-11-01" in text  # the capture time
    assert f"{before.gps_lat_microdeg / 1e6:.6f}" in text  # GPS as text
    assert "Station 101" in text or "station 101" in text
    assert viewer.gps_warning.isVisibleTo(viewer)
    assert "identifies a place" in viewer.gps_warning.text()
    history = [viewer.history.item(row).text() for row in range(viewer.history.count())]
    assert len(history) == 2 and "signed form" in history[1]  # the import, then the consent
    photo.setFocus()
    qtbot.keyClick(photo, Qt.Key.Key_R)
    assert photo.rotation == 90
    qtbot.keyClick(photo, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(photo, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert photo.rotation == 270
    fitted = photo.zoom  # the turned picture, fitted again
    qtbot.keyClick(photo, Qt.Key.Key_Plus)
    assert photo.zoom == pytest.approx(fitted * 1.25)
    assert photo.transform().m12() != 0  # the view really is turned
    qtbot.keyClick(photo, Qt.Key.Key_0)
    assert photo.zoom == pytest.approx(fitted, rel=0.05)
    assert media.require_media(session, evidence.gps) == before  # the item is unchanged
    viewer.reject()
    assert not photo.has_image  # dropped when the viewer closes


def test_a_photo_without_position_has_no_gps_warning(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    viewer = open_viewer(qtbot, session, catalogue, evidence.astronaut)
    assert not viewer.gps_warning.isVisibleTo(viewer)
    viewer.reject()


def test_the_publication_copy_warns_first_and_leaves_the_position_out(
    qtbot: QtBot,
    session: LogbookSession,
    catalogue: Catalogue,
    evidence: Evidence,
    tmp_path: Path,
) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    viewer = open_viewer(qtbot, session, catalogue, evidence.gps)
    assert viewer.export_button.isEnabled()
    qtbot.mouseClick(viewer.export_button, Qt.MouseButton.LeftButton)
    box = viewer.leave_box
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    assert "unencrypted" in box.text()
    assert list(out.iterdir()) == []  # nothing written before the answer
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert viewer.picker is None  # cancelled: no folder asked for
    qtbot.mouseClick(viewer.export_button, Qt.MouseButton.LeftButton)
    box = viewer.leave_box
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    picker = viewer.picker
    assert picker is not None
    qtbot.waitExposed(picker)
    picker.path.setText(str(out))
    qtbot.keyClick(picker.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: viewer.exported is not None, timeout=10_000)
    written = viewer.exported
    assert written == out / "gps_DSCN0010-publication.jpg"
    assert written.stat().st_mode & 0o077 == 0
    with Image.open(written) as copy:
        assert not copy.getexif()  # no GPS, no camera
    assert "Written, unencrypted" in viewer.status.text()
    viewer.reject()


def test_consent_decides_whether_a_publication_copy_is_offered(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    viewer = open_viewer(qtbot, session, catalogue, evidence.astronaut)
    assert not viewer.export_button.isEnabled()
    assert "refused" in viewer.status.text()
    assert viewer.export_publication() is None
    media.set_consent(session, evidence.astronaut, "written", "changed their mind")
    viewer.refresh()  # what the consent editor's change makes the window do
    assert viewer.export_button.isEnabled()
    history = [viewer.history.item(row).text() for row in range(viewer.history.count())]
    assert "changed their mind" in history[-1]
    viewer.reject()


def test_the_redaction_and_consent_hooks_show_their_buttons(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    plain = open_viewer(qtbot, session, catalogue, evidence.canon)
    assert plain.redact_button is None and plain.consent_button is None
    plain.reject()
    asked: list[tuple[str, str]] = []
    viewer = open_viewer(
        qtbot,
        session,
        catalogue,
        evidence.canon,
        on_redact=lambda media_id: asked.append(("redact", media_id)),
        on_edit_consent=lambda media_id: asked.append(("consent", media_id)),
    )
    assert viewer.redact_button is not None and viewer.consent_button is not None
    qtbot.mouseClick(viewer.redact_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(viewer.consent_button, Qt.MouseButton.LeftButton)
    assert asked == [("redact", evidence.canon), ("consent", evidence.canon)]
    viewer.reject()
    video = open_viewer(qtbot, session, catalogue, evidence.video, on_redact=lambda _id: None)
    assert video.redact_button is None  # photos only
    video.reject()


def test_a_video_plays_its_first_frame_from_the_blob(
    qtbot: QtBot,
    session: LogbookSession,
    catalogue: Catalogue,
    evidence: Evidence,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private_temp = tmp_path / "system-temp"
    private_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))
    viewer = open_viewer(qtbot, session, catalogue, evidence.video)
    player = viewer.player
    assert player is not None
    assert player.player.audioOutput() is not None  # always set
    assert player.player.source().toString() == "evidence"  # a neutral name, not the file's
    qtbot.waitUntil(lambda: player.frames_shown > 0, timeout=15_000)
    frame = player.picture.frame
    assert (frame.width(), frame.height()) == (640, 360)
    left, right = frame.pixelColor(160, 180), frame.pixelColor(480, 180)
    assert left.red() > 200 and left.blue() < 60
    assert right.blue() > 200 and right.red() < 60
    qtbot.waitUntil(lambda: player.player.duration() > 0, timeout=15_000)
    assert player.position.maximum() == player.player.duration()
    player.seek(500)
    qtbot.waitUntil(lambda: abs(player.player.position() - 500) <= 100, timeout=15_000)
    no_device = not QMediaDevices.audioOutputs()
    assert player.no_audio_device == no_device
    assert ("No audio device" in player.notice.text()) == no_device
    assert not player.cannot_play
    viewer.reject()
    assert not player.device.isOpen()
    assert [path for path in private_temp.rglob("*") if not path.is_dir()] == []


def test_a_video_qt_cannot_decode_says_so_and_offers_export(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, tmp_path: Path
) -> None:
    from observer_app.logbook import stations

    stations.add_station(session, catalogue, "101", "Школа № 5")
    broken = tmp_path / "broken.mp4"  # an MP4 header, then nothing a decoder can read
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 16)
    item = media.import_file(session, broken, media.Link("station", "101")).id
    assert media.require_media(session, item).kind == "video"
    viewer = open_viewer(qtbot, session, catalogue, item)
    player = viewer.player
    assert player is not None
    qtbot.waitUntil(lambda: player.cannot_play, timeout=15_000)
    assert "cannot be played here" in player.notice.text()
    assert player.export_button.isVisibleTo(viewer)
    qtbot.mouseClick(player.export_button, Qt.MouseButton.LeftButton)
    box = viewer.leave_box
    assert isinstance(box, QMessageBox)
    assert "unencrypted" in box.text() and "GPS" in box.text()
    box.reject()
    viewer.reject()


def test_a_purged_item_shows_its_record_without_content(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    media.purge(session, evidence.canon, "court order")
    viewer = open_viewer(qtbot, session, catalogue, evidence.canon)
    assert viewer.content.currentWidget() is viewer.message
    assert "purged" in viewer.message.text()
    assert media.require_media(session, evidence.canon).sha256 in viewer.details.toPlainText()
    assert not viewer.export_button.isEnabled()
    viewer.reject()
