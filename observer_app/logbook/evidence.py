"""Evidence sanity for the vault's media items: the station and mission an item belongs to,
and what `core.evidence` finds implausible about its own time and place.

`media add` prints the warnings at import, `media show` repeats them, and the internal report
flags the items (through the same core checks, over the report's data).
"""

from __future__ import annotations

from observer_app.core.evidence import EvidenceWarning, recorded_warnings
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Connection
from observer_app.vault.queries.incidents import get_incident
from observer_app.vault.queries.media import MediaItem
from observer_app.vault.queries.mission import current_mission
from observer_app.vault.queries.stations import StationRow, station_by_code, station_position


def item_station(conn: Connection, item: MediaItem) -> StationRow | None:
    """The station the item was taken at: linked directly (a station or its protocol), or
    through the incident or checklist answer it documents."""
    for kind, ref in item.links:
        code: str | None = None
        if kind in ("station", "protocol"):
            code = ref
        elif kind == "incident":
            incident = get_incident(conn, ref)
            code = incident.station if incident else None
        elif kind == "answer":
            row = conn.execute(
                "SELECT station FROM checklist_answers WHERE id = ?", (ref,)
            ).fetchone()
            code = str(row[0]) if row else None
        if code is not None:
            station = station_by_code(conn, code, item.feed)
            if station is not None:
                return station
    return None


def media_warnings(session: LogbookSession, item: MediaItem) -> list[EvidenceWarning]:
    conn = session.conn
    station = item_station(conn, item)
    mission = current_mission(conn, item.feed)
    return recorded_warnings(
        capture_time=item.capture_time,
        lat_microdeg=item.gps_lat_microdeg,
        lon_microdeg=item.gps_lon_microdeg,
        zone_name=station.tz if station else item.tz,
        mission_date=mission.date if mission else None,
        station_position=station_position(conn, station.id) if station else None,
    )
