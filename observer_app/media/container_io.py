"""Bounded, seeking reads from an untrusted container: the safety rails every format reader uses.

A crafted file can claim a 4 GiB header or a million nested boxes. Every read here is capped
(`MAX_HEADER_BYTES`) and every box or chunk visited is counted against a `Budget`, so a hostile
file costs at most a few megabytes and a few thousand seeks before it is called damaged. Readers
seek over payloads instead of reading them, which is what keeps sample data off the import path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final, Protocol

from observer_app.media.metadata_model import ERROR_DAMAGED, ParseError

MAX_HEADER_BYTES: Final = 4 * 1024 * 1024  # one box, chunk or EXIF block read into memory
MAX_ENTRIES: Final = 4096  # boxes or chunks visited in one file


class SeekableStream(Protocol):
    """What metadata extraction needs from a stream: random-access reads and nothing else.

    A protocol rather than `typing.BinaryIO` so that the vault's decrypting `BlobReader` (an
    `io.RawIOBase`, not a `BinaryIO`) and `io.BytesIO` are both accepted as they are.
    """

    def read(self, n: int, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


@dataclass(frozen=True)
class Box:
    """An ISO box or RIFF chunk located in the stream, by its payload's byte range."""

    kind: bytes
    start: int  # first payload byte
    end: int  # one past the last byte


class Budget:
    """Bounds how many boxes or chunks one file may make us visit: no hang on crafted input."""

    def __init__(self) -> None:
        self.left = MAX_ENTRIES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ParseError(ERROR_DAMAGED)


def stream_length(stream: SeekableStream) -> int:
    """The stream's length, found by seeking (the stream is left at the start)."""
    length = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return length


def read_at(stream: SeekableStream, position: int, count: int) -> bytes:
    """Exactly `count` bytes at `position`; a short file or an oversized claim is damage."""
    if count < 0 or position < 0 or count > MAX_HEADER_BYTES:
        raise ParseError(ERROR_DAMAGED)
    stream.seek(position)
    data = stream.read(count)
    while len(data) < count:  # raw streams may return short reads before the end
        more = stream.read(count - len(data))
        if not more:
            raise ParseError(ERROR_DAMAGED)
        data += more
    return data


class ByteReader:
    """Big-endian unsigned integers read one after another from a header held in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def uint(self, size: int) -> int:
        if self.position + size > len(self.data):
            raise ParseError(ERROR_DAMAGED)
        value = int.from_bytes(self.data[self.position : self.position + size], "big")
        self.position += size
        return value
