"""`protocol published import FILE.csv`: the commission's per-station results table.

Hostile input, checked whole before anything is recorded: at most MAX_FILE_BYTES, UTF-8 with
or without a byte order mark (else the line that is not), comma or semicolon separated, a
header with `station` (or `code`, `number`) and protocol fields (`P1`, `P11[A]`; a candidate by
id as in `protocol record`), no unknown or repeated column, no station twice, every value a
whole number in range, every station known to the vault. Each error names its line. The rows
are then recorded in one transaction (`protocol.published`, source `csv`): all or nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.protocol import MAX_FIGURE, field_name
from observer_app.errors import ObserverError, UsageError, UserActionError, system_reason
from observer_app.i18n import _
from observer_app.logbook.mission import ballot
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.connection import Transaction
from observer_app.vault.projection.coordinator import PROTOCOL_PUBLISHED

MAX_FILE_BYTES = 16 * 1024 * 1024
STATION_COLUMNS = ("station", "code", "number")


@dataclass(frozen=True)
class PublishedRow:
    line: int
    station: str
    figures: dict[str, int]


@dataclass(frozen=True)
class ImportedResults:
    stations: tuple[str, ...]
    figures: int


def _line_error(line: int, message: str) -> UsageError:
    return UsageError(_("line {line}: {message}").format(line=line, message=message))


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserActionError(
                _("{path} is larger than {limit} MiB").format(
                    path=path, limit=MAX_FILE_BYTES // (1024 * 1024)
                )
            )
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


def _header(
    header: list[str], session: LogbookSession, catalogue: Catalogue
) -> tuple[int, dict[int, str]]:
    """(index of the station column, index -> canonical field name)."""
    ballot_now = ballot(session)
    station_index: int | None = None
    fields: dict[int, str] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        if name.lower() in STATION_COLUMNS:
            if station_index is not None:
                raise _line_error(1, _("the station column appears twice"))
            station_index = index
            continue
        try:
            canonical = field_name(name, catalogue, ballot_now.candidates, ballot_now.against_all)
        except ObserverError:
            raise _line_error(
                1, _("unknown column '{column}': not a protocol field").format(column=name[:64])
            ) from None
        if canonical in fields.values():
            raise _line_error(1, _("the column '{column}' appears twice").format(column=canonical))
        fields[index] = canonical
    if station_index is None:
        raise _line_error(1, _("the header lacks the column 'station'"))
    if not fields:
        raise _line_error(1, _("the header names no protocol field"))
    return station_index, fields


def _value(line: int, field: str, text: str) -> int:
    clean = text.strip().replace(" ", "").replace("\u00a0", "")
    if not clean.isascii() or not clean.isdigit() or int(clean) > MAX_FIGURE:
        raise _line_error(
            line,
            _("{field}: '{value}' is not a whole number from 0 to {limit}").format(
                field=field, value=text.strip()[:32], limit=MAX_FIGURE
            ),
        )
    return int(clean)


def read_published(session: LogbookSession, catalogue: Catalogue, path: Path) -> list[PublishedRow]:
    """Every row of the file, checked (see the module docstring); the first error raises."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[PublishedRow] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None:
            raise UsageError(_("the results table is empty"))
        station_index, fields = _header(header, session, catalogue)
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) > len(header):
                raise _line_error(line, _("more values than columns"))
            code = values[station_index].strip() if station_index < len(values) else ""
            try:
                station = require_station(session, code).code
            except ObserverError as error:
                raise _line_error(line, error.message) from None
            if station in seen:
                raise _line_error(
                    line,
                    _("station {code} appears already on line {first}").format(
                        code=station, first=seen[station]
                    ),
                )
            seen[station] = line
            figures = {
                field: _value(line, field, values[index])
                for index, field in fields.items()
                if index < len(values) and values[index].strip()
            }
            if figures:
                rows.append(PublishedRow(line, station, figures))
    except csv.Error as error:
        raise _line_error(reader.line_num, str(error)) from None
    if not rows:
        raise UsageError(_("the results table has no figures"))
    return rows


def import_published(session: LogbookSession, catalogue: Catalogue, path: Path) -> ImportedResults:
    """Check the whole file, then record every row in one transaction."""
    rows = read_published(session, catalogue, path)
    with Transaction(session.conn):
        for row in rows:
            station = require_station(session, row.station)
            session.append_in_transaction(
                PROTOCOL_PUBLISHED,
                {"id": new_id(), "station": row.station, "figures": row.figures, "source": "csv"},
                tz=station.tz,
            )
    return ImportedResults(
        tuple(row.station for row in rows), sum(len(row.figures) for row in rows)
    )
