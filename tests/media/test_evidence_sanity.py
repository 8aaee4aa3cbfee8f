"""Evidence sanity (issue 13): a photo taken far outside the mission's period, outside the
country or far from its station is imported with a warning that `media show` and the reports
repeat. Core rules first, then the real import, the station list and the CLI in ru and kk."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.core.evidence import Concern, evidence_warnings
from observer_app.errors import UsageError
from observer_app.logbook import media, mission, stations
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.station_import import import_stations
from observer_app.vault.queries.stations import station_position
from tests.conftest import Cli

DATA = Path(__file__).parent.parent / "data" / "media"
ABROAD = DATA / "gps_DSCN0010.jpg"  # taken in 2008, outside Kazakhstan
STATION = (43_238_900, 76_889_700)  # Almaty
MISSION_DAY = dt.date(2026, 3, 15)


def _concerns(capture: str | None, gps: tuple[int, int] | None) -> set[Concern]:
    return {
        w.concern
        for w in evidence_warnings(
            capture_time=capture,
            gps=gps,
            zone_name="Asia/Almaty",
            mission_date=MISSION_DAY,
            station_position=STATION,
        )
    }


@pytest.mark.parametrize(
    ("capture", "suspect"),
    [
        ("2026-03-15T10:00:00", False),
        ("2026-03-13T09:00:00", False),  # two days before: still plausible
        ("2026-03-12T23:00:00", True),  # three days before
        ("2026-03-18T23:59:00", False),  # two days after the night of the count
        ("2026-03-19T00:30:00", True),
        ("2008-10-22T16:29:49", True),  # a clock never set
        ("not a time", False),  # nothing to judge
    ],
)
def test_capture_time_more_than_two_days_outside_the_mission(capture: str, suspect: bool) -> None:
    assert (Concern.CAPTURE_OUTSIDE_MISSION in _concerns(capture, None)) is suspect


def test_position_outside_the_country_or_far_from_the_station() -> None:
    assert _concerns(None, (48_856_600, 2_352_200)) == {Concern.OUTSIDE_COUNTRY}  # Paris
    assert _concerns(None, (43_250_000, 76_900_000)) == set()  # 1.5 km away
    assert _concerns(None, (43_416_667, 76_883_333)) == {Concern.FAR_FROM_STATION}  # ~20 km
    without_station = evidence_warnings(
        capture_time=None,
        gps=(43_416_667, 76_883_333),
        zone_name="Asia/Almaty",
        mission_date=None,
        station_position=None,
    )
    assert without_station == []  # no coordinates: nothing to compare with


def _photo_near_almaty() -> bytes:
    """A photo 20 km north of the station, taken on the polling day (EXIF written by Pillow)."""
    image = Image.new("RGB", (64, 64), "white")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:03:15 10:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (43.0, 25.0, 0.0), "E", (76.0, 53.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_import_warns_and_the_station_keeps_its_coordinates(
    session: LogbookSession, tmp_path: Path
) -> None:
    catalogue = load_catalogue()
    mission.set_mission(session, "Выборы", MISSION_DAY.isoformat(), [], False)
    added = stations.add_station(
        session,
        catalogue,
        "101",
        "Школа",
        region="almaty_city",
        position=stations.parse_position("43.2389", "76,8897"),
    )
    assert station_position(session.conn, added.id) == STATION
    link = media.Link("station", "101")
    abroad = media.import_file(session, ABROAD, link, ConsentState.NO_PERSON)
    assert {w.concern for w in abroad.warnings} == {
        Concern.CAPTURE_OUTSIDE_MISSION,
        Concern.OUTSIDE_COUNTRY,
    }
    near = tmp_path / "near.jpg"
    near.write_bytes(_photo_near_almaty())
    [far] = media.import_file(session, near, link, ConsentState.NO_PERSON).warnings
    assert far.concern is Concern.FAR_FROM_STATION and far.km is not None and 15 < far.km < 25
    with pytest.raises(UsageError):
        stations.parse_position("43.2", None)  # both or neither
    with pytest.raises(UsageError):
        stations.parse_position("91", "76")


def test_station_list_takes_coordinates(session: LogbookSession, tmp_path: Path) -> None:
    listing = tmp_path / "stations.csv"
    listing.write_text(
        "code;name;region;lat;lon\n101;Школа;almaty_city;43,2389;76,8897\n102;Гимназия;;;\n",
        encoding="utf-8",
    )
    import_stations(session, load_catalogue(), listing)
    by_code = {s.code: s for s in stations.list_stations(session)}
    assert station_position(session.conn, by_code["101"].id) == STATION
    assert station_position(session.conn, by_code["102"].id) is None
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,lat,lon\n103,Школа,north,76\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 2"):
        import_stations(session, load_catalogue(), bad)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_cli_warns_at_import_and_in_media_show(cli_vault: Cli, lang: str) -> None:
    cli_vault("mission", "set", "--name", "Выборы", "--date", "2026-03-15", check=True)
    cli_vault("station", "add", "--number", "101", "--name", "Школа", check=True)
    cli_vault.lang = lang
    added = cli_vault("media", "add", str(ABROAD), "--station", "101", check=True)
    catalogue_words = {
        "ru": ("предупреждение:", "за пределами страны", "Предупреждение:"),
        "kk": ("ескерту:", "елден тыс", "Ескерту:"),
    }[lang]
    assert catalogue_words[0] in added.err and catalogue_words[1] in added.err
    shown = cli_vault("media", "show", "M-1", check=True).out
    assert shown.count(catalogue_words[2]) == 2  # the clock and the country
    document = cli_vault("media", "show", "M-1", "--json", check=True).json()
    assert {w["concern"] for w in document["warnings"]} == {
        "capture_outside_mission",
        "outside_country",
    }
