"""The encrypted blob store: media content as chunked AES-256-GCM files with random names.

Each blob has its own random key, kept in the `blobs` table inside the encrypted database, so
deleting the row (with secure_delete on) crypto-shreds the content even where the file system
keeps old sectors. A blob and its folder are fsynced before any event referencing it commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from observer_app.crypto.blob_cipher import encrypt_stream, new_blob_key
from observer_app.crypto.blob_reader import BlobReader
from observer_app.vault.connection import Connection
from observer_app.vault.fs import FILE_MODE, fsync_dir, make_private_dir

HEAD_SIZE = 64 * 1024


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
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as out:
                encrypt_stream(src, out, key, progress, cancel, inspect)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.root / name)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
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
        with contextlib.suppress(FileNotFoundError):
            (self.root / file).unlink()


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
