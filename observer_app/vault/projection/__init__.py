"""Projections: the tables the program reads, derived from journal events.

Each feature module declares `PROJECTORS` (event type -> function updating its tables),
`SCHEMAS` (event type -> its `EventSchema`: every projected type must have one, or the registry
refuses to load) and `TABLES` (the tables it owns). Replaying the journal into empty tables
must give exactly the tables as they are; `journal verify` checks that.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import EventSchema

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

Projector = Callable[[Connection, "Event"], None]

PROJECTION_MODULES = (
    "people",
    "notes",
    "stations",
    "visits",
    "checklist",
    "incidents",
    "protocol",
    "mission",
    "search",
    "media",
    "enrollment",
    "handoff",
    "refs",
    "coordinator",
)


@cache
def _registry() -> tuple[Mapping[str, Projector], tuple[str, ...], Mapping[str, EventSchema]]:
    projectors: dict[str, Projector] = {}
    schemas: dict[str, EventSchema] = {}
    tables: list[str] = []
    for name in PROJECTION_MODULES:
        module: Any = importlib.import_module(f"{__name__}.{name}")
        if set(module.PROJECTORS) != set(module.SCHEMAS):
            raise RuntimeError(f"{name}: every projected event type needs exactly one schema")
        for event_type, projector in module.PROJECTORS.items():
            if event_type in projectors:
                raise RuntimeError(f"two projectors for {event_type}")
            projectors[event_type] = projector
            schemas[event_type] = module.SCHEMAS[event_type]
        tables.extend(module.TABLES)
    return projectors, tuple(tables), schemas


def event_schemas() -> Mapping[str, EventSchema]:
    """The schema of every event type this program projects (event version 1)."""
    return _registry()[2]


def projection_tables() -> tuple[str, ...]:
    return _registry()[1]


def apply_event(conn: Connection, event: Event) -> None:
    """Update the projections for one event; unknown types change nothing (newer peers)."""
    projector = _registry()[0].get(event.type)
    if projector is not None:
        projector(conn, event)


def snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows in a stable order, for comparison."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in projection_tables():
        width = len(conn.execute(f"SELECT * FROM {table} LIMIT 0").description)
        order = ", ".join(str(i) for i in range(1, width + 1))
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        result[table] = [tuple(row) for row in rows]
    return result


def rebuild(conn: Connection, events: Any) -> None:
    """Empty every projection table and apply `events` in order. Call inside a transaction.

    `events` should be checked as they are applied (`event_schema.valid_for_replay`), so that
    an invalid stored event is skipped exactly as it was refused when it arrived."""
    for table in projection_tables():
        conn.execute(f"DELETE FROM {table}")
    for event in events:
        apply_event(conn, event)
