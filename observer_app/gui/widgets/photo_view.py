"""A photo on screen with zoom, pan and rotation for display only.

The item itself never changes: rotating turns the view (a reader's convenience for a picture the
camera stored sideways), not the evidence. The picture arrives already upright from its EXIF
orientation. Keys: + and - zoom, 0 fits, R and Shift+R turn; dragging (or the arrow keys) pans
a zoomed picture, and so does the mouse wheel; Ctrl+wheel zooms.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeyEvent, QPainter, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from observer_app.i18n import _

STEP: Final = 1.25
MIN_ZOOM: Final = 0.02
MAX_ZOOM: Final = 16.0


class PhotoView(QGraphicsView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Photo"))
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.zoom = 1.0
        self.rotation = 0  # degrees clockwise, display only
        self._fitted = True

    def set_image(self, image: QImage) -> None:
        self._item.setPixmap(QPixmap.fromImage(image))
        self.scene().setSceneRect(self._item.boundingRect())
        self.fit()

    def clear(self) -> None:
        """Drop the decoded picture (the viewer closes, the vault locks)."""
        self._item.setPixmap(QPixmap())

    @property
    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    # -- view changes ------------------------------------------------------------------------

    def _apply(self) -> None:
        self.resetTransform()
        self.rotate(self.rotation)
        self.scale(self.zoom, self.zoom)

    def fit(self) -> None:
        """The whole picture in the window (the zoom this needs, never above 100 %)."""
        self._fitted = True
        if not self.has_image:
            return
        rect = self._item.boundingRect()
        width, height = (
            (rect.height(), rect.width())
            if self.rotation % 180
            else (
                rect.width(),
                rect.height(),
            )
        )
        room = self.viewport().size()
        self.zoom = max(
            MIN_ZOOM,
            min(1.0, (room.width() - 4) / max(1.0, width), (room.height() - 4) / max(1.0, height)),
        )
        self._apply()

    def zoom_by(self, factor: float) -> None:
        self._fitted = False
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom * factor))
        self._apply()

    def zoom_in(self) -> None:
        self.zoom_by(STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / STEP)

    def actual_size(self) -> None:
        self._fitted = False
        self.zoom = 1.0
        self._apply()

    def rotate_by(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        if self._fitted:
            self.fit()
        else:
            self._apply()

    def rotate_right(self) -> None:
        self.rotate_by(90)

    def rotate_left(self) -> None:
        self.rotate_by(-90)

    # -- input -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, shift = event.key(), event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_1:
            self.actual_size()
        elif key == Qt.Key.Key_R:
            self.rotate_by(-90 if shift else 90)
        else:
            super().keyPressEvent(event)  # arrows scroll a zoomed picture
            return
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(STEP if event.angleDelta().y() > 0 else 1 / STEP)
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()
