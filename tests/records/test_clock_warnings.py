"""Warnings before recording: a record's time far from the mission's polling day, and this
computer's zone unlike the stations' while (and only while) the mission is under way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from observer_app.logbook.clock_warnings import offset_text, recording_warnings, zone_warning
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations
from observer_app.logbook.typed_time import check_time

POLLING_NOON = dt.datetime(2026, 3, 15, 7, 0, tzinfo=dt.UTC)  # 12:00 in Almaty
MONTHS_LATER = dt.datetime(2026, 9, 1, 7, 0, tzinfo=dt.UTC)
AT_STATIONS = dt.timedelta(hours=5)
MOSCOW = dt.timedelta(hours=3)


def _zone_of_101(day: LogbookSession) -> str:
    return next(row.tz for row in list_stations(day) if row.code == "101")


def test_the_stations_zones_are_plus_five(day: LogbookSession) -> None:
    """The premise of the figures below: both stations keep UTC+05:00 on polling day."""
    for row in list_stations(day):
        assert POLLING_NOON.astimezone(ZoneInfo(row.tz)).utcoffset() == AT_STATIONS


def test_a_time_on_polling_day_is_plausible(day: LogbookSession) -> None:
    checked = check_time(day, "09:40", _zone_of_101(day), POLLING_NOON)
    assert checked.at == "2026-03-15T04:40:00.000Z"
    assert checked.problem is None
    assert recording_warnings(day, None, _zone_of_101(day), POLLING_NOON, AT_STATIONS) == []


def test_a_time_days_away_from_the_mission_warns(day: LogbookSession) -> None:
    typed = recording_warnings(
        day, "2026-03-10T10:00", _zone_of_101(day), POLLING_NOON, AT_STATIONS
    )
    assert len(typed) == 1 and "more than two days away" in typed[0]
    # A clock days off stamps "now" far from the mission: the form warns even untyped.
    stamped = recording_warnings(day, None, _zone_of_101(day), MONTHS_LATER, AT_STATIONS)
    assert len(stamped) == 1 and "more than two days away" in stamped[0]
    # Two days is the slack: the morning after the count is fine.
    two_days_on = dt.datetime(2026, 3, 17, 4, 0, tzinfo=dt.UTC)
    assert check_time(day, "2026-03-17T08:00", _zone_of_101(day), two_days_on).problem is None
    assert check_time(day, "2026-03-18T07:00", _zone_of_101(day), MONTHS_LATER).problem


def test_a_time_ahead_of_now_warns(day: LogbookSession) -> None:
    problem = check_time(day, "18:00", _zone_of_101(day), POLLING_NOON).problem
    assert problem is not None and "more than an hour from now" in problem


def test_a_computer_in_another_zone_warns_while_the_mission_is_under_way(
    day: LogbookSession,
) -> None:
    warning = zone_warning(day, POLLING_NOON, MOSCOW)
    assert warning is not None
    assert "UTC+03:00" in warning and "UTC+05:00" in warning
    assert zone_warning(day, POLLING_NOON, AT_STATIONS) is None
    # A day before and two days after still count as under way...
    assert zone_warning(day, POLLING_NOON - dt.timedelta(days=1), MOSCOW) is not None
    assert zone_warning(day, POLLING_NOON + dt.timedelta(days=2), MOSCOW) is not None
    # ...but a coordinator opening the vault months later, elsewhere, is not warned.
    assert zone_warning(day, MONTHS_LATER, MOSCOW) is None
    assert zone_warning(day, POLLING_NOON - dt.timedelta(days=5), MOSCOW) is None


def test_no_mission_or_no_station_warns_nothing(session: LogbookSession) -> None:
    assert zone_warning(session, POLLING_NOON, MOSCOW) is None
    assert recording_warnings(session, None, "Asia/Almaty", POLLING_NOON, MOSCOW) == []


def test_a_malformed_time_warns_nothing_here(day: LogbookSession) -> None:
    assert recording_warnings(day, "25:99", _zone_of_101(day), POLLING_NOON, AT_STATIONS) == []


def test_offsets_are_named_with_sign_hours_and_minutes() -> None:
    assert offset_text(dt.timedelta(hours=5)) == "UTC+05:00"
    assert offset_text(dt.timedelta(hours=-3, minutes=-30)) == "UTC−03:30"
    assert offset_text(dt.timedelta(0)) == "UTC+00:00"
