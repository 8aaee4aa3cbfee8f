"""Search by words and filters through the dialog; Enter opens the record in the details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.search_dialog import SearchDialog
from observer_app.gui.session_flow import SessionFlow

from .conftest import type_text, unlock

CTRL = Qt.KeyboardModifier.ControlModifier


def _search(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> SearchDialog:
    window = unlock(qtbot, flow, passphrase)
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.waitUntil(window.timeline.hasFocus)
    qtbot.keyClick(window.timeline, Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(lambda: any(isinstance(f, SearchDialog) for f in window.open_forms))
    dialog = next(f for f in window.open_forms if isinstance(f, SearchDialog))
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.words
    return dialog


def test_words_find_the_record_and_enter_opens_it(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = _search(qtbot, flow, passphrase)
    type_text(dialog.words, "пачки")
    qtbot.keyClick(dialog.words, Qt.Key.Key_Return)
    assert dialog.results.count() == 1
    assert "пачк" in dialog.results.item(0).text().lower()
    window = flow.window
    assert window is not None
    with qtbot.waitSignal(dialog.opened):
        qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert window.details.current is not None and window.details.current.kind == "incident"
    assert "Две пачки" in window.details.toPlainText()


def test_filters_alone_and_with_words(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> None:
    dialog = _search(qtbot, flow, passphrase)
    dialog.category.setCurrentIndex(dialog.category.findData("campaigning"))
    dialog.run()
    assert dialog.results.count() == 1
    assert "Агитация" in dialog.results.item(0).text() or "voided" in dialog.results.item(0).text()
    # Words that match, but at another station: nothing.
    dialog.category.setCurrentIndex(0)
    dialog.station.setCurrentIndex(dialog.station.findData("102"))
    type_text(dialog.words, "пачки")
    dialog.run()
    assert dialog.results.count() == 0
    assert dialog.summary.text() == "Nothing found."
    dialog.station.setCurrentIndex(dialog.station.findData("101"))
    dialog.run()
    assert dialog.results.count() == 1
    dialog.since.setText("not a time")
    dialog.run()
    assert "ISO 8601" in dialog.summary.text()
