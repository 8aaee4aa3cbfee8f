"""Polling stations: declared once by code, then named by that code in every other record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.session import LogbookSession
from observer_app.vault.projection.stations import STATION_ADDED
from observer_app.vault.queries import stations as queries
from observer_app.vault.queries.checklist import answered_count
from observer_app.vault.queries.incidents import incident_counts
from observer_app.vault.queries.stations import StationRow, recording_feeds
from observer_app.vault.queries.visits import VisitRow, list_visits

# Codes appear in commands, file names of reports and other people's vaults: keep them plain.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", re.ASCII)
_TRAILING_NUMBER = re.compile(r"([0-9]+)$", re.ASCII)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = " ".join(text.split())
    return stripped or None


def _region_id(catalogue: Catalogue, region: str) -> str:
    """A catalogue region id from its id or its name in any language (ambiguous names list
    the choices)."""
    return catalogue.region(region).id


def station_body(
    catalogue: Catalogue,
    code: str,
    name: str,
    *,
    address: str | None = None,
    region: str | None = None,
    commission: str | None = None,
    tz: str | None = None,
    position: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The `station.added` body these values make, or a usage error (exit 2).

    The one place the rules for a station live: `add_station` records one body, `station import`
    checks a whole file with it before recording anything. Its zone (`tz`) defaults to the
    region's, else the catalogue's default. Whether the code is already taken is not checked
    here: that needs the vault, and the two callers answer it differently (refuse or skip).
    """
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise UsageError(
            _(
                "A station code has 1 to 32 Latin letters, digits, '-', '_' or '.', "
                "such as 101 or ALM-101."
            )
        )
    clean_name = _clean(name)
    if clean_name is None:
        raise UsageError(_("The station needs a name."))
    region_id = _region_id(catalogue, region) if region is not None and _clean(region) else None
    if tz is not None:
        zone = catalogue.check_time_zone(tz)
    elif region_id is not None:
        zone = catalogue.region(region_id).zone
    else:
        zone = catalogue.default_time_zone
    number_match = _TRAILING_NUMBER.search(code)
    return {
        "id": new_id(),
        "code": code,
        "number": int(number_match[1]) if number_match else None,
        "name": clean_name,
        "address": _clean(address),
        "region": region_id,
        "commission": _clean(commission),
        "tz": zone,
        **(
            {"lat_microdeg": position[0], "lon_microdeg": position[1]}
            if position is not None
            else {}
        ),
    }


def parse_position(lat: str | None, lon: str | None) -> tuple[int, int] | None:
    """Degrees as people type them (`43.2389`, `43,2389`) -> microdegrees; both or neither."""
    if not (lat or "").strip() and not (lon or "").strip():
        return None
    try:
        lat_value = Decimal((lat or "").strip().replace(",", "."))
        lon_value = Decimal((lon or "").strip().replace(",", "."))
    except InvalidOperation:
        lat_value = lon_value = Decimal("NaN")
    if not (
        lat_value.is_finite()
        and lon_value.is_finite()
        and -90 <= lat_value <= 90
        and -180 <= lon_value <= 180
    ):
        raise UsageError(
            _(
                "A station's position is a latitude and a longitude in degrees, both given, "
                "such as 43.2389 and 76.8897."
            )
        )
    return int(lat_value * 1_000_000), int(lon_value * 1_000_000)


def holds_code(session: LogbookSession, code: str) -> bool:
    """Whether the holder already declared this code (another author's declaration is no bar)."""
    feed = session.identity.feed
    existing = queries.station_by_code(session.conn, code.strip(), feed)
    return existing is not None and existing.feed == feed


def add_station(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    name: str,
    *,
    address: str | None = None,
    region: str | None = None,
    commission: str | None = None,
    tz: str | None = None,
    position: tuple[int, int] | None = None,
) -> StationRow:
    """Declare a station (see `station_body` for the rules); a code held already is refused."""
    body = station_body(
        catalogue,
        code,
        name,
        address=address,
        region=region,
        commission=commission,
        tz=tz,
        position=position,
    )
    if holds_code(session, body["code"]):
        raise UserActionError(_("Station {code} already exists.").format(code=body["code"]))
    session.record(STATION_ADDED, body, tz=body["tz"])
    added = queries.station_by_code(session.conn, body["code"], session.identity.feed)
    assert added is not None
    return added


def require_station(session: LogbookSession, code: str) -> StationRow:
    """The station with this code, or an error the user can act on (exit 4)."""
    found = queries.station_by_code(session.conn, code.strip(), session.identity.feed)
    if found is None:
        raise UserActionError(
            _("Unknown station {code}: add it first with 'station add'.").format(code=code)
        )
    return found


def list_stations(session: LogbookSession) -> list[StationRow]:
    """Every station known to the vault, once per code (stations are matched across observers
    by their code): the holder's declaration, else the oldest; in the reader's order."""
    own = session.identity.feed
    chosen: dict[str, StationRow] = {}
    for row in queries.list_stations(session.conn):
        held = chosen.get(row.code)
        if held is None or _preferred(row, held, own):
            chosen[row.code] = row
    return list(chosen.values())


def _preferred(row: StationRow, held: StationRow, own: str) -> bool:
    if (row.feed == own) != (held.feed == own):
        return row.feed == own
    return row.time_utc < held.time_utc


@dataclass(frozen=True)
class StationSummary:
    """What `station show` tells of a station (matched across observers by its code): the
    visits, answered items and incidents of every author (or of one, `--observer`), and who
    recorded anything there."""

    station: StationRow
    visits: tuple[VisitRow, ...]
    answers: int
    incidents: int
    voided_incidents: int
    observers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        document = self.station.to_json()
        document.update(
            {
                "visits": [v.to_json() for v in self.visits],
                "answers": self.answers,
                "incidents": self.incidents,
                "voided_incidents": self.voided_incidents,
                "observers": list(self.observers),
            }
        )
        return document


def station_summary(
    session: LogbookSession, code: str, observer: str | None = None
) -> StationSummary:
    """The station's records of every author, or of one (`observer`, a feed)."""
    station = require_station(session, code)
    counts = incident_counts(session.conn, station.code, observer)
    visits = tuple(list_visits(session.conn, feed=observer, station=station.code))
    names = names_by_feed(session)
    # The filter applies to every line: with `observer`, only that author (if they recorded
    # anything here), as the counts are theirs alone.
    feeds = [
        feed
        for feed in recording_feeds(session.conn, station.code)
        if observer is None or feed == observer
    ]
    return StationSummary(
        station=station,
        visits=visits,
        answers=answered_count(session.conn, observer, station.code),
        incidents=counts.live,
        voided_incidents=counts.voided,
        observers=tuple(observer_name(names, feed) for feed in feeds),
    )
