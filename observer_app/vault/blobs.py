"""The encrypted blob store: media content as chunked AES-256-GCM files with random names.

Each blob has its own random key, kept in the `blobs` table inside the encrypted database, so
deleting the row (with secure_delete on) crypto-shreds the content even where the file system
keeps old sectors. A blob and its folder are fsynced before any event referencing it commits.

Nothing is left behind by a killed writer: each file being written, or written but not yet
recorded, is held open with an exclusive `flock` by its writer until the caller `settle`s it
(recorded) or `discard`s it. The kernel drops the lock when the writer dies, so a later open can
`sweep_unreferenced` files nobody holds and no row names, and never touches a file another live
process (or this one) is still staging. Where there is no `flock` (Windows), the open handle
itself protects the file: Windows refuses to delete a file that is open.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from observer_app.crypto.blob_cipher import encrypt_stream, new_blob_key
from observer_app.crypto.blob_reader import BlobReader
from observer_app.vault.connection import Connection
from observer_app.vault.fs import FILE_MODE, fsync_dir, make_private_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

HEAD_SIZE = 64 * 1024
#: What the store itself names files: a finished blob, or one being written.
_BLOB_FILE = re.compile(r"[0-9a-f]{32}(\.tmp)?")


class _HeldFiles:
    """The lock handles of this process's unrecorded blob files, by path (thread-safe: the
    bundle importer stages media in a worker thread)."""

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}
        self._guard = threading.Lock()

    def hold(self, path: Path, fd: int) -> None:
        with self._guard:
            self._fds[str(path)] = fd

    def release(self, path: Path) -> None:
        with self._guard:
            fd = self._fds.pop(str(path), None)
        if fd is not None:
            os.close(fd)


_HELD = _HeldFiles()


def _try_lock(fd: int, *, wait: bool) -> bool:
    if fcntl is None:  # pragma: no cover - Windows: an open file cannot be deleted there
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _create_locked(path: Path) -> int:
    """Create `path` and lock it, refusing the (rare) file a sweep removed in between."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _try_lock(fd, wait=True)
        if os.fstat(fd).st_nlink == 0:  # swept before we held it: a sweep locks, then unlinks
            raise FileNotFoundError(path)
    except BaseException:
        os.close(fd)
        raise
    return fd


@dataclass(frozen=True)
class StoredBlob:
    """A blob written to disk but not yet recorded in the database."""

    file: str
    key: bytes
    size: int
    sha256: str
    head: bytes


@dataclass(frozen=True)
class BlobRecord:
    sha256: str
    file: str
    key: bytes
    size: int
    thumb_file: str | None
    thumb_key: bytes | None


class BlobStore:
    """Files under `<vault>/blobs/`; the database rows are written by the caller's transaction."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self,
        src: BinaryIO,
        progress: Callable[[int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> StoredBlob:
        """Hash and encrypt `src` in one streaming pass into a new durable blob file."""
        make_private_dir(self.root)
        name = secrets.token_hex(16)
        key = new_blob_key()
        digest = hashlib.sha256()
        head = bytearray()
        size = 0

        def inspect(chunk: bytes) -> None:
            nonlocal size
            digest.update(chunk)
            size += len(chunk)
            if len(head) < HEAD_SIZE:
                head.extend(chunk[: HEAD_SIZE - len(head)])

        temp = self.root / f"{name}.tmp"
        fd = _create_locked(temp)
        lock = os.dup(fd)  # the flock lives as long as any handle to the file stays open
        try:
            with os.fdopen(fd, "wb") as out:
                encrypt_stream(src, out, key, progress, cancel, inspect)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.root / name)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            os.close(lock)
            raise
        _HELD.hold(self.root / name, lock)
        fsync_dir(self.root)
        return StoredBlob(
            file=name, key=key, size=size, sha256=digest.hexdigest(), head=bytes(head)
        )

    def write_bytes(self, data: bytes) -> StoredBlob:
        import io

        return self.write(io.BytesIO(data))

    @contextlib.contextmanager
    def open(self, file: str, key: bytes) -> Iterator[BlobReader]:
        """A seekable plaintext view decrypted chunk by chunk; nothing touches the disk."""
        handle = open(self.root / file, "rb")  # noqa: SIM115 - closed by the reader below
        reader = BlobReader(handle, key)
        try:
            yield reader
        finally:
            reader.close()
            handle.close()

    def read_all(self, file: str, key: bytes) -> bytes:
        with self.open(file, key) as reader:
            return reader.read()

    def discard(self, file: str) -> None:
        """Remove a blob file (and drop this process's hold on it, if it wrote it)."""
        with contextlib.suppress(FileNotFoundError):
            (self.root / file).unlink()
        _HELD.release(self.root / file)

    def settle(self, blob: StoredBlob | None) -> None:
        """The blob's row is committed: the database protects it now, the lock may go."""
        if blob is not None:
            _HELD.release(self.root / blob.file)


def sweep_unreferenced(conn: Connection, root: Path) -> int:
    """Delete blob files left by killed writers: unlocked and named by no row. Returns the count.

    Each candidate is locked first and only then looked up again, so a blob that another
    process recorded meanwhile (it commits before it lets go of the lock) is kept.
    """
    if not root.is_dir():
        return 0
    named = _referenced(conn)
    removed = 0
    for entry in os.scandir(root):
        if not _BLOB_FILE.fullmatch(entry.name) or entry.name in named:
            continue
        with contextlib.suppress(OSError):
            removed += _remove_if_abandoned(conn, root / entry.name)
    if removed:
        fsync_dir(root)
    return removed


def _referenced(conn: Connection) -> set[str]:
    names: set[str] = set()
    for file, thumb in conn.execute("SELECT file, thumb_file FROM blobs"):
        names.add(str(file))
        if thumb is not None:
            names.add(str(thumb))
    return names


def _remove_if_abandoned(conn: Connection, path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    try:
        if not _try_lock(fd, wait=False):
            return 0  # a live writer holds it
        if os.fstat(fd).st_nlink == 0 or os.stat(path).st_ino != os.fstat(fd).st_ino:
            return 0
        row = conn.execute(
            "SELECT 1 FROM blobs WHERE file = ? OR thumb_file = ?", (path.name, path.name)
        ).fetchone()
        if row is not None:
            return 0
        path.unlink()
        return 1
    finally:
        os.close(fd)


def save_blob_record(conn: Connection, blob: StoredBlob, thumb: StoredBlob | None = None) -> None:
    conn.execute(
        "INSERT INTO blobs (sha256, file, key, size, thumb_file, thumb_key)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            blob.sha256,
            blob.file,
            blob.key,
            blob.size,
            thumb.file if thumb else None,
            thumb.key if thumb else None,
        ),
    )


def save_thumbnail(conn: Connection, sha256: str, thumb: StoredBlob) -> None:
    """Record the thumbnail made later for a blob that had none (media a bundle brought)."""
    conn.execute(
        "UPDATE blobs SET thumb_file = ?, thumb_key = ? WHERE sha256 = ?",
        (thumb.file, thumb.key, sha256),
    )


def find_blob(conn: Connection, sha256: str) -> BlobRecord | None:
    row = conn.execute(
        "SELECT sha256, file, key, size, thumb_file, thumb_key FROM blobs WHERE sha256 = ?",
        (sha256,),
    ).fetchone()
    if row is None:
        return None
    return BlobRecord(
        sha256=str(row[0]),
        file=str(row[1]),
        key=bytes(row[2]),
        size=int(row[3]),
        thumb_file=None if row[4] is None else str(row[4]),
        thumb_key=None if row[5] is None else bytes(row[5]),
    )


def forget_blob(conn: Connection, sha256: str) -> BlobRecord | None:
    """Delete the row (and with it the keys); the caller removes the files after commit."""
    record = find_blob(conn, sha256)
    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256,))
    return record
