"""Numbered schema migrations; `PRAGMA user_version` is the schema version of a vault.

Each migration is a module `mNNNN_<name>.py` with a `SQL` script, listed in order in MIGRATIONS.
A newer program upgrades an older vault in one transaction on open; an older program refuses a
newer vault instead of guessing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from observer_app.vault.connection import Connection

MIGRATION_MODULES = (
    "m0001_journal",
    "m0002_records",
    "m0003_media",
    "m0004_handoff",
    "m0005_event_station",
    "m0006_short_refs",
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    migrations = []
    for module_name in MIGRATION_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        version = int(module_name[1:5])
        migrations.append(Migration(version=version, name=module_name[6:], sql=module.SQL))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps: {versions}")
    return migrations


def latest_version() -> int:
    return len(MIGRATION_MODULES)


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int | None = None) -> int:
    """Apply every pending migration up to `target` atomically; return the new version."""
    migrations = load_migrations()
    target = len(migrations) if target is None else target
    current = schema_version(conn)
    if current >= target:
        return current
    conn.execute("BEGIN IMMEDIATE")
    try:
        for migration in migrations[current:target]:
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return target


def _statements(script: str) -> list[str]:
    """Split a migration script on `;` at line ends (our scripts contain no triggers)."""
    return [s.strip() for s in script.split(";\n") if s.strip()]
