"""`export csv --out DIR`: the vault's findings as spreadsheets for the organisation.

Five files (columns in `docs/formats/csv.md`): incidents, checklist answers, protocol figures
(one row per station and observer, with the published result and the fields the coordinator
marked verified), the media index (no media
bytes) and the coordinator's annotations. UTF-8 with a byte order mark, so that spreadsheet
programs show Cyrillic and Kazakh letters; RFC 4180 quoting and CRLF line ends. The files leave
the vault unencrypted: the shell says so before writing. Each file is written atomically with
mode 0600 (`output.write_user_file`); the folder is made with mode 0700 if it does not exist.
Texts that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) get a
leading apostrophe, so a hostile observer text cannot become a formula on the coordinator's
computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.answers import answer_from_json, is_concern
from observer_app.core.catalogue import Catalogue
from observer_app.core.fingerprint import format_fingerprint
from observer_app.core.protocol import expected_fields
from observer_app.core.timeutil import to_local
from observer_app.errors import ObserverError, UserActionError, system_reason
from observer_app.i18n import _
from observer_app.logbook.comparison import compare
from observer_app.logbook.mission import ballot
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.output import write_user_file
from observer_app.logbook.session import LogbookSession
from observer_app.vault.fs import DIR_MODE
from observer_app.vault.queries import annotations as annotation_queries
from observer_app.vault.queries import comparison as comparison_queries
from observer_app.vault.queries.checklist import all_answers
from observer_app.vault.queries.incidents import newest_incidents
from observer_app.vault.queries.media import list_media
from observer_app.vault.queries.protocol import verified_fields
from observer_app.vault.queries.refs import refs_of

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

INCIDENT_COLUMNS = (
    "id", "ref", "observer", "observer_fingerprint", "station", "station_name", "region",
    "category", "severity", "seen", "status", "follow_up", "occurred_local", "occurred_utc",
    "tz", "text", "persons", "witnesses", "voided", "void_reason", "annotation_status",
    "annotation_follow_up", "annotation_note",
)  # fmt: skip
CHECKLIST_COLUMNS = (
    "id", "observer", "observer_fingerprint", "station", "phase", "item", "value", "concern",
    "note", "time_utc", "current",
)  # fmt: skip
PROTOCOL_FIXED_COLUMNS = (
    "station", "station_name", "observer", "observer_fingerprint", "failed_checks",
    "disagreements", "published_differences", "verified",
)  # fmt: skip
MEDIA_COLUMNS = (
    "id", "ref", "observer", "observer_fingerprint", "kind", "mime", "size", "sha256",
    "original_name", "capture_time", "consent", "links", "derived_from", "purged", "time_utc",
)  # fmt: skip
ANNOTATION_COLUMNS = (
    "target", "target_ref", "observer", "annotator", "status", "follow_up", "note", "time_utc",
)  # fmt: skip
FILES = ("incidents.csv", "checklist.csv", "protocol.csv", "media.csv", "annotations.csv")


@dataclass(frozen=True)
class ExportedCsv:
    folder: Path
    files: tuple[Path, ...]
    rows: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "files": [str(path) for path in self.files],
            "rows": dict(self.rows),
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def _folder(out: Path) -> Path:
    try:
        if out.exists() and not out.is_dir():
            raise UserActionError(_("{path} is not a folder").format(path=out))
        out.mkdir(mode=DIR_MODE, parents=False, exist_ok=True)
    except FileNotFoundError:
        raise UserActionError(_("folder not found: {folder}").format(folder=out.parent)) from None
    except OSError as error:
        raise UserActionError(
            _("cannot write {path}: {reason}").format(path=out, reason=system_reason(error))
        ) from None
    return out


def _verified_in_order(marks: dict[str, bool], fields: Sequence[str]) -> list[str]:
    """The fields marked verified, in the protocol's order (a field outside it comes last)."""
    known = [name for name in fields if marks.get(name)]
    return known + sorted(name for name, yes in marks.items() if yes and name not in fields)


def export_csv(session: LogbookSession, catalogue: Catalogue, out: Path) -> ExportedCsv:
    """Write the five tables into `out` (see the module docstring)."""
    folder = _folder(out)
    conn = session.conn
    names = names_by_feed(session)
    station_names = comparison_queries.station_names(conn)
    regions = {
        str(code): str(region or "")
        for code, region in conn.execute(
            "SELECT code, region FROM stations ORDER BY time_utc DESC, feed DESC"
        ).fetchall()
    }

    def who(feed: str) -> tuple[str, str]:
        return observer_name(names, feed), format_fingerprint(feed)

    incidents = newest_incidents(conn, limit=None)
    incidents.reverse()  # oldest first, as the day went
    marks = annotation_queries.annotations_of(conn, [i.id for i in incidents])
    media = list_media(conn)
    refs = refs_of(conn, [i.id for i in incidents] + [m.id for m in media])
    incident_rows = (
        (
            i.id,
            refs.get(i.id, ("", ""))[0],
            *who(i.feed),
            i.station,
            station_names.get(i.station, ""),
            regions.get(i.station, ""),
            i.category,
            i.severity,
            i.seen,
            i.status,
            i.follow_up,
            to_local(i.occurred_utc, i.tz).isoformat(timespec="seconds"),
            i.occurred_utc,
            i.tz,
            i.text,
            "; ".join(i.persons),
            "; ".join(i.witnesses),
            i.voided,
            i.void_reason,
            marks[i.id].status if i.id in marks else None,
            marks[i.id].follow_up if i.id in marks else None,
            marks[i.id].note if i.id in marks else None,
        )
        for i in incidents
    )

    def concern(item_id: str, value: Any) -> bool | None:
        try:
            item = catalogue.item(item_id)
            return is_concern(item, answer_from_json(item, value))
        except ObserverError:
            return None

    checklist_rows = (
        (
            a.id,
            *who(a.feed),
            a.station,
            a.phase,
            a.item,
            a.value if isinstance(a.value, str | int) else "; ".join(map(str, a.value)),
            concern(a.item, a.value),
            a.note,
            a.time_utc,
            a.current,
        )
        for a in all_answers(conn)
    )
    ballot_now = ballot(session)
    fields = expected_fields(catalogue, ballot_now.candidates, ballot_now.against_all)
    comparison = compare(session, catalogue)
    extra = sorted({f.field for s in comparison.stations for f in s.fields} - set(fields))
    all_fields = [*fields, *extra]
    protocol_columns = (
        *PROTOCOL_FIXED_COLUMNS,
        *all_fields,
        *(f"published {name}" for name in all_fields),
    )

    def protocol_rows() -> Iterable[Sequence[Any]]:
        for station in comparison.stations:
            common = (
                "; ".join(station.disagreements),
                "; ".join(station.published_differences),
            )
            published = [station.published.get(name) for name in all_fields]
            copies = station.copies or ()
            for copy in copies:
                marks = verified_fields(conn, copy.feed, station.station)
                yield (
                    station.station,
                    station.name,
                    *who(copy.feed),
                    "; ".join(copy.failed_checks),
                    *common,
                    "; ".join(_verified_in_order(marks, all_fields)),
                    *(copy.figures.get(name) for name in all_fields),
                    *published,
                )
            if not copies:
                yield (
                    station.station, station.name, "", "", "", *common, "",
                    *([None] * len(all_fields)), *published,
                )  # fmt: skip

    media_rows = (
        (
            m.id,
            refs.get(m.id, ("", ""))[0],
            *who(m.feed),
            m.kind,
            m.mime,
            m.size,
            m.sha256,
            m.original_name,
            m.capture_time,
            m.consent,
            "; ".join(f"{kind}:{ref}" for kind, ref in m.links),
            m.derived_from,
            m.purged,
            m.time_utc,
        )
        for m in media
    )
    annotations = annotation_queries.all_annotations(conn)
    owners = dict(
        conn.execute(
            "SELECT id, feed FROM incidents WHERE id IN (SELECT target FROM annotations)"
        ).fetchall()
    )
    target_refs = refs_of(conn, [a.target for a in annotations])
    annotation_rows = (
        (
            a.target,
            target_refs.get(a.target, ("", ""))[0],
            observer_name(names, str(owners.get(a.target, ""))) if a.target in owners else "",
            observer_name(names, a.feed),
            a.status,
            a.follow_up,
            a.note,
            a.time_utc,
        )
        for a in annotations
    )
    tables = (
        ("incidents.csv", INCIDENT_COLUMNS, incident_rows),
        ("checklist.csv", CHECKLIST_COLUMNS, checklist_rows),
        ("protocol.csv", protocol_columns, protocol_rows()),
        ("media.csv", MEDIA_COLUMNS, media_rows),
        ("annotations.csv", ANNOTATION_COLUMNS, annotation_rows),
    )
    written: list[Path] = []
    counts: dict[str, int] = {}
    for name, columns, rows in tables:
        data, count = _table(columns, rows)
        path = folder / name
        write_user_file(path, data)
        written.append(path)
        counts[name] = count
    return ExportedCsv(folder, tuple(written), counts)
