"""How much typing a SIGKILL loses (issue 14: at most 5 seconds).

A child process opens the window on a vault, opens a note form and types one character every
50 ms (real key events), printing how many it has typed; the parent kills it with SIGKILL at a
random moment, opens the vault, restores the note's draft and compares: the characters typed
but not in the draft, in seconds of typing. Repeated a few times; the worst is printed.
Run: `.venv/bin/python benchmarks/bench_draft_loss.py` (offscreen).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from observer_app.logbook.drafts import discard_draft, list_drafts, restore_draft
from observer_app.logbook.session import open_session
from observer_app.logbook.setup import KdfProfile, NewIdentity, init_vault

PASSPHRASE = "draft loss benchmark"
INTERVAL_MS = 50
CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QEvent, QTimer, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from observer_app.gui.application import ObserverApplication
from observer_app.gui.session_flow import SessionFlow
app = ObserverApplication(sys.argv[:1])
flow = SessionFlow(None, Path(sys.argv[1]))
flow.start()
flow.unlock_dialog.passphrase.setText(sys.argv[2])
flow.unlock_dialog.try_unlock()
form = flow.window.new_note()
typed = 0
def type_one():
    global typed
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(form.text, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, "ж"))
    typed += 1
    print(typed, flush=True)
timer = QTimer()
timer.timeout.connect(type_one)
timer.start(int(sys.argv[3]))
app.exec()
"""


def one_run(vault: Path, rng: random.Random) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(vault.parent)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(vault), PASSPHRASE, str(INTERVAL_MS)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.strip() == "1"
    time.sleep(rng.uniform(4.0, 12.0))
    child.send_signal(signal.SIGKILL)
    rest = child.stdout.read().split()
    child.wait()
    typed = int(rest[-1]) if rest else 1
    session = open_session(vault, PASSPHRASE)
    try:
        drafts = list_drafts(session, "note")
        saved = len(str(restore_draft(session, drafts[0].id).content["text"])) if drafts else 0
        for draft in drafts:
            discard_draft(session, draft.id)
    finally:
        session.close()
    return (typed - saved) * INTERVAL_MS / 1000


def main() -> None:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        init_vault(vault, PASSPHRASE, NewIdentity(name="Bench"), KdfProfile.TEST)
        losses = [one_run(vault, rng) for _ in range(5)]
    print(
        "typing lost to a SIGKILL (seconds): "
        + ", ".join(f"{loss:.2f}" for loss in losses)
        + f"; worst {max(losses):.2f} s (goal <= 5 s; drafts are saved every 3 s)"
    )


if __name__ == "__main__":
    main()
