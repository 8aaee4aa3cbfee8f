"""Every control a person can reach with Tab has a name a screen reader can say: its own
accessible name, the label whose buddy it is, or its visible text (a button's, a check box's).
Walked over the main window and every dialog its actions open, in the three UI languages."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QScrollBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.i18n import set_language

from .conftest import unlock


def _named_by_labels(root: QWidget) -> set[int]:
    return {
        id(label.buddy())
        for label in root.findChildren(QLabel)
        if label.buddy() is not None and label.text().strip()
    }


def _spoken_name(widget: QWidget, buddies: set[int]) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if id(widget) in buddies:
        return "(label)"
    if isinstance(widget, QAbstractButton | QLabel) and widget.text().replace("&", "").strip():
        return widget.text()  # a screen reader says a button's or a selectable label's text
    return ""


def unnamed_controls(root: QWidget) -> list[str]:
    """The focusable, visible controls of `root` a screen reader could not name."""
    buddies = _named_by_labels(root)
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not widget.isEnabled() and not isinstance(widget, QAbstractButton):
            continue
        if widget.focusProxy() is not None or isinstance(widget.parentWidget(), QComboBox):
            continue  # the proxy or the combo box carries the name
        if isinstance(widget, QScrollBar):
            continue  # part of the area it scrolls
        if not _spoken_name(widget, buddies):
            missing.append(f"{type(widget).__name__} {widget.objectName() or '?'}")
    return missing


def _dialogs(window: MainWindow) -> Iterator[tuple[str, Callable[[], object]]]:
    yield "incident", window.new_incident
    yield "note", window.new_note
    yield "arrival", lambda: window.visit("arrive")
    yield "checklist", window.open_checklist
    yield "protocol", window.open_protocol
    yield "import", window.open_import
    yield "gallery", window.open_gallery
    yield "search", window.open_search
    yield "settings", window.open_settings
    yield "report", window.open_report
    yield "verify", window.open_verify
    yield "handoff", window.open_handoff
    yield "enrollment", window.open_enrollment
    yield "wipe", window.open_wipe


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_control_has_a_name_a_screen_reader_can_say(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, lang: str
) -> None:
    set_language(lang)
    window = unlock(qtbot, flow, passphrase)
    failures = {"main window": unnamed_controls(window)}
    for name, open_dialog in _dialogs(window):
        dialog = open_dialog()
        assert isinstance(dialog, QDialog), name
        qtbot.waitExposed(dialog)
        failures[name] = unnamed_controls(dialog)
        dialog.done(QDialog.DialogCode.Rejected)
        QApplication.processEvents()
    assert {k: v for k, v in failures.items() if v} == {}
