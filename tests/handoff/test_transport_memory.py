"""Memory stays bounded whatever the member size: a 64 MiB member goes out and back in."""

from __future__ import annotations

import hashlib
import os
import resource
import tracemalloc
from pathlib import Path

from pyrage import x25519

from observer_app.handoff.parts.tar_stream import TarMember
from observer_app.handoff.parts.transport import (
    estimate_bundle_size,
    read_bundle,
    write_bundle,
)

SIZE = 64 * 2**20
LIMIT = 16 * 2**20


class Generated:
    """SIZE bytes made by repeating one random MiB: a member that is never whole in memory."""

    def __init__(self, block: bytes, size: int) -> None:
        self._block = block
        self._left = size

    def read(self, size: int = -1) -> bytes:
        size = min(self._left if size < 0 else size, self._left, len(self._block))
        self._left -= size
        return bytes(memoryview(self._block)[:size])  # a fresh object, as a real reader gives

    def __enter__(self) -> Generated:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


def rss_peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def reset_rss_peak() -> None:
    """ru_maxrss is a high-water mark: reset it, or an earlier test's peak hides this one's."""
    Path("/proc/self/clear_refs").write_text("5")


def test_a_64_mib_member_streams_through_in_bounded_memory(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    block = os.urandom(2**20)
    expected = hashlib.sha256()
    for _ in range(SIZE // len(block)):
        expected.update(block)
    stick = tmp_path / "stick"
    stick.mkdir()
    member = TarMember("media/video.mp4", SIZE, lambda: Generated(block, SIZE))  # type: ignore[arg-type, return-value]

    reset_rss_peak()
    rss_before = rss_peak_kib()
    tracemalloc.start()
    try:
        parts = write_bundle(
            [member],
            str(identity.to_public()),
            stick,
            estimated_size=estimate_bundle_size([SIZE]),
            part_size=16 * 2**20,
        )
        _current, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        received = hashlib.sha256()
        with read_bundle(parts, str(identity)) as contents:
            for item in contents:
                while chunk := item.stream.read(2**20):
                    received.update(chunk)
            assert contents.completed
        _current, import_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = rss_peak_kib() - rss_before

    # pyrage's own buffers live in Rust and are not traced; the RSS figure covers them.
    print(
        f"\ntracemalloc peak: export {export_peak / 2**20:.1f} MiB, "
        f"import {import_peak / 2**20:.1f} MiB; max RSS growth {rss_growth / 1024:.1f} MiB"
    )
    assert received.digest() == expected.digest()
    assert len(parts) == 5  # 64 MiB plus tar and age overhead, in 16 MiB parts
    assert export_peak < LIMIT
    assert import_peak < LIMIT
    assert rss_growth < 48 * 1024
