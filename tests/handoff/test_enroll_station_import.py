"""`station import FILE.csv`: a coordinator's station list, all or nothing, errors naming lines."""

from __future__ import annotations

import errno
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.errors import UsageError, UserActionError, environment_error
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.station_import import import_stations
from observer_app.vault.journal import Event
from observer_app.vault.queries.stations import list_stations
from observer_app.vault.store import Vault, open_vault
from observer_app.vault.verify import verify_journal
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import dump

GOOD = (
    "code,name,address,region,commission,tz\n"
    '101,Средняя школа № 12,"ул. Жандосова, 58",almaty_city,Бостандыкская ТИК,\n'
    "AKT-14,№ 14 мектеп-гимназия,,Ақтөбе облысы,,\n"
    "205,Школа-лицей,,,,Asia/Qostanay\n"
)


FIVE = "code,name\n101,A\n102,B\n103,C\n104,D\n105,E\n"


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


def test_bom_and_semicolons_together(session: LogbookSession, tmp_path: Path) -> None:
    text = "Number;Name;Region\n7;Школа № 7;Ақтөбе облысы\n8;Лицей, корпус 2;\n"
    result = import_stations(session, load_catalogue(), write(tmp_path, text, "utf-8-sig"))
    assert result.added == ("7", "8")
    assert codes(session) == {"7": ("aktobe", "Asia/Aqtobe"), "8": (None, "Asia/Almaty")}


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
        ("code,name\n1 01,A\n", "line 2: A station code has 1 to 32 Latin letters"),
        ("code,name\n101,\n", "line 2: The station needs a name."),
        ("code,name\n101,A\n102,B\n 101 ,C\n", "line 4: station 101 appears already on line 2"),
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


class DiskFullAt(LogbookSession):
    """The session of the vault, whose `fail_at`-th append finds the disk full (after the
    earlier appends really wrote their events and stations inside the transaction)."""

    def __init__(self, vault: Vault, fail_at: int) -> None:
        super().__init__(vault)
        self.fail_at = fail_at
        self.appends = 0
        self.stations_when_failing: int | None = None

    def append_in_transaction(
        self,
        event_type: str,
        body: Mapping[str, Any],
        tz: str | None = None,
        time_utc: str | None = None,
    ) -> Event:
        self.appends += 1
        if self.appends == self.fail_at:
            self.stations_when_failing = len(list_stations(self.conn))
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().append_in_transaction(event_type, body, tz, time_utc)


def test_failure_while_recording_row_3_of_5_records_nothing(
    session: LogbookSession, tmp_path: Path
) -> None:
    path = write(tmp_path, FIVE)
    before = dump(session)
    failing = DiskFullAt(session.vault, fail_at=3)
    with pytest.raises(OSError) as raised:
        import_stations(failing, load_catalogue(), path)
    # Rows 1 and 2 were written (inside the transaction) before row 3 failed...
    assert failing.appends == 3 and failing.stations_when_failing == 2
    # ...and were rolled back with it: the vault is exactly as before, its journal intact.
    assert not session.conn.in_transaction
    assert dump(session) == before
    assert verify_journal(session.conn).ok
    # The error is the one the CLI already reports as a full disk (exit 4, no traceback).
    reported = environment_error(raised.value)
    assert isinstance(reported, UserActionError) and reported.exit_code == 4
    # Once there is room again, the same file imports whole.
    assert import_stations(session, load_catalogue(), path).added == (
        "101",
        "102",
        "103",
        "104",
        "105",
    )
    assert verify_journal(session.conn).ok


def test_cli_database_refusal_on_row_3_of_5_records_nothing(cli_vault: Cli, tmp_path: Path) -> None:
    """Row 3 passes every check of the file but the database refuses it (a trigger stands in
    for a constraint the checks missed): the command fails in one line and records nothing."""
    vault = open_vault(cli_vault.vault, PASSPHRASE)
    try:
        events_before = vault.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        vault.conn.execute(
            "CREATE TRIGGER refuse_103 BEFORE INSERT ON stations WHEN NEW.code = '103'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    finally:
        vault.close()
    result = cli_vault("station", "import", str(write(tmp_path, FIVE)))
    assert result.code == 70, result.err
    assert result.err.count("\n") == 1 and "internal error" in result.err
    assert "Traceback" not in result.err
    vault = open_vault(cli_vault.vault, PASSPHRASE)
    try:
        assert vault.conn.execute("SELECT count(*) FROM stations").fetchone()[0] == 0
        assert vault.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events_before
        vault.conn.execute("DROP TRIGGER refuse_103")
        assert verify_journal(vault.conn).ok
    finally:
        vault.close()


def test_500_stations_in_one_transaction(session: LogbookSession, tmp_path: Path) -> None:
    lines = [f"ALM-{n},Школа № {n},ул. Абая {n},almaty_city,ТИК {n % 7}," for n in range(1, 501)]
    path = write(tmp_path, "code,name,address,region,commission,tz\n" + "\n".join(lines))
    events_before = session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    statements: list[str] = []
    conn = cast(Any, session.conn)  # the stubs omit the stdlib's set_trace_callback
    conn.set_trace_callback(statements.append)
    try:
        result = import_stations(session, load_catalogue(), path)
    finally:
        conn.set_trace_callback(None)
    assert len(result.added) == 500 and result.skipped == ()
    events_after = session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert events_after == events_before + 500
    assert len(list_stations(session.conn, session.identity.feed)) == 500
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 1
