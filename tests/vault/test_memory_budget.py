"""Locked memory stays under RLIMIT_MEMLOCK, and the user is warned once when it cannot.

Tests run as root, and root (CAP_IPC_LOCK) may lock any amount: the limit is only real for an
ordinary user. So the vault is read by a child process that runs as `nobody` with a lowered
limit (`setpriv` from util-linux, on every Debian and Ubuntu). The child keeps one capability,
CAP_DAC_READ_SEARCH, so that it can read the checkout and the virtual environment wherever they
are (a CI machine may keep them in root's 0700 home); it cannot lock more than the limit. The
vault itself is handed to `nobody` in a temp folder of its own.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from observer_app.core.ids import new_id
from observer_app.logbook.session import open_session
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.connection import Transaction
from observer_app.vault.header import KdfParams
from observer_app.vault.memory_budget import (
    DEFAULT_CACHE_KIB,
    FIXED_KIB_PER_CONNECTION,
    MIN_CACHE_KIB,
    PAGE_OVERHEAD,
    PAGE_SIZE,
    RESERVE_KIB,
    WRITER_CACHE_KIB,
    plan_for_limit,
    plan_memory,
)

MIB = 1024 * 1024
NOBODY = 65534
PASSPHRASE = "память под замком"

READER = textwrap.dedent(
    """
    import json, os, sys, threading, warnings
    from pathlib import Path
    from observer_app.logbook.session import open_session
    from observer_app.process_limits import locked_memory_limit, locked_memory_now

    warnings.simplefilter("ignore")
    workers = int(sys.argv[2])
    if len(sys.argv) > 4 and sys.argv[4] == "unbudgeted":  # SQLite's default caches, as before
        import observer_app.logbook.session as session_module
        from observer_app.vault.memory_budget import DEFAULT_CACHE_KIB, MemoryPlan

        session_module.plan_memory = lambda n: MemoryPlan(
            locked_memory_limit() // 1024, n, DEFAULT_CACHE_KIB, True
        )
    session = open_session(Path(sys.argv[1]), sys.argv[3])
    peak = 0
    guard = threading.Lock()

    def scan():
        global peak
        for _ in session.conn.execute("SELECT text FROM notes"):
            pass
        for _ in session.conn.execute("SELECT payload FROM events"):
            pass
        with guard:
            peak = max(peak, locked_memory_now())

    scan()
    together = threading.Barrier(workers)

    def work():
        with session.worker():
            scan()
            together.wait()  # every connection holds its full cache at once
            scan()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"uid": os.getuid(), "limit": locked_memory_limit(), "peak": peak,
                      "warning": session.memory_warning}))
    session.close()
    """
)


@pytest.fixture(scope="module")
def nobody_vault() -> Iterator[Path]:
    """A vault several times larger than any page cache, owned by `nobody`."""
    folder = Path(tempfile.mkdtemp(prefix="observer-memlock-"))
    try:
        vault = folder / "vault"
        init_vault(vault, PASSPHRASE, NewIdentity(name="Nobody"), KdfParams.for_tests())
        session = open_session(vault, PASSPHRASE)
        with Transaction(session.conn):
            for index in range(120):
                text = f"{index} " + " ".join(os.urandom(8).hex() for _ in range(700))
                session.append_in_transaction(
                    "note.added", {"id": new_id(), "station": None, "text": text}
                )
        session.close()
        (folder / "passphrase").write_text(PASSPHRASE, encoding="utf-8")
        (folder / "config").mkdir()
        for path in (folder, *folder.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        yield vault
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_nobody(
    arguments: list[str], memlock_bytes: int, **options: object
) -> subprocess.CompletedProcess[str]:
    def lower_limit() -> None:
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (memlock_bytes, memlock_bytes))

    command = [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        "--inh-caps=+dac_read_search",
        "--ambient-caps=+dac_read_search",
        *arguments,
    ]
    return subprocess.run(
        command,
        preexec_fn=lower_limit,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,  # type: ignore[arg-type]
    )


def test_the_plan_fits_the_usual_8_mib_for_a_writer_and_three_workers() -> None:
    plan = plan_for_limit(4, 8 * MIB)
    assert plan.sufficient
    assert MIN_CACHE_KIB < plan.cache_kib < DEFAULT_CACHE_KIB  # smaller than SQLite's default
    assert plan.planned_kib <= 8 * 1024
    # The writer also serves the window's lists: it gets the larger part.
    assert plan.writer_cache_kib >= 2400 > 3 * plan.cache_kib


def test_a_larger_writer_never_costs_a_plan_its_sufficiency() -> None:
    for connections in range(1, 9):
        for limit_kib in range(2048, 32 * 1024, 128):
            plan = plan_for_limit(connections, limit_kib * 1024)
            if plan.sufficient:
                assert plan.planned_kib <= limit_kib
                assert plan.writer_cache_kib >= plan.cache_kib >= MIN_CACHE_KIB
            spare = limit_kib - RESERVE_KIB - connections * FIXED_KIB_PER_CONNECTION
            equal_share = spare * PAGE_SIZE // PAGE_OVERHEAD // connections
            assert plan.sufficient == (equal_share >= MIN_CACHE_KIB)


def test_a_limit_too_small_for_useful_caches_is_flagged() -> None:
    plan = plan_for_limit(4, 2 * MIB)
    assert not plan.sufficient
    assert plan.cache_kib == MIN_CACHE_KIB


def test_without_a_limit_connections_keep_sqlites_default_cache() -> None:
    unlimited = plan_for_limit(4, None)
    assert unlimited.sufficient
    assert unlimited.cache_kib == DEFAULT_CACHE_KIB
    assert unlimited.writer_cache_kib == WRITER_CACHE_KIB


def test_the_session_plans_with_the_limit_of_its_process() -> None:
    soft = resource.getrlimit(resource.RLIMIT_MEMLOCK)[0]
    expected = None if soft == resource.RLIM_INFINITY else soft // 1024
    assert plan_memory(4).limit_kib == expected


def _usable_limit() -> tuple[int, int]:
    """8 MiB (the usual limit) if this machine allows that much, and the most workers that
    the plan fits under it."""
    hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)[1]
    limit = 8 * MIB if hard == resource.RLIM_INFINITY else min(8 * MIB, hard)
    workers = 3
    while workers > 1 and not plan_for_limit(1 + workers, limit).sufficient:
        workers -= 1
    return limit, workers


def test_a_writer_and_workers_stay_under_the_limit_of_an_ordinary_user(
    nobody_vault: Path,
) -> None:
    limit, workers = _usable_limit()
    done = as_nobody(
        [sys.executable, "-c", READER, str(nobody_vault), str(workers), PASSPHRASE], limit
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["uid"] == NOBODY
    assert figures["limit"] == limit
    assert figures["peak"] > 2 * MIB  # pages really are locked, for this user too
    assert figures["peak"] < limit  # ... and all of them could be: none left swappable
    assert figures["warning"] is None


def test_when_locking_starts_failing_the_user_is_warned(nobody_vault: Path) -> None:
    """Without the budget (SQLite's default caches) four connections reach the limit: the
    kernel refuses further locks, which the session notices and says."""
    limit, _workers = _usable_limit()
    done = as_nobody(
        [sys.executable, "-c", READER, str(nobody_vault), "3", PASSPHRASE, "unbudgeted"], limit
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["uid"] == NOBODY
    assert figures["peak"] >= limit - 1024 * 1024  # at the limit: later pages stay unlocked
    assert figures["warning"] is not None and "ulimit -l" in figures["warning"]
    # The advice asks for more than the limit that was just reached.
    asked = int(figures["warning"].rsplit("at least ", 1)[1].split()[0])
    assert asked > limit // 1024


def test_the_cli_warns_once_in_the_users_language_when_the_limit_is_too_small(
    nobody_vault: Path,
) -> None:
    folder = nobody_vault.parent
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "HOME": str(folder),
    }
    done = as_nobody(
        [
            sys.executable,
            "-m",
            "observer_app.cli.main",
            "--vault",
            str(nobody_vault),
            "--passphrase-file",
            str(folder / "passphrase"),
            "--ui-lang",
            "ru",
            "log",
        ],
        1 * MIB,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    warning_lines = [line for line in done.stderr.splitlines() if "ulimit -l" in line]
    assert len(warning_lines) == 1, done.stderr
    assert "памяти" in warning_lines[0]  # Russian, as asked
    assert "1024" in warning_lines[0]
