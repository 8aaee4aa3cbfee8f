"""Filters for the timeline (`log --station/--category/--severity`) as SQL over `events`.

An event belongs to a station when its body names the station, or when it adds, amends or voids
something (an incident, a note) that is at the station now: an incident moved to another station
shows its whole history under both. Category and severity select incident events by the
incident's current values, with its whole history.

Each part is a lookup, not a scan of the journal: the body's station by the indexed `station`
column of migration 5, an incident's report by its (feed, seq), amendments and voids by their
type.
"""

from __future__ import annotations

from typing import Any

_BODY = "json_extract(CAST(payload AS TEXT), '$.body.{field}')"
_CODE, _TARGET = (_BODY.format(field=f) for f in ("code", "target"))
_STATION = "station"  # a column of `events` (migration 5), set from the signed body
_CORRECTIONS = "('incident.amended', 'incident.voided', 'note.amended', 'note.voided')"


def _events_of(columns: list[str], more_targets: str = "") -> str:
    """Rowids of the report, amendment and void events of incidents where each column = ?.

    Takes the parameters twice (once per part), then those of `more_targets`.
    """
    joined = " AND ".join(f"i.{column} = ?" for column in columns)
    plain = " AND ".join(f"{column} = ?" for column in columns)
    return (
        "SELECT e.rowid FROM incidents AS i JOIN events AS e ON e.feed = i.feed AND e.seq = i.seq"
        f" WHERE {joined}"
        f" UNION ALL SELECT rowid FROM events WHERE type IN {_CORRECTIONS}"
        f" AND {_TARGET} IN (SELECT id FROM incidents WHERE {plain}{more_targets})"
    )


def timeline_filter(
    station: str | None = None, category: str | None = None, severity: str | None = None
) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause (without `WHERE`) and its parameters; empty when nothing is filtered."""
    clauses: list[str] = []
    params: list[Any] = []
    if station is not None:
        notes = " UNION ALL SELECT id FROM notes WHERE station = ?"
        clauses.append(
            f"rowid IN (SELECT rowid FROM events WHERE {_STATION} = ?"
            f" UNION ALL SELECT rowid FROM events WHERE type = 'station.added' AND {_CODE} = ?"
            f" UNION ALL {_events_of(['station'], notes)})"
        )
        params += [station] * 5
    chosen = [(c, v) for c, v in (("category", category), ("severity", severity)) if v is not None]
    if chosen:
        clauses.append(f"rowid IN ({_events_of([column for column, _ in chosen])})")
        params += [value for _, value in chosen] * 2
    return " AND ".join(clauses), tuple(params)
