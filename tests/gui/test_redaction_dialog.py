"""The redaction tool (issue 15) driven through its real widgets on a real vault: a photo with
two real faces (scikit-image's astronaut, twice) and a GPS position; an area drawn, moved and
resized by mouse, one suggested face adjusted and accepted by keys and the other rejected, the
copy saved; then the vault is checked: covered pixels changed, the rest and the original not,
no metadata in the copy. A cancelled detection suggests nothing."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from observer_app.core.consent import ConsentState
from observer_app.gui.dialogs.redaction_dialog import RedactionDialog
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.gui.widgets.redaction_canvas import BoxKind, RedactionCanvas
from observer_app.logbook import media
from observer_app.media.images import decode_upright
from observer_app.media.redaction import Box

from .conftest import unlock

ASTRONAUT = Path(__file__).parents[1] / "data" / "media" / "astronaut.jpg"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def two_faces(path: Path) -> Path:
    """The astronaut twice side by side (1024x512), with a camera make and a GPS position."""
    face = Image.open(ASTRONAUT).convert("RGB")
    scene = Image.new("RGB", (2 * face.width, face.height))
    scene.paste(face, (0, 0))
    scene.paste(face, (face.width, 0))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)})
    scene.save(path, "JPEG", quality=92, exif=exif)
    return path


def imported_photo(window: MainWindow, tmp_path: Path) -> str:
    result = media.import_file(
        window.session, two_faces(tmp_path / "two.jpg"), media.Link("station", "101")
    )
    return result.id


def select_in_timeline(qtbot: QtBot, window: MainWindow, media_id: str) -> None:
    """Click the item's row in the timeline (it appears once the import's change arrives)."""
    model = window.timeline.timeline

    def row_of_item() -> int | None:
        for row in range(model.rowCount()):
            ref = model.entry(row).ref
            if ref is not None and ref.kind == "media" and ref.id == media_id:
                return row
        return None

    qtbot.waitUntil(lambda: row_of_item() is not None)
    row = row_of_item()
    assert row is not None
    rect = window.timeline.visualRect(model.index(row, 0))
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_media() == media_id
    shown = window.details.toPlainText()  # the item's facts, not just the event's line
    assert "Media item" in shown and "two.jpg" in shown and "SHA-256" in shown


def mouse(canvas: RedactionCanvas, kind: QEvent.Type, at: QPoint) -> None:
    left = Qt.MouseButton.LeftButton
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else left
    point = QPointF(at)
    event = QMouseEvent(
        kind, point, canvas.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(canvas, event)


def drag(canvas: RedactionCanvas, start: QPoint, end: QPoint) -> None:
    """Press, move in a few steps, release: what a hand on the mouse does."""
    mouse(canvas, QEvent.Type.MouseButtonPress, start)
    for step in (1, 2, 3):
        mouse(canvas, QEvent.Type.MouseMove, start + (end - start) * step / 3)
    mouse(canvas, QEvent.Type.MouseButtonRelease, end)


def close_to(box: Box, expected: Box, slack: int) -> bool:
    got, wanted = (box.x, box.y, box.w, box.h), (expected.x, expected.y, expected.w, expected.h)
    pairs = zip(got, wanted, strict=True)
    return all(abs(a - b) <= slack for a, b in pairs)


def open_dialog(qtbot: QtBot, window: MainWindow, media_id: str) -> RedactionDialog:
    select_in_timeline(qtbot, window, media_id)
    qtbot.keyClick(window, Qt.Key.Key_Y, CTRL_SHIFT)
    qtbot.waitUntil(lambda: any(isinstance(f, RedactionDialog) for f in window.open_forms))
    dialog = next(f for f in window.open_forms if isinstance(f, RedactionDialog))
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.photo is not None, timeout=30_000)
    assert dialog.media_id == media_id
    return dialog


def test_boxes_drawn_and_suggested_faces_decided_make_an_anonymised_copy(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    original_id = imported_photo(window, tmp_path)
    original_hash = hashlib.sha256((tmp_path / "two.jpg").read_bytes()).hexdigest()
    dialog = open_dialog(qtbot, window, original_id)
    canvas = dialog.canvas
    assert (canvas.image is not None) and (canvas.image.width(), canvas.image.height()) == (
        1024,
        512,
    )
    slack = max(2, round(2 / canvas.scale()))

    # Draw an area by mouse, move it, resize it by its bottom-right handle.
    at = canvas.widget_point
    drag(canvas, at(QPoint(20, 400)), at(QPoint(120, 480)))
    assert len(canvas.boxes) == 1 and canvas.boxes[0].kind is BoxKind.DRAWN
    assert close_to(canvas.covered()[0], Box(20, 400, 100, 80), slack)
    drag(canvas, at(QPoint(60, 440)), at(QPoint(90, 450)))
    assert close_to(canvas.covered()[0], Box(50, 410, 100, 80), slack)
    moved = canvas.covered()[0]
    drag(canvas, at(QPoint(moved.right, moved.bottom)), at(QPoint(moved.right + 20, 505)))
    drawn = canvas.covered()[0]
    assert close_to(drawn, Box(moved.x, moved.y, moved.w + 20, 505 - moved.y), slack)
    assert (drawn.x, drawn.y) == (moved.x, moved.y)  # a resize keeps the opposite corner

    # The keyboard: arrows move the selected area, Shift+arrows resize it.
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    step = max(1, round(4 / canvas.scale()))
    assert canvas.covered()[0] == Box(drawn.x + step, drawn.y, drawn.w, drawn.h - step)

    # Face suggestions on the worker: both astronauts, dashed, covering nothing yet.
    with qtbot.waitSignal(dialog.suggested, timeout=60_000) as found:
        qtbot.mouseClick(dialog.suggest_button, Qt.MouseButton.LeftButton)
    assert found.args == [2]
    assert canvas.pending() == 2 and len(canvas.covered()) == 1
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Accept or reject every suggested face first." in dialog.status.text()

    # The first suggestion (the left face) is selected: adjust it by keys, accept with Enter.
    left = canvas.current()
    assert left is not None and left.kind is BoxKind.SUGGESTED and left.rect.x() < 512
    before = left.rect.width()
    qtbot.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert left.rect.width() == before + step
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert left.kind is BoxKind.ACCEPTED
    # The next undecided one (the right face) is selected: reject it with its button.
    right = canvas.current()
    assert right is not None and right.kind is BoxKind.SUGGESTED and right.rect.x() >= 512
    rejected = Box(right.rect.x(), right.rect.y(), right.rect.width(), right.rect.height())
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert canvas.pending() == 0
    covered = canvas.covered()
    assert len(covered) == 2

    # Tab goes through the areas (and Del would remove the selected one).
    canvas.setFocus()
    canvas._select(None)
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert canvas.selected == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert canvas.selected == 1

    # The preview shows the result: solid fill inside the accepted face.
    dialog.preview_box.setFocus()
    qtbot.keyClick(dialog.preview_box, Qt.Key.Key_Space)
    assert canvas.preview is not None
    face = covered[1] if covered[1].x > 100 else covered[0]
    factor = canvas.preview.width() / 1024
    centre = canvas.preview.pixelColor(
        int((face.x + face.w / 2) * factor), int((face.y + face.h / 2) * factor)
    )
    assert (centre.red(), centre.green(), centre.blue()) == (0, 0, 0)

    with qtbot.waitSignal(dialog.saved, timeout=60_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    copy_id = saved.args[0]
    qtbot.waitUntil(lambda: dialog not in window.open_forms)
    assert dialog.photo is None and canvas.image is None  # the decoded photo is dropped

    session = window.session
    copy = media.require_media(session, copy_id)
    original = media.require_media(session, original_id)
    assert copy.derived_from == original_id and copy.consent == ConsentState.ANONYMISED.value
    assert original.sha256 == original_hash
    assert hashlib.sha256(media.original_bytes(session, original)).hexdigest() == original_hash
    assert (copy.gps_lat_microdeg, copy.camera_make, copy.capture_time) == (None, None, None)
    copy_bytes = media.original_bytes(session, copy)
    with Image.open(io.BytesIO(copy_bytes)) as opened:
        assert not opened.getexif() and "exif" not in opened.info

    before_pixels = np.asarray(decode_upright((tmp_path / "two.jpg").read_bytes()), np.int16)
    after_pixels = np.asarray(decode_upright(copy_bytes), np.int16)
    assert before_pixels.shape == after_pixels.shape
    outside = np.ones(before_pixels.shape[:2], bool)
    for box in covered:
        inside = (slice(box.y, box.bottom), slice(box.x, box.right))
        assert np.abs(after_pixels[inside] - before_pixels[inside]).mean() > 40
        core = (slice(box.y + 8, box.bottom - 8), slice(box.x + 8, box.right - 8))
        assert after_pixels[core].max() <= 8  # filled black (JPEG's colour bleed at edges aside)
        outside[box.y - 8 : box.bottom + 8, max(0, box.x - 8) : box.right + 8] = False
    difference = np.abs(after_pixels - before_pixels)[outside]
    assert difference.mean() < 3 and np.percentile(difference, 99) < 24
    face_area = (slice(rejected.y, rejected.bottom), slice(rejected.x, rejected.right))
    assert np.abs(after_pixels[face_area] - before_pixels[face_area]).mean() < 3


def test_a_cancelled_detection_suggests_nothing_and_changes_nothing(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    original_id = imported_photo(window, tmp_path)
    items = len(media.media_items(window.session))
    dialog = open_dialog(qtbot, window, original_id)
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        qtbot.mouseClick(dialog.suggest_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.text() == "Cancel"
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["Cancelled; nothing was changed."]
    assert dialog.canvas.boxes == [] and dialog.canvas.pending() == 0
    assert dialog.isVisible() and dialog.cancel_button.text() == "Close"
    assert len(media.media_items(window.session)) == items


def test_locking_closes_the_tool_and_drops_the_photo(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    dialog = open_dialog(qtbot, window, imported_photo(window, tmp_path))
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: flow.access is not None and flow.access.locked)
    assert dialog.photo is None and dialog.canvas.image is None
