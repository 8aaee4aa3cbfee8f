"""Visits: when the observer was at a station (arrival, departure) and the breaks in between.

Reports state what the observer could see; a visit's span and breaks say when that was.
"""

from __future__ import annotations

from observer_app.core.ids import new_id
from observer_app.core.timeutil import parse_utc
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.logbook.typed_time import record_time
from observer_app.vault.connection import Transaction
from observer_app.vault.projection.visits import (
    VISIT_ENDED,
    VISIT_PAUSED,
    VISIT_RESUMED,
    VISIT_STARTED,
)
from observer_app.vault.queries import visits as queries
from observer_app.vault.queries.visits import VisitRow


def _not_before(at: str, earlier: str, zone: str) -> None:
    if parse_utc(at) < parse_utc(earlier):
        raise UsageError(
            _("The time is before {earlier}.").format(earlier=format_local(earlier, zone))
        )


def _open_visit(session: LogbookSession, code: str) -> VisitRow:
    visit = queries.open_visit(session.conn, session.identity.feed, code)
    if visit is None:
        raise UserActionError(_("No visit to station {code} is open.").format(code=code))
    return visit


def start_visit(session: LogbookSession, code: str, time: str | None = None) -> str:
    station = require_station(session, code)
    already = queries.open_visit(session.conn, session.identity.feed, station.code)
    if already is not None:
        raise UserActionError(
            _("A visit to station {code} is already open since {time}.").format(
                code=station.code, time=format_local(already.started_utc, already.tz)
            )
        )
    at = record_time(session, time, station.tz)
    visit_id = new_id()
    session.record(
        VISIT_STARTED, {"id": visit_id, "station": station.code, "at": at}, tz=station.tz
    )
    return visit_id


def end_visit(session: LogbookSession, code: str, time: str | None = None) -> str:
    """End the open visit; an open break ends with it (one transaction, two events)."""
    station = require_station(session, code)
    visit = _open_visit(session, station.code)
    at = record_time(session, time, station.tz)
    _not_before(at, visit.started_utc, station.tz)
    pause = visit.open_break
    if pause is not None:
        _not_before(at, pause.started_utc, station.tz)
    with Transaction(session.conn):
        if pause is not None:
            session.append_in_transaction(
                VISIT_RESUMED,
                {"target": pause.id, "visit": visit.id, "station": station.code, "at": at},
                tz=station.tz,
            )
        session.append_in_transaction(
            VISIT_ENDED, {"target": visit.id, "station": station.code, "at": at}, tz=station.tz
        )
    return visit.id


def pause_visit(session: LogbookSession, code: str, time: str | None = None) -> str:
    station = require_station(session, code)
    visit = _open_visit(session, station.code)
    if visit.open_break is not None:
        raise UserActionError(
            _("The visit to station {code} is already paused.").format(code=station.code)
        )
    at = record_time(session, time, station.tz)
    _not_before(at, visit.started_utc, station.tz)
    for earlier in visit.breaks:
        if earlier.ended_utc is not None:
            _not_before(at, earlier.ended_utc, station.tz)
    break_id = new_id()
    session.record(
        VISIT_PAUSED,
        {"id": break_id, "target": visit.id, "station": station.code, "at": at},
        tz=station.tz,
    )
    return break_id


def resume_visit(session: LogbookSession, code: str, time: str | None = None) -> str:
    station = require_station(session, code)
    visit = _open_visit(session, station.code)
    pause = visit.open_break
    if pause is None:
        raise UserActionError(
            _("The visit to station {code} is not paused.").format(code=station.code)
        )
    at = record_time(session, time, station.tz)
    _not_before(at, pause.started_utc, station.tz)
    session.record(
        VISIT_RESUMED,
        {"target": pause.id, "visit": visit.id, "station": station.code, "at": at},
        tz=station.tz,
    )
    return pause.id


def list_visits(
    session: LogbookSession, code: str | None = None, observer: str | None = None
) -> list[VisitRow]:
    """Visits of every author (or of one: `observer`, a feed), at one station or all."""
    station = require_station(session, code).code if code is not None else None
    return queries.list_visits(session.conn, feed=observer, station=station)
