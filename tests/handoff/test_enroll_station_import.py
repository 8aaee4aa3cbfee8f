"""`station import FILE.csv`: a coordinator's station list, all or nothing, errors naming lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.station_import import import_stations
from observer_app.vault.queries.stations import list_stations
from tests.conftest import Cli
from tests.handoff.handoff_support import dump

GOOD = (
    "code,name,address,region,commission,tz\n"
    '101,Средняя школа № 12,"ул. Жандосова, 58",almaty_city,Бостандыкская ТИК,\n'
    "AKT-14,№ 14 мектеп-гимназия,,Ақтөбе облысы,,\n"
    "205,Школа-лицей,,,,Asia/Qostanay\n"
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "stations.csv"
    path.write_bytes(text.encode(encoding))
    return path


def codes(session: LogbookSession) -> dict[str, tuple[str | None, str]]:
    return {s.code: (s.region, s.tz) for s in list_stations(session.conn, session.identity.feed)}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_import_with_or_without_bom(session: LogbookSession, tmp_path: Path, encoding: str) -> None:
    result = import_stations(session, load_catalogue(), write(tmp_path, GOOD, encoding))
    assert result.added == ("101", "AKT-14", "205")
    assert codes(session) == {
        "101": ("almaty_city", "Asia/Almaty"),
        "AKT-14": ("aktobe", "Asia/Aqtobe"),  # region given by its Kazakh label
        "205": (None, "Asia/Qostanay"),
    }
    (station,) = [s for s in list_stations(session.conn) if s.code == "101"]
    assert station.address == "ул. Жандосова, 58"


def test_semicolons_and_reimport_skips_known_codes(session: LogbookSession, tmp_path: Path) -> None:
    import_stations(session, load_catalogue(), write(tmp_path, GOOD))
    extended = "number;name\n101;Средняя школа № 12\n300;Новая школа\n"
    result = import_stations(session, load_catalogue(), write(tmp_path, extended))
    assert result.added == ("300",) and result.skipped == ("101",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name\n101,A\n102,B,extra\n", "line 3: more values"),
        ("code,name,region\n101,A,almaty_city\n102,B,atlantis\n", "line 3: Unknown region"),
        ("code,name\n101,A\n\n101,B\n", "line 4: station 101 appears already on line 2"),
        ("code,name\n1 01,A\n", "line 2: '1 01' is not a station code"),
        ("code,name\n101,\n", "line 2: the station needs a name"),
        ("code,name,tz\n101,A,Europe/Paris\n", "line 2: Time zone 'Europe/Paris'"),
        ("code,title\n101,A\n", "line 1: unknown column 'title'"),
        ("name\nA\n", "line 1: the header lacks the column(s): code"),
        ('code,name\n101,"unclosed\n', "line 2"),
    ],
)
def test_errors_name_the_line_and_nothing_is_recorded(
    session: LogbookSession, tmp_path: Path, text: str, message: str
) -> None:
    before = dump(session)
    with pytest.raises(UsageError) as raised:
        import_stations(session, load_catalogue(), write(tmp_path, text))
    assert message in raised.value.message
    assert dump(session) == before


def test_not_utf8_names_the_line(session: LogbookSession, tmp_path: Path) -> None:
    path = write(tmp_path, "code,name\n101,A\n102,Школа\n", "cp1251")
    with pytest.raises(UsageError, match="line 3: not UTF-8"):
        import_stations(session, load_catalogue(), path)


def test_missing_file(session: LogbookSession, tmp_path: Path) -> None:
    with pytest.raises(UserActionError, match="not found"):
        import_stations(session, load_catalogue(), tmp_path / "nope.csv")


def test_cli_station_import(cli_vault: Cli, tmp_path: Path) -> None:
    ok = cli_vault("station", "import", str(write(tmp_path, GOOD, "utf-8-sig")))
    assert ok.code == 0, ok.err
    listed = cli_vault("station", "list", "--json", check=True).json()
    assert {s["code"] for s in listed} == {"101", "AKT-14", "205"}
    bad = cli_vault("station", "import", str(write(tmp_path, "code,name\n,A\n")))
    assert bad.code == 2 and bad.err.count("\n") == 1 and "line 2" in bad.err
