"""Drafts: what is being typed into an incident, note, checklist section or protocol form.

A draft is saved every few seconds while the holder types, so that a crash, a power cut or a
lock loses at most those seconds; it is not an observation, so it is never a journal event,
never signed, never exported in a bundle or shown in a report. It lives encrypted in the vault
(`vault.queries.drafts`) until the record is saved (the record services take `draft_id` and
delete the draft in the record's own transaction, see `LogbookSession.record`) or the holder
discards it. One save is one small committed UPSERT; `benchmarks/bench_drafts.py` measures it.

The content is the form's fields as a JSON object, bounded in size and nesting, since a draft
is restored into a form that must not choke on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from observer_app.core.ids import new_id
from observer_app.core.schema import JsonValue, Map, SchemaViolation, Text
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Transaction
from observer_app.vault.event_fields import ID, STATION_CODE
from observer_app.vault.queries import drafts as queries
from observer_app.vault.queries.drafts import DraftRow

DRAFT_KINDS: Final = ("incident", "note", "checklist", "protocol")
MAX_CONTENT_BYTES: Final = 256 * 1024
"""Four times the longest text an event may carry (64 KiB), plus room for the other fields."""
MAX_TARGET_LENGTH: Final = 64

_FIELD_NAME: Final = Text(64, 1)
_CONTENT: Final = Map(_FIELD_NAME, JsonValue(max_depth=8, max_items=10_000), 1_000)
_TARGET: Final = Text(MAX_TARGET_LENGTH, 1)


@dataclass(frozen=True)
class DraftSummary:
    """A draft as a list shows it: no content, which may be long and is not needed there."""

    id: str
    kind: str
    station: str | None
    target: str | None
    created_utc: str
    updated_utc: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "station": self.station,
            "target": self.target,
            "created_utc": self.created_utc,
            "updated_utc": self.updated_utc,
            "size": self.size,
        }


@dataclass(frozen=True)
class Draft:
    """A draft restored into its form: `content` is the object that was saved."""

    summary: DraftSummary
    content: Mapping[str, Any]

    @property
    def id(self) -> str:
        return self.summary.id


def save_draft(
    session: LogbookSession,
    kind: str,
    content: Mapping[str, Any],
    *,
    draft_id: str | None = None,
    station: str | None = None,
    target: str | None = None,
) -> str:
    """Create a draft (no `draft_id`) or replace one's content; returns its id.

    `station` is the code the form is for and `target` what it edits (the record amended, the
    checklist section), both optional and only for listing. Raises UsageError for a kind,
    station or content out of bounds; nothing is stored then.
    """
    if kind not in DRAFT_KINDS:
        raise UsageError(_("unknown draft kind {kind}").format(kind=str(kind)[:32]))
    text = _checked_content(content)
    _check_optional(station, STATION_CODE, "station")
    _check_optional(target, _TARGET, "target")
    now = format_utc(utc_now())
    with Transaction(session.conn):
        if draft_id is None:
            draft_id = new_id()
            created = now
        else:
            existing = _existing(session, draft_id)
            if existing.kind != kind:
                raise UsageError(_("draft {id} is not a draft of this kind").format(id=draft_id))
            created = existing.created_utc
        queries.upsert_draft(
            session.conn, DraftRow(draft_id, kind, station, target, text, created, now)
        )
    return draft_id


def _checked_content(content: Mapping[str, Any]) -> str:
    try:
        document = dict(content)
        _CONTENT.check(document, "")
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        encoded_size = len(text.encode("utf-8"))
    except SchemaViolation as violation:
        raise UsageError(
            _("the draft is not valid: {field}: {reason}").format(
                field=violation.path or ".", reason=violation.reason
            )
        ) from None
    except (TypeError, ValueError):  # not JSON (a float NaN, bytes, lone surrogates)
        raise UsageError(_("the draft is not valid: not in the expected form")) from None
    if encoded_size > MAX_CONTENT_BYTES:
        raise UsageError(
            _("the draft is too large (more than {size} KiB)").format(
                size=MAX_CONTENT_BYTES // 1024
            )
        )
    return text


def _check_optional(value: str | None, spec: Text, name: str) -> None:
    if value is None:
        return
    try:
        spec.check(value, name)
    except SchemaViolation as violation:
        raise UsageError(
            _("the draft is not valid: {field}: {reason}").format(
                field=violation.path, reason=violation.reason
            )
        ) from None


def _existing(session: LogbookSession, draft_id: str) -> DraftRow:
    try:
        ID.check(draft_id, "id")
    except SchemaViolation:
        raise UsageError(_("no draft {id}").format(id=str(draft_id)[:64])) from None
    row = queries.get_draft(session.conn, draft_id)
    if row is None:
        raise UserActionError(_("no draft {id}").format(id=draft_id))
    return row


def _summary(row: DraftRow) -> DraftSummary:
    return DraftSummary(
        row.id,
        row.kind,
        row.station,
        row.target,
        row.created_utc,
        row.updated_utc,
        len(row.content.encode("utf-8")),
    )


def list_drafts(session: LogbookSession, kind: str | None = None) -> list[DraftSummary]:
    """Newest first; kinds this program does not know (a newer one wrote them) are left out."""
    return [
        _summary(row) for row in queries.list_drafts(session.conn, kind) if row.kind in DRAFT_KINDS
    ]


def restore_draft(session: LogbookSession, draft_id: str) -> Draft:
    """The draft's content, to fill its form again; the draft stays until saved or discarded."""
    row = _existing(session, draft_id)
    try:
        content = json.loads(row.content)
        _CONTENT.check(content, "")
    except ValueError:  # damaged or from a newer program: say so rather than fill a form wrongly
        raise UserActionError(
            _("draft {id} cannot be restored: its content is not readable").format(id=draft_id)
        ) from None
    return Draft(_summary(row), content)


def discard_draft(session: LogbookSession, draft_id: str) -> None:
    """Delete a draft for good (`secure_delete` overwrites its pages)."""
    _existing(session, draft_id)
    with Transaction(session.conn):
        queries.delete_draft(session.conn, draft_id)
