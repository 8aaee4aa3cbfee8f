"""Free-text notes: the simplest record, added, amended and voided through the journal."""

from __future__ import annotations

from observer_app.core.ids import new_id
from observer_app.errors import UserActionError
from observer_app.i18n import _
from observer_app.logbook.refs import resolve_record
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.notes import NOTE_ADDED, NOTE_AMENDED, NOTE_VOIDED


def add_note(session: LogbookSession, text: str, station: str | None = None) -> str:
    if not text.strip():
        raise UserActionError(_("the note is empty"))
    if station is not None:
        station = require_station(session, station).code
    note_id = new_id()
    session.record(NOTE_ADDED, {"id": note_id, "station": station, "text": text.strip()})
    return note_id


def _own_note(session: LogbookSession, note_id: str) -> None:
    row = session.conn.execute(
        "SELECT voided FROM notes WHERE id = ? AND feed = ?", (note_id, session.identity.feed)
    ).fetchone()
    if row is None:
        raise UserActionError(_("no note {id}").format(id=note_id))
    if row[0]:
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
    return [str(r[0]) for r in session.conn.execute("SELECT id FROM notes")]


def resolve_note_id(session: LogbookSession, typed: str) -> str:
    """The full id for a reference (`N-4`) or a unique prefix of 8+ characters."""
    return resolve_record(session, typed, "note", note_ids(session))
