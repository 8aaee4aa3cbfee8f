"""Internal faults of a shell, kept inside the encrypted vault (never in a plaintext log)."""

from __future__ import annotations

import traceback

from observer_app.logbook.session import LogbookSession
from observer_app.vault.faults import log_fault


def record_fault(session: LogbookSession, error: BaseException) -> int:
    """Log `error` with its traceback in the vault's fault table; returns the fault's number.

    An open transaction is rolled back first: the fault must not commit half an action.
    """
    details = "".join(traceback.format_exception(error))
    return log_fault(session.conn, type(error).__name__, details)
