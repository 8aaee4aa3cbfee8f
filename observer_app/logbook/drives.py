"""The removable drives this computer sees, best effort per platform, and their free space.

Only a suggestion for the handoff window: any folder can be chosen instead (a stick mounted
elsewhere, a network share, a temp folder in tests). Linux mounts sticks under /media/$USER or
/run/media/$USER, macOS under /Volumes, Windows gives them drive letters.
"""

from __future__ import annotations

import getpass
import os
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from observer_app.errors import UserActionError, system_reason
from observer_app.handoff.parts.transport import DiskUsageProbe
from observer_app.handoff.parts.writer import Opener, open_new_file
from observer_app.i18n import _


@dataclass(frozen=True)
class StickAccess:
    """The two OS calls the handoff makes on the stick: how much room it has, and creating a
    part file. The defaults are the real calls; a test where the OS cannot play a full or a
    read-only stick (no right to mount a small or read-only file system) passes its own, which
    then fail the way the OS does (a small `free`, an `OSError(EROFS)` from the opener)."""

    disk_usage: DiskUsageProbe = shutil.disk_usage
    opener: Opener = open_new_file


REAL_STICK = StickAccess()
"""The OS itself: what the window and the CLI use."""


@dataclass(frozen=True)
class Drive:
    path: Path
    free_bytes: int


def _candidates() -> list[Path]:
    if sys.platform == "win32":
        return [Path(f"{letter}:\\") for letter in string.ascii_uppercase[3:]]
    if sys.platform == "darwin":
        volumes = Path("/Volumes")
        return (
            sorted(p for p in volumes.iterdir() if p.name != "Macintosh HD")
            if volumes.is_dir()
            else []
        )
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("USER", "")
    found: list[Path] = []
    for base in (Path("/media") / user, Path("/run/media") / user):
        if base.is_dir():
            found.extend(sorted(p for p in base.iterdir() if p.is_dir()))
    return found


def removable_drives() -> list[Drive]:
    """The mounted sticks found, with their free space; unreadable ones are left out."""
    drives: list[Drive] = []
    try:
        candidates = _candidates()
    except OSError:
        return []
    for path in candidates:
        try:
            drives.append(Drive(path, shutil.disk_usage(path).free))
        except OSError:
            continue
    return drives


def free_space(folder: Path, disk_usage: DiskUsageProbe = shutil.disk_usage) -> int:
    """Free bytes in `folder`; a folder that is gone (the stick pulled) is a clear error."""
    if not folder.is_dir():
        raise UserActionError(
            _("{folder} is not there: is the stick plugged in?").format(folder=folder)
        )
    try:
        return disk_usage(folder).free
    except OSError as error:
        raise UserActionError(
            _("cannot read {folder}: {reason}").format(folder=folder, reason=system_reason(error))
        ) from None
