"""Void a record: the reason is required and stays in the history; Enter voids."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from observer_app.errors import ObserverError
from observer_app.i18n import _


class VoidDialog(QDialog):
    voided = Signal()

    def __init__(
        self, title: str, call: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.call = call
        label = QLabel(_("&Why is this record void? The reason stays in its history."))
        label.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason"))
        label.setBuddy(self.reason)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox()
        void = buttons.addButton(_("Void"), QDialogButtonBox.ButtonRole.AcceptRole)
        void.setAccessibleName(_("Void"))
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.void)
        buttons.rejected.connect(self.reject)
        self.reason.returnPressed.connect(self.void)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def void(self) -> None:
        try:
            self.call(self.reason.text())
        except ObserverError as error:
            self.error.setText(str(error))
            return
        self.accept()
        self.voided.emit()
