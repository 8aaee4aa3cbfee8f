"""The tar layer of a bundle: written and read strictly front to back, never seeking.

Writing builds the headers with `tarfile.TarInfo.tobuf` (POSIX pax format, UTF-8 names) and
streams each member's bytes in 1 MiB chunks itself, so that the caller's cancel and progress
checks run between chunks and memory stays at one chunk. Metadata that could say something
about the author's machine (times, owners, modes) is fixed: mtime 0, uid/gid 0, mode 0600.

Reading is a small strict parser of exactly that format (headers decoded by
`tarfile.TarInfo.frombuf`): only regular files with safe relative names, pax headers only for
path and size, a member stream that reads straight from the decrypted stream and cannot be used
after the archive moved on, and a strict end (two zero blocks, then only zeros). `tarfile`'s
own stream mode was not used: it copies every byte three times (half the import time) and
treats a damaged header in mid-archive as a quiet end of the archive.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from observer_app.errors import NotValidError
from observer_app.handoff.age.stream import SupportsReadInto, SupportsWrite
from observer_app.i18n import _

BLOCK = tarfile.BLOCKSIZE  # 512
RECORD = tarfile.RECORDSIZE  # 10240: tar streams end padded to a whole record
CHUNK = 1024 * 1024
MAX_NAME_BYTES = 255  # keeps the pax header of any member within one extra block


@dataclass(frozen=True)
class TarMember:
    """One file to put into a bundle: `open` is called once, when its turn comes."""

    name: str
    size: int
    open: Callable[[], BinaryIO]

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> TarMember:
        return cls(name=name, size=len(data), open=lambda: io.BytesIO(data))


class ReceivedMember(NamedTuple):
    """One file read from a bundle; `stream` is valid until the next member is asked for."""

    name: str
    size: int
    stream: BinaryIO


def member_name_problem(name: str) -> str | None:
    """Why `name` is not acceptable as a bundle member name (None: it is)."""
    if not name:
        return "empty name"
    if "\x00" in name or "\\" in name:
        return "forbidden character"
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        return "name too long"
    if name.startswith("/") or name.endswith("/"):
        return "not a relative file name"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "empty, '.' or '..' path component"
    return None


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = 0
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def _padding(size: int) -> int:
    return -size % BLOCK


def tar_size_upper_bound(member_sizes: Iterable[int]) -> int:
    """At most how long the tar stream of members with these sizes is (names <= 255 bytes)."""
    total = 0
    for size in member_sizes:
        total += 3 * BLOCK + size + _padding(size)  # pax header block + pax data + ustar header
    total += 2 * BLOCK
    return total + RECORD


def write_tar(
    members: Iterable[TarMember], out: SupportsWrite, *, on_chunk: Callable[[], None]
) -> int:
    """Write `members` as one tar stream into `out`; return the number of bytes written.

    `on_chunk` runs before the first and after every chunk (cancel check, progress); an
    exception from it stops the stream where it is. A member whose reader yields fewer or more
    bytes than its declared size is a programming error (ValueError).
    """
    written = 0
    on_chunk()
    for member in members:
        problem = member_name_problem(member.name)
        if problem is not None:
            raise ValueError(f"bad member name {member.name!r}: {problem}")
        if member.size < 0:
            raise ValueError(f"negative size for member {member.name!r}")
        header = _header(member.name, member.size)
        out.write(header)
        written += len(header)
        with member.open() as reader:
            remaining = member.size
            while remaining:
                data = reader.read(min(CHUNK, remaining))
                if not data:
                    raise ValueError(
                        f"member {member.name!r} ended {remaining} bytes before its size"
                    )
                out.write(data)
                written += len(data)
                remaining -= len(data)
                on_chunk()
            if reader.read(1):
                raise ValueError(f"member {member.name!r} is longer than its size")
        pad = _padding(member.size)
        if pad:
            out.write(bytes(pad))
            written += pad
    end = 2 * BLOCK
    end += -(written + end) % RECORD
    out.write(bytes(end))
    written += end
    on_chunk()
    return written


def _damaged(detail: str) -> NotValidError:
    return NotValidError(_("bundle damaged: {detail}").format(detail=detail))


ZERO_BLOCK = bytes(BLOCK)


class _BlockSource:
    """Reads from `source` by exact sizes (headers) or by whatever is at hand (member data),
    counting the position; the end of `source` inside the archive is damage."""

    def __init__(self, source: SupportsReadInto) -> None:
        self._source = source
        self._pending = b""
        self.position = 0

    def readinto(self, view: memoryview) -> int:
        if self._pending:
            count = min(len(view), len(self._pending))
            view[:count] = self._pending[:count]
            self._pending = self._pending[count:]
        else:
            count = self._source.readinto(view)
        self.position += count
        return count

    def read_some(self, limit: int) -> bytes:
        if self._pending:
            data, self._pending = self._pending[:limit], self._pending[limit:]
        else:
            data = self._source.read(limit)
            if len(data) > limit:  # pragma: no cover - sources honour the limit
                data, self._pending = data[:limit], data[limit:]
        self.position += len(data)
        return data

    def read_exact(self, size: int) -> bytes:
        parts = []
        while size:
            data = self.read_some(size)
            if not data:
                raise _damaged(_("the archive ends early"))
            parts.append(data)
            size -= len(data)
        return b"".join(parts)

    def skip(self, size: int) -> None:
        while size:
            data = self.read_some(min(size, CHUNK))
            if not data:
                raise _damaged(_("the archive ends early"))
            size -= len(data)


#: Numeric pax keys and how many digits each may have: more than 20 digits is no real size or
#: time (2**64 has 20), and a longer string would make int() slow or refuse it (Python's limit
#: of 4300 digits raised a bare ValueError from deep inside the import).
PAX_NUMERIC_KEYS = frozenset({"size", "uid", "gid", "mtime", "atime", "ctime"})
PAX_MAX_DIGITS = 20
_PAX_FRACTION_KEYS = frozenset({"mtime", "atime", "ctime"})


def _pax_number_ok(key: str, value: str) -> bool:
    """Whether a numeric pax value is ASCII decimal of bounded length (times: a fraction too)."""
    whole, dot, fraction = value.partition(".")
    if dot and (key not in _PAX_FRACTION_KEYS or not _ascii_digits(fraction, PAX_MAX_DIGITS)):
        return False
    return _ascii_digits(whole, PAX_MAX_DIGITS)


def _ascii_digits(text: str, limit: int) -> bool:
    """1 to `limit` ASCII digits (str.isdigit also takes '²' and other scripts' digits)."""
    return 0 < len(text) <= limit and text.isascii() and text.isdigit()


def parse_pax(data: bytes) -> dict[str, str]:
    """The records of a pax extended header: `<length> <key>=<value>\n`, length counting all.

    Numeric values (PAX_NUMERIC_KEYS) are checked here, so that every later int() is cheap and
    cannot fail; a record length longer than the header itself is refused the same way.
    """
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        digits = data[pos:space]  # bytes.isdigit() is ASCII only
        if space < 0 or not 0 < len(digits) <= len(str(len(data))) or not digits.isdigit():
            raise ValueError("bad pax record length")
        length = int(digits)
        record = data[space + 1 : pos + length]
        if length <= space - pos + 1 or pos + length > len(data) or not record.endswith(b"\n"):
            raise ValueError("bad pax record")
        key, equals, value = record[:-1].partition(b"=")
        if not equals:
            raise ValueError("pax record without '='")
        name, text = key.decode("utf-8"), value.decode("utf-8", "surrogateescape")
        if name in PAX_NUMERIC_KEYS and not _pax_number_ok(name, text):
            raise ValueError(f"bad numeric pax value for {name}")
        records[name] = text
        pos += length
    return records


class _MemberStream(io.RawIOBase):
    """One member's bytes straight from the decrypted stream (no copy of the whole member);
    refuses use once the archive has moved past the member."""

    def __init__(self, source: _BlockSource, size: int, on_read: Callable[[], None]) -> None:
        super().__init__()
        self._source = source
        self.size = size
        self.remaining = size
        self._on_read = on_read
        self.valid = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if not self.valid:
            raise ValueError("member stream read after the bundle moved to the next member")
        if not self.remaining or not len(buffer):
            return 0
        view = memoryview(buffer).cast("B")
        count = self._source.readinto(view[: min(len(view), self.remaining)])
        if not count:
            raise _damaged(_("the archive ends early"))
        self.remaining -= count
        self._on_read()
        return count


class TarMemberReader:
    """Iterates over the members of a tar stream read from `source`, strictly.

    Accepts what `write_tar` produces and nothing else: regular files with safe relative names,
    each optionally preceded by a pax header (for long or non-ASCII names, huge sizes); then
    the end-of-archive zeros and nothing but zeros up to the end of `source`. The iteration ends
    (StopIteration) only after `source` reported its own clean end; every problem raises
    NotValidError (or the source's own exception) instead.
    """

    def __init__(self, source: SupportsReadInto, *, on_read: Callable[[], None]) -> None:
        self._source = _BlockSource(source)
        self._on_read = on_read
        self._current: _MemberStream | None = None
        self._done = False
        self.completed = False

    @property
    def position(self) -> int:
        """Bytes of the archive its reader has taken so far: the work done, unlike the
        encrypted bytes read ahead into the decryptor."""
        return self._source.position

    def __iter__(self) -> Iterator[ReceivedMember]:
        return self

    def __next__(self) -> ReceivedMember:
        if self._done:
            raise StopIteration
        try:
            member = self._next_member()
        except BaseException:
            self._done = True
            raise
        if member is None:
            self._done = True
            self.completed = True
            raise StopIteration
        return member

    def _next_member(self) -> ReceivedMember | None:
        if self._current is not None:
            self._current.valid = False
            self._source.skip(self._current.remaining + _padding(self._current.size))
            self._current = None
        pax: dict[str, str] = {}
        while True:
            block = self._source.read_exact(BLOCK)
            self._on_read()
            if block == ZERO_BLOCK:
                if pax:
                    raise _damaged(_("unexpected entry type"))
                self._finish()
                return None
            info = self._parse_header(block)
            if info.type != tarfile.XHDTYPE:
                break
            if pax or info.size > 64 * BLOCK:
                raise _damaged(_("unexpected entry type"))
            raw = self._source.read_exact(info.size + _padding(info.size))[: info.size]
            try:
                pax = parse_pax(raw)
            except (ValueError, UnicodeDecodeError):
                raise _damaged(_("invalid header")) from None
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
            raise _damaged(_("unexpected entry type"))
        name = pax.get("path", info.name)
        size = info.size
        if "size" in pax:
            size = int(pax["size"])  # checked by parse_pax: ASCII digits, at most 20
        if member_name_problem(name) is not None:
            raise _damaged(_("unsafe member name"))
        self._current = _MemberStream(self._source, size, self._on_read)
        return ReceivedMember(name, size, io.BufferedReader(self._current, CHUNK))

    @staticmethod
    def _parse_header(block: bytes) -> tarfile.TarInfo:
        try:
            return tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except tarfile.HeaderError:
            raise _damaged(_("invalid header")) from None

    def _finish(self) -> None:
        """After the first end-of-archive block: a second one, then zeros to the very end of
        the source (whose clean end, for age, means the whole bundle was authenticated)."""
        if self._source.read_exact(BLOCK) != ZERO_BLOCK:
            raise _damaged(_("data after the end of the archive"))
        while data := self._source.read_some(CHUNK):
            self._on_read()
            if data.count(0) != len(data):
                raise _damaged(_("data after the end of the archive"))
        self._on_read()
