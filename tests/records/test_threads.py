"""Worker threads read through their own connections while the session's thread writes; a lock
cancels them, closes everything and zeroes the key; unlock continues where it stopped.

Real threads, real SQLCipher connections. Workers page the timeline (keyset cursors) and only
keep the rows of full pages and of the last page read once recording has finished, so a row
seen twice or missed is a real failure of the model, not of the test's bookkeeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from observer_app.core.changes import Change
from observer_app.core.paging import Cursor
from observer_app.core.timeline_filter import ALL_EVENTS
from observer_app.errors import OperationCancelled, VaultLockedError, VaultOpenError
from observer_app.logbook import drafts, notes
from observer_app.logbook.session import DatabaseError, LogbookSession
from observer_app.logbook.timeline import timeline_page

PAGE = 5


class Commits:
    """How many transactions committed so far, for workers to wait on (no sleeps)."""

    def __init__(self, session: LogbookSession) -> None:
        self.count = 0
        self.finished = False
        self.condition = threading.Condition()
        session.changes.subscribe(self._committed)

    def _committed(self, changes: Sequence[Change]) -> None:
        with self.condition:
            self.count += 1
            self.condition.notify_all()

    def finish(self) -> None:
        with self.condition:
            self.finished = True
            self.condition.notify_all()

    def wait_after(self, seen: int) -> None:
        with self.condition:
            self.condition.wait_for(lambda: self.count > seen or self.finished, timeout=30)


def read_to_the_end(
    session: LogbookSession, commits: Commits, seen: list[str], connections: list[Any]
) -> None:
    """Page the whole timeline on this worker thread while events keep being appended."""
    with session.worker():
        connections.append(session.conn)
        cursor: Cursor | None = None
        while True:
            with commits.condition:
                finished, count = commits.finished, commits.count
            page = timeline_page(session.conn, ALL_EVENTS, cursor, PAGE)
            if page.next is not None:
                seen.extend(entry.event.hash for entry in page.rows)
                cursor = page.next
            elif finished:
                seen.extend(entry.event.hash for entry in page.rows)
                return
            else:
                commits.wait_after(count)  # the tail is read again once more is committed


def run_in_threads(targets: list[Callable[[], None]]) -> tuple[list[threading.Thread], list[Any]]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:  # reported by the test, on its own thread
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for thread in threads:
        thread.start()
    return threads, errors


def all_hashes(session: LogbookSession) -> list[str]:
    return [str(r[0]) for r in session.conn.execute("SELECT hash FROM events")]


def test_two_workers_page_the_timeline_while_the_session_thread_records(
    day: LogbookSession,
) -> None:
    commits = Commits(day)
    seen: list[list[str]] = [[], []]
    connections: list[Any] = []
    threads, errors = run_in_threads(
        [lambda i=i: read_to_the_end(day, commits, seen[i], connections) for i in range(2)]
    )
    for index in range(40):
        notes.add_note(day, f"записано во время чтения {index}")
    commits.finish()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    everything = all_hashes(day)
    for worker_seen in seen:
        assert len(worker_seen) == len(set(worker_seen))  # none twice
        assert sorted(worker_seen) == sorted(everything)  # none missed
    # Each worker had its own connection, neither of them the writer.
    assert len({id(c) for c in connections}) == 2
    assert all(c is not day.vault.conn for c in connections)


def test_a_worker_reads_but_writes_only_through_the_one_writer(day: LogbookSession) -> None:
    outcome: dict[str, Any] = {}

    def work() -> None:
        with day.worker():
            try:
                notes.add_note(day, "on a reader")
            except DatabaseError as error:
                outcome["reader"] = str(error)
            with day.writing():
                outcome["note"] = notes.add_note(day, "written by the worker")
                outcome["writer"] = day.conn is day.vault.conn

    threads, errors = run_in_threads([work])
    threads[0].join(timeout=30)
    assert not errors
    assert "readonly" in outcome["reader"]
    assert outcome["writer"] is True
    texts = [str(r[0]) for r in day.conn.execute("SELECT text FROM notes")]
    assert texts == ["written by the worker"]


def test_a_thread_outside_worker_gets_no_connection(day: LogbookSession) -> None:
    outcome: list[BaseException] = []

    def stray() -> None:
        try:
            day.conn.execute("SELECT 1")
        except RuntimeError as error:
            outcome.append(error)

    thread = threading.Thread(target=stray)
    thread.start()
    thread.join(timeout=30)
    assert len(outcome) == 1


def read_until_cancelled(
    session: LogbookSession, started: threading.Barrier, seen: list[str]
) -> None:
    """Page the timeline round and round until the lock cancels this worker."""
    with session.worker() as cancel:
        started.wait(timeout=30)
        cursor: Cursor | None = None
        try:
            while not cancel():
                page = timeline_page(session.conn, ALL_EVENTS, cursor, PAGE)
                seen.extend(entry.event.hash for entry in page.rows)
                cursor = page.next
        except (OperationCancelled, DatabaseError):
            pass  # cancelled mid-page: the lock's doing (interrupt or a refused connection)
    seen.append("cancelled")


def test_lock_cancels_workers_closes_everything_and_unlock_continues(
    day: LogbookSession, passphrase: str
) -> None:
    started = threading.Barrier(3)
    seen: list[list[str]] = [[], []]
    threads, errors = run_in_threads(
        [lambda i=i: read_until_cancelled(day, started, seen[i]) for i in range(2)]
    )
    started.wait(timeout=30)
    before = [notes.add_note(day, f"до блокировки {index}") for index in range(10)]
    draft = drafts.save_draft(day, "note", {"text": "набираю, не сохранено"})
    key = day.vault.key
    writer = day.vault.conn
    forgotten: list[str] = []
    day.on_lock(lambda: forgotten.append("thumbnails"))

    day.lock()

    for thread in threads:
        assert not thread.is_alive()  # lock waited for them
    assert not errors
    assert all(worker_seen[-1] == "cancelled" for worker_seen in seen)
    assert day.is_locked
    assert forgotten == ["thumbnails"]
    assert len(key) == 0  # zeroed, then emptied
    with pytest.raises(DatabaseError):
        writer.execute("SELECT 1")  # closed
    with pytest.raises(VaultLockedError) as locked:
        notes.add_note(day, "while locked")
    assert "locked" in locked.value.message
    with pytest.raises(VaultLockedError):
        drafts.list_drafts(day)

    with pytest.raises(VaultOpenError):
        day.unlock("not the passphrase")
    assert day.is_locked

    day.unlock(passphrase)
    assert not day.is_locked
    assert [d.id for d in drafts.list_drafts(day)] == [draft]  # the draft survived
    assert drafts.restore_draft(day, draft).content == {"text": "набираю, не сохранено"}
    after = notes.add_note(day, "после разблокировки")
    commits = Commits(day)
    commits.finish()
    reread: list[list[str]] = [[], []]
    threads, errors = run_in_threads(
        [lambda i=i: read_to_the_end(day, commits, reread[i], []) for i in range(2)]
    )
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    everything = all_hashes(day)
    for worker_seen in reread:
        assert sorted(worker_seen) == sorted(everything)
    stored_notes = {str(r[0]) for r in day.conn.execute("SELECT id FROM notes")}
    assert stored_notes == {*before, after}


def test_a_worker_cannot_start_while_locked(day: LogbookSession) -> None:
    day.lock()
    outcome: list[BaseException] = []

    def late() -> None:
        try:
            with day.worker():
                pass
        except VaultLockedError as error:
            outcome.append(error)

    thread = threading.Thread(target=late)
    thread.start()
    thread.join(timeout=30)
    assert len(outcome) == 1


def test_a_service_called_while_locked_says_so_in_the_users_language(
    day: LogbookSession,
) -> None:
    from observer_app.i18n import current_language, set_language

    day.lock()
    before = current_language()
    try:
        for language, words in (("ru", "заблокировано"), ("kk", "құлыпталған")):
            set_language(language)
            with pytest.raises(VaultLockedError) as locked:
                notes.add_note(day, "while locked")
            assert words in locked.value.message
            assert locked.value.exit_code == 4
    finally:
        set_language(before)


def test_the_writer_and_each_worker_get_the_caches_the_memory_plan_gives(
    day: LogbookSession,
) -> None:
    """The writer (the session's thread, which also pages the window's lists) takes the larger
    cache; a worker's read-only connection its share (`vault/memory_budget.py`)."""
    plan = day.memory_plan
    assert plan.writer_cache_kib >= plan.cache_kib
    assert int(day.conn.execute("PRAGMA cache_size").fetchone()[0]) == -plan.writer_cache_kib
    seen: list[int] = []

    def read() -> None:
        with day.worker():
            seen.append(int(day.conn.execute("PRAGMA cache_size").fetchone()[0]))

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    assert seen == [-plan.cache_kib]
