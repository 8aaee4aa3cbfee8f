"""The `settings` table: one JSON value per key, this vault's preferences (schema 7).

Not a projection and not in the journal: settings are never signed, exported or replayed.
Values are stored and read back as JSON text; what a key may hold is `logbook.settings`'s call.
"""

from __future__ import annotations

from collections.abc import Mapping

from observer_app.vault.connection import Connection


def read_settings(conn: Connection) -> dict[str, str]:
    """Every stored key with its JSON text (unknown keys too: the caller ignores them)."""
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM settings")}


def write_settings(conn: Connection, values: Mapping[str, str | None]) -> None:
    """Store each JSON text; None deletes the key (its default applies again). Call inside a
    transaction so that several keys change together."""
    for key, value in values.items():
        if value is None:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
