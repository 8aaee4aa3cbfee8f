"""The building blocks of event schemas: the fields many event types share, and `EventSchema`.

Each projection module declares `SCHEMAS` (event type -> `EventSchema`) beside its `PROJECTORS`,
built from these pieces; `event_schema` applies them. Limits are generous for what a person types
(a note of 64 KiB characters) and tight where the program writes the value (ids, hashes, codes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from observer_app.core.schema import (
    Field,
    Integer,
    List,
    Object,
    Spec,
    Text,
    Uuid,
    Zone,
    nullable,
    optional,
    required,
)

ID: Final = Uuid()
HASH: Final = Text(64, 64, re.compile(r"[0-9a-f]{64}", re.ASCII))
FEED: Final = HASH
SEQ: Final = Integer(1)
COUNT: Final = Integer(0)
STATION_CODE: Final = Text(32, 1, re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", re.ASCII))
TERM: Final = Text(64, 1, re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*", re.ASCII))
"""A catalogue vocabulary id (category, severity, phase, item, region...). Only its form is
checked: catalogues differ between versions and vaults, and the views show an unknown term as
it is."""
NAME: Final = Text(2_000, 1)
SHORT_TEXT: Final = Text(16_384)
LONG_TEXT: Final = Text(65_536)
REASON: Final = Text(4_000)
BASE64_KEY: Final = Text(1_024, 1, re.compile(r"[A-Za-z0-9+/]+={0,2}", re.ASCII))
PEM: Final = Text(
    16_384, 1, re.compile(r"-----BEGIN [A-Z ]+-----\n[A-Za-z0-9+/=\n]+-----END [A-Z ]+-----\n?")
)
AGE_RECIPIENT: Final = Text(100, 1, re.compile(r"age1[02-9ac-hj-np-z]{58}", re.ASCII))
MAX_STATIONS: Final = 10_000

STATION_FIELDS: Final = {
    "code": required(STATION_CODE),
    "number": optional(Integer(0, 999_999_999)),
    "name": required(NAME),
    "address": optional(SHORT_TEXT),
    "region": optional(TERM),
    "commission": optional(SHORT_TEXT),
    "tz": required(Zone()),
    # where the station is (both or neither; integer microdegrees, no floats in signed bodies)
    "lat_microdeg": optional(Integer(-90_000_000, 90_000_000)),
    "lon_microdeg": optional(Integer(-180_000_000, 180_000_000)),
}


@dataclass(frozen=True)
class Ref:
    """Rows of `table` named by `id_column`, created by the feed in `owner_column`."""

    table: str
    id_column: str = "id"
    owner_column: str = "feed"


@dataclass(frozen=True)
class EventSchema:
    """What one event type (of event version 1) must hold, and which records it may touch.

    `creates`: where `body.id` becomes a new record (an id already there, whoever made it, is
    refused: a peer must never overwrite or shadow another author's record). `targets`: body
    field -> the records it names, which must exist and have been created by the event's own
    feed (DESIGN.md's authorisation rule). `annotates`: body field -> records it comments on,
    which must exist but may be any author's (the coordinator's annotations, which never alter
    them); `author_role`: the role the event's feed must have declared (`people.role`).
    """

    body: Spec
    creates: Ref | None = None
    targets: Mapping[str, Ref] = field(default_factory=dict)
    annotates: Mapping[str, Ref] = field(default_factory=dict)
    author_role: str | None = None


def body(**fields: Field) -> Object:
    """An event body with exactly these fields."""
    return Object(fields)


def stations_list(item: Spec) -> List:
    return List(item, MAX_STATIONS)


__all__ = [
    "AGE_RECIPIENT",
    "BASE64_KEY",
    "COUNT",
    "FEED",
    "HASH",
    "ID",
    "LONG_TEXT",
    "NAME",
    "PEM",
    "REASON",
    "SEQ",
    "SHORT_TEXT",
    "STATION_CODE",
    "STATION_FIELDS",
    "TERM",
    "EventSchema",
    "Ref",
    "body",
    "nullable",
    "optional",
    "required",
    "stations_list",
]
