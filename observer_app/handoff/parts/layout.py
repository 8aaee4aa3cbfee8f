"""Reading a bundle given as files: put its parts in order, check none is missing, stream them.

This is the import side: the user names the files (or a folder is scanned with
`names.find_bundle_parts`), and before age sees a byte the parts are ordered and their sizes
checked, so that a missing or truncated part is reported as such rather than as a decryption
failure. `PartsReader` then hands age the parts as one stream, as `cat` would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from observer_app.errors import NotValidError, UsageError, UserActionError, system_reason
from observer_app.handoff.parts.errors import BundleTruncated
from observer_app.handoff.parts.names import PARTIAL_SUFFIX, PartName, parse_part_name
from observer_app.handoff.parts.read_back import READ_BACK_CHUNK
from observer_app.i18n import _, ngettext


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
        raise BundleTruncated(
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
            _("could not read {path}: {reason}").format(path=path, reason=system_reason(exc))
        ) from exc


def _check_sizes(sizes: Sequence[int]) -> None:
    """Every part but the last has the full part size; the last is not larger and not empty."""
    total = len(sizes)
    full = max(sizes[:-1]) if total > 1 else sizes[0]
    for number, size in enumerate(sizes, start=1):
        last = number == total
        if size == 0 or (not last and size < full):
            raise BundleTruncated(
                _("bundle truncated: part {part} of {total} is incomplete").format(
                    part=number, total=total
                )
            )
        if last and size > full:
            raise NotValidError(_("bundle damaged: the parts have inconsistent sizes"))


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
