"""A full disk surfaces as itself (not as a failed ROLLBACK) and as exit 4, changing nothing."""

from __future__ import annotations

import errno

import pytest

from observer_app.errors import environment_error
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import DatabaseError
from observer_app.vault.verify import verify_journal


def test_full_database_keeps_the_real_error_and_loses_nothing(session: LogbookSession) -> None:
    kept = notes.add_note(session, "до заполнения диска")
    pages = session.conn.execute("PRAGMA page_count").fetchone()[0]
    session.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DatabaseError) as caught:
        for index in range(500):
            notes.add_note(session, f"{index} " + "x" * 3000)
    assert getattr(caught.value, "sqlite_errorcode", None) == 13  # SQLITE_FULL, not ROLLBACK
    mapped = environment_error(caught.value)
    assert mapped is not None and mapped.exit_code == 4 and "disk is full" in mapped.message
    assert not session.conn.in_transaction
    session.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    assert verify_journal(session.conn).ok
    assert kept in notes.note_ids(session)


def test_os_level_disk_full_is_actionable() -> None:
    mapped = environment_error(OSError(errno.ENOSPC, "No space left on device"))
    assert mapped is not None and mapped.exit_code == 4
    assert environment_error(OSError(errno.EACCES, "denied")) is None
