"""Blob files left by a killed writer are swept on the next open; a live writer's never are.

Real processes killed with SIGKILL: `media add` reading a FIFO (so the kill lands mid-file,
with its `.tmp` half written) and a bundle's media stager that has staged one blob completely
and is writing the next. A second process still writing keeps its file through a sweep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from observer_app.vault.store import BLOBS_DIR, open_vault
from tests.conftest import Cli

PHOTO = Path(__file__).parent.parent / "data" / "media" / "Canon_40D.jpg"
CHUNK = 1024 * 1024

STAGER = """
import hashlib, io, sys
from pathlib import Path
from observer_app.handoff.bundle.manifest import MediaEntry
from observer_app.handoff.bundle.media_staging import MediaStager
from observer_app.handoff.parts.tar_stream import ReceivedMember
from observer_app.vault.blobs import BlobStore

class Stalls(io.RawIOBase):
    '''Two MiB, then says so and waits forever: the kill lands in the second blob.'''
    sent = 0
    def readable(self): return True
    def readinto(self, buffer):
        if self.sent >= 2 * 1024 * 1024:
            print("stalled", flush=True)
            sys.stdin.read()
        count = min(len(buffer), 65536)
        buffer[:count] = b"s" * count
        self.sent += count
        return count

whole = b"w" * 100_000
entries = [MediaEntry(hashlib.sha256(whole).hexdigest(), len(whole)),
           MediaEntry("0" * 64, 8 * 1024 * 1024)]
stalls = io.BufferedReader(Stalls())
members = iter([ReceivedMember(entries[0].member_name, len(whole), io.BytesIO(whole)),
                ReceivedMember(entries[1].member_name, entries[1].size, stalls)])
MediaStager(members, entries, BlobStore(Path(sys.argv[1])), set(), None).run()
"""


def blob_files(vault: Path) -> list[str]:
    return sorted(p.name for p in (vault / BLOBS_DIR).iterdir())


@pytest.fixture
def observer(cli_vault: Cli) -> Cli:
    cli_vault("station", "add", "--number", "101", "--name", "Школа № 12", check=True)
    cli_vault("media", "add", str(PHOTO), "--station", "101", check=True)
    return cli_vault


class FifoMediaAdd:
    """`media add` of a FIFO we feed: it writes a `.tmp` blob and waits for more input."""

    def __init__(self, cli: Cli, fifo: Path) -> None:
        os.mkfifo(fifo)
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "observer_app.cli.main", "--vault", str(cli.vault),
             "--passphrase-file", str(cli.passphrase_file), "--ui-lang", "en",
             "media", "add", str(fifo), "--station", "101"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        self.feed = open(fifo, "wb")  # noqa: SIM115 - closed by finish() or kill()
        self.vault = cli.vault

    def write_until_tmp_exists(self) -> str:
        """Feed chunks until a `.tmp` blob appears (the FIFO blocks us when the reader lags)."""
        for _ in range(64):
            self.feed.write(b"\xff\xd8" + os.urandom(CHUNK - 2))
            self.feed.flush()
            temps = [n for n in blob_files(self.vault) if n.endswith(".tmp")]
            if temps and (self.vault / BLOBS_DIR / temps[0]).stat().st_size > 0:
                return temps[0]
        raise AssertionError("media add never started writing")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.feed.close()

    def finish(self) -> int:
        self.feed.close()
        return self.proc.wait(timeout=60)


@pytest.fixture
def media_add(observer: Cli, tmp_path: Path) -> Iterator[FifoMediaAdd]:
    writer = FifoMediaAdd(observer, tmp_path / "camera.jpg")
    yield writer
    if writer.proc.poll() is None:
        writer.kill()


def test_a_killed_media_add_leaves_a_tmp_that_the_next_open_sweeps(
    observer: Cli, media_add: FifoMediaAdd, passphrase: str
) -> None:
    held = [n for n in blob_files(observer.vault) if not n.endswith(".tmp")]  # photo, thumbnail
    assert len(held) == 2
    temp = media_add.write_until_tmp_exists()
    media_add.kill()
    assert temp in blob_files(observer.vault)  # what the issue saw: litter after a kill
    open_vault(observer.vault, passphrase).close()
    assert blob_files(observer.vault) == held  # swept; the recorded photo and thumbnail kept
    assert observer("journal", "verify").code == 0
    assert len(observer("media", "list", "--json", check=True).json()) == 1


def test_a_killed_stager_leaves_staged_blobs_that_the_next_open_sweeps(
    observer: Cli, passphrase: str
) -> None:
    held = blob_files(observer.vault)
    proc = subprocess.Popen(
        [sys.executable, "-c", STAGER, str(observer.vault / BLOBS_DIR)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "stalled"
    left = sorted(set(blob_files(observer.vault)) - set(held))
    assert len(left) == 2 and [n.endswith(".tmp") for n in left].count(True) == 1
    proc.kill()
    proc.wait()
    open_vault(observer.vault, passphrase).close()
    assert blob_files(observer.vault) == held


def test_a_live_writers_file_survives_another_processs_sweep(
    observer: Cli, media_add: FifoMediaAdd, passphrase: str
) -> None:
    temp = media_add.write_until_tmp_exists()
    size = (observer.vault / BLOBS_DIR / temp).stat().st_size
    open_vault(observer.vault, passphrase).close()  # this process sweeps meanwhile
    assert temp in blob_files(observer.vault)
    assert (observer.vault / BLOBS_DIR / temp).stat().st_size >= size
    assert media_add.finish() == 0, media_add.proc.stderr
    assert len(observer("media", "list", "--json", check=True).json()) == 2
    assert not [n for n in blob_files(observer.vault) if n.endswith(".tmp")]
