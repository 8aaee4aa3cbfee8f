"""The coordinator's own records about observers' records: annotations, "verified" marks on
protocol figures, and the commission's published result.

Annotations and marks never change the observer's record (DESIGN.md's authorisation rule): they
live in their own tables, keyed by the record (or the observer's figure) they concern and by the
annotating feed, the latest event of that feed winning. Only a coordinator's feed may write them,
and only about a record the vault holds (`EventSchema.annotates`, `author_role`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.core.protocol import FIGURE_NAME, MAX_FIGURE
from observer_app.core.schema import Boolean, Integer, List, Map, Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    FEED,
    ID,
    SHORT_TEXT,
    STATION_CODE,
    TERM,
    EventSchema,
    Ref,
    body,
    optional,
    required,
)

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

ANNOTATION_SET = "annotation.set"
PROTOCOL_VERIFIED = "protocol.verified"
PROTOCOL_PUBLISHED = "protocol.published"
PUBLISHED_SOURCES = ("manual", "csv")
_FIGURE_FIELD = Text(64, 1, FIGURE_NAME)


def _annotation(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO annotations (feed, target, status, follow_up, note, time_utc, seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target, feed) DO UPDATE SET"
        " status = excluded.status, follow_up = excluded.follow_up, note = excluded.note,"
        " time_utc = excluded.time_utc, seq = excluded.seq",
        (
            event.feed,
            body["target"],
            body["status"],
            body["follow_up"],
            body.get("note"),
            event.time_utc,
            event.seq,
        ),
    )


def _verified(conn: Connection, event: Event) -> None:
    body = event.body
    for field in sorted(set(body["fields"])):
        conn.execute(
            "INSERT INTO figure_marks (feed, observer, station, field, verified, time_utc)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (observer, station, field, feed) DO UPDATE"
            " SET verified = excluded.verified, time_utc = excluded.time_utc",
            (
                event.feed,
                body["observer"],
                body["station"],
                field,
                int(bool(body["verified"])),
                event.time_utc,
            ),
        )


def _published(conn: Connection, event: Event) -> None:
    body = event.body
    for field, value in sorted(body["figures"].items()):
        conn.execute(
            "INSERT INTO published_values (record, feed, station, field, value, source, time_utc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (body["id"], event.feed, body["station"], field, value, body["source"], event.time_utc),
        )
        conn.execute(
            "INSERT INTO published_figures (station, field, value, feed, record, time_utc)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (station, field) DO UPDATE SET"
            " value = excluded.value, feed = excluded.feed, record = excluded.record,"
            " time_utc = excluded.time_utc",
            (body["station"], field, value, event.feed, body["id"], event.time_utc),
        )


PROJECTORS = {
    ANNOTATION_SET: _annotation,
    PROTOCOL_VERIFIED: _verified,
    PROTOCOL_PUBLISHED: _published,
}
SCHEMAS = {
    ANNOTATION_SET: EventSchema(
        body(
            target=required(ID),
            status=required(TERM),
            follow_up=required(TERM),
            note=optional(SHORT_TEXT),
        ),
        annotates={"target": Ref("incidents")},
        author_role="coordinator",
    ),
    PROTOCOL_VERIFIED: EventSchema(
        body(
            station=required(STATION_CODE),
            observer=required(FEED),
            fields=required(List(_FIGURE_FIELD, 1_000, 1)),
            verified=required(Boolean()),
        ),
        annotates={"observer": Ref("protocol_figures", id_column="feed")},
        author_role="coordinator",
    ),
    PROTOCOL_PUBLISHED: EventSchema(
        body(
            id=required(ID),
            station=required(STATION_CODE),
            figures=required(Map(_FIGURE_FIELD, Integer(0, MAX_FIGURE), 1_000, 1)),
            source=required(Text(16, 1, vocabulary=PUBLISHED_SOURCES)),
        ),
        creates=Ref("published_values", id_column="record"),
    ),
}
TABLES = ("annotations", "figure_marks", "published_values", "published_figures")
