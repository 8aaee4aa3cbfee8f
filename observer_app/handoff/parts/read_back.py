"""Reading a written part back from the device, not from the page cache, to compare it.

A stick that silently returns other bytes than it was given (a fake-capacity stick, a pulled
cable) must be caught before an export says it succeeded. The read-back has to bypass the page
cache, or it would only compare memory with itself, and it has to be cheap, because export is
CPU-bound: hence O_DIRECT with a read-ahead thread where the system allows it, and a cached read
after dropping the file's pages where it does not. Kept apart from `writer` because this
low-level I/O is platform-dependent and tested path by path on its own.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import queue
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

READ_BACK_CHUNK = 1024 * 1024
DIRECT_READ_CHUNK = 4 * 1024 * 1024  # no kernel read-ahead with O_DIRECT: read in big steps


class ReadBackMismatch(Exception):
    """A part read back from the stick differs from what was written to it."""

    def __init__(self, index: int) -> None:
        super().__init__(f"part {index} read back differently")
        self.index = index


class Checksum:
    """CRC-32 of what was written, to compare with what the stick gives back.

    The read-back catches a stick that silently returns other bytes (a fake-capacity stick, a
    pulled cable), not an attacker: age already authenticates every chunk. CRC-32 is about four
    times cheaper than SHA-256 here, which matters because export is CPU-bound.
    """

    def __init__(self) -> None:
        self._value = 0

    def update(self, data: bytes | memoryview) -> None:
        self._value = zlib.crc32(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")


def read_back(path: Path, size: int, digest: bytes, index: int, check: Callable[[], None]) -> None:
    """Read `path` back from the device, not from the page cache, and compare it with what was
    written.

    O_DIRECT reads the device straight into aligned buffers (no cache to fill, no copy: half the
    CPU time of a cached read). It has no kernel read-ahead, so a helper thread reads the next
    block while this one hashes the last. Where O_DIRECT is refused (some file systems, other
    OSes), the file's cached pages are dropped first and a plain read goes to the device.
    """
    sha = Checksum()
    total = 0
    for block in _uncached_blocks(path, size, check):
        sha.update(block)
        total += len(block)
    if total != size or sha.digest() != digest:
        raise ReadBackMismatch(index)


def _uncached_blocks(path: Path, size: int, check: Callable[[], None]) -> Iterator[memoryview]:
    direct = getattr(os, "O_DIRECT", 0)
    fd = -1
    if direct:
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | direct)
    if fd < 0:
        yield from cached_blocks(path, check)
        return
    try:
        if size < DIRECT_READ_CHUNK:
            yield from read_direct(fd, size, check)  # small: one read, no helper thread
        else:
            yield from read_ahead(fd, check)
    finally:
        os.close(fd)


def read_direct(fd: int, size: int, check: Callable[[], None]) -> Iterator[memoryview]:
    length = max(mmap.PAGESIZE, -(-(size + 1) // mmap.PAGESIZE) * mmap.PAGESIZE)
    buffer = mmap.mmap(-1, length)
    try:
        with memoryview(buffer) as view:
            while count := os.readv(fd, [buffer]):
                check()
                with view[:count] as block:
                    yield block
    finally:
        buffer.close()


def cached_blocks(path: Path, check: Callable[[], None]) -> Iterator[memoryview]:
    with open(path, "rb", buffering=0) as handle:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        buffer = bytearray(READ_BACK_CHUNK)
        with memoryview(buffer) as view:
            while count := handle.readinto(view):
                check()
                with view[:count] as block:
                    yield block


def read_ahead(fd: int, check: Callable[[], None]) -> Iterator[memoryview]:
    """Blocks of `fd` read by a helper thread into two page-aligned buffers, one being read
    while the caller uses the other."""
    buffers = [mmap.mmap(-1, DIRECT_READ_CHUNK) for _ in range(2)]
    free: queue.Queue[mmap.mmap | None] = queue.Queue()
    filled: queue.Queue[tuple[mmap.mmap, int] | BaseException] = queue.Queue()
    for buffer in buffers:
        free.put(buffer)

    def reader() -> None:
        try:
            while (buffer := free.get()) is not None:
                count = os.readv(fd, [buffer])
                filled.put((buffer, count))
                if not count:
                    return
        except BaseException as exc:
            filled.put(exc)

    thread = threading.Thread(target=reader, name="bundle-read-back", daemon=True)
    thread.start()
    try:
        while True:
            item = filled.get()
            if isinstance(item, BaseException):
                raise item
            buffer, count = item
            if not count:
                return
            check()
            with memoryview(buffer) as view, view[:count] as block:
                yield block  # released when the caller asks for the next one
            free.put(buffer)
    finally:
        free.put(None)
        thread.join()
        for buffer in buffers:
            buffer.close()
