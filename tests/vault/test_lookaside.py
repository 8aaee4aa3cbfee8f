"""The larger lookaside pool: set on real SQLCipher connections, only on the right one, and
locked into memory like everything else SQLCipher allocates.

The pool is what keeps SQLCipher's memory security affordable (see observer_app/vault/
lookaside.py); these tests read SQLite's own counters and the kernel's, so they fail if the
pool is not applied or not locked.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlcipher3

from observer_app.vault.connection import configure, connect_keyed, connect_scratch
from observer_app.vault.lookaside import (
    SLOT_COUNT,
    SLOT_SIZE,
    LookasideHook,
    connect_with_pool,
    install_lookaside,
)

SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL = 6


def full_misses(handle: int) -> int:
    library = ctypes.CDLL(sqlcipher3._sqlite3.__file__)
    current, highest = ctypes.c_int(), ctypes.c_int()
    status = library.sqlite3_db_status(
        ctypes.c_void_p(handle),
        ctypes.c_int(SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL),
        ctypes.byref(current),
        ctypes.byref(highest),
        ctypes.c_int(0),
    )
    assert status == 0
    return highest.value


def workload(conn: sqlcipher3.Connection) -> None:
    """Many cached statements, then many rows with bound text: the pattern of an import."""
    conn.execute("PRAGMA cipher_memory_security = ON")
    conn.execute("PRAGMA key = \"x'" + "ab" * 32 + "'\"")
    conn.execute("CREATE TABLE t (a TEXT, b TEXT, c BLOB)")
    conn.execute("CREATE INDEX ia ON t (a)")
    conn.execute("CREATE INDEX ib ON t (b, a)")
    conn.execute("BEGIN")
    for row in range(100):
        for statement in range(40):
            conn.execute(
                f"INSERT INTO t (a, b, c) SELECT ?, ?, ? WHERE {statement} >= 0",
                (f"feed-{row}-" * 3, "checklist.answered", b"x" * 90),
            )
    conn.execute("COMMIT")


def open_noted(hook: LookasideHook, path: Path, *, pool: bool) -> tuple[sqlcipher3.Connection, int]:
    """A connection with (or, to compare, without) the larger pool, and its SQLite handle."""
    handles: list[int] = []

    def open_connection() -> sqlcipher3.Connection:
        conn = sqlcipher3.connect(str(path), isolation_level=None)
        handles.append(hook.opened.handle)
        if not pool:
            hook.opened.handle = None
        return conn

    return connect_with_pool(hook, open_connection, path), handles[0]


def test_the_larger_pool_is_applied_and_stops_the_misses(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    default, default_handle = open_noted(hook, tmp_path / "default.db", pool=False)
    workload(default)
    applied = hook.applied
    enlarged, enlarged_handle = open_noted(hook, tmp_path / "enlarged.db", pool=True)
    assert hook.applied == applied + 1
    workload(enlarged)
    missed_by_default = full_misses(default_handle)
    assert missed_by_default > 4000  # about one per statement run: the default pool is full
    assert full_misses(enlarged_handle) < missed_by_default / 50
    default.close()
    enlarged.close()


def test_a_handle_for_another_file_is_never_touched(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    refused = hook.refused
    conn = connect_with_pool(
        hook, lambda: sqlcipher3.connect(str(tmp_path / "one.db")), tmp_path / "other.db"
    )
    assert hook.refused == refused + 1
    assert getattr(hook.opened, "handle", None) is None  # used up, never kept for later
    conn.close()


def test_a_handle_from_an_earlier_open_is_never_reused(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    earlier = sqlcipher3.connect(str(tmp_path / "earlier.db"))  # noted, then closed
    earlier.close()
    refused = hook.refused
    conn = connect_with_pool(hook, lambda: object(), tmp_path / "earlier.db")  # opens nothing
    assert hook.refused == refused + 1
    assert isinstance(conn, object)


def test_an_in_memory_database_is_named_by_none_and_only_by_none(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    applied, refused = hook.applied, hook.refused
    memory = connect_with_pool(hook, lambda: sqlcipher3.connect(":memory:"), None)
    assert (hook.applied, hook.refused) == (applied + 1, refused)
    on_disk = connect_with_pool(hook, lambda: sqlcipher3.connect(str(tmp_path / "f.db")), None)
    assert hook.refused == refused + 1
    named = connect_with_pool(hook, lambda: sqlcipher3.connect(":memory:"), tmp_path / "f.db")
    assert hook.refused == refused + 2
    for conn in (memory, on_disk, named):
        conn.close()


def test_the_replay_scratch_gets_the_pool_and_stops_the_misses() -> None:
    """`journal verify` replays every event into an in-memory copy: with the default pool each
    event replayed cost ~30 mlock pairs."""
    hook = install_lookaside()
    assert hook is not None
    handles: list[int] = []

    def open_memory() -> sqlcipher3.Connection:
        conn = sqlcipher3.connect(":memory:", isolation_level=None)
        handles.append(hook.opened.handle)
        return conn

    applied = hook.applied
    scratch = connect_scratch()
    assert hook.applied == applied + 1
    scratch.close()
    enlarged = connect_with_pool(hook, open_memory, None)
    workload(enlarged)
    assert full_misses(handles[0]) < 100  # the default pool misses > 4,000 times (above)
    enlarged.close()


def test_vault_connections_get_the_pool(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    applied = hook.applied
    conn = connect_keyed(tmp_path / "vault.db", bytes(32))
    configure(conn)
    assert hook.applied == applied + 1
    conn.close()


def test_the_pool_of_the_first_connection_in_a_process_is_locked(tmp_path: Path) -> None:
    """SQLCipher locks only what is allocated after memory security is on; the first
    connection of a fresh process (every CLI run) must not get an unlocked pool holding the
    key and bound observation text."""
    script = textwrap.dedent(
        f"""
        import re, sys
        from pathlib import Path
        from observer_app.vault.connection import connect_keyed

        def locked_kb():
            status = Path("/proc/self/status").read_text()
            return int(re.search(r"VmLck:\\s+(\\d+)", status).group(1))

        before = locked_kb()
        conn = connect_keyed(Path({str(tmp_path / "fresh.db")!r}), bytes(32))
        print(locked_kb() - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    grown_kb = int(result.stdout.strip())
    assert grown_kb * 1024 >= SLOT_SIZE * SLOT_COUNT * 0.9
