"""Capture times from files, in the report: any one a file can state gives text, never a crash.

A photo's capture time is the camera's word (tests/fuzz/test_fuzz_media.py checks that the
readers give ISO 8601 or nothing). The report converts it twice: to UTC to place the photo in
time (`media_moment`), and to the station's zone to print it (`ReportTexts.camera_time`). Both
must survive every moment a file can state, with any UTC offset EXIF allows (+/-14:00), in every
zone of the catalogue: the ends of the calendar overflowed datetime before (issue 10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.core.catalogue import load_catalogue
from observer_app.reports.data import media_moment
from observer_app.reports.labels import ReportTexts
from tests.fuzz.fuzz_support import examples

CATALOGUE = load_catalogue()
ZONES = sorted({*CATALOGUE.time_zones, *(region.zone for region in CATALOGUE.regions), "UTC"})
TEXTS = {lang: ReportTexts.for_language(lang, CATALOGUE) for lang in ("en", "ru", "kk")}
IMPORTED = "2026-03-15T09:00:00.000Z"


@dataclass(frozen=True)
class _Item:
    """The two fields of a media record that `media_moment` reads."""

    capture_time: str | None
    time_utc: str = IMPORTED


_OFFSETS = st.none() | st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
_EDGES = st.sampled_from([dt.datetime.min, dt.datetime.max.replace(microsecond=0)])
CAPTURE_TIMES = st.one_of(
    st.tuples(_EDGES | st.datetimes(), _OFFSETS).map(
        lambda case: case[0].replace(microsecond=0, tzinfo=case[1]).isoformat()
    ),
    st.text(min_size=1, max_size=30),  # the report asks only about a time the file states
)


@settings(max_examples=examples(1000))
@given(CAPTURE_TIMES, st.sampled_from(ZONES), st.sampled_from(sorted(TEXTS)))
def test_any_capture_time_is_placed_and_printed(capture_time: str, zone: str, lang: str) -> None:
    moment = media_moment(_Item(capture_time), zone)  # type: ignore[arg-type]
    assert moment == IMPORTED or moment.endswith("Z")
    shown = TEXTS[lang].camera_time(capture_time, zone)
    assert shown and isinstance(shown, str)
