"""Accepting a setup package: the observer pins its coordinator and takes on the assignment.

After `package` has verified the package, this records it in one transaction: pin the
coordinator (`coordinator.pinned`), record the issued certificate (`identity.certificate`, and
the identity table that signs reports), declare the mission and the assigned stations in the
observer's own feed. Nothing is trusted silently: a package from another coordinator than the
pinned one needs its fingerprint spelled out, and a package already accepted is not applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.ids import new_id
from observer_app.crypto import keys
from observer_app.crypto.certificates import (
    certificate_from_pem,
    certificate_to_pem,
    organisation_name,
)
from observer_app.errors import NotValidError
from observer_app.handoff.documents import encode_public_key
from observer_app.handoff.enroll.package import SetupPackage, read_package
from observer_app.handoff.holder import HolderSession, parse_fingerprint, require_role
from observer_app.i18n import _
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.identity_store import update_certificate
from observer_app.vault.projection.enrollment import COORDINATOR_PINNED
from observer_app.vault.projection.mission import MISSION_SET
from observer_app.vault.projection.people import CERTIFICATE_CHANGED
from observer_app.vault.projection.stations import STATION_ADDED
from observer_app.vault.queries.mission import current_mission
from observer_app.vault.queries.pins import current_pin, pin_history
from observer_app.vault.queries.stations import station_by_code


@dataclass(frozen=True)
class AcceptedPackage:
    coordinator: str
    coordinator_name: str
    organisation: str
    changed_coordinator: bool
    already_accepted: bool
    mission: str | None
    stations_added: tuple[str, ...]
    stations_kept: tuple[str, ...]


def accept_package(
    session: HolderSession, path: Path, fingerprint: str | None = None
) -> AcceptedPackage:
    """Verify a setup package and pin its coordinator; see the module docstring."""
    require_role(session, "observer")
    conn, identity = session.conn, session.identity
    expected = None if fingerprint is None else parse_fingerprint(fingerprint)
    package = read_package(path, session)
    pinned = current_pin(conn, identity.feed)
    if expected is not None and expected != package.coordinator:
        # The package's own fingerprint is not shown here: a tired user would paste it back.
        raise NotValidError(
            _(
                "the package does not come from the fingerprint given: do not accept it; "
                "compare again with the fingerprint the coordinator reads aloud"
            )
        )
    changed = pinned is not None and pinned.coordinator != package.coordinator
    if changed and expected is None:
        raise NotValidError(
            _(
                "the package comes from another coordinator ({fingerprint}) than the pinned one; "
                "compare fingerprints and repeat with --fingerprint"
            ).format(fingerprint=keys.format_fingerprint(package.coordinator))
        )
    organisation = organisation_name(certificate_from_pem(package.organisation_ca_pem.encode()))
    if any(p.package_id == package.package_id for p in pin_history(conn, identity.feed)):
        return AcceptedPackage(
            package.coordinator,
            package.coordinator_name,
            organisation,
            False,
            True,
            None if package.mission is None else package.mission["name"],
            (),
            (),
        )
    added, kept = _record_acceptance(session, package)
    session.reload_identity()
    return AcceptedPackage(
        coordinator=package.coordinator,
        coordinator_name=package.coordinator_name,
        organisation=organisation,
        changed_coordinator=changed,
        already_accepted=False,
        mission=None if package.mission is None else package.mission["name"],
        stations_added=added,
        stations_kept=kept,
    )


def _record_acceptance(
    session: HolderSession, package: SetupPackage
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    conn, identity = session.conn, session.identity
    added: list[str] = []
    kept: list[str] = []
    with Transaction(conn):
        session.append_in_transaction(
            COORDINATOR_PINNED,
            {
                "package_id": package.package_id,
                "coordinator": {
                    "feed": package.coordinator,
                    "name": package.coordinator_name,
                    "public_key": encode_public_key(package.coordinator_public_key_der),
                    "certificate": package.coordinator_certificate_pem,
                    "age_recipient": package.coordinator_age_recipient,
                },
                "organisation_ca": package.organisation_ca_pem,
                "mission": package.mission,
                "stations": list(package.stations),
            },
        )
        certificate_pem = certificate_to_pem(package.observer_certificate)
        session.append_in_transaction(
            CERTIFICATE_CHANGED, {"certificate": certificate_pem.decode("ascii")}
        )
        update_certificate(conn, package.observer_certificate)
        if package.mission is not None and _mission_differs(conn, identity.feed, package.mission):
            session.append_in_transaction(MISSION_SET, package.mission)
        for station in package.stations:
            existing = station_by_code(conn, station["code"], identity.feed)
            if existing is not None and existing.feed == identity.feed:
                kept.append(station["code"])
                continue
            session.append_in_transaction(
                STATION_ADDED, {"id": new_id(), **station}, tz=station["tz"]
            )
            added.append(station["code"])
    return tuple(added), tuple(kept)


def _mission_differs(conn: Connection, feed: str, mission: dict[str, Any]) -> bool:
    current = current_mission(conn, feed)
    if current is None or current.feed != feed:
        return True
    return {
        "name": current.name,
        "date": current.date,
        "candidates": [{"id": c.id, "name": c.name} for c in current.candidates],
        "against_all": current.against_all,
    } != mission
