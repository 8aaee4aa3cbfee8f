"""Errors a user can act on, each carrying the exit code fixed by the CLI contract.

Services raise these; the CLI turns them into one line on stderr and the exit code, the GUI into
a message box. Messages are already translated and never carry secrets or observation text.
"""

from __future__ import annotations


class ObserverError(Exception):
    """Base of every expected, user-facing failure."""

    exit_code = 4

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotValidError(ObserverError):
    """The thing checked (report, journal, bundle, package, receipt) is not valid."""

    exit_code = 1


class UsageError(ObserverError):
    """The command was called wrongly."""

    exit_code = 2


class VaultOpenError(ObserverError):
    """The vault cannot be opened: wrong passphrase, not a vault, or damaged."""

    exit_code = 3


class UserActionError(ObserverError):
    """Anything else the user can act on: missing file, consent forbids, disk full."""

    exit_code = 4


def environment_error(error: BaseException) -> UserActionError | None:
    """A full disk or a vault busy in another program is the user's to act on (exit 4)."""
    import errno

    from observer_app.i18n import _

    code = getattr(error, "sqlite_errorcode", None)
    if code == 13 or (isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)):
        return UserActionError(_("the disk is full; nothing was changed by this command"))
    if code in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        return UserActionError(_("the vault is in use by another program; try again"))
    return None


class OperationCancelled(ObserverError):
    """The user cancelled a long operation; nothing was committed."""

    exit_code = 4


class EventSchemaError(NotValidError):
    """A signed event that is not valid as data: names the event (feed, seq, type) and field.

    Raised on append (our own code built a bad body: still refused, nothing stored), on import
    (the bundle is refused) and when a stored event is read back (views skip it with a
    warning, `journal verify` reports it).
    """

    def __init__(
        self, message: str, *, feed: str, seq: int, event_type: str, path: str, reason: str
    ) -> None:
        super().__init__(message)
        self.feed = feed
        self.seq = seq
        self.event_type = event_type
        self.path = path
        self.reason = reason
