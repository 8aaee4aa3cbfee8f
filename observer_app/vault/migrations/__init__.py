"""Numbered schema migrations; `PRAGMA user_version` is the schema version of a vault.

Each migration is a module `mNNNN_<name>.py` with a `SQL` script, listed in order in MIGRATIONS;
one that sets `REBUILD_PROJECTIONS = True` also rebuilds every projection table from the journal,
in the same transaction, with today's event schemas (events that fail them are left out); one
with `FUNCTIONS` (name: deterministic Python function) has them as SQL functions while it runs.
A newer program upgrades an older vault in one transaction on open; an older program refuses a
newer vault instead of guessing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from observer_app.vault.connection import Connection

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

MIGRATION_MODULES = (
    "m0001_journal",
    "m0002_records",
    "m0003_media",
    "m0004_handoff",
    "m0005_event_station",
    "m0006_validated_projections",
    "m0007_settings_drafts",
    "m0008_short_refs",
    "m0009_read_models",
    "m0010_coordinator",
    "m0011_filter_indexes",
    "m0012_record_events",
    "m0013_trigger_type_tests",
    "m0014_search_categories",
    "m0015_media_link_stations",
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    rebuild_projections: bool = False
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


def load_migrations() -> list[Migration]:
    migrations = []
    for module_name in MIGRATION_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        version = int(module_name[1:5])
        migrations.append(
            Migration(
                version=version,
                name=module_name[6:],
                sql=module.SQL,
                rebuild_projections=getattr(module, "REBUILD_PROJECTIONS", False),
                functions=getattr(module, "FUNCTIONS", {}),
            )
        )
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
        pending = migrations[current:target]
        for migration in pending:
            for name, function in migration.functions.items():
                conn.create_function(name, -1, function, deterministic=True)
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        if current > 0 and any(m.rebuild_projections for m in pending):
            _rebuild_projections(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return target


def _rebuild_projections(conn: Connection) -> None:
    """Rebuild the tables from the journal, leaving out events that today's schemas refuse.

    An older version projected events it did not validate as data (issue 10): their values sit
    in the tables, where a view would trip over them. After this they are only in the journal,
    where `journal verify` names them. Imported here: the projections import this package.
    """
    from observer_app.vault import projection
    from observer_app.vault.event_schema import valid_for_replay
    from observer_app.vault.journal import EventFormatError, parse_event

    def stored_events() -> Iterator[Event]:
        for payload, signature in conn.execute(
            "SELECT payload, signature FROM events ORDER BY rowid"
        ):
            try:
                yield parse_event(bytes(payload), bytes(signature))
            except EventFormatError:
                continue  # not an event at all: `journal verify` reports it

    projection.rebuild(conn, valid_for_replay(conn, stored_events(), lambda error: None))


def _statements(script: str) -> list[str]:
    """Split a migration script on `;` at line ends (a trigger's inner statements end in `; `)."""
    return [s.strip() for s in script.split(";\n") if s.strip()]
