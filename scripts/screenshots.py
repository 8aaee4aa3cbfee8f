"""Capture every screen of the window in English, Russian and Kazakh into docs/screenshots/.

Run by scripts/screenshots.sh under Xvfb (1366x768): a demo vault is made in a temporary folder
(with the test key derivation: it is thrown away), the list of known vaults goes to a temporary
config folder, and each screen is grabbed from the screen as a person would see it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from observer_app.core.catalogue import load_catalogue
from observer_app.gui.application import ObserverApplication
from observer_app.gui.dialogs.create_vault_dialog import CreateVaultDialog
from observer_app.gui.dialogs.vault_chooser import VaultChooser
from observer_app.gui.main_window import MainWindow
from observer_app.gui.session_flow import SessionFlow
from observer_app.i18n import set_language
from observer_app.logbook.demo_data import create_demo_vault
from observer_app.logbook.setup import KdfProfile

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(ms: int = 300) -> None:
    """Let Qt lay out and paint (a script may wait; tests wait on signals instead)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(name: str, lang: str) -> None:
    settle()
    screen = QApplication.primaryScreen()
    path = OUT / f"{lang}-{name}.png"
    screen.grabWindow(0).save(str(path))
    print(path.relative_to(OUT.parents[1]))


def dialog_shot(name: str, lang: str, make: Callable[[], QDialog]) -> None:
    dialog = make()
    dialog.show()
    grab(name, lang)
    dialog.done(QDialog.DialogCode.Rejected)
    dialog.deleteLater()


def select_incident(window: MainWindow) -> None:
    model = window.timeline.timeline
    for row in range(model.rowCount()):
        if model.entry(row).event_type == "incident.amended":
            window.timeline.selectRow(row)
            return


def shots(app: ObserverApplication, vault: Path, passphrase: str, lang: str) -> None:
    set_language(lang)
    app.translate_qt()
    dialog_shot("chooser", lang, VaultChooser)
    dialog_shot("create-vault", lang, lambda: _create_dialog())
    flow = SessionFlow(load_catalogue(), vault, ui_language=lang, kdf=KdfProfile.TEST)
    flow.start()
    unlock = flow.unlock_dialog
    assert unlock is not None
    unlock.passphrase.setText("wrong")
    unlock.try_unlock()
    grab("unlock", lang)
    unlock.passphrase.setText(passphrase)
    unlock.try_unlock()
    window = flow.window
    assert window is not None
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
    select_incident(window)
    grab("main-window", lang)
    window.stations.select("102")
    grab("main-window-station", lang)
    form = window.new_incident()
    form.category.filter.setText("")
    grab("incident", lang)
    form.done(QDialog.DialogCode.Rejected)
    select_incident(window)
    amend = window.amend_selected()
    grab("incident-amend", lang)
    assert amend is not None
    amend.done(QDialog.DialogCode.Rejected)
    note = window.new_note()
    grab("note", lang)
    note.done(QDialog.DialogCode.Rejected)
    visit = window.visit("arrive")
    grab("arrival", lang)
    visit.done(QDialog.DialogCode.Rejected)
    select_incident(window)
    void = window.void_selected()
    grab("void", lang)
    assert void is not None
    void.done(QDialog.DialogCode.Rejected)
    window.stations.select("101")
    checklist = window.open_checklist()
    assert checklist is not None
    checklist.phase.setCurrentIndex(1)
    grab("checklist", lang)
    checklist.done(QDialog.DialogCode.Rejected)
    window.stations.select("102")
    protocol = window.open_protocol()
    assert protocol is not None
    grab("protocol", lang)
    protocol.done(QDialog.DialogCode.Rejected)
    search = window.open_search()
    search.words.setText("бюллетень")
    search.run()
    grab("search", lang)
    search.done(QDialog.DialogCode.Rejected)
    settings = window.open_settings()
    grab("settings", lang)
    settings.done(QDialog.DialogCode.Rejected)
    evidence_shots(window, lang, vault.parent / f"card-{lang}")
    leaving_shots(window, lang, vault.parent / f"stick-{lang}")
    window.close()
    settle(100)


def wait_for(signal: Any, timeout_ms: int = 60000) -> list[Any]:
    """Run the event loop until `signal` fires (a worker's result), or the timeout."""
    loop = QEventLoop()
    got: list[Any] = []

    def done(*args: Any) -> None:
        got.extend(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(done)
    return got


def wait_until(done: Callable[[], bool], timeout_ms: int = 60000) -> None:
    """Run the event loop until `done()` holds (a worker's result shown), or the timeout."""
    for _step in range(timeout_ms // 50):
        if done():
            return
        settle(50)


def evidence_shots(window: MainWindow, lang: str, card: Path) -> None:
    """Issue 15's screens: import, gallery, viewer, redaction, consent."""
    photos = Path(__file__).resolve().parents[1] / "tests" / "data" / "media"
    dcim = card / "DCIM" / "100CAMERA"
    dcim.mkdir(parents=True, exist_ok=True)
    for name in ("gps_DSCN0010.jpg", "astronaut.jpg", "Canon_40D.jpg", "corrupted.jpg"):
        (dcim / name).write_bytes((photos / name).read_bytes())
    window.stations.select("101")
    importing = window.open_import([card / "DCIM"])
    grab("import", lang)
    importing.start()
    wait_for(importing.run.imported)
    grab("import-summary", lang)
    importing.done(QDialog.DialogCode.Rejected)
    gallery = window.open_gallery()
    wait_until(lambda: gallery.model.rowCount() > 0 and not gallery.model.loading)
    grab("gallery", lang)
    rows = range(gallery.model.rowCount())
    row = next(r for r in rows if gallery.model.item(r).original_name == "astronaut.jpg")
    photo = gallery.model.item(row).id
    viewer = gallery.open_viewer(gallery.model.index(row, 0))
    assert viewer is not None
    wait_until(lambda: getattr(getattr(viewer, "photo", None), "has_image", False))
    grab("viewer", lang)
    viewer.done(QDialog.DialogCode.Rejected)
    gallery.done(QDialog.DialogCode.Rejected)
    redaction = window.open_redaction(photo)
    wait_for(redaction.loaded)
    redaction.suggest_button.click()
    wait_for(redaction.suggested)
    grab("redaction", lang)
    redaction.done(QDialog.DialogCode.Rejected)
    consent = window.open_consent(photo)
    if consent is not None:
        grab("consent", lang)
        consent.done(QDialog.DialogCode.Rejected)


def leaving_shots(window: MainWindow, lang: str, stick: Path) -> None:
    """Issue 16's screens: report, verification, handoff, enrollment, emergency wipe."""
    stick.mkdir(exist_ok=True)
    report = window.open_report()
    report.folder.setText(str(stick))
    report.audiences.buttons()[0].click()  # public: the withheld list shows
    wait_for(report.previewed)
    grab("report", lang)
    report.generate_button.click()
    made = wait_for(report.made)
    grab("report-made", lang)
    report.done(QDialog.DialogCode.Rejected)
    verify = window.open_verify()
    if made:
        verify.check_file(made[0][0].path)
        wait_for(verify.checked)
    grab("verify", lang)
    verify.done(QDialog.DialogCode.Rejected)
    handoff = window.open_handoff()
    handoff.drive.setEditText(str(stick))
    grab("handoff", lang)
    handoff.done(QDialog.DialogCode.Rejected)
    enroll = window.open_enrollment()
    enroll.folder.setText(str(stick))
    enroll.write_request()
    grab("enrollment", lang)
    enroll.done(QDialog.DialogCode.Rejected)
    wipe = window.open_wipe()
    wipe.typed.setText(wipe.word)
    grab("wipe", lang)
    wipe.done(QDialog.DialogCode.Rejected)


def _create_dialog() -> CreateVaultDialog:
    dialog = CreateVaultDialog(kdf=KdfProfile.TEST)
    dialog.name.setText("Айгерим Сапарова")
    dialog.passphrase.setText("пароль123")
    dialog.repeat.setText("пароль123")
    return dialog


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CONFIG_HOME"] = str(Path(scratch) / "config")
        os.environ["XDG_DATA_HOME"] = str(Path(scratch) / "data")
        demo = create_demo_vault(Path(scratch) / "observer-demo", KdfProfile.TEST)
        app = ObserverApplication(sys.argv[:1])
        for lang in sys.argv[1:] or ["en", "ru", "kk"]:
            shots(app, demo.path, demo.passphrase, lang)
        for widget in QApplication.topLevelWidgets():
            widget.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
