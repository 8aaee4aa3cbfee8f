"""Ctrl-C while a bundle's media are being staged leaves no staging file behind.

A stager thread still writing when the process exits would leave its `.tmp` blob (encrypted,
but litter that grows with every interrupted import); `join` therefore stops it first.
"""

from __future__ import annotations

import hashlib
import io
import signal
import threading
import time
from pathlib import Path
from typing import cast

import pytest

from observer_app.handoff.bundle.manifest import MediaEntry
from observer_app.handoff.bundle.media_staging import MediaStager
from observer_app.handoff.parts.tar_stream import ReceivedMember
from observer_app.vault.blobs import BlobStore


class SlowStream(io.RawIOBase):
    """64 KiB every 10 ms: a slow stick, so the interrupt lands mid-file."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self.left:
            return 0
        time.sleep(0.01)
        count = min(len(buffer), 65536, self.left)
        buffer[:count] = b"m" * count
        self.left -= count
        return count


def test_ctrl_c_during_join_stops_the_stager_and_removes_its_file(tmp_path: Path) -> None:
    size = 64 * 1024 * 1024  # 10 s at this pace: far longer than the test waits
    entry = MediaEntry(hashlib.sha256(b"m" * size).hexdigest(), size)
    member = ReceivedMember(entry.member_name, size, cast(io.BufferedReader, SlowStream(size)))
    blobs = BlobStore(tmp_path / "blobs")
    stager = MediaStager(iter([member]), [entry], blobs, set(), cancel=None)
    stager.start()
    main = threading.main_thread().ident
    assert main is not None
    threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT)).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        stager.join()
    assert time.monotonic() - started < 5  # stopped at its next chunk, not at the end
    assert not [t for t in threading.enumerate() if t.name == "bundle-media" and t.is_alive()]
    assert list((tmp_path / "blobs").glob("*")) == []
