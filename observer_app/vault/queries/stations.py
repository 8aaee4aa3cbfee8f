"""Stations by code, for one author or for the whole vault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
