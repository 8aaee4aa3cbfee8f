"""The signed journal events a report derives from, read in a fixed number of queries per feed.

The public report lists their hashes; complaint and internal reports carry them whole (payload
and signature) with the feeds' public keys, so a reader can re-check every record without the
vault. (An incident's events, its visible history, are read by `vault.queries.incidents`.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from observer_app.vault.connection import Connection
from observer_app.vault.journal import Event, parse_valid
from observer_app.vault.queries.mission import MissionRow

_SOURCE_TYPES_ALWAYS = ("identity.declared", "identity.certificate")


def source_events(
    conn: Connection, feeds: list[str], ids: set[str], mission: MissionRow | None
) -> list[Event]:
    """The signed events behind what the report shows: a cheap scan of ids, then the payloads.

    An event counts when it creates an included entity (`body.id`) or acts on one
    (`body.target`); the identity events of the feeds and the mission declaration come along
    so that a reader can check who signed and what ballot the protocol was checked against.
    """
    placeholders = ", ".join("?" for _ in feeds)
    rows = conn.execute(
        "SELECT feed, seq, type,"
        " json_extract(CAST(payload AS TEXT), '$.body.id'),"
        " json_extract(CAST(payload AS TEXT), '$.body.target')"
        f" FROM events WHERE feed IN ({placeholders}) ORDER BY feed, seq",
        feeds,
    ).fetchall()
    wanted: dict[str, list[int]] = {}  # feed -> seqs, both in order
    for feed, seq, event_type, body_id, target in rows:
        if (
            body_id in ids
            or target in ids
            or event_type in _SOURCE_TYPES_ALWAYS
            or (mission is not None and event_type == "mission.set" and feed == mission.feed)
        ):
            wanted.setdefault(str(feed), []).append(int(seq))
    events: list[Event] = []
    for feed, seqs in wanted.items():
        # One query per feed, not per event: the seqs travel as one JSON array parameter.
        for payload, signature in conn.execute(
            "SELECT payload, signature FROM events WHERE feed = ?"
            " AND seq IN (SELECT value FROM json_each(?)) ORDER BY seq",
            (feed, json.dumps(seqs)),
        ):
            event = parse_valid(bytes(payload), bytes(signature))
            if event is not None:
                events.append(event)
    return events


def feed_public_keys(conn: Connection, feeds: Sequence[str]) -> dict[str, bytes]:
    result: dict[str, bytes] = {}
    for feed in feeds:
        row: Any = conn.execute("SELECT public_key FROM feeds WHERE feed = ?", (feed,)).fetchone()
        if row is not None:
            result[feed] = bytes(row[0])
    return result
