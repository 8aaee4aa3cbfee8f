"""Moving a bundle's files to and from a USB stick: tar, then age, then parts; and back.

This is the streaming layer beneath the handoff feature and knows nothing of vaults, events or
manifests: the caller hands in named byte streams and gets named byte streams back. Memory
stays bounded (a few MiB) whatever the size, and no plaintext is ever written to a file: the
only files touched are the encrypted parts on the stick.

Export: `write_bundle` checks the free space first, then streams the members as a tar stream
into age (encrypted to one X25519 recipient) and cuts age's output into parts that are each
fsynced and read back before all of them get their final names. Cancel, a full disk or a pulled
stick leave no part that looks whole.

Import: `read_bundle` orders the parts, decrypts them in a child process (`age.process`) and
yields the tar members one by one as streams. A bundle that turns out truncated or damaged
raises NotValidError *at the point where it is found*, possibly after some members were yielded
(their bytes were authentic, but the bundle is not whole). Callers therefore stage what they
read and commit only after the iteration ended normally (`BundleContents.completed` is then
true).
"""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from observer_app.core.progress import Cancel, Progress
from observer_app.errors import (
    NotValidError,
    OperationCancelled,
    UsageError,
    UserActionError,
    system_reason,
)
from observer_app.handoff.age.process import Encryption, start_decryptor, start_encryptor
from observer_app.handoff.age.stream import (
    AGE_CHUNK,
    AGE_HEADER_MAX,
    AGE_TAG,
    AgeFailure,
    PipeClosed,
    describe_failure,
    encrypted_size_upper_bound,
    parse_recipient,
    payload_start,
)
from observer_app.handoff.parts.errors import BundleTruncated, NotForThisRecipient
from observer_app.handoff.parts.layout import BundleLayout, PartsReader, order_parts
from observer_app.handoff.parts.names import MAX_PARTS, new_bundle_id
from observer_app.handoff.parts.read_back import ReadBackMismatch
from observer_app.handoff.parts.tar_stream import (
    ReceivedMember,
    TarMember,
    TarMemberReader,
    tar_size_upper_bound,
    write_tar,
)
from observer_app.handoff.parts.writer import Opener, PartWriter, TooManyParts, open_new_file
from observer_app.i18n import _

DEFAULT_PART_SIZE = 2 * 1024**3  # FAT32 caps files at 4 GiB - 1
MIN_PART_SIZE = 4 * 1024
MAX_PART_SIZE = 4 * 1024**3 - 1
CLUSTER_SLACK = 64 * 1024  # per part: allocation rounding on FAT32/exFAT sticks
PROGRESS_STEP = 1024 * 1024


class DiskUsage(Protocol):
    @property
    def free(self) -> int: ...


DiskUsageProbe = Callable[[Path], DiskUsage]


def estimate_bundle_size(member_sizes: Iterable[int]) -> int:
    """An upper bound of the bytes a bundle of members with these sizes takes on the stick
    (member names up to 255 bytes); pass it to `write_bundle` as `estimated_size`."""
    return encrypted_size_upper_bound(tar_size_upper_bound(member_sizes))


class _ProgressReporter:
    """Calls `progress(done, total)` each time `done` moved by a step (a GUI need not redraw
    per 64 KiB); `total` grows with `done` should the estimate prove short."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._last = -1

    def report(self, done: int) -> None:
        if self._progress is not None and (self._last < 0 or done - self._last >= PROGRESS_STEP):
            self._last = done
            self._progress(done, max(self._total, done))

    def finished(self, done: int) -> None:
        """The real total is known now: report it as both done and total."""
        if self._progress is not None:
            self._progress(done, done)


# -- export ------------------------------------------------------------------------------------


def write_bundle(
    members: Iterable[TarMember],
    recipient: str,
    out_dir: Path,
    *,
    estimated_size: int,
    part_size: int = DEFAULT_PART_SIZE,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    disk_usage: DiskUsageProbe = shutil.disk_usage,
    opener: Opener = open_new_file,
) -> list[Path]:
    """Write `members` as one encrypted bundle into `out_dir`; return the part paths in order.

    `estimated_size` is the expected size on the stick (use `estimate_bundle_size`); it drives
    the free-space check and the progress total. `members` is iterated, and each member opened
    and read, in the calling thread; `progress(done, total)` (bytes written to the stick) and
    `cancel()` are called there too. `disk_usage` and `opener` exist for tests.

    Raises UserActionError (no space, stick failed), OperationCancelled, UsageError (part size);
    in every failure case the files of this bundle are removed again.
    """
    if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
        raise UsageError(
            _("the part size must be between {low} and {high} bytes").format(
                low=MIN_PART_SIZE, high=MAX_PART_SIZE
            )
        )
    if not out_dir.is_dir():
        raise UserActionError(_("folder not found: {folder}").format(folder=out_dir))
    expected_parts = max(1, -(-estimated_size // part_size))
    if expected_parts > MAX_PARTS:
        raise UsageError(
            _("the part size is too small: the bundle would need more than {count} parts").format(
                count=MAX_PARTS
            )
        )
    _check_free_space(out_dir, estimated_size + expected_parts * CLUSTER_SLACK, disk_usage)
    parse_recipient(recipient)  # a bad key is a programming error: ValueError before any file

    writer = PartWriter(out_dir, new_bundle_id(), part_size, opener=opener)
    reporter = _ProgressReporter(progress, estimated_size)

    def poll() -> None:
        if cancel is not None and cancel():
            raise OperationCancelled(_("export cancelled"))
        reporter.report(writer.bytes_written)

    encryption: Encryption | None = None
    try:
        encryption = start_encryptor(recipient, writer)
        write_tar(members, encryption, on_chunk=poll)
        encryption.finish(poll)
        writer.finish(poll)
        poll()
        paths = writer.publish()
    except BaseException as exc:
        # Unblock from the stick's end backwards: the writer first, then age.
        writer.stop()
        if encryption is not None:
            encryption.abort()
        writer.discard()
        failure = _export_failure(exc, writer.failure, out_dir)
        if failure is exc:
            raise
        raise failure from exc
    reporter.finished(writer.bytes_written)
    return paths


def _check_free_space(folder: Path, need: int, disk_usage: DiskUsageProbe) -> None:
    try:
        have = disk_usage(folder).free
    except OSError as exc:
        raise _write_failure(exc, folder) from exc
    if need > have:
        raise UserActionError(
            _("not enough free space on {folder} (need {need}, have {have})").format(
                folder=folder, need=_format_size(need), have=_format_size(have)
            )
        )


def _format_size(size: int) -> str:
    if size < 1000 * 1000:
        return _("{value} KB").format(value=f"{size / 1000:.1f}")
    if size < 1000 * 1000 * 1000:
        return _("{value} MB").format(value=f"{size / 1000**2:.1f}")
    return _("{value} GB").format(value=f"{size / 1000**3:.2f}")


def _export_failure(exc: BaseException, cause: BaseException | None, folder: Path) -> BaseException:
    """What the user should see: the first real cause, not the errors it set off downstream."""
    if isinstance(exc, OperationCancelled) or cause is None:
        return exc
    if isinstance(cause, ReadBackMismatch):
        return UserActionError(
            _(
                "the stick at {folder} returned different bytes than were written "
                "(part {part}); use another stick"
            ).format(folder=folder, part=cause.index)
        )
    if isinstance(cause, TooManyParts):
        return UsageError(
            _("the part size is too small: the bundle would need more than {count} parts").format(
                count=MAX_PARTS
            )
        )
    if isinstance(cause, OSError):
        return _write_failure(cause, folder)
    return exc


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DEVICE_GONE = {errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT, errno.ESTALE}


def _write_failure(exc: OSError, folder: Path) -> UserActionError:
    reason = system_reason(exc)
    if exc.errno in _DISK_FULL:
        message = _("not enough free space on {folder}: the disk became full while writing")
    elif exc.errno == errno.EFBIG:
        message = _("a file is too large for the file system on {folder}; use a smaller part size")
    elif exc.errno == errno.EROFS:
        message = _(
            "{folder} is read-only: switch off the stick's write protection or choose another "
            "folder"
        )
    elif exc.errno in (errno.EACCES, errno.EPERM):
        message = _("no permission to write to {folder}")
    elif exc.errno in _DEVICE_GONE:
        message = _("could not write to {folder}: the stick was removed or failed ({reason})")
    else:
        message = _("could not write to {folder}: {reason}")
    return UserActionError(message.format(folder=folder, reason=reason))


# -- import ------------------------------------------------------------------------------------


class BundleContents:
    """The members of a bundle being read, in order; an iterator of ReceivedMember.

    Read each member's stream before asking for the next one (what is left unread is skipped;
    the old stream then refuses reads). `completed` becomes true only when the iteration ended
    normally: the archive ended properly and age verified the whole bundle.
    """

    def __init__(self, layout: BundleLayout, reader: TarMemberReader) -> None:
        self.bundle_id = layout.bundle_id
        self.part_count = layout.total
        self.size = layout.size
        self._reader = reader

    def __iter__(self) -> Iterator[ReceivedMember]:
        return self

    def __next__(self) -> ReceivedMember:
        return next(self._reader)

    @property
    def completed(self) -> bool:
        return self._reader.completed


@contextlib.contextmanager
def read_bundle(
    parts: Sequence[Path], identity: str, *, progress: Progress | None = None
) -> Iterator[BundleContents]:
    """Open the bundle made of `parts` (in any order) with the age `identity`.

    Yields BundleContents. NotValidError with a one-line reason when the parts are incomplete
    or inconsistent (before anything is decrypted), and during or at the end of the iteration
    when the bundle proves not encrypted to `identity`, truncated or damaged; UserActionError
    when a file cannot be read. Nothing read may be committed unless the iteration ended
    normally. `progress(done, total)` counts the archive bytes the caller has taken (not the
    encrypted bytes read ahead into the decryptor) and runs in the caller's thread. Leaving
    the `with` block early stops the background decryption.
    """
    layout = order_parts(parts)
    reporter = _ProgressReporter(progress, layout.size)
    with contextlib.ExitStack() as cleanup:  # closed in reverse: the child, then the files
        source = PartsReader(layout.paths)
        cleanup.callback(source.close)
        decryptor = start_decryptor(identity, source, classify=_DecryptFailure(layout, source))
        cleanup.callback(decryptor.close)

        taken: list[TarMemberReader] = []

        def on_read() -> None:
            # The archive bytes the importer has taken (decrypted and processed), measured
            # against the parts' size: age adds ~0.03%, so the total is a close upper bound.
            reporter.report(taken[0].position if taken else 0)

        reader = TarMemberReader(decryptor, on_read=on_read)
        taken.append(reader)
        yield BundleContents(layout, reader)
    if reader.completed:
        reporter.finished(reader.position)


class _DecryptFailure:
    """Turns a failure of the decryption thread into the exception the importer sees.

    pyrage says "decryption error" both for a tampered chunk and for a stream that ends early.
    They are told apart by where it happened: pyrage has delivered the plaintext of every chunk
    before the failing one, which locates that chunk in the parts; if it is the final chunk
    present, the bundle ends early (truncated), otherwise the part holding it is damaged.
    A byte changed inside the very last chunk therefore reads as "truncated" too.
    """

    def __init__(self, layout: BundleLayout, source: PartsReader) -> None:
        self._layout = layout
        self._source = source

    def __call__(self, error: BaseException, produced: int) -> BaseException:
        if self._source.error is not None:
            exc = self._source.error
            return UserActionError(
                _("could not read {path}: {reason}").format(
                    path=self._source.error_path, reason=system_reason(exc)
                )
            )
        if isinstance(error, PipeClosed):
            return error
        failure = describe_failure(error)
        if failure is AgeFailure.NO_MATCHING_IDENTITY:
            return NotForThisRecipient(_("bundle not encrypted to this coordinator"))
        if failure is AgeFailure.BAD_HEADER:
            return self._header_problem()
        if failure is AgeFailure.STREAM:
            return self._stream_problem(produced)
        if failure is AgeFailure.TRUNCATED:
            return _truncated()
        return error

    def _first_bytes(self) -> bytes:
        try:
            with open(self._layout.paths[0], "rb") as handle:
                return handle.read(AGE_HEADER_MAX + 64)
        except OSError:
            return b""

    def _header_problem(self) -> NotValidError:
        head = self._first_bytes()
        if head.startswith(b"age-encryption.org/v1\n") and payload_start(head) is None:
            return _truncated()
        return NotValidError(
            _("bundle damaged: not an age-encrypted bundle, or its start (part 1) is damaged")
        )

    def _stream_problem(self, produced: int) -> NotValidError:
        start = payload_start(self._first_bytes())
        if start is None:
            return self._header_problem()
        chunk = produced // AGE_CHUNK
        chunk_start = start + chunk * (AGE_CHUNK + AGE_TAG)
        chunk_end = min(chunk_start + AGE_CHUNK + AGE_TAG, self._layout.size)
        if chunk_end >= self._layout.size:
            return _truncated()
        first = self._layout.part_at(chunk_start)
        last = self._layout.part_at(chunk_end - 1)
        total = self._layout.total
        if first == last:
            return NotValidError(
                _("bundle damaged: part {part} of {total} failed the integrity check").format(
                    part=first, total=total
                )
            )
        return NotValidError(
            _(
                "bundle damaged: part {first} or {last} of {total} failed the integrity check"
            ).format(first=first, last=last, total=total)
        )


def _truncated() -> NotValidError:
    return BundleTruncated(
        _("bundle truncated: it ends early (the last part is incomplete or missing)")
    )
