"""The photo being redacted, with the boxes to cover drawn over it, edited by mouse and keys.

Boxes are kept in the upright photo's pixels (what `media.redaction` takes), whatever the size
the photo is shown at. A suggested face (from the detector) is a box of its own kind, drawn
dashed, that covers nothing until the person accepts it; it can be moved and resized first, or
rejected. Mouse: drag on the photo draws a box, drag inside a box moves it, drag a corner handle
of the selected box resizes it. Keys: Tab and Shift+Tab go through the boxes (and on out of the
canvas after the last), arrows move the selected box, Shift+arrows resize it, Enter accepts a
suggestion, Del removes a box or rejects a suggestion.

The pixels shown are a `QImage` held in memory only; `clear()` drops it (the dialog does that
when it closes, and the window closes it on lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from observer_app.i18n import _
from observer_app.logbook.media import Box

HANDLE: Final = 7  # half the side of a corner handle, in screen pixels
MIN_SIDE: Final = 4  # a drawn box smaller than this (photo pixels) was a click, not a box
KEY_STEP: Final = 4  # screen pixels an arrow key moves or resizes a box by


class BoxKind(Enum):
    DRAWN = "drawn"  # drawn by the person
    SUGGESTED = "suggested"  # from the detector, not decided yet: covers nothing
    ACCEPTED = "accepted"  # a suggestion the person accepted: covered


@dataclass
class CanvasBox:
    rect: QRect  # in the upright photo's pixels
    kind: BoxKind

    @property
    def covers(self) -> bool:
        return self.kind is not BoxKind.SUGGESTED


class _Drag(Enum):
    DRAW = "draw"
    MOVE = "move"
    RESIZE = "resize"


class RedactionCanvas(QWidget):
    boxes_changed = Signal()
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.preview: QImage | None = None
        self.boxes: list[CanvasBox] = []
        self.selected: int | None = None
        self._drag: _Drag | None = None
        self._anchor = QPointF()  # where a drag started (photo pixels)
        self._start = QRect()  # the box as it was when the drag started
        self._corner = 0  # which corner a resize holds: 0 top-left, 1 top-right, 2 br, 3 bl
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setMinimumSize(420, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("The photo and the areas to cover"))

    # -- content -----------------------------------------------------------------------------

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def set_preview(self, preview: QImage | None) -> None:
        """Show `preview` (the result, at any scale) instead of the photo; None: the photo."""
        self.preview = preview
        self.update()

    def clear(self) -> None:
        """Forget the pixels and the boxes (the dialog is closing or the vault locking)."""
        self.image = None
        self.preview = None
        self.boxes = []
        self.selected = None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(900, 620)

    def add_box(self, box: Box, kind: BoxKind = BoxKind.DRAWN) -> None:
        self.boxes.append(CanvasBox(QRect(box.x, box.y, box.w, box.h), kind))
        self.boxes_changed.emit()
        self.update()

    def add_suggestions(self, boxes: list[Box]) -> None:
        """The detector's faces, undecided; the first one is selected to be looked at."""
        first = len(self.boxes)
        for box in boxes:
            self.boxes.append(CanvasBox(QRect(box.x, box.y, box.w, box.h), BoxKind.SUGGESTED))
        if boxes:
            self._select(first)
        self.boxes_changed.emit()
        self.update()

    def covered(self) -> list[Box]:
        """The boxes the copy covers: drawn ones and accepted suggestions."""
        return [_as_box(b.rect) for b in self.boxes if b.covers]

    def pending(self) -> int:
        return sum(1 for b in self.boxes if b.kind is BoxKind.SUGGESTED)

    def current(self) -> CanvasBox | None:
        return None if self.selected is None else self.boxes[self.selected]

    def accept_selected(self) -> None:
        box = self.current()
        if box is not None and box.kind is BoxKind.SUGGESTED:
            box.kind = BoxKind.ACCEPTED
            self._next_suggestion()
            self.boxes_changed.emit()
            self.update()

    def delete_selected(self) -> None:
        """Remove the selected box (for a suggestion: reject it)."""
        if self.selected is None:
            return
        del self.boxes[self.selected]
        self.selected = None
        self._next_suggestion()
        self.selection_changed.emit()
        self.boxes_changed.emit()
        self.update()

    def _next_suggestion(self) -> None:
        """After a decision, the next undecided suggestion is selected (if any)."""
        for index, box in enumerate(self.boxes):
            if box.kind is BoxKind.SUGGESTED:
                self._select(index)
                return

    def _select(self, index: int | None) -> None:
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit()
            self.update()

    # -- geometry ----------------------------------------------------------------------------

    def scale(self) -> float:
        """Screen pixels per photo pixel (the photo fits the widget, never enlarged > 4x)."""
        if self.image is None or self.image.isNull():
            return 1.0
        return min(self.width() / self.image.width(), self.height() / self.image.height(), 4.0)

    def photo_rect(self) -> QRectF:
        """Where the photo is drawn, in widget coordinates."""
        if self.image is None:
            return QRectF()
        factor = self.scale()
        width, height = self.image.width() * factor, self.image.height() * factor
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def to_photo(self, point: QPointF) -> QPointF:
        origin, factor = self.photo_rect().topLeft(), self.scale()
        return QPointF((point.x() - origin.x()) / factor, (point.y() - origin.y()) / factor)

    def to_widget(self, rect: QRect) -> QRectF:
        origin, factor = self.photo_rect().topLeft(), self.scale()
        return QRectF(
            origin.x() + rect.x() * factor,
            origin.y() + rect.y() * factor,
            rect.width() * factor,
            rect.height() * factor,
        )

    def _bounds(self) -> QRect:
        return QRect(0, 0, 0, 0) if self.image is None else self.image.rect()

    def _clamped(self, rect: QRect) -> QRect:
        """`rect` moved (not shrunk) to lie inside the photo."""
        bounds = self._bounds()
        rect = QRect(rect)
        rect.setWidth(min(rect.width(), bounds.width()))
        rect.setHeight(min(rect.height(), bounds.height()))
        rect.moveLeft(max(0, min(rect.left(), bounds.width() - rect.width())))
        rect.moveTop(max(0, min(rect.top(), bounds.height() - rect.height())))
        return rect

    def _corners(self, rect: QRect) -> list[QPointF]:
        shown = self.to_widget(rect)
        return [shown.topLeft(), shown.topRight(), shown.bottomRight(), shown.bottomLeft()]

    def _corner_at(self, point: QPointF) -> int | None:
        box = self.current()
        if box is None:
            return None
        for index, corner in enumerate(self._corners(box.rect)):
            if abs(corner.x() - point.x()) <= HANDLE and abs(corner.y() - point.y()) <= HANDLE:
                return index
        return None

    def _box_at(self, point: QPointF) -> int | None:
        """The box under a widget point: the selected one first, then the topmost."""
        order = list(range(len(self.boxes) - 1, -1, -1))
        if self.selected is not None:
            order.remove(self.selected)
            order.insert(0, self.selected)
        for index in order:
            if self.to_widget(self.boxes[index].rect).contains(point):
                return index
        return None

    # -- mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.image is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = event.position()
        self._anchor = self.to_photo(point)
        corner = self._corner_at(point)
        hit = self._box_at(point)
        if corner is not None and self.selected is not None:
            self._drag, self._corner = _Drag.RESIZE, corner
            self._start = QRect(self.boxes[self.selected].rect)
        elif hit is not None:
            self._select(hit)
            self._drag = _Drag.MOVE
            self._start = QRect(self.boxes[hit].rect)
        elif self.photo_rect().contains(point):
            anchor = self._anchor.toPoint()
            self.boxes.append(CanvasBox(QRect(anchor, QSize(0, 0)), BoxKind.DRAWN))
            self._select(len(self.boxes) - 1)
            self._drag = _Drag.DRAW
        else:
            self._select(None)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or self.selected is None:
            return
        point = self.to_photo(event.position())
        box = self.boxes[self.selected]
        if self._drag is _Drag.MOVE:
            offset = (point - self._anchor).toPoint()
            box.rect = self._clamped(self._start.translated(offset))
        elif self._drag is _Drag.DRAW:
            box.rect = self._spanned(self._anchor, point)
        else:
            fixed = self._corners_photo(self._start)[(self._corner + 2) % 4]
            box.rect = self._spanned(fixed, point)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or self.selected is None:
            return
        drag, self._drag = self._drag, None
        box = self.boxes[self.selected]
        if box.rect.width() < MIN_SIDE or box.rect.height() < MIN_SIDE:
            if drag is _Drag.DRAW:
                del self.boxes[self.selected]
                self._select(None)
            else:
                box.rect = self._start  # a resize to nothing is undone
        self.boxes_changed.emit()
        self.update()

    def _corners_photo(self, rect: QRect) -> list[QPointF]:
        right, bottom = rect.x() + rect.width(), rect.y() + rect.height()
        return [
            QPointF(rect.x(), rect.y()),
            QPointF(right, rect.y()),
            QPointF(right, bottom),
            QPointF(rect.x(), bottom),
        ]

    def _spanned(self, a: QPointF, b: QPointF) -> QRect:
        """The box between two photo points, limited to the photo."""
        bounds = self._bounds()

        def inside(value: float, most: int) -> int:
            return max(0, min(round(value), most))

        left, right = sorted((inside(a.x(), bounds.width()), inside(b.x(), bounds.width())))
        top, bottom = sorted((inside(a.y(), bounds.height()), inside(b.y(), bounds.height())))
        return QRect(left, top, right - left, bottom - top)

    # -- keys --------------------------------------------------------------------------------

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab goes through the boxes first; past the last (or first) one, on to the next
        widget, so the keyboard never gets stuck in the canvas."""
        if self.hasFocus() and self.boxes:
            if self.selected is None:
                target: int | None = 0 if next else len(self.boxes) - 1
            else:
                target = self.selected + (1 if next else -1)
            if target is not None and 0 <= target < len(self.boxes):
                self._select(target)
                return True
            self._select(None)
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        box = self.current()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and box is not None:
            self.delete_selected()
            return
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and box is not None and box.kind is BoxKind.SUGGESTED:
            self.accept_selected()
            return
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in steps and box is not None:
            step = max(1, round(KEY_STEP / self.scale()))
            dx, dy = (value * step for value in steps[key])
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                grown = box.rect.adjusted(0, 0, dx, dy)
                bounds = self._bounds()
                if grown.width() >= MIN_SIDE and grown.height() >= MIN_SIDE:
                    box.rect = grown.intersected(bounds)
            else:
                box.rect = self._clamped(box.rect.translated(dx, dy))
            self.boxes_changed.emit()
            self.update()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if self.image is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Loading the photo…"))
            return
        target = self.photo_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.preview if self.preview is not None else self.image)
        for index, box in enumerate(self.boxes):
            if self.preview is not None and index != self.selected:
                continue  # the preview shows the result; only the box being edited is outlined
            self._paint_box(painter, box, index == self.selected)

    def _paint_box(self, painter: QPainter, box: CanvasBox, selected: bool) -> None:
        shown = self.to_widget(box.rect)
        colour = QColor(255, 170, 0) if box.kind is BoxKind.SUGGESTED else QColor(230, 30, 30)
        pen = QPen(colour, 3 if selected else 2)
        if box.kind is BoxKind.SUGGESTED:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(shown)
        if box.kind is BoxKind.SUGGESTED:
            painter.drawText(shown.adjusted(4, 2, 0, 0), "?")
        if selected:
            painter.setBrush(colour)
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            side = 2 * HANDLE
            for corner in self._corners(box.rect):
                painter.drawRect(QRectF(corner.x() - HANDLE, corner.y() - HANDLE, side, side))
        if selected and self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(shown.adjusted(-3, -3, 3, 3))

    def widget_point(self, photo: QPoint) -> QPoint:
        """Where a photo pixel is on the widget (for tests and accessibility tools)."""
        origin, factor = self.photo_rect().topLeft(), self.scale()
        return QPointF(origin.x() + photo.x() * factor, origin.y() + photo.y() * factor).toPoint()


def _as_box(rect: QRect) -> Box:
    return Box(rect.x(), rect.y(), rect.width(), rect.height())
