"""The consent editor (issue 15) through its real widgets and a real vault: what each state
allows changes in words with the state; a change typed in is recorded with its reason and who
gave consent and how, and shows in the history; an anonymised copy's state cannot be changed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.core.consent import ConsentState
from observer_app.gui.dialogs.consent_dialog import ConsentDialog
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook import media
from observer_app.logbook.media_history import media_history

from .conftest import type_text, unlock
from .test_redaction_dialog import CTRL_SHIFT, imported_photo, select_in_timeline


def open_editor(qtbot: QtBot, window: MainWindow, media_id: str) -> ConsentDialog:
    select_in_timeline(qtbot, window, media_id)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL_SHIFT)
    qtbot.waitUntil(lambda: any(isinstance(f, ConsentDialog) for f in window.open_forms))
    dialog = next(f for f in window.open_forms if isinstance(f, ConsentDialog))
    qtbot.waitExposed(dialog)
    return dialog


def choose(qtbot: QtBot, dialog: ConsentDialog, state: ConsentState) -> None:
    """Walk the state list by keys until `state` is chosen."""
    box = dialog.state_box
    box.setFocus()
    target = box.findData(state.value)
    assert target >= 0
    key = Qt.Key.Key_Down if target > box.currentIndex() else Qt.Key.Key_Up
    while box.currentIndex() != target:
        qtbot.keyClick(box, key)


def test_a_consent_change_is_recorded_with_reason_and_who_and_shows_in_the_history(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    media_id = imported_photo(window, tmp_path)
    dialog = open_editor(qtbot, window, media_id)
    assert dialog.state() is ConsentState.NOT_ASKED
    assert dialog.state_box.findData(ConsentState.ANONYMISED.value) == -1  # not by hand
    text = dialog.allows.text()
    assert "Internal report: allowed" in text and "Official complaint: allowed" in text
    assert "Publication: not allowed. People in this item can be identified" in text

    choose(qtbot, dialog, ConsentState.WRITTEN)
    assert "Publication: allowed" in dialog.allows.text()
    choose(qtbot, dialog, ConsentState.MINOR)
    assert "Publication: not allowed. A minor is shown" in dialog.allows.text()
    choose(qtbot, dialog, ConsentState.WRITTEN)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "a reason is required"  # nothing recorded, nothing lost
    assert media.require_media(window.session, media_id).consent == "not_asked"

    type_text(dialog.reason, "Согласие получено на участке")
    dialog.note.clear()
    type_text(dialog.note, "Председатель УИК, письменно, бланк № 12")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == ["written"]
    item = media.require_media(window.session, media_id)
    assert item.consent == "written"
    assert item.consent_note == "Председатель УИК, письменно, бланк № 12"
    events = [e.event for e in media_history(window.session.conn, media_id)]
    change = events[-1]
    assert change.type == "media.consent"
    assert change.body["reason"] == "Согласие получено на участке"

    again = open_editor(qtbot, window, media_id)
    assert again.state() is ConsentState.WRITTEN
    shown = [again.history.item(row).text() for row in range(again.history.count())]
    assert len(shown) == 2
    assert "Согласие получено на участке" in shown[-1]
    assert "Председатель УИК, письменно, бланк № 12" in shown[-1]


def test_an_anonymised_copy_shows_its_state_read_only(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    original = imported_photo(window, tmp_path)
    copy = media.make_redacted_copy(window.session, original, [media.Box(0, 0, 50, 50)], "fill")
    dialog = window.open_consent(copy)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert not dialog.state_box.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.state() is ConsentState.ANONYMISED
    assert "Publication: allowed" in dialog.allows.text()
