"""Times as the user types them and as the user reads them.

Stored: UTC text plus the place's IANA zone. Typed: ISO 8601, and without an offset it means the
station's local time. Read: the station's local time, formatted by Babel for the UI language
(day, month name and 24-hour time: polling hours are local and an AM/PM slip would matter).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_skeleton

from observer_app.core.timeutil import (
    day_skeleton,
    format_utc,
    parse_user_time,
    to_local,
    utc_now,
)
from observer_app.errors import UsageError
from observer_app.i18n import _, current_language


def resolve_time(text: str | None, zone_name: str) -> str:
    """The stored UTC form of a time the user gave (now when None)."""
    if text is None:
        return format_utc(utc_now())
    try:
        moment = parse_user_time(text, zone_name)
    except ValueError:
        raise UsageError(
            _("'{value}' is not an ISO 8601 time such as 2026-03-15T07:30.").format(value=text)
        ) from None
    return format_utc(moment)


def local_iso(utc_text: str, zone_name: str) -> str:
    """ISO 8601 with the local offset, for JSON: `2026-03-15T07:30:00+05:00`."""
    return to_local(utc_text, zone_name).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _day_text(day: dt.date, locale: str) -> str:
    """Babel's date for a day (cached: a timeline page formats hundreds of times a few days)."""
    return format_skeleton(day_skeleton(locale), dt.datetime.combine(day, dt.time()), locale=locale)


@lru_cache(maxsize=4096)
def _clock_text(hour: int, minute: int, locale: str) -> str:
    return format_skeleton("Hm", dt.datetime(2000, 1, 1, hour, minute), locale=locale)


def format_local(utc_text: str, zone_name: str, language: str | None = None) -> str:
    """`Mar 15, 2026, 07:30` / `15 мар. 2026 г., 07:30` / `2026 ж. 15 наурыз, 07:30`."""
    moment = to_local(utc_text, zone_name)
    locale = language or current_language()
    return f"{_day_text(moment.date(), locale)}, {_clock_text(moment.hour, moment.minute, locale)}"


def format_local_time(utc_text: str, zone_name: str, language: str | None = None) -> str:
    """Only the local time of day, `07:30`, for compact listings within one day."""
    moment = to_local(utc_text, zone_name)
    return _clock_text(moment.hour, moment.minute, language or current_language())
