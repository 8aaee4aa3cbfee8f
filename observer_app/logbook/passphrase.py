"""`passwd`: a new passphrase for the open vault (its key re-derived; the salt stays)."""

from __future__ import annotations

from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import change_passphrase as rekey_vault


def change_passphrase(session: LogbookSession, new_passphrase: str) -> None:
    """Re-key the session's vault; an empty passphrase is refused (exit 4), nothing changed."""
    with session.exclusive() as vault:  # workers' connections hold the old key: stop them
        rekey_vault(vault, new_passphrase)
