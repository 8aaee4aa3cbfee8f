"""Media at rest: AES-256-GCM over 1 MiB chunks in the STREAM construction.

The byte layout is specified in docs/formats/blob-cipher.md.

Why chunks: each chunk is authenticated on its own, so a video player can seek to any offset and
decrypt only the chunk it needs, with no plaintext temp file, and memory stays bounded however
large the file. Why STREAM: the nonce binds every chunk to its blob (random prefix), its position
(counter) and whether it ends the blob (last flag), so reordering, swapping chunks between blobs,
truncation and appended data all fail authentication instead of yielding shorter or spliced media.

File layout: header = version byte (1) || 7-byte random nonce prefix; then the chunks, each
ciphertext || 16-byte tag. Chunk i's nonce = prefix || i (4 bytes big-endian) || last (0x01 on
the final chunk, else 0x00); its associated data is the header. Every chunk but the last holds
exactly 1 MiB of plaintext; the last holds 0..1 MiB and is empty only when the whole blob is.

This module writes blobs and decrypts them front to back; `blob_reader.BlobReader` gives
random access.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from observer_app.errors import NotValidError, OperationCancelled
from observer_app.i18n import _

CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
KEY_SIZE = 32
FORMAT_VERSION = 1
NONCE_PREFIX_SIZE = 7
HEADER_SIZE = 1 + NONCE_PREFIX_SIZE
_SEALED_SIZE = CHUNK_SIZE + TAG_SIZE
_MAX_CHUNKS = 1 << 32


class BlobIntegrityError(NotValidError):
    """The blob is damaged, truncated, spliced or was encrypted with another key."""


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def new_blob_key() -> bytes:
    """A fresh random 32-byte key; one per blob, kept only inside the vault database."""
    return os.urandom(KEY_SIZE)


def ciphertext_size(plaintext_size: int) -> int:
    """Bytes on disk for a plaintext of this size (for free-space checks)."""
    chunks = max(1, -(-plaintext_size // CHUNK_SIZE))
    return HEADER_SIZE + plaintext_size + chunks * TAG_SIZE


def plaintext_size(ciphertext_size: int) -> int:
    """The plaintext size a blob file of this length holds; BlobIntegrityError if no valid
    blob has this length. Authentic only once the final chunk has been verified."""
    full, rest = divmod(ciphertext_size - HEADER_SIZE, _SEALED_SIZE)
    if ciphertext_size < HEADER_SIZE + TAG_SIZE or 0 < rest < TAG_SIZE:
        raise BlobIntegrityError(_("The media file is truncated or damaged."))
    if rest == TAG_SIZE and full > 0:  # an empty final chunk only ends an empty blob
        raise BlobIntegrityError(_("The media file is truncated or damaged."))
    return full * CHUNK_SIZE + max(0, rest - TAG_SIZE)


class ChunkCipher:
    """AES-GCM with the STREAM nonce for one blob (identified by its header); shared with
    blob_reader, not meant for other callers."""

    def __init__(self, key: bytes, header: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError("a blob key has 32 bytes")
        if len(header) != HEADER_SIZE:
            raise BlobIntegrityError(_("The media file is truncated or damaged."))
        if header[0] > FORMAT_VERSION:
            raise BlobIntegrityError(
                _("The media file was made by a newer version of the program.")
            )
        if header[0] != FORMAT_VERSION:
            raise BlobIntegrityError(_("The media file is truncated or damaged."))
        self._aead = AESGCM(key)
        self._header = bytes(header)
        self._prefix = self._header[1:]

    def _nonce(self, index: int, last: bool) -> bytes:
        if not 0 <= index < _MAX_CHUNKS:
            raise ValueError("blob too large for the chunk counter")
        return self._prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")

    def seal(self, index: int, last: bool, plaintext: bytes) -> bytes:
        return self._aead.encrypt(self._nonce(index, last), plaintext, self._header)

    def open(self, index: int, last: bool, sealed: bytes) -> bytes:
        if len(sealed) < TAG_SIZE:
            raise BlobIntegrityError(_("The media file is truncated or damaged."))
        try:
            return self._aead.decrypt(self._nonce(index, last), sealed, self._header)
        except InvalidTag:
            raise BlobIntegrityError(
                _("The media file is damaged, was altered, or belongs to another key.")
            ) from None


def _new_header(nonce_prefix: bytes | None) -> bytes:
    prefix = os.urandom(NONCE_PREFIX_SIZE) if nonce_prefix is None else bytes(nonce_prefix)
    if len(prefix) != NONCE_PREFIX_SIZE:
        raise ValueError("a nonce prefix has 7 bytes")
    return bytes([FORMAT_VERSION]) + prefix


def read_full(src: _Readable, size: int) -> bytes:
    """Up to `size` bytes, fewer only at end of input (raw files and pipes may return less)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing:
        more = src.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


def _check_cancel(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise OperationCancelled(_("The operation was cancelled."))


class BlobWriter:
    """Encrypts what is written to it into `dst`; `close()` seals the final chunk.

    Leaving a `with` block by an exception does not seal it: the output then lacks its final
    chunk and every reader rejects it, instead of it passing for a complete, shorter file.
    `dst` stays open (the caller fsyncs and closes it).
    """

    def __init__(self, dst: _Writable, key: bytes, *, nonce_prefix: bytes | None = None) -> None:
        header = _new_header(nonce_prefix)
        self._cipher = ChunkCipher(key, header)
        self._dst = dst
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        dst.write(header)
        self.bytes_written = HEADER_SIZE

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed BlobWriter")
        self._buffer += data
        # Hold a full chunk back until more arrives: only close() knows which chunk is last.
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer = bytearray()
            self._closed = True

    def _emit(self, plaintext: bytes, *, last: bool) -> None:
        sealed = self._cipher.seal(self._index, last, plaintext)
        self._dst.write(sealed)
        self.bytes_written += len(sealed)
        self._index += 1

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._closed = True
            self._buffer = bytearray()


def encrypt_stream(
    src: _Readable,
    dst: _Writable,
    key: bytes,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    on_plaintext: Callable[[bytes], None] | None = None,
    *,
    nonce_prefix: bytes | None = None,
) -> int:
    """Encrypt all of `src` into `dst` in one pass; returns the bytes written.

    `on_plaintext` sees every plaintext chunk in order (to hash or inspect in the same pass),
    `progress` the plaintext bytes done so far; `cancel` returning true raises
    OperationCancelled, leaving `dst` without a final chunk. Memory: about three chunks.
    """
    header = _new_header(nonce_prefix)
    cipher = ChunkCipher(key, header)
    dst.write(header)
    written, index, done = HEADER_SIZE, 0, 0
    current = read_full(src, CHUNK_SIZE)
    while True:
        _check_cancel(cancel)
        if on_plaintext is not None:
            on_plaintext(current)
        # Read ahead one chunk: only the end of input tells which chunk is the last.
        following = read_full(src, CHUNK_SIZE) if len(current) == CHUNK_SIZE else b""
        sealed = cipher.seal(index, not following, current)
        dst.write(sealed)
        written += len(sealed)
        done += len(current)
        if progress is not None:
            progress(done)
        if not following:
            return written
        current, index = following, index + 1


def decrypt_stream(
    src: _Readable,
    dst: _Writable,
    key: bytes,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Decrypt a whole blob from `src` into `dst`; returns the plaintext bytes written.

    Chunks are written as each verifies, so on BlobIntegrityError (or cancel) `dst` already
    holds a verified but incomplete prefix: the caller must discard it.
    """
    cipher = ChunkCipher(key, read_full(src, HEADER_SIZE))
    index = done = 0
    current = read_full(src, _SEALED_SIZE)
    while True:
        _check_cancel(cancel)
        following = read_full(src, _SEALED_SIZE) if len(current) == _SEALED_SIZE else b""
        last = not following
        if last and index > 0 and len(current) == TAG_SIZE:
            raise BlobIntegrityError(_("The media file is truncated or damaged."))
        plaintext = cipher.open(index, last, current)
        dst.write(plaintext)
        done += len(plaintext)
        if progress is not None:
            progress(done)
        if last:
            return done
        current, index = following, index + 1
