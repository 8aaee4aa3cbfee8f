"""A camera clock at the ends of the calendar does not stop a report (found by fuzzing, issue 10).

A photo's EXIF capture time is the camera's word: a reset or hostile camera writes 0001-01-01 or
9999-12-31, and with a UTC offset (or read in the station's zone) that moment lies outside what
Python's datetime holds once converted. The report must still be made, listing the photo; where
the time cannot be placed it is shown as the camera wrote it, and the photo is ordered by when
it was imported.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media
from observer_app.logbook.reports import make_report
from observer_app.logbook.stations import add_station
from observer_app.reports.audience import Audience
from observer_app.reports.data import ReportOptions
from tests.reports.report_samples import flat, new_vault, pdf_text

DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL, EXIF_IFD = 0x9003, 0x9011, 0x8769


def _photo(stamp: str, offset: str | None) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = stamp
    if offset is not None:
        exif.get_ifd(EXIF_IFD)[OFFSET_TIME_ORIGINAL] = offset
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(
    ("stamp", "offset", "shown"),
    [
        ("0001:01:01 00:00:00", None, None),  # Almaty is east of UTC: year 0 in UTC
        ("0001:01:01 00:00:00", "+14:00", "0001-01-01T00:00:00+14:00"),
        ("9999:12:31 23:59:59", "-12:00", "9999-12-31T23:59:59-12:00"),
    ],
)
def test_a_photo_taken_at_the_ends_of_the_calendar_is_reported(
    tmp_path: Path, stamp: str, offset: str | None, shown: str | None
) -> None:
    session = new_vault(tmp_path / "vault", "Айгерим Сапарова")
    try:
        add_station(session, load_catalogue(), "101", "Школа № 12", region="almaty_city")
        path = tmp_path / "IMG_0001.jpg"
        path.write_bytes(_photo(stamp, offset))
        imported = media.import_file(session, path, media.Link("station", "101"))
        options = ReportOptions(Audience.INTERNAL, "en")
        report = make_report(session, options, tmp_path / "report.pdf").path
    finally:
        session.close()
    text = flat(pdf_text(report))
    assert imported.id in text
    if shown is not None:
        assert f"Taken: {shown}" in text
