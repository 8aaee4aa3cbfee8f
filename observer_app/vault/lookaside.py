"""A larger SQLite lookaside for every connection: why the vault is fast under memory security.

SQLCipher's `cipher_memory_security` (required: keys and plaintext must not reach swap) locks
and wipes every block SQLite takes from malloc, one mlock/munlock pair each (~8 us here, and
each takes the process's memory-map lock, stalling every other thread's page faults). SQLite
serves most small allocations from a per-connection "lookaside" pool instead, but the default
pool (~120 slots) is used up by the prepared statements Python caches; after that every cursor
and every bound string goes to malloc. Measured on a 10,000-event bundle import: 59 mlock pairs
per event and 3.9 s with the default pool, 1.8 s with 500 slots of 1,200 bytes.

The pool itself is one allocation, so it is locked and wiped like any other when the connection
closes. Python's sqlite module offers neither `sqlite3_db_config` nor the connection's handle,
so both come through ctypes: an SQLite auto-extension (which SQLite runs for each new connection,
on the opening thread, handing it the handle) notes the handle, and `enlarge_lookaside` then
sets the pool on it. It cannot be set inside the hook: SQLite sets up the default pool after
running auto-extensions. Best effort: where the library or platform does not allow it,
connections keep the default pool and are merely slower.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

SQLITE_OK = 0
SQLITE_DBCONFIG_LOOKASIDE = 1001
SLOT_SIZE = 1200  # SQLite's own default slot size
SLOT_COUNT = 500

_EntryPoint = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


@dataclass
class LookasideHook:
    """The installed auto-extension, the handle it saw last on each thread, and how many
    connections got the larger pool or refused it (kept for tests and diagnostics)."""

    entry_point: object
    db_config: Any  # ctypes foreign functions
    db_filename: Any
    opened: threading.local
    applied: int = 0
    refused: int = 0


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
        db_config = library.sqlite3_db_config
        db_filename = library.sqlite3_db_filename
        auto_extension = library.sqlite3_auto_extension
    except (OSError, AttributeError):  # pragma: no cover - a build without these symbols
        return None
    db_config.restype = ctypes.c_int
    db_filename.restype = ctypes.c_char_p
    db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    auto_extension.restype = ctypes.c_int
    auto_extension.argtypes = [ctypes.c_void_p]
    opened = threading.local()

    def on_open(db: int | None, _error: int | None, _api: int | None) -> int:
        opened.handle = db
        return SQLITE_OK

    entry_point = _EntryPoint(on_open)
    if auto_extension(ctypes.cast(entry_point, ctypes.c_void_p)) != SQLITE_OK:
        return None  # pragma: no cover - only on out-of-memory
    # ctypes must keep the callback alive as long as SQLite may call it: for the process.
    _installed = LookasideHook(entry_point, db_config, db_filename, opened)
    return _installed


def enlarge_lookaside(hook: LookasideHook | None, db_path: Path) -> bool:
    """Give the connection this thread just opened on `db_path` the larger pool.

    Call it right after `connect`, before any statement (SQLite refuses while the pool is in
    use). The handle is used only if SQLite names `db_path` as its file, so a handle noted for
    another connection is never touched.
    """
    handle = None if hook is None else getattr(hook.opened, "handle", None)
    if hook is None or handle is None:
        return False
    hook.opened.handle = None
    name = hook.db_filename(ctypes.c_void_p(handle), b"main")
    if name is None or os.path.realpath(os.fsdecode(name)) != os.path.realpath(db_path):
        hook.refused += 1
        return False
    status = hook.db_config(
        ctypes.c_void_p(handle),
        ctypes.c_int(SQLITE_DBCONFIG_LOOKASIDE),
        ctypes.c_void_p(None),
        ctypes.c_int(SLOT_SIZE),
        ctypes.c_int(SLOT_COUNT),
    )
    if status != SQLITE_OK:
        hook.refused += 1
        return False
    hook.applied += 1
    return True
