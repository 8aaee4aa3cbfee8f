"""After a scripted session (unlock, an incident and a note typed, a draft, lock, unlock, quit),
nothing readable is left outside the vault: no file in HOME, the config or cache folders or the
system temp folder holds the typed text, and the only file kept outside is the list of vault
folders."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook.known_vaults import known_vaults_file
from observer_app.logbook.setup import KdfProfile

from .conftest import type_text, unlock

MARKER = "Секретная-метка-7f3a"
MAX_SCANNED = 64 * 1024 * 1024


def _files_since(folder: Path, since: float) -> list[Path]:
    found = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            if stat.st_mtime >= since and stat.st_size <= MAX_SCANNED and path.is_file():
                found.append(path)
    return found


def test_a_session_leaves_no_text_outside_the_vault(
    qtbot: QtBot,
    catalogue: Catalogue,
    day_vault: Path,
    passphrase: str,
    tmp_path: Path,
    config_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    cache = tmp_path / "cache"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    started = time.time() - 1
    flow = SessionFlow(catalogue, day_vault, kdf=KdfProfile.TEST)
    flow.start()
    window = unlock(qtbot, flow, passphrase)
    form = window.new_incident()
    qtbot.keyClicks(form.category.filter, "stuff")
    qtbot.keyClick(form.category.filter, Qt.Key.Key_Return)
    type_text(form.text, MARKER + " в урне")
    with qtbot.waitSignal(form.saved):
        form.save_record()
    note = window.new_note()
    type_text(note.text, MARKER + " в черновике")
    flow.lock()  # the note becomes a draft
    window = unlock(qtbot, flow, passphrase)
    window.close()
    assert flow.access is not None and flow.access.locked

    outside = _files_since(home, started) + _files_since(cache, started)
    outside += _files_since(config_home, started)
    assert outside == [known_vaults_file()]
    marker = MARKER.encode("utf-8")
    temp = Path(tempfile.gettempdir())
    for path in [*outside, *_files_since(temp, started), *_files_since(day_vault, started)]:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        assert marker not in data, path
