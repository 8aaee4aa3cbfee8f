"""`protocol published import FILE.csv`: the commission's per-station results table.

Hostile input, checked whole before anything is recorded: at most MAX_FILE_BYTES, UTF-8 with
or without a byte order mark (else the line that is not), comma or semicolon separated, a
header with `station` (or `code`, `number`) and protocol fields (`P1`, `P11[A]`; a candidate by
id as in `protocol record`), no unknown or repeated column, no station twice, every value a
whole number in range, every station known to the vault. Each error names its line, and
every bad line is reported (the first MAX_REPORTED problems, then how many more). The rows
are then recorded in one transaction (`protocol.published`, source `csv`): all or nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.protocol import MAX_FIGURE, field_name
from observer_app.errors import ObserverError, UsageError, UserActionError, system_reason
from observer_app.i18n import _, ngettext
from observer_app.logbook.mission import ballot
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.connection import Transaction
from observer_app.vault.projection.coordinator import PROTOCOL_PUBLISHED

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_REPORTED = 20
"""How many problems a refused file lists before "… and N more"."""
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


def _on_line(line: int, message: object) -> str:
    return _("line {line}: {message}").format(line=line, message=message)


def _line_error(line: int, message: str) -> UsageError:
    return UsageError(_on_line(line, message))


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


def _value(text: str) -> int | None:
    """The whole number a cell holds (spaces as thousands separators), None if it is not one
    from 0 to MAX_FIGURE."""
    clean = text.strip().replace(" ", "").replace("\u00a0", "")
    if not clean.isascii() or not clean.isdigit() or int(clean) > MAX_FIGURE:
        return None
    return int(clean)


def _row(
    session: LogbookSession,
    values: list[str],
    line: int,
    width: int,
    station_index: int,
    fields: dict[int, str],
    seen: dict[str, int],
) -> tuple[PublishedRow | None, list[str]]:
    """One data line checked: its row (None without figures) and every problem it has."""
    problems: list[str] = []
    if len(values) > width:
        problems.append(_("more values than columns"))
    code = values[station_index].strip() if station_index < len(values) else ""
    station: str | None = None
    try:
        station = require_station(session, code).code
    except ObserverError as error:
        problems.append(error.message)
    if station is not None and station in seen:
        problems.append(
            _("station {code} appears already on line {first}").format(
                code=station, first=seen[station]
            )
        )
    elif station is not None:
        seen[station] = line
    figures: dict[str, int] = {}
    for index, field in fields.items():
        if index < len(values) and values[index].strip():
            value = _value(values[index])
            if value is None:
                problems.append(_bad_value(field, values[index]))
            else:
                figures[field] = value
    if problems or station is None or not figures:
        return None, problems
    return PublishedRow(line, station, figures), problems


def _bad_value(field: str, text: str) -> str:
    return _("{field}: '{value}' is not a whole number from 0 to {limit}").format(
        field=field, value=text.strip()[:32], limit=MAX_FIGURE
    )


def _refusal(problems: list[str]) -> UsageError:
    """Every problem found, one a line, the first MAX_REPORTED of them then how many more."""
    shown = problems[:MAX_REPORTED]
    rest = len(problems) - len(shown)
    if rest:
        shown.append(
            ngettext("… and {count} more problem", "… and {count} more problems", rest).format(
                count=rest
            )
        )
    return UsageError("\n".join(shown))


def read_published(session: LogbookSession, catalogue: Catalogue, path: Path) -> list[PublishedRow]:
    """Every row of the file, checked (see the module docstring). Every bad line is reported
    (bounded by MAX_REPORTED) in one usage error, so the file is fixed in one go."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[PublishedRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    header = next(_lines(reader, problems), None)
    if header is None:
        if problems:
            raise _refusal(problems)
        raise UsageError(_("the results table is empty"))
    station_index, fields = _header(header, session, catalogue)
    for values in _lines(reader, problems):
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        row, found = _row(session, values, line, len(header), station_index, fields, seen)
        problems.extend(_on_line(line, message) for message in found)
        if row is not None:
            rows.append(row)
    if problems:
        raise _refusal(problems)
    if not rows:
        raise UsageError(_("the results table has no figures"))
    return rows


def _lines(reader: Any, problems: list[str]) -> Iterator[list[str]]:
    """The reader's rows; malformed CSV (a stray quote) ends the reading as one more problem,
    as the lines after it cannot be told apart."""
    try:
        yield from reader
    except csv.Error as error:
        problems.append(_on_line(reader.line_num, error))


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
