"""The time of a record as the observer types it: `19:40`, a full ISO time, or nothing (now).

The rules (`core.timeutil.clock_moment`, `implausible`) are shared by the command line and the
coming window. A time that looks like a slip (more than an hour ahead, or more than two days
outside the mission's polling day) is never recorded silently: the session's `confirm` asks the
person (at a terminal, in a dialog); without one to ask it is a usage error (exit 2). The
window's forms call `check_time` while the person types, to warn before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from observer_app.core.timeutil import clock_moment, format_utc, implausible, utc_now
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local, resolve_time
from observer_app.logbook.mission import get_mission
from observer_app.logbook.session import LogbookSession

_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})", re.ASCII)


def mission_date_of(session: LogbookSession) -> dt.date | None:
    """The mission's polling day, or None when no (usable) mission is set."""
    row = get_mission(session)
    if row is None:
        return None
    try:
        return dt.date.fromisoformat(row.date)
    except ValueError:
        return None


@dataclass(frozen=True)
class TimeCheck:
    """A record's time as it would be stored, and why it looks like a slip (None: plausible)."""

    at: str
    problem: str | None


def check_time(
    session: LogbookSession, text: str | None, zone_name: str, now: dt.datetime | None = None
) -> TimeCheck:
    """Resolve the time the person gave (None: now) for a record in `zone_name` and judge it
    against the mission's polling day, asking nobody. Raises UsageError for a malformed time.

    Only the record's own time is judged, so a coordinator opening the vault months later and
    amending an old record is not warned; a new record stamped "now" by a clock that is days
    off is."""
    current = now or utc_now()
    mission_date = mission_date_of(session)
    if text is None:
        at = format_utc(current)
    elif match := _CLOCK.fullmatch(text.strip()):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise UsageError(_("'{value}' is not a time of day such as 19:40.").format(value=text))
        at = format_utc(clock_moment(dt.time(hour, minute), zone_name, mission_date, current))
    else:
        at = resolve_time(text, zone_name)
    why = implausible(
        dt.datetime.fromisoformat(at.replace("Z", "+00:00")), zone_name, mission_date, current
    )
    if why is None:
        return TimeCheck(at, None)
    shown = format_local(at, zone_name)
    if why == "future":
        return TimeCheck(at, _("{time} is more than an hour from now.").format(time=shown))
    return TimeCheck(
        at,
        _("{time} is more than two days away from the mission's polling day.").format(time=shown),
    )


def record_time(
    session: LogbookSession, text: str | None, zone_name: str, now: dt.datetime | None = None
) -> str:
    """The stored UTC form of the time the person gave for a record in `zone_name`; a typed
    time that looks like a slip is recorded only when the person confirms it."""
    current = now or utc_now()
    if text is None:
        return format_utc(current)
    checked = check_time(session, text, zone_name, current)
    if checked.problem is None:
        return checked.at
    problem = checked.problem
    if session.confirm(_("{problem} Record it anyway?").format(problem=problem)):
        return checked.at
    raise UsageError(
        _("{problem} Nothing was recorded: give the time again or confirm it.").format(
            problem=problem
        )
    )
