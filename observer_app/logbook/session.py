"""One open vault session: the holder's identity and the one way services record events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from observer_app.core.changes import ChangeNotifier
from observer_app.vault import journal
from observer_app.vault.connection import Connection, Transaction, on_transaction_end
from observer_app.vault.connection import DatabaseError as DatabaseError  # for the shells
from observer_app.vault.event_schema import InvalidEventSkipped as InvalidEventSkipped
from observer_app.vault.identity_store import HolderIdentity, load_identity
from observer_app.vault.journal import change_of
from observer_app.vault.queries import drafts
from observer_app.vault.store import Vault, check_database, open_vault


class LogbookSession:
    """Services receive a session instead of reaching for globals (dependency injection)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.identity: HolderIdentity = load_identity(vault.conn)
        # Asks the person a yes/no question (a terminal, a dialog); nobody to ask means no.
        self.confirm: Callable[[str], bool] = lambda question: False
        self.changes = ChangeNotifier()
        on_transaction_end(vault.conn, self.changes.transaction_ended)

    @property
    def conn(self) -> Connection:
        return self.vault.conn

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

    def check_database(self) -> None:
        """Every page of the database read and checked; raises VaultOpenError if damaged."""
        check_database(self.vault)

    def close(self) -> None:
        on_transaction_end(self.vault.conn, None)
        self.vault.close()


def open_session(vault_dir: Path, passphrase: str) -> LogbookSession:
    """Open the vault and its holder's session; the vault is closed again if that fails."""
    vault = open_vault(vault_dir, passphrase)
    try:
        return LogbookSession(vault)
    except BaseException:
        vault.close()
        raise
