"""SIGKILL at any moment of a write leaves a vault that opens, verifies and keeps every success.

Real subprocesses are killed at many points: while appending events, while creating a vault and
while changing the passphrase.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from observer_app.errors import VaultOpenError
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

WRITER = """
import sys
from pathlib import Path
from observer_app.logbook.notes import add_note
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import open_vault
session = LogbookSession(open_vault(Path(sys.argv[1]), sys.argv[2]))
print("ready", flush=True)
for i in range(100000):
    note_id = add_note(session, f"наблюдение {i} " + "x" * (i % 700))
    print(note_id, flush=True)
"""


def _run_and_kill(args: list[str], delay: float | None) -> list[str]:
    """Start the child, wait for its "ready", then kill it `delay` seconds later; with None,
    only once it printed "created" (a kill after the work, whatever the machine's load)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    stdout = proc.stdout

    def reader() -> None:
        for line in stdout:
            lines.append(line.strip())

    thread = threading.Thread(target=reader)
    thread.start()
    deadline = time.monotonic() + 30
    while "ready" not in lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if delay is None:
        while "created" not in lines and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    else:
        time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    thread.join()
    return lines


def test_killed_writers_lose_no_committed_event(vault_path: Path, passphrase: str) -> None:
    rng = random.Random(1234)
    acknowledged: list[str] = []
    for _round in range(12):
        lines = _run_and_kill(
            [sys.executable, "-c", WRITER, str(vault_path), passphrase], rng.uniform(0.0, 0.4)
        )
        acknowledged += [line for line in lines if line != "ready"]
        vault = open_vault(vault_path, passphrase)
        try:
            report = verify_journal(vault.conn)
            assert report.ok, report.problems
            held = {row[0] for row in vault.conn.execute("SELECT id FROM notes")}
        finally:
            vault.close()
        missing = [note for note in acknowledged if note not in held]
        assert not missing, f"acknowledged but lost: {missing[:3]}"
    assert len(acknowledged) > 20  # the kills really hit a busy writer


INIT = """
import sys
from pathlib import Path
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
print("ready", flush=True)
init_vault(Path(sys.argv[1]), sys.argv[2], NewIdentity(name="Kill Test", role="coordinator"),
           KdfParams.strong())
print("created", flush=True)
"""


def test_killed_init_leaves_no_half_vault(tmp_path: Path, passphrase: str) -> None:
    # Kill points as fractions of one measured init, so that early kills (no vault) and late
    # ones (a whole vault) both happen whatever the machine's speed.
    started = time.monotonic()
    init_vault(
        tmp_path / "timing",
        passphrase,
        NewIdentity(name="T", role="coordinator"),
        KdfParams.strong(),
    )
    duration = time.monotonic() - started
    outcomes = set()
    fractions: tuple[float | None, ...] = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.2, None)
    for round_number, fraction in enumerate(fractions):
        target = tmp_path / f"vault-{round_number}"
        delay = None if fraction is None else fraction * duration
        lines = _run_and_kill([sys.executable, "-c", INIT, str(target), passphrase], delay)
        assert "ready" in lines, "the child never started"
        leftovers = {
            p.name for p in tmp_path.iterdir() if p.name.startswith(f"vault-{round_number}")
        }
        assert leftovers <= {target.name}
        if target.exists():
            vault = open_vault(target, passphrase)
            try:
                assert verify_journal(vault.conn).ok
            finally:
                vault.close()
            outcomes.add("whole")
        else:
            assert "created" not in lines
            outcomes.add("absent")
    assert outcomes == {"whole", "absent"}


PASSWD = """
import sys
from pathlib import Path
from observer_app.vault.store import change_passphrase, open_vault
vault = open_vault(Path(sys.argv[1]), sys.argv[2])
print("ready", flush=True)
change_passphrase(vault, sys.argv[3])
print("changed", flush=True)
"""


def test_killed_passphrase_change_keeps_one_working_passphrase(
    tmp_path: Path, passphrase: str
) -> None:
    from observer_app.logbook.notes import add_note
    from observer_app.logbook.session import LogbookSession

    rng = random.Random(7)
    for round_number in range(8):
        path = tmp_path / f"v{round_number}"
        init_vault(path, passphrase, NewIdentity(name="P"), KdfParams.for_tests())
        session = LogbookSession(open_vault(path, passphrase))
        for i in range(200):
            add_note(session, f"note {i}")
        session.close()
        lines = _run_and_kill(
            [sys.executable, "-c", PASSWD, str(path), passphrase, "brand new"],
            rng.uniform(0.0, 0.05),
        )
        assert "ready" in lines, "the child never started"
        opened = []
        for candidate in (passphrase, "brand new"):
            try:
                vault = open_vault(path, candidate)
            except VaultOpenError:
                continue
            try:
                assert verify_journal(vault.conn).ok
                assert vault.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 200
            finally:
                vault.close()
            opened.append(candidate)
        assert len(opened) >= 1, "neither passphrase opens the vault"
        if "changed" in lines:
            assert "brand new" in opened
