"""Schema 13: no `IN (...)` list is evaluated per event written.

SQLite evaluates `x IN ('a', 'b', 'c')` by filling a temporary b-tree with the list once per
run of the program that holds it, and a trigger's program runs once per row. Each fill opened
a b-tree with its own pager and page cache, and under `cipher_memory_security` each allocation
is an mlock/munlock pair: a note appended cost 98 pairs, and 1,000 note appends took 1.26 s
(0.35 s before migration 12). Written as `x = 'a' OR x = 'b' OR ...` the same tests allocate
nothing: 8 pairs an append, 0.41 s. The triggers are migration 12's, recreated with that one
change (`tests/records/test_write_programs.py` reads the programs).

The partial index `events_incident_record` (migration 11) tested such a list on every insert
into `events`. No query uses it since migration 12 (a partial index serves only a query that
repeats its literal list, and the timeline's filters read `record_events`), so it is dropped.
"""

from __future__ import annotations

from observer_app.vault.migrations.m0012_record_events import triggers


def equal_to_one(kind: str, types: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{kind} = '{name}'" for name in types) + ")"


_TRIGGERS = (
    "event_added",
    "event_deleted",
    *(
        f"{table}_{change}"
        for table in ("incidents", "notes", "stations")
        for change in ("added", "changed", "deleted")
    ),
)

SQL = (
    "DROP INDEX events_incident_record;\n"
    + "".join(f"DROP TRIGGER record_events_{name};\n" for name in _TRIGGERS)
    + triggers(equal_to_one)
)
