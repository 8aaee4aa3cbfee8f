"""Writing a bundle to the stick: cutting age's output into parts and making each one durable.

Each part is written as `.partial`, fsynced and read back from the device (`read_back`); only
when every part passed are they all renamed to their final names (which need the count) and the
folder fsynced, so an export that stops half-way, for whatever reason, leaves nothing that looks
like a whole bundle. This is the export side only; naming is in `names`, and reading a bundle
given on the command line is in `layout`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from observer_app.handoff.parts.names import MAX_PARTS, part_name, partial_name
from observer_app.handoff.parts.read_back import (
    READ_BACK_CHUNK,
    Checksum,
    ReadBackMismatch,
    read_back,
)

Opener = Callable[[Path], BinaryIO]


def open_new_file(path: Path) -> BinaryIO:
    """Create `path` (it must not exist) for writing, readable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
    return os.fdopen(fd, "wb", buffering=READ_BACK_CHUNK)


def fsync_directory(folder: Path) -> None:
    """Make renames in `folder` durable; errors are real (a pulled stick), except where a
    platform or file system cannot fsync a folder at all."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


class WriterStopped(Exception):
    """The export was stopped from outside (cancel or a failure elsewhere)."""


class TooManyParts(Exception):
    """The bundle grew beyond MAX_PARTS parts."""


_CAUSES = (OSError, ReadBackMismatch, TooManyParts)  # what `failure` keeps: real causes


@dataclass
class _OpenPart:
    index: int
    path: Path
    file: BinaryIO
    sha: Checksum
    size: int = 0


class PartWriter:
    """The sink age writes into: cuts the stream into parts and makes each one durable.

    `write` (and the fsync and read-back of every part that fills up) runs in one background
    thread (the export's writing thread); `stop` may be called from any thread; `finish`,
    `publish` and `discard` from the thread that owns the export, once writing has ended.
    `failure` keeps the first real error (OSError, ReadBackMismatch, TooManyParts) so that the
    owner can report the cause rather than the symptom pyrage passes on.
    """

    def __init__(
        self,
        folder: Path,
        bundle_id: str,
        part_size: int,
        *,
        opener: Opener = open_new_file,
        max_parts: int = MAX_PARTS,
    ) -> None:
        if part_size <= 0:
            raise ValueError("part_size must be positive")
        self._folder = folder
        self._bundle_id = bundle_id
        self._part_size = part_size
        self._opener = opener
        self._max_parts = max_parts
        self._stop = threading.Event()
        self._current: _OpenPart | None = None
        self._completed: list[_OpenPart] = []
        self._created: list[Path] = []
        self.failure: BaseException | None = None
        self.bytes_written = 0

    # -- the writing thread ----------------------------------------------------------------

    def write(self, data: bytes, /) -> int:
        try:
            return self._write(data)
        except _CAUSES as exc:
            self._record(exc)
            raise

    def _write(self, data: bytes) -> int:
        self._check_stop()
        view = memoryview(data)
        while view:
            part = self._current
            if part is None or part.size == self._part_size:
                if part is not None:
                    self._complete(part, self._check_stop)
                part = self._open_next()
            piece = view[: self._part_size - part.size]
            part.file.write(piece)
            part.sha.update(piece)
            part.size += len(piece)
            self.bytes_written += len(piece)
            view = view[len(piece) :]
        return len(data)

    def _open_next(self) -> _OpenPart:
        index = len(self._completed) + 1
        if index > self._max_parts:
            raise TooManyParts(f"more than {self._max_parts} parts")
        path = self._folder / partial_name(self._bundle_id, index)
        handle = self._opener(path)
        self._created.append(path)
        self._current = _OpenPart(index, path, handle, Checksum())
        return self._current

    def _complete(self, part: _OpenPart, check: Callable[[], None]) -> None:
        part.file.flush()
        os.fsync(part.file.fileno())
        part.file.close()
        self._current = None
        read_back(part.path, part.size, part.sha.digest(), part.index, check)
        self._completed.append(part)

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise WriterStopped()

    def _record(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc

    # -- any thread ---------------------------------------------------------------------------

    def stop(self) -> None:
        """Make the next write or read-back step fail (the export is being abandoned)."""
        self._stop.set()

    # -- the owning thread, after writing ended -----------------------------------------------

    def finish(self, poll: Callable[[], None]) -> None:
        """Make the last part durable and read it back; `poll` runs between read-back chunks."""
        part = self._current
        if part is None:
            return

        def check() -> None:
            self._check_stop()
            poll()

        try:
            self._complete(part, check)
        except _CAUSES as exc:
            self._record(exc)
            raise

    def publish(self) -> list[Path]:
        """Give every part its final name, make the renames durable, return the final paths."""
        total = len(self._completed)
        finals: list[Path] = []
        try:
            for part in self._completed:
                final = self._folder / part_name(self._bundle_id, part.index, total)
                os.replace(part.path, final)
                self._created.append(final)
                finals.append(final)
            fsync_directory(self._folder)
        except OSError as exc:
            self._record(exc)
            raise
        return finals

    def discard(self) -> None:
        """Remove every file this writer created (best effort: the stick may be gone)."""
        if self._current is not None:
            with contextlib.suppress(OSError):
                self._current.file.close()
            self._current = None
        for path in self._created:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            fsync_directory(self._folder)
