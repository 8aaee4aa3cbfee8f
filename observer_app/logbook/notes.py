"""Free-text notes: the simplest record, added, amended and voided through the journal."""

from __future__ import annotations

from observer_app.core.ids import new_id
from observer_app.errors import UserActionError
from observer_app.i18n import _
from observer_app.logbook.refs import resolve_record
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.notes import NOTE_ADDED, NOTE_AMENDED, NOTE_VOIDED
from observer_app.vault.queries import notes as queries


def add_note(
    session: LogbookSession,
    text: str,
    station: str | None = None,
    *,
    draft_id: str | None = None,
) -> str:
    """Record a note; `draft_id` (the note's draft) is deleted in the same commit."""
    if not text.strip():
        raise UserActionError(_("the note is empty"))
    if station is not None:
        station = require_station(session, station).code
    note_id = new_id()
    session.record(
        NOTE_ADDED,
        {"id": note_id, "station": station, "text": text.strip()},
        draft_id=draft_id,
    )
    return note_id


def _own_note(session: LogbookSession, note_id: str) -> None:
    """Only the holder's own notes that stand can be amended or voided."""
    voided = queries.note_voided(session.conn, session.identity.feed, note_id)
    if voided is None:
        raise UserActionError(_("no note {id}").format(id=note_id))
    if voided:
        raise UserActionError(_("note {id} is voided").format(id=note_id))


def amend_note(session: LogbookSession, note_id: str, text: str) -> None:
    _own_note(session, note_id)
    if not text.strip():
        raise UserActionError(_("the note is empty"))
    session.record(NOTE_AMENDED, {"target": note_id, "text": text.strip()})


def void_note(session: LogbookSession, note_id: str, reason: str) -> None:
    _own_note(session, note_id)
    if not reason.strip():
        raise UserActionError(_("a reason is required"))
    session.record(NOTE_VOIDED, {"target": note_id, "reason": reason.strip()})


def note_ids(session: LogbookSession) -> list[str]:
    return queries.note_ids(session.conn)


def resolve_note_id(session: LogbookSession, typed: str) -> str:
    """The full id for a reference (`N-4`) or a unique prefix of 8+ characters."""
    return resolve_record(session, typed, "note", note_ids(session))


def note_text(session: LogbookSession, note_id: str) -> str:
    """The note's current text, to amend it from (UserActionError when there is none)."""
    text = queries.note_text(session.conn, note_id)
    if text is None:
        raise UserActionError(_("no note {id}").format(id=note_id))
    return text
