"""A draft saved a moment before the process is killed (SIGKILL: no cleanup, no atexit) is
restored when the vault is opened again: a save is a durable commit, not a cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from observer_app.logbook import drafts
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import open_vault

TYPIST = """
import sys
from pathlib import Path
from observer_app.logbook import drafts
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import open_vault
session = LogbookSession(open_vault(Path(sys.argv[1]), sys.argv[2]))
draft = drafts.save_draft(session, "incident", {"text": "первая версия"}, station="101")
drafts.save_draft(session, "incident", {"text": sys.argv[3]}, draft_id=draft, station="101")
print(draft, flush=True)
sys.stdin.readline()  # keeps the vault open, as a window would, until the test kills it
"""


def test_a_draft_survives_sigkill(vault_path: Path, passphrase: str) -> None:
    text = "Вброс в 14:05 — " + "подробности " * 200
    proc = subprocess.Popen(
        [sys.executable, "-c", TYPIST, str(vault_path), passphrase, text],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        draft_id = proc.stdout.readline().strip()
        assert draft_id, proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode == -signal.SIGKILL
    assert (vault_path / "vault.db-wal").exists()  # killed with the vault open, not closed

    session = LogbookSession(open_vault(vault_path, passphrase))
    try:
        [listed] = drafts.list_drafts(session)
        assert (listed.id, listed.kind, listed.station) == (draft_id, "incident", "101")
        assert drafts.restore_draft(session, draft_id).content == {"text": text}
    finally:
        session.close()
