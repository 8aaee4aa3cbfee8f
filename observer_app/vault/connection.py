"""Opening the SQLCipher database with the settings every connection must have.

One connection per thread. `cipher_memory_security` is set before the key (it must be), the log
level is silenced so a wrong key does not spray stderr, and commits are durable
(`synchronous=FULL` in WAL): a command that reported success survives SIGKILL and power loss.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from observer_app.vault.lookaside import connect_with_pool, install_lookaside

Connection = sqlcipher3.Connection  # typed by the small stubs in stubs/sqlcipher3
DatabaseError = sqlcipher3.DatabaseError

# Python keeps this many prepared statements per connection (its default is 128). Each holds
# lookaside slots (`vault/lookaside.py`); with 128 cached, the timeline's many filter queries
# used the pool up, and later queries paid an mlock pair per allocation: a page of search hits
# took 17-25 ms after the timeline had been browsed, 8-10 ms with 48 cached.
CACHED_STATEMENTS = 48


def connect_keyed(
    db_path: Path,
    database_key: bytes | bytearray,
    *,
    read_only: bool = False,
    reader: bool = False,
    same_thread: bool = True,
) -> Connection:
    """Connect and key; nothing is read yet (SQLCipher unlocks lazily on first access).

    `read_only` is for a vault on a read-only medium: SQLite's `immutable` open reads the file
    without the WAL index or any lock file it could not create there, and refuses every write
    (SQLITE_READONLY), which the CLI reports as exit 4.

    `reader` is a worker thread's connection (docs/threads.md): opened read-only (`mode=ro`,
    still reading the WAL, so it sees every commit of the writer) and bound to the thread that
    opens it. `same_thread=False` is only for the session's one writer, which a write lock
    guards instead.

    The key travels to SQLCipher as a hex string in the PRAGMA: that string (an immutable
    Python object) cannot be wiped; docs/threads.md lists such copies.
    """
    if read_only:
        target, uri = f"{db_path.absolute().as_uri()}?mode=ro&immutable=1", True
    elif reader:
        target, uri = f"{db_path.absolute().as_uri()}?mode=ro", True
    else:
        target, uri = str(db_path), False
    conn = connect_with_pool(
        install_lookaside(),
        lambda: sqlcipher3.connect(
            target,
            isolation_level=None,
            check_same_thread=same_thread or reader,
            uri=uri,
            cached_statements=CACHED_STATEMENTS,
        ),
        db_path,
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("PRAGMA cipher_memory_security = ON")
    conn.execute(f"PRAGMA key = \"x'{database_key.hex()}'\"")
    return conn


def connect_scratch() -> Connection:
    """An in-memory database (a replay's scratch copy of the projections), with the larger
    lookaside pool the vault's connections have: with the default one, each event replayed
    cost ~30 mlock pairs under memory security (1,000 notes replayed in 2.1 s, 0.2 s with it)."""
    return connect_with_pool(
        install_lookaside(),
        lambda: sqlcipher3.connect(":memory:", isolation_level=None),
        None,
    )


def configure_reader(conn: Connection) -> None:
    """A worker's connection: it never writes (`query_only` on top of `mode=ro`)."""
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA temp_store = MEMORY")


def set_cache_kib(conn: Connection, kib: int) -> None:
    """Bound the connection's page cache (KiB): its pages are locked memory (see
    `vault/memory_budget.py`)."""
    conn.execute(f"PRAGMA cache_size = -{max(int(kib), 1)}")


def configure(conn: Connection, *, read_only: bool = False) -> None:
    """Settings applied after the key proved right (a read-only vault keeps its journal mode)."""
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")


def probe(conn: Connection) -> None:
    """Force the first read: raises DatabaseError for a wrong key or a damaged first page."""
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def check_pages(conn: Connection) -> str | None:
    """Check every page's HMAC (SQLCipher's own check, ~270 MB/s): the first damaged page found,
    or None. Queries find damage only in the pages they happen to read."""
    problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    return str(problems[0][0]) if problems else None


def rekey(conn: Connection, new_key: bytes) -> None:
    conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")


TransactionEnd = Callable[[bool], None]
# Connection id -> what to call when a `Transaction` on it ends (`hook(committed)`): how a
# session learns that the events it staged were committed (change notifications). Keyed by id
# because SQLite connections take no weak references; the session removes its hook on close.
_end_hooks: dict[int, TransactionEnd] = {}


def on_transaction_end(conn: Connection, hook: TransactionEnd | None) -> None:
    """Call `hook(committed)` after every `Transaction` on `conn` ends (None: stop)."""
    if hook is None:
        _end_hooks.pop(id(conn), None)
    else:
        _end_hooks[id(conn)] = hook


def transaction_ended(conn: Connection, committed: bool) -> None:
    """For code that runs BEGIN/COMMIT itself: what `Transaction` does when it ends."""
    hook = _end_hooks.get(id(conn))
    if hook is not None:
        hook(committed)


# Connection id -> the lock every `Transaction` on it holds: a session's one writer is shared
# by the threads that write (docs/threads.md), and a transaction must not interleave with
# another thread's statements on the same connection.
_write_guards: dict[int, threading.RLock] = {}


def guard_writes(conn: Connection, lock: threading.RLock | None) -> None:
    """Make every `Transaction` on `conn` hold `lock` from BEGIN to its end (None: stop)."""
    if lock is None:
        _write_guards.pop(id(conn), None)
    else:
        _write_guards[id(conn)] = lock


class Transaction:
    """`with Transaction(conn):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception.

    On a session's writer it holds the session's write lock throughout (`guard_writes`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._guard = _write_guards.get(id(conn))

    def __enter__(self) -> Connection:
        if self._guard is not None:
            self._guard.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            if self._guard is not None:
                self._guard.release()
            raise
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        committed = False
        try:
            if exc_type is None:
                self._conn.execute("COMMIT")
                committed = True
            elif self._conn.in_transaction:
                # SQLite may already have rolled back (disk full, I/O error): keep the real error.
                self._conn.execute("ROLLBACK")
        finally:
            try:
                transaction_ended(self._conn, committed)
            finally:
                if self._guard is not None:
                    self._guard.release()
