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
    conn: Connection, feed: str | None, station: str, phase: str | None = None
) -> list[ChecklistAnswer]:
    """Every answer (current and superseded) at one station of one author (or of every author:
    `feed` None), oldest first."""
    sql = f"SELECT {_COLUMNS} FROM checklist_answers AS a WHERE a.station = ?"
    params: tuple[Any, ...] = (station,)
    if feed is not None:
        sql += " AND a.feed = ?"
        params += (feed,)
    if phase is not None:
        sql += " AND a.phase = ?"
        params += (phase,)
    rows = conn.execute(sql + " ORDER BY a.time_utc, a.id", params).fetchall()
    return [_row(r) for r in rows]


def answered_count(conn: Connection, feed: str | None, station: str) -> int:
    """Items answered at the station, counted per author (`feed` None: every author's)."""
    if feed is None:
        row = conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT feed, item FROM checklist_answers"
            " WHERE station = ?)",
            (station,),
        ).fetchone()
        return int(row[0])
    row = conn.execute(
        "SELECT count(DISTINCT item) FROM checklist_answers WHERE feed = ? AND station = ?",
        (feed, station),
    ).fetchone()
    return int(row[0])


def feeds_with_answers(conn: Connection, station: str) -> list[str]:
    """The authors who answered anything at the station (index `checklist_answers_station`)."""
    rows = conn.execute(
        "SELECT DISTINCT feed FROM checklist_answers WHERE station = ? ORDER BY feed", (station,)
    ).fetchall()
    return [str(r[0]) for r in rows]


def all_answers(conn: Connection) -> list[ChecklistAnswer]:
    """Every answer of every author, by station, author and time (for the CSV export)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM checklist_answers AS a"
        " ORDER BY a.station, a.feed, a.time_utc, a.id"
    ).fetchall()
    return [_row(r) for r in rows]
