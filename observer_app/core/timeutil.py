"""Times: stored as UTC plus the IANA zone of the place, shown in local time.

Kazakhstan moved its whole territory to UTC+5 in 2024, so a fixed offset would be wrong for old
records and may be wrong again; the zone database knows the history.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "Asia/Almaty"


def day_skeleton(locale: str) -> str:
    """The Babel skeleton of a day in `locale`: the month abbreviated ("Mar 15, 2026",
    "15 мар. 2026 г."), except in Kazakh, whose abbreviations ("15 нау.", "3 жел.") read as
    clipped words to a Kazakh reader: there the month is written out ("2026 ж. 15 наурыз")."""
    return "yMMMMd" if locale.split("_")[0] == "kk" else "yMMMd"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def format_utc(moment: dt.datetime) -> str:
    """Canonical stored form: `2026-11-28T01:27:36.123Z` (millisecond precision, UTC)."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


@cache
def _known_zones() -> frozenset[str]:
    """The zone database's names; `localtime` is this machine's setting, not a place."""
    return frozenset(available_timezones()) - {"localtime"}


def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name the database holds; a path, `../x` or unknown name is refused
    before `ZoneInfo` could look for a file of that name."""
    if name not in _known_zones():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def parse_user_time(text: str, zone_name: str) -> dt.datetime:
    """ISO 8601 from the user; without an offset it means local time in `zone_name`."""
    moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(zone_name))
    return moment.astimezone(dt.UTC)


def to_local(utc_text: str, zone_name: str) -> dt.datetime:
    return parse_utc(utc_text).astimezone(zone(zone_name))


# -- times as people say them ----------------------------------------------------------------

DAY_STARTS = dt.time(6, 0)
"""A polling day runs from 06:00 to 06:00 the next morning: the count goes on past midnight."""
MISSION_SPAN = (dt.timedelta(days=-1), dt.timedelta(days=2))
"""A clock time means the mission's polling day from the day before its date to two days after."""
FUTURE_SLACK = dt.timedelta(hours=1)
OUTSIDE_SLACK = dt.timedelta(days=2)


def clock_moment(
    clock: dt.time, zone_name: str, mission_date: dt.date | None, now: dt.datetime
) -> dt.datetime:
    """The one moment a clock time (`19:40`) means, in UTC.

    While the mission is under way it is within its polling day (06:00 on its date to 06:00 the
    next morning, so 01:45 is the night of the count); at other times it is today.
    """
    local_now = now.astimezone(zone(zone_name))
    today = local_now.date()
    if mission_date is not None and MISSION_SPAN[0] <= today - mission_date <= MISSION_SPAN[1]:
        day = mission_date if clock >= DAY_STARTS else mission_date + dt.timedelta(days=1)
    else:
        day = today
    return dt.datetime.combine(day, clock, tzinfo=zone(zone_name)).astimezone(dt.UTC)


def implausible(
    moment: dt.datetime, zone_name: str, mission_date: dt.date | None, now: dt.datetime
) -> str | None:
    """Why a time looks like a slip: `future` (more than an hour ahead), `outside` (more than
    two days outside the mission's polling day), or None when it is plausible."""
    if moment > now + FUTURE_SLACK:
        return "future"
    if mission_date is not None:
        local = zone(zone_name)
        start = dt.datetime.combine(mission_date, dt.time(0, 0), tzinfo=local)
        end = dt.datetime.combine(mission_date + dt.timedelta(days=1), DAY_STARTS, tzinfo=local)
        if moment < start - OUTSIDE_SLACK or moment > end + OUTSIDE_SLACK:
            return "outside"
    return None
