"""Checklist answers: the current one per item and the superseded ones."""

from __future__ import annotations

import json
from typing import Any

from observer_app.core.checklist_answer import ChecklistAnswer
from observer_app.vault.connection import Connection

_COLUMNS = (
    "a.id, a.feed, a.station, a.phase, a.item, a.value, a.note, a.time_utc, a.tz,"
    " a.rowid = (SELECT max(b.rowid) FROM checklist_answers AS b"
    " WHERE b.feed = a.feed AND b.station = a.station AND b.item = a.item)"
)


def _row(r: Any) -> ChecklistAnswer:
    return ChecklistAnswer(
        id=str(r[0]),
        feed=str(r[1]),
        station=str(r[2]),
        phase=str(r[3]),
        item=str(r[4]),
        value=json.loads(r[5]),
        note=r[6],
        time_utc=str(r[7]),
        tz=str(r[8]),
        current=bool(r[9]),
    )


def answers(
    conn: Connection, feed: str, station: str, phase: str | None = None
) -> list[ChecklistAnswer]:
    """Every answer (current and superseded) of one author at one station, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM checklist_answers AS a WHERE a.feed = ? AND a.station = ?"
    params: tuple[Any, ...] = (feed, station)
    if phase is not None:
        sql += " AND a.phase = ?"
        params += (phase,)
    rows = conn.execute(sql + " ORDER BY a.time_utc, a.id", params).fetchall()
    return [_row(r) for r in rows]


def answered_count(conn: Connection, feed: str, station: str) -> int:
    row = conn.execute(
        "SELECT count(DISTINCT item) FROM checklist_answers WHERE feed = ? AND station = ?",
        (feed, station),
    ).fetchone()
    return int(row[0])
