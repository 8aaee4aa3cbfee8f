"""Draws a gallery cell: the thumbnail and caption as Qt draws them, then the consent badge.

The badge sits on the picture's top edge so that a glance over the grid shows which items may
be published; its sign (✓ ✕ ? ◐) repeats the colour for readers who cannot tell colours apart,
and its word is the consent state, shortened to fit.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from observer_app.gui.models.gallery_model import BADGE_ROLE, Badge

COLOURS: Final = {
    "public": QColor("#2e7d32"),
    "anonymised": QColor("#1565c0"),
    "caution": QColor("#9a6100"),
    "forbidden": QColor("#c62828"),
}


class GalleryDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        badge = index.data(BADGE_ROLE)
        if not isinstance(badge, Badge):
            return
        cell: QRect = option.rect
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        metrics = QFontMetrics(font)
        height = metrics.height() + 4
        width = cell.width() - 12
        text = metrics.elidedText(f"{badge.sign} {badge.text}", Qt.TextElideMode.ElideRight, width)
        box = QRect(cell.left() + 6, cell.top() + 6, metrics.horizontalAdvance(text) + 10, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(COLOURS.get(badge.level, COLOURS["caution"]))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QColor("white"))
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
