"""The larger lookaside pool: set on real SQLCipher connections, and only on the right one.

The pool is what keeps SQLCipher's memory security affordable (see observer_app/vault/
lookaside.py); these tests read SQLite's own counters, so they fail if the pool is not applied.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import sqlcipher3

from observer_app.vault.connection import configure, connect_keyed
from observer_app.vault.lookaside import LookasideHook, enlarge_lookaside, install_lookaside

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


def open_noted(hook: LookasideHook, path: Path) -> tuple[sqlcipher3.Connection, int]:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    handle = hook.opened.handle
    assert isinstance(handle, int)
    return conn, handle


def test_the_larger_pool_is_applied_and_stops_the_misses(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    default, default_handle = open_noted(hook, tmp_path / "default.db")
    hook.opened.handle = None  # not enlarged: SQLite's default pool
    workload(default)
    enlarged, enlarged_handle = open_noted(hook, tmp_path / "enlarged.db")
    applied = hook.applied
    assert enlarge_lookaside(hook, tmp_path / "enlarged.db")
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
    conn = sqlcipher3.connect(str(tmp_path / "one.db"), isolation_level=None)
    refused = hook.refused
    assert not enlarge_lookaside(hook, tmp_path / "other.db")
    assert hook.refused == refused + 1
    assert not enlarge_lookaside(hook, tmp_path / "one.db")  # the noted handle was used up
    conn.close()


def test_vault_connections_get_the_pool(tmp_path: Path) -> None:
    hook = install_lookaside()
    assert hook is not None
    applied = hook.applied
    conn = connect_keyed(tmp_path / "vault.db", bytes(32))
    configure(conn)
    assert hook.applied == applied + 1
    conn.close()
