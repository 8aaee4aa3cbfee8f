"""Random access to an encrypted media blob: the viewer seeks in a video without a plaintext file.

Only the chunks a read touches are decrypted and verified (docs/formats/blob-cipher.md), so a
player that jumps to the end of a 2 GB video decrypts one or two 1 MiB chunks, not the file.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, BinaryIO

from observer_app.crypto.blob_cipher import (
    CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    BlobIntegrityError,
    ChunkCipher,
    plaintext_size,
    read_full,
)
from observer_app.i18n import _

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["BlobReader"]

_SEALED_SIZE = CHUNK_SIZE + TAG_SIZE


class BlobReader(io.RawIOBase):
    """Random-access, read-only plaintext view of a blob file; decrypts only the chunks read.

    Opening verifies the final chunk, so `size` is authentic and a truncated or extended file
    is refused at once; every later read verifies the chunks it touches. Takes ownership of
    `src` (closes it). One chunk is cached. Not thread-safe.
    """

    def __init__(self, src: BinaryIO, key: bytes) -> None:
        super().__init__()
        self._src = src
        self._pos = 0
        self._cached_index = -1
        self._cached = b""
        try:
            src.seek(0)
            self._cipher = ChunkCipher(key, read_full(src, HEADER_SIZE))
            self._file_size = src.seek(0, io.SEEK_END)
            self._size = plaintext_size(self._file_size)
            self._last_index = max(1, -(-self._size // CHUNK_SIZE)) - 1
            self._chunk(self._last_index)
        except BaseException:
            self.close()
            raise

    @property
    def size(self) -> int:
        """Plaintext size in bytes."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._checkClosed()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._checkClosed()
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence}")
        position = bases[whence] + offset
        if position < 0:
            raise ValueError("negative seek position")
        self._pos = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        self._checkClosed()
        end = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        parts = []
        while self._pos < end:
            index, offset = divmod(self._pos, CHUNK_SIZE)
            piece = self._chunk(index)[offset : offset + end - self._pos]
            parts.append(piece)
            self._pos += len(piece)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._cached = b""
            self._src.close()
        super().close()

    def _chunk(self, index: int) -> bytes:
        if index != self._cached_index:
            offset = HEADER_SIZE + index * _SEALED_SIZE
            length = min(_SEALED_SIZE, self._file_size - offset)
            self._src.seek(offset)
            sealed = read_full(self._src, length)
            if len(sealed) != length:
                raise BlobIntegrityError(_("The media file is truncated or damaged."))
            self._cached = self._cipher.open(index, index == self._last_index, sealed)
            self._cached_index = index
        return self._cached
