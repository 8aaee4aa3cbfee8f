"""Bundle parts on the stick: naming, durable writing with read-back, and reassembly.

A bundle is one age file cut into parts of at most `part_size` bytes; concatenating the parts in
order gives the age file back (`cat olb-<id>-*.age | age -d ...`). Nothing is added to the bytes,
so the stock `age` tool can open a bundle; everything a part name says is a random bundle id and
the part's place: `olb-<16 hex>-<index>-of-<count>.age` (three digits each).

While an export runs, parts exist only as `olb-<id>-<index>.partial`: each is fsynced, dropped
from the page cache and read back from the device to compare its SHA-256 with what was written.
Only when every part passed are they all renamed to their final names (which need the count) and
the folder fsynced, so an export that stops half-way, for whatever reason, leaves nothing that
looks like a whole bundle.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import queue
import re
import secrets
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from observer_app.errors import NotValidError, UsageError, UserActionError
from observer_app.i18n import _, ngettext

PREFIX = "olb"
MAX_PARTS = 999
READ_BACK_CHUNK = 1024 * 1024
DIRECT_READ_CHUNK = 4 * 1024 * 1024  # no kernel read-ahead with O_DIRECT: read in big steps
PART_NAME = re.compile(r"^olb-(?P<id>[0-9a-f]{16})-(?P<index>\d{3})-of-(?P<total>\d{3})\.age$")
PARTIAL_SUFFIX = ".partial"

Opener = Callable[[Path], BinaryIO]


def new_bundle_id() -> str:
    return secrets.token_hex(8)


def part_name(bundle_id: str, index: int, total: int) -> str:
    return f"{PREFIX}-{bundle_id}-{index:03d}-of-{total:03d}.age"


def partial_name(bundle_id: str, index: int) -> str:
    return f"{PREFIX}-{bundle_id}-{index:03d}{PARTIAL_SUFFIX}"


@dataclass(frozen=True)
class PartName:
    bundle_id: str
    index: int
    total: int


def parse_part_name(name: str) -> PartName | None:
    match = PART_NAME.match(name)
    if match is None:
        return None
    index, total = int(match["index"]), int(match["total"])
    if not 1 <= index <= total:
        return None
    return PartName(match["id"], index, total)


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


class ReadBackMismatch(Exception):
    """A part read back from the stick differs from what was written to it."""

    def __init__(self, index: int) -> None:
        super().__init__(f"part {index} read back differently")
        self.index = index


class TooManyParts(Exception):
    """The bundle grew beyond MAX_PARTS parts."""


_CAUSES = (OSError, ReadBackMismatch, TooManyParts)  # what `failure` keeps: real causes


class _Checksum:
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


@dataclass
class _OpenPart:
    index: int
    path: Path
    file: BinaryIO
    sha: _Checksum
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
        self._current = _OpenPart(index, path, handle, _Checksum())
        return self._current

    def _complete(self, part: _OpenPart, check: Callable[[], None]) -> None:
        part.file.flush()
        os.fsync(part.file.fileno())
        part.file.close()
        self._current = None
        _read_back(part.path, part.size, part.sha.digest(), part.index, check)
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


def _read_back(path: Path, size: int, digest: bytes, index: int, check: Callable[[], None]) -> None:
    """Read `path` back from the device, not from the page cache, and compare it with what was
    written.

    O_DIRECT reads the device straight into aligned buffers (no cache to fill, no copy: half the
    CPU time of a cached read). It has no kernel read-ahead, so a helper thread reads the next
    block while this one hashes the last. Where O_DIRECT is refused (some file systems, other
    OSes), the file's cached pages are dropped first and a plain read goes to the device.
    """
    sha = _Checksum()
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
        yield from _cached_blocks(path, check)
        return
    try:
        if size < DIRECT_READ_CHUNK:
            yield from _read_direct(fd, size, check)  # small: one read, no helper thread
        else:
            yield from _read_ahead(fd, check)
    finally:
        os.close(fd)


def _read_direct(fd: int, size: int, check: Callable[[], None]) -> Iterator[memoryview]:
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


def _cached_blocks(path: Path, check: Callable[[], None]) -> Iterator[memoryview]:
    with open(path, "rb", buffering=0) as handle:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        buffer = bytearray(READ_BACK_CHUNK)
        with memoryview(buffer) as view:
            while count := handle.readinto(view):
                check()
                with view[:count] as block:
                    yield block


def _read_ahead(fd: int, check: Callable[[], None]) -> Iterator[memoryview]:
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


@dataclass(frozen=True)
class BundleLayout:
    """The files of one bundle in order, with their sizes (checked consistent)."""

    bundle_id: str | None  # None: one file given that is not named as a part (a whole age file)
    paths: tuple[Path, ...]
    sizes: tuple[int, ...]

    @property
    def total(self) -> int:
        return len(self.paths)

    @property
    def size(self) -> int:
        return sum(self.sizes)

    def part_at(self, offset: int) -> int:
        """The 1-based number of the part holding byte `offset` of the whole bundle."""
        end = 0
        for number, size in enumerate(self.sizes, start=1):
            end += size
            if offset < end:
                return number
        return self.total


def order_parts(paths: Sequence[Path]) -> BundleLayout:
    """Put the given files of one bundle in order and check that none is missing.

    The part names are only a convenience for finding and ordering; the bytes themselves are
    verified by age on decryption (which also catches a renamed or swapped part).
    """
    if not paths:
        raise UsageError(_("no bundle files given"))
    for path in paths:
        if path.name.endswith(PARTIAL_SUFFIX):
            raise NotValidError(
                _("{name} is an unfinished export, not a bundle part").format(name=path.name)
            )
    parsed = [(path, parse_part_name(path.name)) for path in paths]
    if len(parsed) == 1 and parsed[0][1] is None:
        return BundleLayout(None, (paths[0],), (_size_of(paths[0]),))
    names: dict[int, tuple[Path, PartName]] = {}
    for path, name in parsed:
        if name is None:
            raise NotValidError(_("{name} is not a bundle part").format(name=path.name))
        if name.index in names:
            raise NotValidError(
                _("part {part} of the bundle is given twice").format(part=name.index)
            )
        names[name.index] = (path, name)
    first = next(iter(names.values()))[1]
    if any(name.bundle_id != first.bundle_id for _path, name in names.values()):
        raise NotValidError(_("the files given belong to different bundles"))
    if any(name.total != first.total for _path, name in names.values()):
        raise NotValidError(_("the part names disagree on the number of parts"))
    total = first.total
    missing = [index for index in range(1, total + 1) if index not in names]
    if missing:
        listed = ", ".join(str(index) for index in missing)
        raise NotValidError(
            ngettext(
                "bundle incomplete: part {parts} of {total} missing",
                "bundle incomplete: parts {parts} of {total} missing",
                len(missing),
            ).format(parts=listed, total=total)
        )
    ordered = tuple(names[index][0] for index in range(1, total + 1))
    sizes = tuple(_size_of(path) for path in ordered)
    _check_sizes(sizes)
    return BundleLayout(first.bundle_id, ordered, sizes)


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        raise UserActionError(_("file not found: {path}").format(path=path)) from None
    except OSError as exc:
        raise UserActionError(
            _("could not read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc


def _check_sizes(sizes: Sequence[int]) -> None:
    """Every part but the last has the full part size; the last is not larger and not empty."""
    total = len(sizes)
    full = max(sizes[:-1]) if total > 1 else sizes[0]
    for number, size in enumerate(sizes, start=1):
        last = number == total
        if size == 0 or (not last and size < full):
            raise NotValidError(
                _("bundle truncated: part {part} of {total} is incomplete").format(
                    part=number, total=total
                )
            )
        if last and size > full:
            raise NotValidError(_("bundle damaged: the parts have inconsistent sizes"))


def find_bundle_parts(folder: Path) -> dict[str, list[Path]]:
    """The bundle parts in `folder`, grouped by bundle id, each group in part order."""
    groups: dict[str, list[tuple[int, Path]]] = {}
    for path in folder.iterdir():
        name = parse_part_name(path.name)
        if name is not None and path.is_file():
            groups.setdefault(name.bundle_id, []).append((name.index, path))
    return {bundle: [path for _index, path in sorted(found)] for bundle, found in groups.items()}


class PartsReader:
    """The parts of a bundle read as one stream, as `cat` would give them.

    Runs in the decryption thread; `error` keeps an OSError from the files (a pulled stick), so
    it can be reported as such rather than as a damaged bundle.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._next = 0
        self._file: BinaryIO | None = None
        self.position = 0
        self.error: OSError | None = None
        self.error_path: Path | None = None

    def read(self, size: int = -1, /) -> bytes:
        while True:
            if self._file is None:
                if self._next >= len(self._paths):
                    return b""
                path = self._paths[self._next]
                self._next += 1
                try:
                    self._file = open(path, "rb", buffering=READ_BACK_CHUNK)  # noqa: SIM115
                except OSError as exc:
                    self._fail(exc, path)
                    raise
            try:
                data = self._file.read(size)
            except OSError as exc:
                self._fail(exc, self._paths[self._next - 1])
                raise
            if data:
                self.position += len(data)
                return data
            self._file.close()
            self._file = None

    def _fail(self, exc: OSError, path: Path) -> None:
        if self.error is None:
            self.error = exc
            self.error_path = path

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
