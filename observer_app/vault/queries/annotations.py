"""The coordinator's annotations of records (projection `coordinator`): latest per annotator."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class AnnotationRow:
    feed: str
    target: str
    status: str
    follow_up: str
    note: str | None
    time_utc: str

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "target": self.target,
            "status": self.status,
            "follow_up": self.follow_up,
            "note": self.note,
            "time_utc": self.time_utc,
        }


_COLUMNS = "feed, target, status, follow_up, note, time_utc"


def _row(r: Any) -> AnnotationRow:
    return AnnotationRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], str(r[5]))


def annotations_of(conn: Connection, targets: Collection[str]) -> dict[str, AnnotationRow]:
    """target -> its latest annotation (of any annotating feed) for the records given."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM annotations"
        " WHERE target IN (SELECT value FROM json_each(?)) ORDER BY time_utc, seq",
        (json.dumps(sorted(set(targets))),),
    ).fetchall()
    return {str(r[1]): _row(r) for r in rows}


def all_annotations(conn: Connection) -> list[AnnotationRow]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM annotations ORDER BY time_utc, target").fetchall()
    return [_row(r) for r in rows]
