"""`handoff import` killed with SIGKILL while it stages media: the next open sweeps the staging
blobs it left (they used to stay, up to 210 MB), and the next import lands with exactly the
blobs its rows name. Real processes through `observer-cli`; a temp folder plays the stick."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from observer_app.vault.store import BLOBS_DIR, open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.test_roundtrip_cli import enroll, folder, people

__all__ = ["people"]  # the fixture, shared with the round-trip tests

MEDIA_FILES = 3
MEDIA_BYTES = 24 * 1024 * 1024


def blob_files(vault: Path) -> set[str]:
    return {entry.name for entry in os.scandir(vault / BLOBS_DIR)}


def referenced_blobs(vault: Path) -> set[str]:
    opened = open_vault(vault, PASSPHRASE)
    try:
        names: set[str] = set()
        for file, thumb in opened.conn.execute("SELECT file, thumb_file FROM blobs"):
            names.add(str(file))
            if thumb is not None:
                names.add(str(thumb))
        return names
    finally:
        opened.close()


def kill_once_staging(coord: Cli, stick: Path, before: set[str]) -> set[str]:
    """Start the import, SIGKILL it as soon as a staging blob exists; the files it left."""
    command = [
        sys.executable,
        "-m",
        "observer_app.cli.main",
        "--vault",
        str(coord.vault),
        "--passphrase-file",
        str(coord.passphrase_file),
        "handoff",
        "import",
        str(stick),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            if blob_files(coord.vault) - before:
                break
            time.sleep(0.002)  # polling a folder, not waiting on a guess: no event to wait on
        assert child.poll() is None, "the import finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    return blob_files(coord.vault) - before


def test_a_killed_import_leaves_nothing_the_next_open_keeps(
    people: dict[str, Cli], tmp_path: Path
) -> None:
    coord, observer = people["coord"], people["obs1"]
    coord("station", "add", "--number", "101", "--name", "Школа № 12", check=True)
    enroll(coord, observer, tmp_path, "obs1", "101")
    for index in range(MEDIA_FILES):
        evidence = tmp_path / f"recording-{index}.bin"
        evidence.write_bytes(os.urandom(MEDIA_BYTES))
        observer("media", "add", str(evidence), "--station", "101", check=True)
    stick = folder(tmp_path, "stick")
    observer("handoff", "export", "--to", str(stick), check=True)

    before = blob_files(coord.vault)
    left = kill_once_staging(coord, stick, before)
    assert left, "the kill landed before any staging blob was written"
    assert blob_files(coord.vault) - before == left  # nothing removed them yet

    coord("whoami", check=True)  # any open sweeps
    assert blob_files(coord.vault) == before

    imported = coord("handoff", "import", str(stick), "--json", check=True).json()
    assert imported[0]["status"] == "accepted" and imported[0]["new_media"] == MEDIA_FILES
    assert blob_files(coord.vault) == referenced_blobs(coord.vault)
    assert len(blob_files(coord.vault) - before) == MEDIA_FILES
