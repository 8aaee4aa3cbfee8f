"""Emergency wipe: destroy a vault's key material and data, without its passphrase.

Order matters. The header's Argon2id salt is what turns the passphrase into the database key,
so it goes first: once it is overwritten and gone, no copy of the passphrase opens anything,
even if the rest were interrupted (a pulled power cord, a seized laptop). Then the database
(which holds every blob key, private key and record) and its side files are overwritten with
random bytes and removed, then the encrypted blobs (unreadable once their keys are gone; removed,
not overwritten, because overwriting gigabytes of video would take minutes when seconds count),
then every other file and folder of the vault. Flash storage may keep old copies of overwritten
blocks; that is why destroying the salt and keys, not the overwrite, is what protects the data.

Only a folder that is a vault (its header names the vault format) is wiped: a mistyped --vault
must never empty someone's home folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from observer_app.errors import UserActionError, system_reason
from observer_app.i18n import _
from observer_app.vault.fs import fsync_dir
from observer_app.vault.header import HEADER_FORMAT, HEADER_NAME
from observer_app.vault.store import BLOBS_DIR, DB_NAME

_CHUNK = 1024 * 1024
_MAX_HEADER_BYTES = 1024 * 1024
_DATABASE_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal")


@dataclass(frozen=True)
class WipeResult:
    path: Path
    files_removed: int


def is_vault_folder(path: Path) -> bool:
    """Whether `path` holds a vault header (read as data: a hostile file is just "no"), or
    is one whose wipe was interrupted after the header went (its database and blobs remain)."""
    if (path / DB_NAME).is_file() and (path / BLOBS_DIR).is_dir():
        return True
    header = path / HEADER_NAME
    try:
        if not header.is_file() or header.stat().st_size > _MAX_HEADER_BYTES:
            return False
        document = json.loads(header.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("format") == HEADER_FORMAT


def _overwrite(file: Path) -> None:
    """Random bytes over the whole file, flushed to the disk, before it is unlinked."""
    size = file.stat().st_size
    with open(file, "r+b", buffering=0) as out:
        written = 0
        while written < size:
            written += out.write(os.urandom(min(_CHUNK, size - written)))
        os.fsync(out.fileno())


def _destroy(file: Path) -> None:
    if file.is_symlink() or not file.exists():
        if file.is_symlink():
            file.unlink()
        return
    _overwrite(file)
    file.unlink()


def wipe_vault(path: Path) -> WipeResult:
    """Destroy the vault in `path` (see the module's note for the order); the folder is gone
    afterwards. Raises UserActionError when `path` is not a vault or a file cannot be removed."""
    if not is_vault_folder(path):
        raise UserActionError(
            _("{path} is not a vault folder; nothing was wiped.").format(path=path)
        )
    removed = 0
    try:
        _destroy(path / HEADER_NAME)
        fsync_dir(path)
        removed += 1
        for name in _DATABASE_FILES:
            if (path / name).exists():
                _destroy(path / name)
                removed += 1
        fsync_dir(path)
        blobs = path / BLOBS_DIR
        if blobs.is_dir() and not blobs.is_symlink():
            removed += sum(1 for entry in blobs.rglob("*") if entry.is_file())
            shutil.rmtree(blobs)
        for entry in sorted(path.rglob("*"), reverse=True):  # whatever else lies in the folder
            if entry.is_file() or entry.is_symlink():
                entry.unlink()
                removed += 1
            elif entry.is_dir():
                entry.rmdir()
        path.rmdir()
        fsync_dir(path.parent)
    except OSError as error:
        raise UserActionError(
            _("the wipe of {path} did not finish: {reason}").format(
                path=path, reason=system_reason(error)
            )
        ) from None
    return WipeResult(path, removed)
