"""A plaintext view of one encrypted blob that several threads may read at once, for players.

Qt's FFmpeg backend reads a source device from its own demuxer threads while the GUI thread
asks for the size or closes it; `crypto.blob_reader.BlobReader` keeps a file position and a
cached chunk and is not thread-safe. This wraps one reader behind a lock and offers
position-free reads (`read_at`, like `pread`), so that callers never share a position: the file
offset, the decrypt state and the chunk cache change only under the lock.

The reader holds the blob's key (inside its cipher) from the moment it is opened, on the thread
that looked the key up in the database; it never touches the database itself, so it may live on
in any thread. Only the chunks a read touches are decrypted and verified: nothing plaintext is
written anywhere, and a seek to the end of a large video costs one or two 1 MiB chunks.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from observer_app.crypto.blob_reader import BlobReader


class PlaybackReader:
    """Thread-safe, read-only random access to a blob's plaintext; closes its file on `close`.

    Opening verifies the final chunk (so `size` is authentic); each read verifies the chunks
    it touches and raises `BlobIntegrityError` (translated) on damage. Reading after `close`
    raises ValueError, also when another thread closed it meanwhile.
    """

    def __init__(self, path: Path, key: bytes) -> None:
        handle = open(path, "rb")  # noqa: SIM115 - owned (and closed) by the BlobReader
        try:
            self._reader = BlobReader(handle, key)
        except BaseException:
            handle.close()
            raise
        self._size = self._reader.size
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Plaintext size in bytes (immutable, so read without the lock)."""
        return self._size

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._reader.closed

    def read_at(self, offset: int, size: int) -> bytes:
        """Up to `size` plaintext bytes starting at `offset`; fewer only at the end."""
        if offset < 0 or size < 0:
            raise ValueError("negative offset or size")
        with self._lock:
            if self._reader.closed:
                raise ValueError("read from a closed PlaybackReader")
            self._reader.seek(offset)
            return self._reader.read(size)

    def close(self) -> None:
        """Close the file and drop the cached plaintext chunk; safe to call twice."""
        with self._lock:
            self._reader.close()

    def __enter__(self) -> PlaybackReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
