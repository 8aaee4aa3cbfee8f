"""Drafts benchmark (issue 12): is a draft cheap enough to save every few seconds while typing?

A window saves the form's draft every few seconds; each save is one committed UPSERT (durable:
`synchronous=FULL`, so one WAL fsync). Measured on a real vault with the given number of other
drafts present: the save of a typical incident form (~2 KB of Cyrillic text) and of a long one
(~60 KB), the listing, a restore, and a record saved with its draft deleted in the same commit.
Goals: a save < 50 ms at the median and < 100 ms at p95 (a typing pause is longer); a list and
a restore < 20 ms. One line per figure with its goal and "ok" or "not ok".
Run: `.venv/bin/python benchmarks/bench_drafts.py` (`--saves N`, `--drafts N`, `--dir D`: put
the vault on the disk to measure, since on a tmpfs `/tmp` an fsync costs nothing).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from observer_app.logbook import drafts, notes
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark passphrase"
SENTENCE = "Председатель комиссии вынес урну из зала, наблюдателей не пустили. "


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(label: str, times: list[float], goal_ms: float, p95_goal_ms: float | None = None) -> None:
    median = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    ok = median < goal_ms and (p95_goal_ms is None or p95 < p95_goal_ms)
    goal = f"median < {goal_ms:g} ms" + (f", p95 < {p95_goal_ms:g} ms" if p95_goal_ms else "")
    print(
        f"{label:<44} median {median:7.2f} ms  p95 {p95:7.2f} ms  goal {goal:<28}"
        f" {'ok' if ok else 'not ok'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--drafts", type=int, default=200, help="other drafts in the vault")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the vault goes (a tmpfs makes fsync free)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        path = Path(temp) / "vault"
        init_vault(path, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
        session = LogbookSession(open_vault(path, PASSPHRASE))
        try:
            for index in range(args.drafts):
                drafts.save_draft(session, "note", {"text": f"{index} {SENTENCE}"})
            form = {"category": "ballot_stuffing", "persons": ["Иванов И."], "text": SENTENCE}
            typical = {**form, "text": SENTENCE * 16}  # ~2 KB of UTF-8
            long = {**form, "text": SENTENCE * 480}  # ~60 KB
            draft_id = drafts.save_draft(session, "incident", typical, station="101")
            print(f"{args.drafts} other drafts; {args.saves} saves each; durable commits")
            _line(
                "save a typical draft (~2 KB)",
                _timed(
                    lambda: drafts.save_draft(
                        session, "incident", typical, draft_id=draft_id, station="101"
                    ),
                    args.saves,
                ),
                50,
                100,
            )
            _line(
                "save a long draft (~60 KB)",
                _timed(
                    lambda: drafts.save_draft(
                        session, "incident", long, draft_id=draft_id, station="101"
                    ),
                    args.saves,
                ),
                50,
                100,
            )
            _line("list the drafts", _timed(lambda: drafts.list_drafts(session), 50), 20)
            _line(
                "restore a long draft",
                _timed(lambda: drafts.restore_draft(session, draft_id), 50),
                20,
            )

            def save_record() -> None:
                note_draft = drafts.save_draft(session, "note", {"text": SENTENCE})
                notes.add_note(session, SENTENCE, draft_id=note_draft)

            _line(
                "save draft + record it (draft deleted)",
                _timed(save_record, max(10, args.saves // 4)),
                100,
            )
        finally:
            session.close()


if __name__ == "__main__":
    main()
