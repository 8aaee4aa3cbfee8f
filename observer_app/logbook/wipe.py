"""Emergency wipe (issue 16): the service the window's settings and `observer-cli wipe` call.

It needs no passphrase: speed matters more, and anyone holding the laptop could delete the
folder anyway. What it destroys, and in which order, is `vault/wipe.py`'s business; here the
vault also leaves this computer's list of known vaults, and the caller can learn first how many
records still wait for handoff (they will be lost) when it holds an open session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.errors import UserActionError
from observer_app.handoff.bundle.status import ObserverStatus
from observer_app.logbook import known_vaults
from observer_app.logbook.handoff import handoff_status
from observer_app.logbook.session import LogbookSession
from observer_app.vault.wipe import is_vault_folder, wipe_vault


@dataclass(frozen=True)
class WipeOutcome:
    path: Path
    files_removed: int
    forgotten: bool  # it was in this computer's list of known vaults

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "files_removed": self.files_removed,
            "forgotten": self.forgotten,
        }


def records_waiting(session: LogbookSession) -> int:
    """Events the coordinator has not acknowledged (0 for a coordinator's own vault)."""
    status = handoff_status(session)
    return status.events_waiting if isinstance(status, ObserverStatus) else 0


def is_vault(path: Path) -> bool:
    return is_vault_folder(path)


def wipe(path: Path, known_vaults_folder: Path | None = None) -> WipeOutcome:
    """Destroy the vault in `path` and forget it. A damaged list of known vaults is removed
    whole rather than left naming the wiped vault."""
    result = wipe_vault(path)
    try:
        forgotten = known_vaults.forget_vault(path, known_vaults_folder)
    except UserActionError:
        forgotten = known_vaults.clear_known_vaults(known_vaults_folder)
    return WipeOutcome(result.path, result.files_removed, forgotten)


def wipe_open_vault(
    session: LogbookSession, known_vaults_folder: Path | None = None
) -> WipeOutcome:
    """The window's path: close the unlocked session (its connection holds the database
    open), then wipe its folder."""
    path = session.vault.path
    session.close()
    return wipe(path, known_vaults_folder)
