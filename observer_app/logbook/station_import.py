"""`station import FILE.csv`: a coordinator's list of polling stations from a spreadsheet.

Columns (header row required, names in any case and order): `code` (or `number`) and `name`
are required; `address`, `region` (catalogue id or its label in any language), `commission`
and `tz` (IANA zone, default the region's) are optional. UTF-8 with or without a byte order
mark; comma or semicolon separated (spreadsheets in Russian locales write semicolons).

All or nothing. The whole file is checked first with the rules of `station add`
(`stations.station_body`), so a mistake on line 480 is reported before anything is recorded; every
error names its line, and a code repeated in the file names both lines. The new stations are then
recorded in one transaction, so a failure while recording (a full disk, a database error) leaves
none of them behind either. Codes the holder already declared are skipped and counted, so an
extended list can be imported again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.progress import Cancel, Progress, Steps, never_cancel, no_progress
from observer_app.errors import ObserverError, UsageError, UserActionError, system_reason
from observer_app.i18n import _
from observer_app.logbook import stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Transaction
from observer_app.vault.projection.stations import STATION_ADDED

REQUIRED = ("code", "name")
OPTIONAL = ("address", "region", "commission", "tz", "lat", "lon")
ALIASES = {"number": "code"}
MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class StationLine:
    line: int
    code: str
    name: str
    address: str | None
    region: str | None
    commission: str | None
    tz: str | None
    lat: str | None = None
    lon: str | None = None


@dataclass(frozen=True)
class ImportedStations:
    added: tuple[str, ...]
    skipped: tuple[str, ...]


def _line_error(line: int, message: str) -> UsageError:
    return UsageError(_("line {line}: {message}").format(line=line, message=message))


def _decode(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserActionError(_("{path} is too large for a station list").format(path=path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserActionError(_("file not found: {path}").format(path=path)) from None
    except OSError as error:
        raise UserActionError(
            _("could not read {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _line_error(line, _("not UTF-8 text (save the file as CSV UTF-8)")) from None


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        name = ALIASES.get(name, name)
        if not name:
            continue
        if name not in REQUIRED and name not in OPTIONAL:
            raise _line_error(
                1,
                _("unknown column '{column}'; the columns are: {allowed}").format(
                    column=raw.strip(), allowed=", ".join((*REQUIRED, *OPTIONAL))
                ),
            )
        if name in columns:
            raise _line_error(1, _("the column '{column}' appears twice").format(column=name))
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise _line_error(
            1, _("the header lacks the column(s): {columns}").format(columns=", ".join(missing))
        )
    return columns


def read_station_file(path: Path) -> list[StationLine]:
    """Parse the file (no checks against the catalogue yet); errors name the line."""
    text = _decode(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise UsageError(_("the station list is empty"))
        columns = _columns(header)
        rows: list[StationLine] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise _line_error(reader.line_num, _("more values than columns"))

            def get(name: str, values: list[str] = values) -> str | None:
                index = columns.get(name)
                if index is None or index >= len(values):
                    return None
                return values[index].strip() or None

            rows.append(
                StationLine(
                    line=reader.line_num,
                    code=get("code") or "",
                    name=get("name") or "",
                    address=get("address"),
                    region=get("region"),
                    commission=get("commission"),
                    tz=get("tz"),
                    lat=get("lat"),
                    lon=get("lon"),
                )
            )
    except csv.Error as error:
        raise _line_error(reader.line_num, str(error)) from None
    if not rows:
        raise UsageError(_("the station list has no stations"))
    return rows


def _body(catalogue: Catalogue, row: StationLine) -> dict[str, Any]:
    """`stations.station_body` for one line, its usage error prefixed with the line."""
    try:
        return stations.station_body(
            catalogue,
            row.code,
            row.name,
            address=row.address,
            region=row.region,
            commission=row.commission,
            tz=row.tz,
            position=stations.parse_position(row.lat, row.lon),
        )
    except ObserverError as error:
        raise _line_error(row.line, error.message) from None


def _check_lines(catalogue: Catalogue, rows: list[StationLine]) -> list[dict[str, Any]]:
    """The event body of every line, in order; the first bad line (or repeated code) raises."""
    bodies: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in rows:
        body = _body(catalogue, row)
        code = str(body["code"])
        if code in seen:
            raise _line_error(
                row.line,
                _("station {code} appears already on line {first}").format(
                    code=code, first=seen[code]
                ),
            )
        seen[code] = row.line
        bodies.append(body)
    return bodies


def import_stations(
    session: LogbookSession,
    catalogue: Catalogue,
    path: Path,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> ImportedStations:
    """Check every line, then declare the new stations in one transaction (see the module
    docstring). Any failure while recording (full disk, a database error) rolls all of them
    back and propagates unchanged, for the caller to report as for any other command.

    Progress: the file read and checked, then each station recorded; a cancel (asked before
    each station) rolls the transaction back, so no station of the file is declared."""
    rows = read_station_file(path)
    steps = Steps(
        progress,
        cancel,
        [len(rows), len(rows)],
        _("station import cancelled; no station was added"),
    )
    bodies = _check_lines(catalogue, rows)
    steps.finish(0)
    recorded = steps.part(1)
    added: list[str] = []
    skipped: list[str] = []
    # The held codes are read inside the transaction (BEGIN IMMEDIATE): another program cannot
    # declare one between the look-up and the write.
    with Transaction(session.conn):
        for done, body in enumerate(bodies):
            steps.check()
            recorded(done, len(bodies))
            code = str(body["code"])
            if stations.holds_code(session, code):
                skipped.append(code)
                continue
            session.append_in_transaction(STATION_ADDED, body, tz=str(body["tz"]))
            added.append(code)
        steps.check()
    steps.finish(1)
    return ImportedStations(tuple(added), tuple(skipped))
