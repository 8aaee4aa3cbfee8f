"""Stations by code, for one author or for the whole vault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.core.paging import Cursor, Page, check_cursor, check_limit
from observer_app.vault.connection import Connection

_COLUMNS = "id, feed, code, number, name, address, region, commission, tz, time_utc"


@dataclass(frozen=True)
class StationRow:
    id: str
    feed: str
    code: str
    number: int | None
    name: str
    address: str | None
    region: str | None
    commission: str | None
    tz: str
    time_utc: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed,
            "code": self.code,
            "number": self.number,
            "name": self.name,
            "address": self.address,
            "region": self.region,
            "commission": self.commission,
            "tz": self.tz,
            "time_utc": self.time_utc,
        }


def _row(values: tuple[Any, ...]) -> StationRow:
    return StationRow(*values)


def station_by_code(
    conn: Connection, code: str, prefer_feed: str | None = None
) -> StationRow | None:
    """The station with this code; the preferred author's declaration first, then the oldest."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM stations WHERE code = ?"
        " ORDER BY feed = ? DESC, time_utc, feed LIMIT 1",
        (code, prefer_feed or ""),
    ).fetchone()
    return None if row is None else _row(tuple(row))


def list_stations(conn: Connection, feed: str | None = None) -> list[StationRow]:
    """Stations in a reader's order: by number, then code; one author's, or everyone's."""
    where, params = ("WHERE feed = ?", (feed,)) if feed else ("", ())
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM stations {where} ORDER BY number IS NULL, number, code, feed",
        params,
    ).fetchall()
    return [_row(tuple(row)) for row in rows]


@dataclass(frozen=True)
class StationListRow:
    """A station with its visits (of its own feed) and incidents (of every feed) counted."""

    station: StationRow
    visits: int
    incidents: int
    voided_incidents: int


_ORDER = "number IS NULL, coalesce(number, 0), code, feed"


def stations_page(
    conn: Connection, after: Cursor | None = None, limit: int = 100, feed: str | None = None
) -> Page[StationListRow]:
    """Stations in the reader's order with their counts (index `stations_order`; each count an
    index range: `visits_station`, `incidents_station_voided`)."""
    limit = check_limit(limit)
    clauses: list[str] = ["feed = ?"] if feed else []
    params: list[Any] = [feed] if feed else []
    key = check_cursor(after, (int, int, str, str))
    if key is not None:
        clauses.append(f"({_ORDER}) > (?, ?, ?, ?)")
        params += list(key)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = conn.execute(
        f"SELECT {_COLUMNS}, number IS NULL, coalesce(number, 0),"
        " (SELECT count(*) FROM visits AS v WHERE v.station = s.code AND v.feed = s.feed),"
        " (SELECT count(*) FROM incidents AS i WHERE i.station = s.code),"
        " (SELECT count(*) FROM incidents AS i WHERE i.station = s.code AND i.voided <> 0)"
        f" FROM stations AS s {where} ORDER BY {_ORDER} LIMIT ?",
        (*params, limit),
    ).fetchall()
    width = len(_COLUMNS.split(","))
    found = [
        StationListRow(_row(tuple(r[:width])), int(r[-3]), int(r[-2]), int(r[-1])) for r in rows
    ]
    last = rows[-1] if len(rows) == limit else None
    cursor = None
    if last is not None:
        cursor = Cursor((int(last[width]), int(last[width + 1]), str(last[2]), str(last[1])))
    return Page(tuple(found), cursor)


def count_stations(conn: Connection, feed: str | None = None) -> int:
    where, params = ("WHERE feed = ?", (feed,)) if feed else ("", ())
    return int(conn.execute(f"SELECT count(*) FROM stations {where}", params).fetchone()[0])


def station_position(conn: Connection, station_id: str) -> tuple[int, int] | None:
    """The station's coordinates (microdegrees) as its signed declaration gives them, or None.

    Read from the `station.added` event itself (found by its record column): the position is
    optional, only the evidence checks use it, and this keeps the projection table as it is."""
    row = conn.execute(
        "SELECT json_extract(CAST(payload AS TEXT), '$.body.lat_microdeg'),"
        " json_extract(CAST(payload AS TEXT), '$.body.lon_microdeg')"
        " FROM events WHERE record = ? AND type = 'station.added' ORDER BY seq LIMIT 1",
        (station_id,),
    ).fetchone()
    if row is None or not isinstance(row[0], int) or not isinstance(row[1], int):
        return None
    return int(row[0]), int(row[1])


def recording_feeds(conn: Connection, code: str) -> list[str]:
    """The authors who recorded anything at the station: a visit, an answer, an incident or a
    protocol figure (each an index lookup by station)."""
    rows = conn.execute(
        "SELECT feed FROM visits WHERE station = ?1"
        " UNION SELECT feed FROM checklist_answers WHERE station = ?1"
        " UNION SELECT feed FROM incidents WHERE station = ?1"
        " UNION SELECT feed FROM protocol_figures WHERE station = ?1 ORDER BY 1",
        (code,),
    ).fetchall()
    return [str(r[0]) for r in rows]
