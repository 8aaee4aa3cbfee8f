"""A full stick and a read-only stick in the handoff window: a clear message, the vault
unchanged (every record still waits), nothing left on the bad stick, and the next try to a
good folder writes the bundle.

The sticks are real file systems where this process may mount them (a 1 MiB tmpfs; a tmpfs
remounted read-only), so the OS itself refuses. Where it may not (CI without the right to
mount), the same OS calls are replaced through the dialog's `StickAccess`: a disk probe that
reports 1 MiB free, an opener that fails with EROFS as the kernel does.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.main_window import MainWindow
from observer_app.logbook import stations
from observer_app.logbook.drives import REAL_STICK, StickAccess
from observer_app.logbook.session import LogbookSession

from .conftest import populate_day
from .test_handoff_dialog import enroll, observer_status

SMALL_STICK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Stick:
    folder: Path
    access: StickAccess
    mounted: bool


def _mount(folder: Path, options: str) -> bool:
    """Mount a tmpfs on `folder` when this process may (root with the right to mount)."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True, check=True)


@dataclass(frozen=True)
class _Usage:
    free: int


def _small_at(stick: Path) -> Callable[[Path], _Usage]:
    """The OS's free space, but 1 MiB on `stick` (the other folders keep theirs)."""

    def disk_usage(path: Path) -> _Usage:
        if path.resolve() == stick.resolve():
            return _Usage(SMALL_STICK_BYTES)
        return _Usage(shutil.disk_usage(path).free)

    return disk_usage


def _read_only_at(stick: Path) -> Callable[[Path], BinaryIO]:
    """The real opener, but EROFS for a file on `stick`, as a read-only mount answers."""

    def opener(path: Path) -> BinaryIO:
        if path.parent.resolve() == stick.resolve():
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return REAL_STICK.opener(path)

    return opener


@pytest.fixture
def full_stick(tmp_path: Path) -> Iterator[Stick]:
    folder = tmp_path / "full-stick"
    folder.mkdir()
    if _mount(folder, f"size={SMALL_STICK_BYTES},mode=0700"):
        yield Stick(folder, REAL_STICK, mounted=True)
        _unmount(folder)
    else:
        yield Stick(folder, StickAccess(disk_usage=_small_at(folder)), mounted=False)


@pytest.fixture
def read_only_stick(tmp_path: Path) -> Iterator[Stick]:
    folder = tmp_path / "locked-stick"
    folder.mkdir()
    if _mount(folder, "size=64m,mode=0700"):
        if _mount(folder, "remount,ro"):
            yield Stick(folder, REAL_STICK, mounted=True)
            _unmount(folder)
            return
        _unmount(folder)
    yield Stick(folder, StickAccess(opener=_read_only_at(folder)), mounted=False)


@pytest.fixture
def window(
    qtbot: QtBot,
    session: LogbookSession,
    make_session: Callable[..., LogbookSession],
    catalogue: Catalogue,
    tmp_path: Path,
) -> MainWindow:
    """An enrolled observer's window with the polling day waiting for handoff."""
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    populate_day(session, catalogue)
    stations.add_station(coordinator, catalogue, "101", "Школа № 5", region="almaty_city")
    enroll(coordinator, session, tmp_path / "setup")
    opened = MainWindow(session, catalogue)
    qtbot.addWidget(opened)
    return opened


def _fails_then_retry_works(
    qtbot: QtBot, window: MainWindow, stick: Stick, good: Path, said: str
) -> None:
    session = window.session
    waiting = observer_status(session).events_waiting
    head = observer_status(session).head_seq
    assert waiting > 0
    dialog = window.open_handoff(stick.access)
    dialog.drive.setEditText(str(stick.folder))
    with qtbot.waitSignal(dialog.failed, timeout=30000) as failed:
        dialog.export_button.click()
    assert said in failed.args[0] and "Nothing was lost" in failed.args[0]
    assert said in dialog.outcome.text()
    assert window.status_line.handoff_failure.isVisibleTo(window)
    # The vault is unchanged: the same records wait, none was added; the stick holds nothing.
    assert observer_status(session).events_waiting == waiting
    assert observer_status(session).head_seq == head
    assert list(stick.folder.iterdir()) == []
    assert all(button.isEnabled() for button in dialog.steps)

    good.mkdir()
    dialog.drive.setEditText(str(good))
    with qtbot.waitSignal(dialog.done_step, timeout=30000) as written:
        dialog.export_button.click()
    assert "written and read back; safe to remove the stick" in written.args[0]
    assert not window.status_line.handoff_failure.isVisibleTo(window)
    assert sorted(p.suffix for p in good.iterdir()) == [".age"]
    window.close()


def test_a_full_stick_is_refused_before_writing_and_another_one_works(
    qtbot: QtBot, window: MainWindow, full_stick: Stick, tmp_path: Path
) -> None:
    dialog_free = full_stick.access.disk_usage(full_stick.folder).free
    assert dialog_free <= SMALL_STICK_BYTES
    _fails_then_retry_works(
        qtbot, window, full_stick, tmp_path / "good-stick", "Not enough free space on"
    )


def test_a_read_only_stick_says_so_and_another_one_works(
    qtbot: QtBot, window: MainWindow, read_only_stick: Stick, tmp_path: Path
) -> None:
    if read_only_stick.mounted:
        with pytest.raises(OSError) as refused:
            (read_only_stick.folder / "probe").write_bytes(b"x")
        assert refused.value.errno == errno.EROFS  # the OS itself refuses, even to root
    _fails_then_retry_works(qtbot, window, read_only_stick, tmp_path / "good-stick", "is read-only")
