"""Internal faults are logged inside the encrypted vault, never to a plaintext file."""

from __future__ import annotations

from observer_app.core.timeutil import format_utc, utc_now
from observer_app.vault.connection import Connection


def log_fault(conn: Connection, summary: str, details: str) -> int:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    cursor = conn.execute(
        "INSERT INTO faults (time_utc, summary, details) VALUES (?, ?, ?)",
        (format_utc(utc_now()), summary, details),
    )
    return int(cursor.lastrowid or 0)
