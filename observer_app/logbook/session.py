"""One open vault session: the holder's identity, the one way services record events, the
connections of its threads, and lock/unlock.

The thread model (docs/threads.md): one writer, the vault's connection, shared under the
session's write lock (every `Transaction` on it holds the lock; a worker that writes does so
inside `writing()`); the thread that opened the session (the GUI thread, the CLI) uses it for
reads too. A worker thread runs inside `worker()` and reads through its own read-only
connection, opened from the key the session holds (the passphrase is never derived again) and
closed by that same thread when the worker ends: no connection object crosses threads.
`lock()` cancels the workers through the Cancel token `worker()` gave them, waits for them,
closes every connection and zeroes the key; `unlock(passphrase)` opens the vault again.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observer_app.core.changes import ChangeNotifier
from observer_app.core.progress import Cancel, never_cancel
from observer_app.errors import OperationCancelled, VaultLockedError
from observer_app.i18n import _
from observer_app.vault import journal
from observer_app.vault.connection import (
    Connection,
    Transaction,
    configure_reader,
    connect_keyed,
    guard_writes,
    on_transaction_end,
    probe,
    set_cache_kib,
)
from observer_app.vault.connection import DatabaseError as DatabaseError  # for the shells
from observer_app.vault.event_schema import InvalidEventSkipped as InvalidEventSkipped
from observer_app.vault.identity_store import HolderIdentity, load_identity
from observer_app.vault.journal import change_of
from observer_app.vault.memory_budget import MemoryPlan, locking_failed, plan_memory
from observer_app.vault.queries import drafts
from observer_app.vault.store import Vault, check_database, open_vault

#: Worker connections a session budgets locked memory for (a window's thread pool).
DEFAULT_WORKERS = 3


class LockedMemoryWarning(UserWarning):
    """Some of the vault's memory may not be locked into RAM (see `vault/memory_budget.py`);
    the message is in the user's language. The CLI prints it once on stderr."""


@dataclass
class _Worker:
    """A worker thread's registration: its cancel flag and its own read-only connection."""

    cancelled: threading.Event = field(default_factory=threading.Event)
    reader: Connection | None = None


class LogbookSession:
    """Services receive a session instead of reaching for globals (dependency injection)."""

    def __init__(self, vault: Vault, *, max_workers: int = DEFAULT_WORKERS) -> None:
        self.path = vault.path
        self.max_workers = max_workers
        # Asks the person a whole yes/no question, worded by the service without an answer
        # hint (a terminal adds "[y/N]", a dialog its buttons); nobody to ask means no.
        self.confirm: Callable[[str], bool] = lambda question: False
        self.changes = ChangeNotifier()
        self.memory_warning: str | None = None
        """The locked-memory warning, once given (for a window to show)."""
        self._home = threading.get_ident()
        self._state = threading.Condition()  # guards _vault, _locking and _workers
        self._write_lock = threading.RLock()
        self._writer_owner: int | None = None
        self._local = threading.local()
        self._workers: dict[int, _Worker] = {}
        self._locking = False
        self._on_lock: list[Callable[[], None]] = []
        self._vault: Vault | None = None
        self._identity: HolderIdentity | None = None
        self._plan: MemoryPlan = plan_memory(1 + max_workers)
        self._attach(vault)

    # -- the open vault -------------------------------------------------------------------

    def _attach(self, vault: Vault) -> None:
        identity = load_identity(vault.conn)
        set_cache_kib(vault.conn, self._plan.writer_cache_kib)
        on_transaction_end(vault.conn, self._transaction_ended)
        guard_writes(vault.conn, self._write_lock)
        with self._state:
            self._vault, self._identity = vault, identity
        self.check_locked_memory()

    def _open_vault(self) -> Vault:
        with self._state:
            if self._vault is None or self._locking:
                raise VaultLockedError(_("the vault is locked; unlock it with its passphrase"))
            return self._vault

    @property
    def memory_plan(self) -> MemoryPlan:
        """The page-cache budget the connections were given (for diagnostics, benchmarks)."""
        return self._plan

    @property
    def is_locked(self) -> bool:
        with self._state:
            return self._vault is None

    @property
    def vault(self) -> Vault:
        return self._open_vault()

    @property
    def identity(self) -> HolderIdentity:
        self._open_vault()
        assert self._identity is not None
        return self._identity

    def reload_identity(self) -> None:
        """Read the holder's identity again (enrollment gave it a new certificate)."""
        identity = load_identity(self.conn)
        with self._state:
            self._identity = identity

    @property
    def conn(self) -> Connection:
        """The connection for this thread: the writer on the session's own thread and inside
        `writing()`, a worker's own read-only connection inside `worker()`."""
        vault = self._open_vault()
        me = threading.get_ident()
        if getattr(self._local, "writing", 0):
            # Not refused when cancelled: a cancelled write still needs it to clean up.
            return vault.conn
        if me == self._home:
            if self._writer_owner not in (None, me):
                with self._write_lock:  # a worker is writing: wait until it is done
                    pass
            return vault.conn
        return self._reader(vault, me)

    # -- workers ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def worker(self, cancel: Cancel = never_cancel) -> Iterator[Cancel]:
        """Run the body on this (worker) thread with its own read-only connection; yields the
        Cancel token to hand to services, true once `cancel()` is or the session is locking.
        The connection is closed when the body ends, on this thread."""
        me = threading.get_ident()
        if me == self._home:
            raise RuntimeError("worker() is for threads other than the session's own")
        with self._state:
            if self._vault is None or self._locking:
                raise VaultLockedError(_("the vault is locked; unlock it with its passphrase"))
            if me in self._workers:
                raise RuntimeError("worker() does not nest")
            ticket = _Worker()
            self._workers[me] = ticket

        def cancelled() -> bool:
            return ticket.cancelled.is_set() or cancel()

        try:
            yield cancelled
        finally:
            if ticket.reader is not None:
                self.check_locked_memory()  # what the worker's reads locked, at its peak
            with self._state:
                if ticket.reader is not None:
                    with contextlib.suppress(DatabaseError):
                        ticket.reader.close()
                    ticket.reader = None
                del self._workers[me]
                self._state.notify_all()

    def _raise_if_cancelled(self, me: int) -> None:
        ticket = self._workers.get(me)
        if ticket is not None and ticket.cancelled.is_set():
            raise OperationCancelled(_("cancelled: the vault is being locked"))

    def _reader(self, vault: Vault, me: int) -> Connection:
        ticket = self._workers.get(me)
        if ticket is None:
            raise RuntimeError("a thread other than the session's reads only inside worker()")
        self._raise_if_cancelled(me)
        if ticket.reader is None:
            reader = connect_keyed(vault.db_path, vault.key, reader=True, read_only=vault.read_only)
            try:
                probe(reader)
                configure_reader(reader)
                set_cache_kib(reader, self._plan.cache_kib)
            except BaseException:
                reader.close()
                raise
            with self._state:
                ticket.reader = reader
            if len(self._workers) > self.max_workers:
                self._plan = plan_memory(1 + len(self._workers))
            self.check_locked_memory()
        return ticket.reader

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """Hold the write lock: on a worker, `conn` is then the writer (one writer for all)."""
        me = threading.get_ident()
        with self._write_lock:
            previous = self._writer_owner
            self._writer_owner = me
            self._local.writing = getattr(self._local, "writing", 0) + 1
            try:
                yield self.conn
            finally:
                self._local.writing -= 1
                self._writer_owner = previous

    # -- lock and unlock -----------------------------------------------------------------------

    def on_lock(self, forget: Callable[[], None]) -> Callable[[], None]:
        """Call `forget()` on every lock (a window's decoded media, thumbnails, caches);
        returns the function that stops it."""
        self._on_lock.append(forget)

        def stop() -> None:
            if forget in self._on_lock:
                self._on_lock.remove(forget)

        return stop

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[Vault]:
        """No worker runs inside: each is cancelled and waited for, and none can start (they
        get VaultLockedError) until the body ends. For `lock` and a passphrase change, which
        makes the workers' keys stale."""
        if threading.get_ident() in self._workers:
            raise RuntimeError("a worker cannot stop the workers of its own session")
        with self._state:
            if self._vault is None or self._locking:
                raise VaultLockedError(_("the vault is locked; unlock it with its passphrase"))
            self._locking = True
            for ticket in self._workers.values():
                ticket.cancelled.set()
                if ticket.reader is not None:
                    ticket.reader.interrupt()  # a long query stops now, not at its end
            while self._workers:
                self._state.wait()
            vault = self._vault
        try:
            with self._write_lock:
                yield vault
        finally:
            with self._state:
                self._locking = False

    def lock(self) -> None:
        """Cancel and wait for every worker, close every connection, drop what was decoded and
        zero the key. Drafts and everything committed stay in the vault. Locking a locked
        session does nothing."""
        if self.is_locked:
            return
        try:
            with self.exclusive() as vault:
                on_transaction_end(vault.conn, None)
                guard_writes(vault.conn, None)
                vault.close()
                vault.forget_key()
                with self._state:
                    self._vault, self._identity = None, None
        finally:
            for forget in list(self._on_lock):
                forget()

    def unlock(self, passphrase: str) -> None:
        """Open the vault again; a wrong passphrase raises VaultOpenError and leaves it locked."""
        if not self.is_locked:
            return
        vault = open_vault(self.path, passphrase)
        try:
            self._attach(vault)
        except BaseException:
            vault.close()
            vault.forget_key()
            raise

    # -- recording --------------------------------------------------------------------------------

    def record(
        self,
        event_type: str,
        body: Mapping[str, Any],
        tz: str | None = None,
        time_utc: str | None = None,
        draft_id: str | None = None,
    ) -> journal.Event:
        """Append one event of the holder's feed and update projections, in one transaction.

        `draft_id` names the draft the record was typed in: it is deleted in the same
        transaction, so that a saved record never leaves its draft behind, nor a failed save
        loses it (a draft discarded meanwhile is simply not there to delete)."""
        with Transaction(self.conn):
            event = self.append_in_transaction(event_type, body, tz, time_utc)
            if draft_id is not None:
                drafts.delete_draft(self.conn, draft_id)
            return event

    def append_in_transaction(
        self,
        event_type: str,
        body: Mapping[str, Any],
        tz: str | None = None,
        time_utc: str | None = None,
    ) -> journal.Event:
        """For services that write several events (or blobs) in one transaction; subscribers
        of `changes` hear of them once the `Transaction` commits."""
        event = journal.append(
            self.conn,
            self.identity.author,
            event_type,
            body,
            tz or self.identity.default_tz,
            time_utc,
        )
        if self.changes.has_subscribers:
            self.changes.stage(change_of(event))
        return event

    def _transaction_ended(self, committed: bool) -> None:
        self.check_locked_memory()
        self.changes.transaction_ended(committed)

    # -- checks ----------------------------------------------------------------------------------

    def check_database(self) -> None:
        """Every page of the database read and checked; raises VaultOpenError if damaged."""
        check_database(self.vault)

    def check_locked_memory(self) -> None:
        """Warn once (LockedMemoryWarning, in the UI language) when the locked-memory limit is
        too small for the planned caches, or the kernel has started refusing to lock."""
        if self.memory_warning is not None or self.is_locked:
            return
        if self._plan.sufficient and not locking_failed(self._plan):
            return
        limit = self._plan.limit_kib or 0
        needed = max(self._plan.planned_kib, 8192)
        if needed <= limit:  # the kernel refused within the plan: ask for twice the limit
            needed = 2 * limit
        self.memory_warning = _(
            "warning: this computer lets Observer Logbook lock only {limit} KiB of memory, "
            "too little to keep all of the open vault out of the swap file; raise the limit "
            "for locked memory ('ulimit -l', or memlock in /etc/security/limits.conf) to at "
            "least {needed} KiB"
        ).format(limit=limit, needed=needed)
        warnings.warn(LockedMemoryWarning(self.memory_warning), stacklevel=2)

    def close(self) -> None:
        """Lock for good: workers cancelled, connections closed, key zeroed."""
        self.lock()


def open_session(vault_dir: Path, passphrase: str) -> LogbookSession:
    """Open the vault and its holder's session; the vault is closed again if that fails."""
    vault = open_vault(vault_dir, passphrase)
    try:
        return LogbookSession(vault)
    except BaseException:
        vault.close()
        vault.forget_key()
        raise
