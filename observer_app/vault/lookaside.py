"""A larger SQLite lookaside for every connection: why the vault is fast under memory security.

SQLCipher's `cipher_memory_security` (required: keys and plaintext must not reach swap) locks
and wipes every block SQLite takes from malloc, one mlock/munlock pair each (~8 us here, and
each takes the process's memory-map lock, stalling every other thread's page faults). SQLite
serves most small allocations from a per-connection "lookaside" pool instead, but the default
pool (~120 slots) is used up by the prepared statements Python caches; after that every cursor
and every bound string goes to malloc. Measured on a 10,000-event bundle import: 59 mlock pairs
per event and 3.9 s with the default pool, 1.8 s with 250 slots of 1,200 bytes (more slots gain
nothing measurable; each connection locks ~300 KB more, within the usual 8 MiB RLIMIT_MEMLOCK).

The pool is one allocation, locked and wiped like any other, *provided memory security is on
when it is allocated*: SQLCipher applies the setting to allocations made after it. So the pool
is set only after `PRAGMA cipher_memory_security = ON` ran on the connection (through
`sqlite3_exec`, which leaves no prepared statement holding pool memory behind).

Python's sqlite module offers neither `sqlite3_db_config` nor the connection's handle, so both
come through ctypes: an SQLite auto-extension (which SQLite runs for each new connection, on
the opening thread, handing it the handle) notes the handle, and `connect_with_pool` sets the
pool on it right after the connection is opened. It cannot be set inside the hook: SQLite sets
up the default pool after running auto-extensions. The hook is process-wide state because
SQLite's list of auto-extensions is; it is installed once and removed at exit. Best effort:
where the library or platform does not allow it, connections keep the default pool and are
merely slower.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import platform
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlcipher3

SQLITE_OK = 0
SQLITE_DBCONFIG_LOOKASIDE = 1001
SLOT_SIZE = 1200  # SQLite's own default slot size
SLOT_COUNT = 250
MEMORY_SECURITY_ON = b"PRAGMA cipher_memory_security = ON"

_EntryPoint = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_Connection = TypeVar("_Connection")


@dataclass
class LookasideHook:
    """The installed auto-extension, the handle it saw last on each thread, and how many
    connections got the larger pool or refused it (kept for tests and diagnostics)."""

    entry_point: object
    library: Any  # the ctypes view of the SQLCipher library
    opened: threading.local
    applied: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, applied: bool) -> None:
        with self.lock:
            if applied:
                self.applied += 1
            else:
                self.refused += 1


_installed: LookasideHook | None = None


def _variadic_calls_work() -> bool:
    # `sqlite3_db_config` is variadic; ctypes passes variadic integer arguments correctly where
    # they travel like ordinary ones (x86-64, Linux on arm64), not on Apple's arm64 ABI.
    return not (sys.platform == "darwin" and platform.machine() == "arm64")


def install_lookaside() -> LookasideHook | None:
    """Start noting the handle of every SQLCipher connection opened from now on (idempotent).

    Returns the hook, or None where it cannot be installed.
    """
    global _installed
    if _installed is not None:
        return _installed
    if not _variadic_calls_work():  # pragma: no cover - macOS on Apple silicon
        return None
    try:
        library = ctypes.CDLL(sqlcipher3._sqlite3.__file__)
        for name in ("sqlite3_db_config", "sqlite3_exec", "sqlite3_db_filename"):
            getattr(library, name)
        auto_extension = library.sqlite3_auto_extension
        cancel_auto_extension = library.sqlite3_cancel_auto_extension
    except (OSError, AttributeError):  # pragma: no cover - a build without these symbols
        return None
    library.sqlite3_db_config.restype = ctypes.c_int
    library.sqlite3_exec.restype = ctypes.c_int
    library.sqlite3_exec.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    library.sqlite3_db_filename.restype = ctypes.c_char_p
    library.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    for function in (auto_extension, cancel_auto_extension):
        function.restype = ctypes.c_int
        function.argtypes = [ctypes.c_void_p]
    opened = threading.local()

    def on_open(db: int | None, _error: int | None, _api: int | None) -> int:
        opened.handle = db
        return SQLITE_OK

    entry_point = _EntryPoint(on_open)
    pointer = ctypes.cast(entry_point, ctypes.c_void_p)
    if auto_extension(pointer) != SQLITE_OK:
        return None  # pragma: no cover - only on out-of-memory
    # ctypes must keep the callback alive as long as SQLite may call it; at exit SQLite stops.
    atexit.register(cancel_auto_extension, pointer)
    _installed = LookasideHook(entry_point, library, opened)
    return _installed


def connect_with_pool(
    hook: LookasideHook | None, open_connection: Callable[[], _Connection], db_path: Path | None
) -> _Connection:
    """Open a connection with `open_connection` and give it the larger pool, with memory
    security turned on first. The handle noted during this very call is the one used, and only
    if SQLite names `db_path` as its file (None: an in-memory database, which SQLite names with
    an empty string), so no other connection is ever touched."""
    if hook is not None:
        hook.opened.handle = None
    connection = open_connection()
    if hook is not None:
        hook.count(_enlarge(hook, db_path))
    return connection


def _enlarge(hook: LookasideHook, db_path: Path | None) -> bool:
    handle = getattr(hook.opened, "handle", None)
    hook.opened.handle = None
    if handle is None:
        return False
    library, db = hook.library, ctypes.c_void_p(handle)
    name = library.sqlite3_db_filename(db, b"main")
    if not _names(name, db_path):
        return False
    if library.sqlite3_exec(db, MEMORY_SECURITY_ON, None, None, None) != SQLITE_OK:
        return False  # a pool allocated now might not be locked: keep the default one
    status = library.sqlite3_db_config(
        db,
        ctypes.c_int(SQLITE_DBCONFIG_LOOKASIDE),
        ctypes.c_void_p(None),
        ctypes.c_int(SLOT_SIZE),
        ctypes.c_int(SLOT_COUNT),
    )
    return bool(status == SQLITE_OK)


def _names(name: bytes | None, db_path: Path | None) -> bool:
    """Whether SQLite's file name for a connection's main database is `db_path`."""
    if name is None:
        return False
    if db_path is None:
        return name == b""
    return bool(name) and os.path.realpath(os.fsdecode(name)) == os.path.realpath(db_path)
