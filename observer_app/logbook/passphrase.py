"""`passwd`: a new passphrase for the open vault (its key re-derived; the salt stays)."""

from __future__ import annotations

from observer_app.core.progress import Cancel, Progress, never_cancel, no_progress
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import change_passphrase as rekey_vault


def change_passphrase(
    session: LogbookSession,
    new_passphrase: str,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> None:
    """Re-key the session's vault; an empty passphrase is refused (exit 4), nothing changed.

    Workers are cancelled and waited for first (their connections hold the old key); the key
    the session holds becomes the new one, so workers started afterwards read on."""
    with session.exclusive() as vault:
        rekey_vault(vault, new_passphrase, progress, cancel)
