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


#: SQLite result codes the environment, not the program, is to blame for.
SQLITE_READONLY = 8
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def system_reason(error: OSError) -> str:
    """Why a file operation failed, in the UI language: the C library's `strerror` is English
    whatever the locale ("No such file or directory"), so the common reasons are worded here and
    only a rare one falls back to the system's text."""
    import errno

    from observer_app.i18n import _

    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.ENOSPC: _("no space left on the disk"),
        errno.EROFS: _("the medium is read-only"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.EEXIST: _("it already exists"),
        errno.EIO: _("the device could not be read or written (input/output error)"),
    }
    known = reasons.get(error.errno) if error.errno is not None else None
    return known or error.strerror or type(error).__name__


def damaged_advice() -> str:
    """What to do with a damaged vault: above all, never write to it (that spreads damage)."""
    from observer_app.i18n import _

    return _(
        "do not write to it: keep a copy of the folder as it is and restore the vault from a "
        "backup copy (a coordinator can import the observers' bundles again)"
    )


def read_only_message() -> str:
    from observer_app.i18n import _

    return _(
        "the vault is on a read-only medium: it can be read but not changed here; "
        "copy the vault folder somewhere writable to change it"
    )


def environment_error(error: BaseException) -> ObserverError | None:
    """A full disk, a busy vault, a read-only medium or a damaged database is the user's to act
    on (exit 4, or 3 for damage), not an internal fault: it is found only when a page is read,
    which may be long after the vault was opened."""
    import errno

    from observer_app.i18n import _

    code = getattr(error, "sqlite_errorcode", None)
    os_code = error.errno if isinstance(error, OSError) else None
    if code == SQLITE_FULL or os_code in (errno.ENOSPC, errno.EDQUOT):
        return UserActionError(_("the disk is full; nothing was changed by this command"))
    if code in _BUSY:
        return UserActionError(_("the vault is in use by another program; try again"))
    if code == SQLITE_READONLY or os_code == errno.EROFS:
        return UserActionError(read_only_message())
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return VaultOpenError(
            _("the vault's database is damaged; {advice}").format(advice=damaged_advice())
        )
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


class VaultLockedError(UserActionError):
    """A service was called while the session is locked: unlock it with the passphrase first."""

    exit_code = 4
