"""Without a vault: the chooser lists the vaults opened before and creates new ones."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.dialogs.create_vault_dialog import CreateVaultDialog
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.identity import whoami
from observer_app.logbook.known_vaults import list_known_vaults, remember_vault, unlock_language
from observer_app.logbook.setup import KdfProfile

from .conftest import type_text, unlock


def test_chooser_offers_known_vaults_and_unlock_speaks_their_language(
    qtbot: QtBot, catalogue: Catalogue, day_vault: Path, passphrase: str
) -> None:
    remember_vault(day_vault, "ru")
    flow = SessionFlow(catalogue, None, kdf=KdfProfile.TEST)
    flow.start()
    chooser = flow.chooser
    assert chooser is not None
    qtbot.waitExposed(chooser)
    assert chooser.vaults.count() == 1
    assert chooser.vaults.item(0).text() == str(day_vault)
    with qtbot.waitSignal(chooser.chosen):
        qtbot.keyClick(chooser.vaults, Qt.Key.Key_Return)
    dialog = flow.unlock_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Разблокировать журнал"
    window = unlock(qtbot, flow, passphrase)
    assert window.windowTitle().startswith("Журнал наблюдателя")
    window.close()


def test_create_a_vault_with_a_strength_estimate(
    qtbot: QtBot, catalogue: Catalogue, tmp_path: Path
) -> None:
    folder = tmp_path / "new-vault"
    dialog = CreateVaultDialog(kdf=KdfProfile.TEST)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.name
    type_text(dialog.name, "Данияр Ахметов")
    dialog.accreditation.setText("KZ-101")
    dialog.language.setCurrentIndex(dialog.language.findData("kk"))
    dialog.folder.setText(str(folder))
    type_text(dialog.passphrase, "йцукен")
    assert dialog.meter.value() == 0
    assert "йцукен" in dialog.hints.text()
    dialog.passphrase.clear()
    type_text(dialog.passphrase, "жасыл алма таудың басында")
    assert dialog.meter.value() >= 3
    dialog.repeat.setText("жасыл алма таудың басынд")
    dialog.create_vault()
    assert dialog.error.text() == "The two passphrases differ." and not folder.exists()
    dialog.repeat.setText("жасыл алма таудың басында")
    with qtbot.waitSignal(dialog.created, timeout=20_000) as created:
        dialog.create_vault()
    assert created.args == [folder]
    assert [known.path for known in list_known_vaults()] == [folder]
    assert unlock_language(folder) == "kk"
    flow = SessionFlow(catalogue, folder, kdf=KdfProfile.TEST)
    flow.start()
    window = unlock(qtbot, flow, "жасыл алма таудың басында")
    assert whoami(window.session).name == "Данияр Ахметов"
    assert window.windowTitle().startswith("Байқаушы журналы")
    window.close()
