"""Creating, opening and re-keying a vault folder.

A vault is a folder (0700) holding `vault.json` (key-derivation parameters only), `vault.db`
(SQLCipher) with its WAL, and `blobs/` (encrypted media). Create builds everything in a temp folder
beside the target and renames it, so a killed `init` leaves no half vault. Open never creates: a
failed open leaves the folder byte-for-byte as it was and adds no file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from observer_app.core.progress import Cancel, Progress, never_cancel, no_progress
from observer_app.errors import OperationCancelled, UserActionError, VaultOpenError, damaged_advice
from observer_app.i18n import _
from observer_app.vault import connection as db
from observer_app.vault import migrations
from observer_app.vault.blobs import sweep_unreferenced
from observer_app.vault.fs import FILE_MODE, fsync_dir, is_writable, make_private_dir
from observer_app.vault.header import (
    HeaderError,
    KdfParams,
    VaultHeader,
    check_matches,
    derive_keys,
    read_header,
    write_header,
)

DB_NAME = "vault.db"
BLOBS_DIR = "blobs"
SIDE_FILES = ("-wal", "-shm", "-journal")
PAGE_SIZE = 4096


@dataclass
class Vault:
    """An open vault: its folder, its one writer connection and the raw database key.

    The key is kept (in a `bytearray`, so that `forget_key` can zero it) for the worker
    connections a session opens (docs/threads.md): the passphrase is never derived again.
    """

    path: Path
    conn: db.Connection
    header: VaultHeader
    read_only: bool = False
    key: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    def forget_key(self) -> None:
        """Overwrite the held key with zeros (in place: the one copy this program controls)."""
        for index in range(len(self.key)):
            self.key[index] = 0
        self.key.clear()

    @property
    def blobs_dir(self) -> Path:
        return self.path / BLOBS_DIR

    def close(self) -> None:
        with contextlib.suppress(db.DatabaseError):
            self.conn.close()


def create_vault(
    target: Path,
    passphrase: str,
    kdf: KdfParams,
    populate: Callable[[db.Connection], None],
) -> None:
    """Build a new vault at `target`; `populate` writes its first rows inside the temp copy."""
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserActionError(_("{path} already exists and is not empty").format(path=target))
    if not target.parent.is_dir():
        raise UserActionError(_("folder {path} does not exist").format(path=target.parent))
    if not passphrase:
        raise UserActionError(_("the passphrase must not be empty"))
    temp = target.parent / f".{target.name}.creating-{secrets.token_hex(6)}"
    make_private_dir(temp)
    try:
        make_private_dir(temp / BLOBS_DIR)
        keys = derive_keys(passphrase, kdf)
        write_header(temp, VaultHeader(kdf=kdf, key_checks=(keys.key_check,)))
        db_path = temp / DB_NAME
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        conn = db.connect_keyed(db_path, keys.database_key)
        try:
            db.configure(conn)
            migrations.migrate(conn)
            populate(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        _fsync_tree(temp)
        if target.exists():
            target.rmdir()
        os.rename(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _fsync_tree(root: Path) -> None:
    for entry in root.rglob("*"):
        if entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        elif entry.is_dir():
            fsync_dir(entry)
    fsync_dir(root)


def open_vault(path: Path, passphrase: str) -> Vault:
    """Open an existing vault or raise VaultOpenError with the precise reason.

    A vault on a read-only medium opens read-only (see `connect_keyed`); one that is writable
    is first rid of blob files that killed writers left behind (`sweep_unreferenced`).
    """
    path = path.absolute()
    db_path = path / DB_NAME
    if not path.is_dir():
        raise VaultOpenError(_("there is no vault at {path}").format(path=path))
    try:
        header = read_header(path)
    except HeaderError as error:
        if error.reason == "newer":
            raise VaultOpenError(
                _("the vault at {path} was made by a newer version of Observer Logbook").format(
                    path=path
                )
            ) from None
        if error.reason == "missing" and not db_path.exists():
            raise VaultOpenError(
                _("{path} is not an Observer Logbook vault").format(path=path)
            ) from None
        raise _damaged(_("the vault at {path} is damaged (its header)").format(path=path)) from None
    if not db_path.is_file():
        raise _damaged(_("the vault at {path} is damaged (no database)").format(path=path))
    _check_size(db_path, path)
    read_only = not (is_writable(path) and is_writable(db_path))
    if read_only:
        _check_closed_cleanly(path)
    keys = derive_keys(passphrase, header.kdf)
    # An unknown key is either a wrong passphrase or a passphrase change interrupted after the
    # database was re-keyed: only the database can tell, so it is always asked.
    key_known = check_matches(header, keys)
    # Nothing can have been created on a read-only medium (and unlink would fail there).
    existing = None if read_only else {p.name for p in path.iterdir()}
    conn = db.connect_keyed(db_path, keys.database_key, read_only=read_only, same_thread=False)
    try:
        db.probe(conn)
        version = migrations.schema_version(conn)
        if version > migrations.latest_version():
            raise VaultOpenError(
                _("the vault at {path} was made by a newer version of Observer Logbook").format(
                    path=path
                )
            )
        db.configure(conn, read_only=read_only)
        if read_only and version < migrations.latest_version():
            raise UserActionError(
                _(
                    "the vault at {path} must be upgraded to this version of Observer Logbook, "
                    "but it is on a read-only medium: copy the vault folder somewhere writable "
                    "first"
                ).format(path=path)
            )
        if not read_only:
            migrations.migrate(conn)
            sweep_unreferenced(conn, path / BLOBS_DIR)
    except db.DatabaseError:
        conn.close()
        _remove_new_side_files(path, existing)
        if key_known and len(header.key_checks) == 1:
            raise _damaged(_("the vault at {path} is damaged").format(path=path)) from None
        raise VaultOpenError(_("wrong passphrase")) from None
    except BaseException:
        conn.close()
        _remove_new_side_files(path, existing)
        raise
    if not read_only and (not key_known or len(header.key_checks) > 1):
        write_header(path, VaultHeader(kdf=header.kdf, key_checks=(keys.key_check,)))
    return Vault(
        path=path,
        conn=conn,
        header=header,
        read_only=read_only,
        key=bytearray(keys.database_key),
    )


def check_database(vault: Vault) -> None:
    """Raise "damaged" if any page of the database fails its check: a query only notices the
    pages it reads, so damage in the last page may stay hidden until a write lands there."""
    if db.check_pages(vault.conn) is not None:
        raise _damaged(_("the vault at {path} is damaged").format(path=vault.path))


def _damaged(problem: str) -> VaultOpenError:
    return VaultOpenError(f"{problem}; {damaged_advice()}")


def _check_size(db_path: Path, vault_dir: Path) -> None:
    size = db_path.stat().st_size
    if size == 0 or size % PAGE_SIZE:
        raise _damaged(
            _("the vault at {path} is damaged (truncated database)").format(path=vault_dir)
        )


def _check_closed_cleanly(path: Path) -> None:
    """An `immutable` open ignores the WAL: with commits still in it, it would show an older
    logbook. Such a vault is read only where SQLite can use its WAL, i.e. after a copy."""
    wal = path / (DB_NAME + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        raise UserActionError(
            _(
                "the vault at {path} was not closed properly and is on a read-only medium: "
                "copy the vault folder somewhere writable and open the copy"
            ).format(path=path)
        )


def _remove_new_side_files(path: Path, existing: set[str] | None) -> None:
    """A failed open must leave no trace: drop WAL/SHM files that SQLite created just now."""
    if existing is None:
        return
    for suffix in SIDE_FILES:
        name = DB_NAME + suffix
        if name not in existing:
            with contextlib.suppress(FileNotFoundError):
                (path / name).unlink()


def change_passphrase(
    vault: Vault,
    new_passphrase: str,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> None:
    """Re-key the database; the salt stays. Crash-safe: the header lists both keys meanwhile.

    Progress in four steps: the key derived, the header prepared, every page re-encrypted
    (one `PRAGMA rekey`, which reports nothing while it runs), the header final. Cancel is
    honoured until the re-encryption starts; after that the change is seen through."""
    if not new_passphrase:
        raise UserActionError(_("the passphrase must not be empty"))
    new_keys = derive_keys(new_passphrase, vault.header.kdf)
    progress(1, 4)
    if cancel():
        raise OperationCancelled(_("the passphrase change was cancelled; nothing was changed"))
    pending = VaultHeader(
        kdf=vault.header.kdf, key_checks=(*vault.header.key_checks, new_keys.key_check)
    )
    write_header(vault.path, pending)
    progress(2, 4)
    db.rekey(vault.conn, new_keys.database_key)
    vault.forget_key()
    vault.key.extend(new_keys.database_key)
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    progress(3, 4)
    final = VaultHeader(kdf=vault.header.kdf, key_checks=(new_keys.key_check,))
    write_header(vault.path, final)
    vault.header = final
    progress(4, 4)
