"""Incidents, amended and voided by their author; the events keep every earlier version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from observer_app.core.schema import Field, List, Object, UtcTime, Zone
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    ID,
    LONG_TEXT,
    NAME,
    REASON,
    STATION_CODE,
    TERM,
    EventSchema,
    Ref,
    body,
    optional,
    required,
)
from observer_app.vault.projection.media import move_links
from observer_app.vault.projection.refs import assign_ref
from observer_app.vault.projection.search import index, inserted_rowid

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

INCIDENT_ADDED = "incident.added"
INCIDENT_AMENDED = "incident.amended"
INCIDENT_VOIDED = "incident.voided"

# Fields an amendment may change -> their column. A closed list: column names never come from
# an event, which may be a peer's.
AMENDABLE_COLUMNS: Mapping[str, str] = {
    "station": "station",
    "category": "category",
    "severity": "severity",
    "seen": "seen",
    "status": "status",
    "follow_up": "follow_up",
    "text": "text",
    "persons": "persons",
    "witnesses": "witnesses",
    "at": "occurred_utc",
    "tz": "tz",
}
LIST_FIELDS = frozenset({"persons", "witnesses"})
SEARCHED_FIELDS = frozenset({"station", "text", "persons", "witnesses", "category"})


def _column_value(name: str, value: Any) -> Any:
    return json.dumps(list(value), ensure_ascii=False) if name in LIST_FIELDS else value


def _added(conn: Connection, event: Event) -> None:
    body = event.body
    persons, witnesses = list(body.get("persons", [])), list(body.get("witnesses", []))
    cursor = conn.execute(
        "INSERT OR ROLLBACK INTO incidents (id, feed, seq, station, category, severity, seen,"
        " status, follow_up, text, persons, witnesses, occurred_utc, tz, recorded_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            body["id"],
            event.feed,
            event.seq,
            body["station"],
            body["category"],
            body["severity"],
            body["seen"],
            body["status"],
            body["follow_up"],
            body["text"],
            _column_value("persons", persons),
            _column_value("witnesses", witnesses),
            body["at"],
            event.tz,
            event.time_utc,
        ),
    )
    assign_ref(conn, "incident", event.feed, body["id"])
    index(
        conn,
        "incident",
        inserted_rowid(cursor),
        body["id"],
        event.feed,
        body["station"],
        body["text"],
        [*persons, *witnesses],
        category=body["category"],
    )
    move_links(conn, "incident", body["id"], body["station"])


def _amended(conn: Connection, event: Event) -> None:
    changes = event.body["changes"]
    known = [name for name in AMENDABLE_COLUMNS if name in changes]
    assignments = "".join(f"{AMENDABLE_COLUMNS[name]} = ?, " for name in known)
    conn.execute(
        f"UPDATE OR ROLLBACK incidents SET {assignments}amended = amended + 1"
        " WHERE id = ? AND feed = ?",
        (
            *(_column_value(name, changes[name]) for name in known),
            event.body["target"],
            event.feed,
        ),
    )
    if "station" in known:
        move_links(conn, "incident", event.body["target"], changes["station"])
    if SEARCHED_FIELDS.isdisjoint(known):
        return
    row = conn.execute(
        "SELECT rowid, station, text, persons, witnesses, category FROM incidents"
        " WHERE id = ? AND feed = ?",
        (event.body["target"], event.feed),
    ).fetchone()
    if row is not None:
        index(
            conn,
            "incident",
            row[0],
            event.body["target"],
            event.feed,
            row[1],
            row[2],
            [*json.loads(row[3]), *json.loads(row[4])],
            category=row[5],
            replace=True,
        )


def _voided(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE OR ROLLBACK incidents SET voided = 1, void_reason = ? WHERE id = ? AND feed = ?",
        (event.body["reason"], event.body["target"], event.feed),
    )


PROJECTORS = {
    INCIDENT_ADDED: _added,
    INCIDENT_AMENDED: _amended,
    INCIDENT_VOIDED: _voided,
}
_NAMES = List(NAME, 200)
_FIELDS: Mapping[str, Field] = {
    "station": required(STATION_CODE),
    "category": required(TERM),
    "severity": required(TERM),
    "seen": required(TERM),
    "status": required(TERM),
    "follow_up": required(TERM),
    "text": required(LONG_TEXT),
    "persons": optional(_NAMES),
    "witnesses": optional(_NAMES),
    "at": required(UtcTime()),
}
INCIDENTS = Ref("incidents")
SCHEMAS = {
    INCIDENT_ADDED: EventSchema(body(id=required(ID), **_FIELDS), creates=INCIDENTS),
    INCIDENT_AMENDED: EventSchema(
        body(
            target=required(ID),
            station=required(STATION_CODE),
            changes=required(
                Object(
                    {
                        **{name: optional(spec.spec) for name, spec in _FIELDS.items()},
                        "tz": optional(Zone()),
                    }
                )
            ),
            reason=optional(REASON),
        ),
        targets={"target": INCIDENTS},
    ),
    INCIDENT_VOIDED: EventSchema(
        body(target=required(ID), station=required(STATION_CODE), reason=required(REASON)),
        targets={"target": INCIDENTS},
    ),
}
TABLES = ("incidents",)
