"""Evidence sanity: is a photo's own time and place plausible for the mission?

A camera whose clock was never set, or a photo taken elsewhere and added by mistake, is the
kind of slip a commission uses to dismiss a whole complaint. These checks never refuse a file
(the observer may know better); they warn at import and the warning follows the item into
`media show` and internal reports. Pure functions over the item's recorded facts.

Positions are integer microdegrees (the signed form); distances use the haversine formula,
which is well within the precision a phone's GPS has.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from observer_app.core.timeutil import parse_user_time, zone
from observer_app.i18n import _

PLAUSIBLE_DAYS: Final = 2
"""A capture time more than this many days before or after the mission's period is suspect."""
FAR_FROM_STATION_KM: Final = 3.0
"""A phone's GPS is good to tens of metres; a photo this far from its station was not taken
there (or its station's coordinates are wrong)."""
COUNTRY_BOUNDS: Final = (40_500_000, 55_500_000, 46_400_000, 87_400_000)
"""Kazakhstan's bounding box (lat min, lat max, lon min, lon max, microdegrees), with a
margin of a few kilometres: a position outside it is outside the country."""
_EARTH_RADIUS_KM: Final = 6371.0


class Concern(Enum):
    CAPTURE_OUTSIDE_MISSION = "capture_outside_mission"
    OUTSIDE_COUNTRY = "outside_country"
    FAR_FROM_STATION = "far_from_station"


@dataclass(frozen=True)
class EvidenceWarning:
    concern: Concern
    days: int | None = None  # how far outside the mission's period, in whole days
    km: float | None = None  # how far from the station

    @property
    def text(self) -> str:
        """The warning in the UI language."""
        return self.worded(_)

    def worded(self, gettext: Callable[[str], str]) -> str:
        """The warning through `gettext` (a report words it in the report's language)."""
        if self.concern is Concern.CAPTURE_OUTSIDE_MISSION:
            return gettext(
                "taken outside the mission's period (days off: {days}): check the camera's clock"
            ).format(days=self.days)
        if self.concern is Concern.OUTSIDE_COUNTRY:
            return gettext("its GPS position is outside the country")
        return gettext("its GPS position is {km} km from its station").format(
            km=f"{self.km:.0f}" if self.km is not None else "?"
        )

    def to_json(self) -> dict[str, object]:
        return {"concern": self.concern.value, "days": self.days, "km": self.km}


def capture_moment(capture_time: str | None, zone_name: str) -> dt.datetime | None:
    """The camera's time in UTC (read in the station's zone without an offset), or None."""
    if not capture_time:
        return None
    try:
        return parse_user_time(capture_time, zone_name)
    except (ValueError, OverflowError):
        return None


def distance_km(a: tuple[int, int], b: tuple[int, int]) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(v / 1e6) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _days_outside(moment: dt.datetime, mission_day: dt.date, zone_name: str) -> int:
    """Whole days the moment's local date lies before the mission's date or after its period
    (the date and the night of the count, which ends the next morning); 0 when within."""
    day = moment.astimezone(zone(zone_name)).date()
    if day < mission_day:
        return (mission_day - day).days
    return max(0, (day - (mission_day + dt.timedelta(days=1))).days)


def evidence_warnings(
    *,
    capture_time: str | None,
    gps: tuple[int, int] | None,
    zone_name: str,
    mission_date: dt.date | None,
    station_position: tuple[int, int] | None,
) -> list[EvidenceWarning]:
    """What is implausible about an item's own time and place (empty when nothing is)."""
    warnings: list[EvidenceWarning] = []
    moment = capture_moment(capture_time, zone_name)
    if moment is not None and mission_date is not None:
        days = _days_outside(moment, mission_date, zone_name)
        if days > PLAUSIBLE_DAYS:
            warnings.append(EvidenceWarning(Concern.CAPTURE_OUTSIDE_MISSION, days=days))
    if gps is not None:
        lat_min, lat_max, lon_min, lon_max = COUNTRY_BOUNDS
        if not (lat_min <= gps[0] <= lat_max and lon_min <= gps[1] <= lon_max):
            warnings.append(EvidenceWarning(Concern.OUTSIDE_COUNTRY))
        elif station_position is not None:
            km = distance_km(gps, station_position)
            if km > FAR_FROM_STATION_KM:
                warnings.append(EvidenceWarning(Concern.FAR_FROM_STATION, km=round(km, 1)))
    return warnings


def recorded_warnings(
    *,
    capture_time: str | None,
    lat_microdeg: int | None,
    lon_microdeg: int | None,
    zone_name: str,
    mission_date: str | None,
    station_position: tuple[int, int] | None,
) -> list[EvidenceWarning]:
    """`evidence_warnings` over the fields as the vault records them (the mission's ISO date,
    the position as two optional columns): the one entry for `media show` and the reports."""
    try:
        day = dt.date.fromisoformat(mission_date) if mission_date else None
    except ValueError:
        day = None
    gps = (
        (lat_microdeg, lon_microdeg)
        if lat_microdeg is not None and lon_microdeg is not None
        else None
    )
    return evidence_warnings(
        capture_time=capture_time,
        gps=gps,
        zone_name=zone_name,
        mission_date=day,
        station_position=station_position,
    )
