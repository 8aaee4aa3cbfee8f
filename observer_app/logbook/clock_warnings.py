"""What a form warns about a record's time before it is saved: the record's own time far from
the mission's polling day (`typed_time.check_time`), and this computer's time zone unlike every
station's while the mission is under way.

A computer set to the wrong zone but showing the right local time keeps a wrong UTC clock:
every record stamped "now" is hours off. It matters only while observing, so the zone is not
judged before or after the mission (a coordinator opening the vault months later, abroad, is
not warned). Warnings never stop the record: the observer can still save it.
"""

from __future__ import annotations

import datetime as dt

from observer_app.core.timeutil import MISSION_SPAN, utc_now, zone
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations
from observer_app.logbook.typed_time import check_time, mission_date_of


def system_offset(now: dt.datetime) -> dt.timedelta:
    """This computer's UTC offset at `now` (its time zone as the system is set)."""
    return now.astimezone().utcoffset() or dt.timedelta(0)


def offset_text(offset: dt.timedelta) -> str:
    """`UTC+05:00`, `UTC−03:30`: how the warnings name a zone's offset."""
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_warning(
    session: LogbookSession,
    now: dt.datetime | None = None,
    offset: dt.timedelta | None = None,
) -> str | None:
    """Why this computer's zone looks wrong (its offset `offset`, default the system's, is no
    station's at `now`), or None; judged only while the mission is under way."""
    current = now or utc_now()
    day = mission_date_of(session)
    zones = sorted({row.tz for row in list_stations(session)})
    if day is None or not zones:
        return None
    local_days = {current.astimezone(zone(name)).date() for name in zones}
    if not any(MISSION_SPAN[0] <= each - day <= MISSION_SPAN[1] for each in local_days):
        return None
    mine = system_offset(current) if offset is None else offset
    theirs = sorted(
        {current.astimezone(zone(name)).utcoffset() or dt.timedelta(0) for name in zones}
    )
    if mine in theirs:
        return None
    return _(
        "This computer's time zone is {computer}, the stations' {stations}: if its clock shows "
        "the local time, times recorded as now are hours off. Check the computer's time zone."
    ).format(computer=offset_text(mine), stations=", ".join(offset_text(each) for each in theirs))


def recording_warnings(
    session: LogbookSession,
    text: str | None,
    zone_name: str,
    now: dt.datetime | None = None,
    offset: dt.timedelta | None = None,
) -> list[str]:
    """Every warning about a record at the time the person gave (None: now) in `zone_name`; a
    malformed time warns nothing here (saving says what is wrong with it)."""
    warnings: list[str] = []
    try:
        problem = check_time(session, text, zone_name, now).problem
    except UsageError:
        problem = None
    if problem is not None:
        warnings.append(problem)
    about_zone = zone_warning(session, now, offset)
    if about_zone is not None:
        warnings.append(about_zone)
    return warnings
