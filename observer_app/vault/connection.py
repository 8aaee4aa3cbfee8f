"""Opening the SQLCipher database with the settings every connection must have.

One connection per thread. `cipher_memory_security` is set before the key (it must be), the log
level is silenced so a wrong key does not spray stderr, and commits are durable
(`synchronous=FULL` in WAL): a command that reported success survives SIGKILL and power loss.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from observer_app.vault.lookaside import connect_with_pool, install_lookaside

Connection = sqlcipher3.Connection  # typed by the small stubs in stubs/sqlcipher3
DatabaseError = sqlcipher3.DatabaseError


def connect_keyed(db_path: Path, database_key: bytes, *, read_only: bool = False) -> Connection:
    """Connect and key; nothing is read yet (SQLCipher unlocks lazily on first access).

    `read_only` is for a vault on a read-only medium: SQLite's `immutable` open reads the file
    without the WAL index or any lock file it could not create there, and refuses every write
    (SQLITE_READONLY), which the CLI reports as exit 4.
    """
    target = f"{db_path.absolute().as_uri()}?mode=ro&immutable=1" if read_only else str(db_path)
    conn = connect_with_pool(
        install_lookaside(),
        lambda: sqlcipher3.connect(
            target, isolation_level=None, check_same_thread=True, uri=read_only
        ),
        db_path,
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("PRAGMA cipher_memory_security = ON")
    conn.execute(f"PRAGMA key = \"x'{database_key.hex()}'\"")
    return conn


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


class Transaction:
    """`with Transaction(conn):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __enter__(self) -> Connection:
        self._conn.execute("BEGIN IMMEDIATE")
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
            transaction_ended(self._conn, committed)
