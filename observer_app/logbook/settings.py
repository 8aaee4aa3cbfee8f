"""The holder's settings, kept inside the vault: typed, validated, with defaults.

A window asks for `Settings` once and writes back what changed. Each key is stored as its own
JSON value (`vault.queries.settings`), so a newer program can add keys that this one ignores, and
a value this program cannot use (a newer program's wider range, a damaged row) falls back to
its default instead of stopping the window from opening. What is written is checked and bounded
first: a caller's mistake is a usage error naming the setting, never a row nobody can read.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from observer_app.core.schema import Boolean, Integer, List, Map, SchemaViolation, Spec, Text
from observer_app.errors import UsageError
from observer_app.i18n import SUPPORTED_LANGUAGES, _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Transaction
from observer_app.vault.event_fields import STATION_CODE
from observer_app.vault.queries import settings as queries

MAX_AUTO_LOCK_MINUTES: Final = 24 * 60
DEFAULT_AUTO_LOCK_MINUTES: Final = 5
MAX_WINDOW_BYTES: Final = 64 * 1024
"""Qt's saveGeometry/saveState blobs are a few hundred bytes; the bound only stops abuse."""
MAX_VIEWS: Final = 64
MAX_COLUMNS: Final = 64
MAX_COLUMN_WIDTH: Final = 100_000
MAX_NOTICE_CHARS: Final = 2000


@dataclass(frozen=True)
class Settings:
    """Everything a vault remembers about how its holder likes the program.

    `ui_language` None follows the system; `auto_lock_minutes` 0 never locks by itself;
    `column_widths` maps a view's name (`timeline`, `incidents`) to its columns' widths in pixels.
    """

    ui_language: str | None = None
    auto_lock_minutes: int = DEFAULT_AUTO_LOCK_MINUTES
    window_geometry: bytes | None = None
    window_state: bytes | None = None
    last_station: str | None = None
    column_widths: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    report_organisation: str | None = None
    """What a public report names instead of the observer (the observers' organisation)."""
    report_contact: str | None = None
    """The applicant's contact a complaint gives (address, phone, e-mail)."""
    legal_basis: str | None = None
    """The law a complaint invokes, instead of the catalogue's wording."""
    legal_basis_date: str | None = None
    """The day (ISO) the law is cited as in force; unset: the mission's date."""
    handoff_failure: str | None = None
    """Why the last handoff failed, in words, until one succeeds: the window says it in its
    status bar also after the application was closed (a failed handoff is never silent)."""
    checklist_one_at_a_time: bool = False
    """The checklist shows one question at a time (as VoteMonitor) instead of the whole phase."""


@dataclass(frozen=True)
class _Codec:
    """How one field is checked (on its JSON form) and turned to and from JSON."""

    spec: Spec
    to_json: Callable[[Any], Any] = lambda value: value
    from_json: Callable[[Any], Any] = lambda value: value


def _bounded(data: bytes) -> bytes:
    if len(data) > MAX_WINDOW_BYTES:
        raise SchemaViolation("", _("longer than {size} bytes").format(size=MAX_WINDOW_BYTES))
    return data


def _bytes_to_json(data: bytes) -> str:
    return base64.b64encode(_bounded(bytes(data))).decode("ascii")


def _bytes_from_json(text: str) -> bytes:
    return _bounded(base64.b64decode(text, validate=True))


def _widths_to_json(widths: Mapping[str, tuple[int, ...]]) -> dict[str, list[int]]:
    return {str(view): list(columns) for view, columns in widths.items()}


def _widths_from_json(document: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    return {view: tuple(columns) for view, columns in document.items()}


def _real_date(text: str) -> str:
    dt.date.fromisoformat(text)  # a ValueError (2026-02-30) is "not in the expected form"
    return text


_BASE64: Final = Text(
    (MAX_WINDOW_BYTES * 4) // 3 + 4, 0, re.compile(r"[A-Za-z0-9+/]*={0,2}", re.ASCII)
)
_VIEW_NAME: Final = Text(64, 1, re.compile(r"[a-z][a-z0-9_.-]*", re.ASCII))
_ONE_LINE: Final = Text(300, 1, re.compile(r"[^\x00-\x1f\x7f]+"))
_NOTICE: Final = Text(MAX_NOTICE_CHARS, 1, re.compile(r"[^\x00-\x1f\x7f]+"))
_ISO_DATE: Final = Text(10, 10, re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII))

_CODECS: Final[Mapping[str, _Codec]] = {
    "ui_language": _Codec(Text(8, 2, vocabulary=SUPPORTED_LANGUAGES)),
    "auto_lock_minutes": _Codec(Integer(0, MAX_AUTO_LOCK_MINUTES)),
    "window_geometry": _Codec(_BASE64, _bytes_to_json, _bytes_from_json),
    "window_state": _Codec(_BASE64, _bytes_to_json, _bytes_from_json),
    "last_station": _Codec(STATION_CODE),
    "column_widths": _Codec(
        Map(_VIEW_NAME, List(Integer(0, MAX_COLUMN_WIDTH), MAX_COLUMNS), MAX_VIEWS),
        _widths_to_json,
        _widths_from_json,
    ),
    "report_organisation": _Codec(_ONE_LINE),
    "report_contact": _Codec(_ONE_LINE),
    "legal_basis": _Codec(_ONE_LINE),
    "legal_basis_date": _Codec(_ISO_DATE, _real_date, _real_date),
    "handoff_failure": _Codec(_NOTICE),
    "checklist_one_at_a_time": _Codec(Boolean()),
}
_DEFAULTS: Final = Settings()


def load_settings(session: LogbookSession) -> Settings:
    """The stored settings; a key that is missing, unknown or unusable gets its default."""
    stored = queries.read_settings(session.conn)
    values: dict[str, Any] = {}
    for name, codec in _CODECS.items():
        if name in stored:
            decoded = _decode(codec, stored[name])
            if decoded is not None:
                values[name] = decoded
    return dataclasses.replace(_DEFAULTS, **values)


def _decode(codec: _Codec, text: str) -> Any | None:
    try:
        document = json.loads(text)
        codec.spec.check(document, "")
        return codec.from_json(document)
    except (ValueError, binascii.Error):  # JSONDecodeError and SchemaViolation are ValueErrors
        return None


def save_settings(session: LogbookSession, settings: Settings) -> None:
    """Store every field in one transaction; a field at its default is removed, so a later
    version's different default applies to it. Raises UsageError for a value out of bounds."""
    rows = _rows(settings)
    with Transaction(session.conn):
        queries.write_settings(session.conn, rows)


def _rows(settings: Settings) -> dict[str, str | None]:
    rows: dict[str, str | None] = {}
    for name, codec in _CODECS.items():
        value = getattr(settings, name)
        is_default = value is None or value == getattr(_DEFAULTS, name)
        rows[name] = None if is_default else _encode(name, codec, value)
    return rows


def _encode(name: str, codec: _Codec, value: Any) -> str:
    try:
        document = codec.to_json(value)
        codec.spec.check(document, name)
    except SchemaViolation as violation:
        raise UsageError(
            _("setting {name}: {reason}").format(
                name=violation.path or name, reason=violation.reason
            )
        ) from None
    except (TypeError, ValueError, AttributeError):
        raise UsageError(_("setting {name}: not in the expected form").format(name=name)) from None
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def update_settings(session: LogbookSession, **changes: Any) -> Settings:
    """Change some fields and keep the others: `update_settings(s, auto_lock_minutes=5)`."""
    unknown = sorted(set(changes) - set(_CODECS))
    if unknown:
        raise UsageError(_("unknown setting {name}").format(name=unknown[0]))
    with Transaction(session.conn):
        updated = dataclasses.replace(load_settings(session), **changes)
        queries.write_settings(session.conn, _rows(updated))
    return updated
