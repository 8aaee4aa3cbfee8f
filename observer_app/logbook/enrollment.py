"""The enrollment service: request, issue, accept, revoke, and who is enrolled or pinned.

What the CLI and the window call for `enroll request|issue|accept|revoke|list`. The steps live in
`handoff/enroll/` (each in the vault role that runs it, with the keys it needs); reading a request
or a package on its own is here too, so that a shell can show a fingerprint for a person to
compare aloud before the step that records anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.handoff.enroll import accept, issue, package, request, roster
from observer_app.handoff.enroll.accept import AcceptedPackage as AcceptedPackage
from observer_app.handoff.enroll.issue import IssuedPackage as IssuedPackage
from observer_app.handoff.enroll.package import SetupPackage as SetupPackage
from observer_app.handoff.enroll.request import EnrollmentRequest as EnrollmentRequest
from observer_app.handoff.enroll.request import WrittenRequest as WrittenRequest
from observer_app.handoff.holder import require_role
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.pins import Pin as Pin
from observer_app.vault.queries.pins import pin_history
from observer_app.vault.queries.roster import EnrolledObserver as EnrolledObserver
from observer_app.vault.queries.roster import list_enrolled


def write_request(
    session: LogbookSession, folder: Path, recipient: str | None = None
) -> WrittenRequest:
    """Write the observer's enrollment request into `folder` (sealed to `recipient` if given)."""
    return request.write_request(session, folder, recipient)


def read_request(session: LogbookSession, path: Path) -> EnrollmentRequest:
    """Open and check a request (coordinator), recording nothing: for the fingerprint check."""
    require_role(session, "coordinator")
    return request.read_request(path, session.identity.age_identity)


def issue_package(
    session: LogbookSession,
    request_path: Path,
    folder: Path,
    stations: Sequence[str] = (),
    expected_fingerprint: str | None = None,
    *,
    replace: bool = False,
) -> IssuedPackage:
    """Enroll the observer of a request: record it and write their setup package (coordinator).
    An enrolled observer is enrolled again only with `replace` or a yes to `session.confirm`."""
    return issue.issue_package(
        session, request_path, folder, stations, expected_fingerprint, replace=replace
    )


def read_package(session: LogbookSession, path: Path) -> SetupPackage:
    """Open and verify a setup package (observer), recording nothing: for the fingerprint check."""
    return package.read_package(path, session)


def accept_package(
    session: LogbookSession, path: Path, fingerprint: str | None = None
) -> AcceptedPackage:
    """Pin the package's coordinator and take on its assignment (observer)."""
    return accept.accept_package(session, path, fingerprint)


def revoke(session: LogbookSession, fingerprint: str, reason: str) -> EnrolledObserver:
    """Revoke an enrolled observer's key (coordinator): their bundles are refused from now on."""
    return roster.revoke(session, fingerprint, reason)


@dataclass(frozen=True)
class EnrolledObservers:
    """A coordinator's roster, by name."""

    observers: tuple[EnrolledObserver, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [o.to_json() for o in self.observers]


@dataclass(frozen=True)
class PinnedCoordinators:
    """The coordinators an observer pinned, oldest first."""

    pins: tuple[Pin, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [p.to_json() for p in self.pins]


def enrollments(session: LogbookSession) -> EnrolledObservers | PinnedCoordinators:
    """Who is enrolled here (coordinator) or which coordinators were pinned (observer)."""
    conn, identity = session.conn, session.identity
    if identity.role == "coordinator":
        return EnrolledObservers(tuple(list_enrolled(conn, identity.feed)))
    return PinnedCoordinators(tuple(pin_history(conn, identity.feed)))
