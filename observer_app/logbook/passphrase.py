"""`passwd`: a new passphrase for the open vault (its key re-derived; the salt stays)."""

from __future__ import annotations

from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import change_passphrase as rekey_vault


def change_passphrase(session: LogbookSession, new_passphrase: str) -> None:
    """Re-key the session's vault; an empty passphrase is refused (exit 4), nothing changed."""
    rekey_vault(session.vault, new_passphrase)
