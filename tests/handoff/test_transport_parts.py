"""Part naming, cutting and read-back, without age in the way."""

from __future__ import annotations

import os
import threading
import zlib
from pathlib import Path

import pytest

from observer_app.handoff.parts.layout import order_parts
from observer_app.handoff.parts.names import parse_part_name, part_name
from observer_app.handoff.parts.read_back import (
    ReadBackMismatch,
    cached_blocks,
    read_ahead,
    read_back,
    read_direct,
)
from observer_app.handoff.parts.writer import PartWriter, TooManyParts

BUNDLE = "0123456789abcdef"


def test_part_names_round_trip_and_strangers_are_not_parts() -> None:
    assert part_name(BUNDLE, 7, 12) == "olb-0123456789abcdef-007-of-012.age"
    parsed = parse_part_name("olb-0123456789abcdef-007-of-012.age")
    assert parsed is not None and (parsed.bundle_id, parsed.index, parsed.total) == (BUNDLE, 7, 12)
    for name in (
        "olb-0123456789abcdef-000-of-012.age",  # numbering starts at 1
        "olb-0123456789abcdef-013-of-012.age",  # beyond the count
        "olb-0123456789ABCDEF-001-of-001.age",  # ids are lowercase
        "olb-0123456789abcde-001-of-001.age",  # 15 digits
        "olb-0123456789abcdef-1-of-1.age",
        "olb-0123456789abcdef-001.partial",
        "xyz-0123456789abcdef-001-of-001.age",
    ):
        assert parse_part_name(name) is None, name


def written_parts(folder: Path, part_size: int, writes: list[bytes]) -> list[bytes]:
    writer = PartWriter(folder, BUNDLE, part_size)
    for data in writes:
        assert writer.write(data) == len(data)
    writer.finish(lambda: None)
    return [path.read_bytes() for path in writer.publish()]


@pytest.mark.parametrize(
    ("part_size", "writes"),
    [
        (10, [b"0123456789" * 3]),  # exactly three parts: no empty fourth
        (10, [b"abc"] * 11),  # 33 bytes in small writes
        (7, [b"x" * 100, b"y"]),  # one write spanning many parts
        (1000, [b"tiny"]),
    ],
)
def test_parts_are_cut_at_the_part_size(
    tmp_path: Path, part_size: int, writes: list[bytes]
) -> None:
    data = b"".join(writes)
    got = written_parts(tmp_path, part_size, writes)
    assert b"".join(got) == data
    assert all(len(p) == part_size for p in got[:-1])
    assert 0 < len(got[-1]) <= part_size
    assert len(got) == -(-len(data) // part_size)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [part_name(BUNDLE, i, len(got)) for i in range(1, len(got) + 1)]


def test_too_many_parts(tmp_path: Path) -> None:
    writer = PartWriter(tmp_path, BUNDLE, 10, max_parts=3)
    with pytest.raises(TooManyParts):
        writer.write(b"z" * 31)
    assert isinstance(writer.failure, TooManyParts)
    writer.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("size", [0, 1, 4096, 4 * 2**20, 4 * 2**20 + 513, 9 * 2**20 + 1])
def test_both_read_back_paths_return_the_file(tmp_path: Path, size: int) -> None:
    """Direct I/O with read-ahead (Linux) and the cached fallback (other systems, file systems
    that refuse O_DIRECT) give the same bytes."""
    path = tmp_path / "part"
    data = os.urandom(size)
    path.write_bytes(data)

    cached = b"".join(bytes(block) for block in cached_blocks(path, lambda: None))
    assert cached == data
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECT", 0))
    try:
        ahead = b"".join(bytes(block) for block in read_ahead(fd, lambda: None))
        os.lseek(fd, 0, os.SEEK_SET)
        single = b"".join(bytes(b) for b in read_direct(fd, size, lambda: None))
    finally:
        os.close(fd)
    assert ahead == data
    assert single == data
    assert not [t for t in threading.enumerate() if t.name == "bundle-read-back" and t.is_alive()]


def test_read_back_refuses_other_content_or_length(tmp_path: Path) -> None:
    path = tmp_path / "part"
    data = os.urandom(100_000)
    path.write_bytes(data)
    digest = zlib.crc32(data).to_bytes(4, "big")
    read_back(path, len(data), digest, 1, lambda: None)
    with pytest.raises(ReadBackMismatch):
        read_back(path, len(data) + 1, digest, 1, lambda: None)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(ReadBackMismatch) as caught:
        read_back(path, len(data), digest, 4, lambda: None)
    assert caught.value.index == 4


def test_a_stop_during_read_back_ends_the_helper_thread(tmp_path: Path) -> None:
    path = tmp_path / "part"
    path.write_bytes(os.urandom(20 * 2**20))
    calls = 0

    def check() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        read_back(path, 20 * 2**20, b"", 1, check)
    assert not [t for t in threading.enumerate() if t.name == "bundle-read-back" and t.is_alive()]


def test_order_parts_sorts_by_number(tmp_path: Path) -> None:
    paths = [tmp_path / part_name(BUNDLE, i, 3) for i in (3, 1, 2)]
    for path in paths:
        path.write_bytes(b"x" * (5 if path.name.startswith(part_name(BUNDLE, 3, 3)) else 10))
    layout = order_parts(paths)
    assert [p.name for p in layout.paths] == [part_name(BUNDLE, i, 3) for i in (1, 2, 3)]
    assert layout.sizes == (10, 10, 5)
    assert [layout.part_at(offset) for offset in (0, 9, 10, 19, 20, 24)] == [1, 1, 2, 2, 3, 3]
