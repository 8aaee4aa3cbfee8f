"""Where the window's session comes from and where it goes: unlock opens it, lock closes it.

The one place that knows how locking works. A lock closes the session, which is
`LogbookSession.lock()` for good (workers cancelled and waited for, connections closed, the key's
bytearray zeroed), and an unlock opens a new session: every subscription and cache of the
discarded window goes with the old one, so none can fire into widgets that no longer exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.wipe import WipeOutcome, wipe_open_vault
from observer_app.logbook.wipe import wipe as wipe_vault


class VaultAccess:
    """One vault folder and, while unlocked, its open session."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._session: LogbookSession | None = None
        self._on_lock: list[Callable[[], None]] = []

    @property
    def locked(self) -> bool:
        return self._session is None

    @property
    def session(self) -> LogbookSession:
        if self._session is None:
            raise RuntimeError("the vault is locked")
        return self._session

    def unlock(self, passphrase: str) -> LogbookSession:
        """Open the vault; raises VaultOpenError (wrong passphrase, not a vault, damaged)."""
        if self._session is None:
            self._session = open_session(self.path, passphrase)
        return self._session

    def before_lock(self, callback: Callable[[], None]) -> None:
        """Run `callback` while the session is still open, just before each lock (drafts)."""
        self._on_lock.append(callback)

    def lock(self) -> None:
        if self._session is None:
            return
        for callback in list(self._on_lock):
            callback()
        session, self._session = self._session, None
        session.close()

    def wipe(self) -> WipeOutcome:
        """Destroy the vault (emergency wipe): the open session is closed first, without the
        before-lock callbacks (drafts saved into a vault about to vanish would be pointless)."""
        session, self._session = self._session, None
        if session is not None:
            return wipe_open_vault(session)
        return wipe_vault(self.path)
