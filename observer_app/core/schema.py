"""A tiny declarative schema language for data that comes from outside (events, documents).

A signature proves who wrote a document, not that it is well formed: an enrolled observer's
laptop can be compromised. So every field of every event body and signed document is described
once, here in the same few terms (text with a length, pattern or vocabulary; integer with a
range; UTC time that parses within 2000..2100; IANA zone that exists; object with known fields;
list with a bounded number of items), and checked before anything uses it. Nesting is bounded by
the specs themselves; only `JsonValue` (bodies of event types this program does not know) walks
arbitrary JSON, with a depth and item limit.

A violation raises `SchemaViolation` with the dotted path of the field (`changes.persons[2]`)
and a translated reason, so that a refusal can name the field. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from observer_app.core.ids import is_uuid
from observer_app.core.timeutil import is_valid_zone
from observer_app.i18n import _

MAX_SAFE_INTEGER: Final = 2**53 - 1
"""Canonical JSON (RFC 8785) carries integers exactly only up to this."""
EARLIEST_YEAR: Final = 2000
LATEST_YEAR: Final = 2100
"""Times outside these years are refused: converting them to local time in any zone can never
overflow `datetime`, and no observation of this program's lifetime falls outside them."""


class SchemaViolation(ValueError):
    """One field that is not what its spec says; `path` names it, `reason` is translated."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path or '.'}: {reason}")
        self.path = path
        self.reason = reason


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class Spec(Protocol):
    def check(self, value: Any, path: str) -> None:
        """Raise SchemaViolation when `value` does not satisfy the spec."""


def _require(condition: bool, path: str, reason: Callable[[], str]) -> None:
    """`reason` is called only on failure: translating and formatting every reason of every
    field of every event read made a third of the cost of checking a timeline page."""
    if not condition:
        raise SchemaViolation(path, reason())


@dataclass(frozen=True)
class Text:
    """A string of bounded length, optionally matching a pattern or one of a vocabulary."""

    max_length: int
    min_length: int = 0
    pattern: re.Pattern[str] | None = None
    vocabulary: Collection[str] | None = None

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, str), path, lambda: _("not a text"))
        _require(
            self.min_length <= len(value) <= self.max_length,
            path,
            lambda: _("length not between {low} and {high}").format(
                low=self.min_length, high=self.max_length
            ),
        )
        if self.vocabulary is not None:
            _require(value in self.vocabulary, path, lambda: _("not one of the known values"))
        if self.pattern is not None:
            _require(
                bool(self.pattern.fullmatch(value)), path, lambda: _("not in the expected form")
            )


@dataclass(frozen=True)
class Integer:
    """An integer (never a boolean) within a range."""

    minimum: int = 0
    maximum: int = MAX_SAFE_INTEGER

    def check(self, value: Any, path: str) -> None:
        _require(
            isinstance(value, int) and not isinstance(value, bool),
            path,
            lambda: _("not an integer"),
        )
        _require(
            self.minimum <= value <= self.maximum,
            path,
            lambda: _("not between {low} and {high}").format(low=self.minimum, high=self.maximum),
        )


@dataclass(frozen=True)
class Boolean:
    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, bool), path, lambda: _("not true or false"))


@dataclass(frozen=True)
class Uuid:
    """An entity id: a UUIDv7 string as `core.ids` makes them."""

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, str) and is_uuid(value), path, lambda: _("not an id"))


def _in_years(moment: dt.datetime | dt.date, path: str) -> None:
    _require(
        EARLIEST_YEAR <= moment.year <= LATEST_YEAR,
        path,
        lambda: _("not a time between the years {low} and {high}").format(
            low=EARLIEST_YEAR, high=LATEST_YEAR
        ),
    )


@dataclass(frozen=True)
class UtcTime:
    """An ISO 8601 time with an offset (we write `2026-11-28T01:27:36.123Z`), 2000..2100.

    With `offset_optional` a time without offset is accepted too (a camera's local clock); with
    `whole_calendar` any year is (a device's own claim, such as a camera whose clock was reset to
    year 1: it is evidence as the file states it, and views place such times with care)."""

    offset_optional: bool = False
    whole_calendar: bool = False

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, str) and 0 < len(value) <= 40, path, lambda: _("not a time"))
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SchemaViolation(path, _("not a time")) from None
        _require(
            moment.tzinfo is not None or self.offset_optional,
            path,
            lambda: _("a time without offset"),
        )
        if not self.whole_calendar:
            _in_years(moment, path)


@dataclass(frozen=True)
class Date:
    """A calendar date `YYYY-MM-DD`, 2000..2100."""

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, str) and len(value) == 10, path, lambda: _("not a date"))
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise SchemaViolation(path, _("not a date")) from None
        _in_years(day, path)


@dataclass(frozen=True)
class Zone:
    """An IANA time zone name that this machine's zone database holds (never a path)."""

    def check(self, value: Any, path: str) -> None:
        _require(
            isinstance(value, str) and len(value) <= 64 and is_valid_zone(value),
            path,
            lambda: _("not a known time zone"),
        )


@dataclass(frozen=True)
class Field:
    """A member of an `Object`: its spec, whether it may be absent, whether it may be null."""

    spec: Spec
    optional: bool = False
    nullable: bool = False


def required(spec: Spec) -> Field:
    return Field(spec)


def nullable(spec: Spec) -> Field:
    """Present, possibly null."""
    return Field(spec, nullable=True)


def optional(spec: Spec) -> Field:
    """Absent, null or valid."""
    return Field(spec, optional=True, nullable=True)


@dataclass(frozen=True)
class Object:
    """A JSON object with exactly these known fields (an unknown field is refused)."""

    fields: Mapping[str, Field]

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, dict), path, lambda: _("not an object"))
        for name in value:
            _require(name in self.fields, _join(path, str(name)), lambda: _("unknown field"))
        for name, member in self.fields.items():
            where = _join(path, name)
            if name not in value:
                _require(member.optional, where, lambda: _("missing"))
                continue
            item = value[name]
            if item is None:
                _require(member.nullable, where, lambda: _("must not be null"))
                continue
            member.spec.check(item, where)


@dataclass(frozen=True)
class List:
    """A JSON array of `min_items..max_items` items of one spec."""

    item: Spec
    max_items: int
    min_items: int = 0

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, list), path, lambda: _("not a list"))
        _require(
            self.min_items <= len(value) <= self.max_items,
            path,
            lambda: _("not between {low} and {high} items").format(
                low=self.min_items, high=self.max_items
            ),
        )
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class Map:
    """A JSON object used as a dictionary: keys of one text spec, values of one spec."""

    key: Text
    value: Spec
    max_items: int
    min_items: int = 0

    def check(self, value: Any, path: str) -> None:
        _require(isinstance(value, dict), path, lambda: _("not an object"))
        _require(
            self.min_items <= len(value) <= self.max_items,
            path,
            lambda: _("not between {low} and {high} items").format(
                low=self.min_items, high=self.max_items
            ),
        )
        for name, item in value.items():
            where = _join(path, str(name))
            self.key.check(name, where)
            self.value.check(item, where)


@dataclass(frozen=True)
class OneOf:
    """The first alternative whose JSON type matches decides (text, integer or list)."""

    alternatives: tuple[Spec, ...] = field(default=())

    def check(self, value: Any, path: str) -> None:
        last: SchemaViolation | None = None
        for alternative in self.alternatives:
            try:
                alternative.check(value, path)
            except SchemaViolation as violation:
                last = violation
            else:
                return
        raise last or SchemaViolation(path, _("not in the expected form"))


@dataclass(frozen=True)
class JsonValue:
    """Any JSON, nested at most `max_depth` deep with at most `max_items` per container."""

    max_depth: int = 16
    max_items: int = 100_000

    def check(self, value: Any, path: str) -> None:
        self._walk(value, path, 0)

    def _walk(self, value: Any, path: str, depth: int) -> None:
        if isinstance(value, dict | list):
            _require(depth < self.max_depth, path, lambda: _("nested too deeply"))
            _require(len(value) <= self.max_items, path, lambda: _("too many items"))
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in pairs:
                where = f"{path}[{key}]" if isinstance(value, list) else _join(path, str(key))
                self._walk(item, where, depth + 1)
