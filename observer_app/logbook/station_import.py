"""`station import FILE.csv`: a coordinator's list of polling stations from a spreadsheet.

Columns (header row required, names in any case and order): `code` (or `number`) and `name`
are required; `address`, `region` (catalogue id or its label in any language), `commission`
and `tz` (IANA zone, default the region's) are optional. UTF-8 with or without a byte order
mark; comma or semicolon separated (spreadsheets in Russian locales write semicolons).

The whole file is checked before anything is recorded, so a mistake on line 480 does not leave
479 stations behind: every error names its line. Codes the holder already declared are skipped
and counted, so an extended list can be imported again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from observer_app.core.catalogue import Catalogue
from observer_app.errors import ObserverError, UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook import stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.stations import station_by_code

REQUIRED = ("code", "name")
OPTIONAL = ("address", "region", "commission", "tz")
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
            _("could not read {path}: {reason}").format(path=path, reason=error.strerror or error)
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
                )
            )
    except csv.Error as error:
        raise _line_error(reader.line_num, str(error)) from None
    if not rows:
        raise UsageError(_("the station list has no stations"))
    return rows


def _check(catalogue: Catalogue, row: StationLine) -> None:
    """The checks `add_station` makes, made up front (with its own rules: its private helpers,
    so the two cannot drift apart)."""
    if not stations._CODE.fullmatch(row.code):
        raise _line_error(
            row.line,
            _("'{code}' is not a station code (such as 101 or ALM-101)").format(code=row.code),
        )
    if not row.name:
        raise _line_error(row.line, _("the station needs a name"))
    try:
        if row.region is not None:
            stations._region_id(catalogue, row.region)
        if row.tz is not None:
            catalogue.check_time_zone(row.tz)
    except ObserverError as error:
        raise _line_error(row.line, error.message) from None


def import_stations(session: LogbookSession, catalogue: Catalogue, path: Path) -> ImportedStations:
    """Check every line, then declare the new stations (see the module docstring)."""
    rows = read_station_file(path)
    seen: dict[str, int] = {}
    for row in rows:
        _check(catalogue, row)
        if row.code in seen:
            raise _line_error(
                row.line,
                _("station {code} appears already on line {first}").format(
                    code=row.code, first=seen[row.code]
                ),
            )
        seen[row.code] = row.line
    feed = session.identity.feed
    added: list[str] = []
    skipped: list[str] = []
    for row in rows:
        existing = station_by_code(session.conn, row.code, feed)
        if existing is not None and existing.feed == feed:
            skipped.append(row.code)
            continue
        stations.add_station(
            session,
            catalogue,
            row.code,
            row.name,
            address=row.address,
            region=row.region,
            commission=row.commission,
            tz=row.tz,
        )
        added.append(row.code)
    return ImportedStations(tuple(added), tuple(skipped))
