"""Finding an enrolled observer by fingerprint, and revoking one (coordinator)."""

from __future__ import annotations

from observer_app.errors import UsageError, UserActionError
from observer_app.handoff.holder import HolderSession, require_role
from observer_app.i18n import _
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.projection.enrollment import OBSERVER_REVOKED
from observer_app.vault.queries.roster import EnrolledObserver, enrolled_observer, list_enrolled


def find_enrolled(conn: Connection, enroller: str, fingerprint: str) -> EnrolledObserver:
    """An enrolled observer by full fingerprint or a unique prefix of 8+ hex digits."""
    digits = "".join(ch for ch in fingerprint if ch not in " :-").lower()
    if len(digits) < 8 or any(ch not in "0123456789abcdef" for ch in digits):
        raise UsageError(_("give at least 8 hex digits of the fingerprint"))
    matches = [o for o in list_enrolled(conn, enroller) if o.feed.startswith(digits)]
    if not matches:
        raise UserActionError(
            _("no enrolled observer has the fingerprint {fingerprint}").format(
                fingerprint=fingerprint
            )
        )
    if len(matches) > 1:
        raise UsageError(
            _("the fingerprint {fingerprint} is ambiguous").format(fingerprint=fingerprint)
        )
    return matches[0]


def revoke(session: HolderSession, fingerprint: str, reason: str) -> EnrolledObserver:
    """Record that an observer's key is revoked: their bundles are refused from now on."""
    require_role(session, "coordinator")
    if not reason.strip():
        raise UsageError(_("give a reason for the revocation"))
    observer = find_enrolled(session.conn, session.identity.feed, fingerprint)
    if observer.revoked:
        raise UserActionError(_("this observer's key is revoked already"))
    with Transaction(session.conn):
        session.append_in_transaction(
            OBSERVER_REVOKED, {"observer": observer.feed, "reason": " ".join(reason.split())}
        )
    revoked = enrolled_observer(session.conn, session.identity.feed, observer.feed)
    assert revoked is not None
    return revoked
