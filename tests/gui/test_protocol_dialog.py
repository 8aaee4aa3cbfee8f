"""The results protocol: control relations evaluated live as digits are typed, a failed one red
with both sides, saved with Ctrl+Enter, a draft kept with Esc."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.gui.dialogs.protocol_dialog import RED, ProtocolDialog
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.drafts import list_drafts
from observer_app.logbook.protocol_records import protocol_view

from .conftest import type_text, unlock

CTRL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot: QtBot, flow: SessionFlow, passphrase: str) -> ProtocolDialog:
    window = unlock(qtbot, flow, passphrase)
    window.stations.select("101")
    dialog = window.open_protocol()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _type(dialog: ProtocolDialog, name: str, digits: str) -> None:
    type_text(dialog.fields[name], digits)


def test_relations_live_while_typing_and_saved(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = _open(qtbot, flow, passphrase)
    assert "P11[A]" in dialog.fields and "P11[B]" in dialog.fields
    assert "P12" not in dialog.fields  # no "against all" on this ballot
    balance = dialog.check_labels["ballot_balance"]
    assert "waiting for" in balance.text()
    for name, digits in (("P2", "1200"), ("P3", "800"), ("P4", "38"), ("P5", "340")):
        _type(dialog, name, digits)
    _type(dialog, "P6", "1")
    assert balance.text() == "✗ P2 = P3 + P4 + P5 + P6 fails: 1200 ≠ 1179"
    assert "b00020" in balance.styleSheet()
    assert dialog.fields["P2"].styleSheet() == RED
    _type(dialog, "P6", "0")  # 10 -> 1190, still wrong
    assert "1200 ≠ 1188" in balance.text()
    dialog.fields["P6"].setText("")
    _type(dialog, "P6", "22")
    assert balance.text() == "✓ P2 = P3 + P4 + P5 + P6 (1200 = 1200)"
    assert dialog.fields["P2"].styleSheet() == ""
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.fields["P6"], Qt.Key.Key_Return, CTRL)
    view = protocol_view(dialog.commands.session, dialog.catalogue, "101")
    assert view.figures == {"P2": 1200, "P3": 800, "P4": 38, "P5": 340, "P6": 22}
    check = next(c for c in view.evaluation.checks if c.rule.id == "ballot_balance")
    assert check.ok is True


def test_esc_keeps_the_typed_figures_as_a_draft(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    dialog = _open(qtbot, flow, passphrase)
    _type(dialog, "P1", "1450")
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.fields["P1"], Qt.Key.Key_Escape)
    window = flow.window
    assert window is not None
    drafts = list_drafts(window.session, "protocol")
    assert [d.station for d in drafts] == ["101"]
    again = window.open_protocol()
    assert again is not None and again.fields["P1"].text() == "1450"
    assert protocol_view(window.session, window.catalogue, "101").figures == {}
