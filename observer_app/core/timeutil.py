"""Times: stored as UTC plus the IANA zone of the place, shown in local time.

Kazakhstan moved its whole territory to UTC+5 in 2024, so a fixed offset would be wrong for old
records and may be wrong again; the zone database knows the history.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "Asia/Almaty"


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
