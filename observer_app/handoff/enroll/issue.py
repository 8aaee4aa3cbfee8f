"""Issuing a setup package: the coordinator's answer to an enrollment request.

The coordinator's vault checks the request, issues the observer's certificate with the
organisation CA, records the enrollment in its own feed and writes the package (signed by the
coordinator, sealed to the observer). This is the only enrollment step that needs the CA key, so
it is kept apart from the observer-side modules that must never touch it.
docs/formats/enrollment.md is the byte-level description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.ids import new_id
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.certificates import certificate_to_pem, issue_certificate
from observer_app.errors import NotValidError, UsageError, UserActionError
from observer_app.handoff.documents import (
    encode_public_key,
    seal,
    sign_document,
    write_document_file,
)
from observer_app.handoff.enroll.package import PACKAGE_TYPE
from observer_app.handoff.enroll.request import EnrollmentRequest, read_request
from observer_app.handoff.holder import HolderSession, holder_name, parse_fingerprint, require_role
from observer_app.i18n import _
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.identity_store import load_organisation_ca
from observer_app.vault.projection.enrollment import OBSERVER_ENROLLED
from observer_app.vault.queries.mission import current_mission
from observer_app.vault.queries.roster import enrolled_observer
from observer_app.vault.queries.stations import station_by_code


@dataclass(frozen=True)
class IssuedPackage:
    path: Path
    request: EnrollmentRequest
    stations: tuple[str, ...]
    mission: str | None
    reenrolled: bool


def _station_document(conn: Connection, feed: str, code: str) -> dict[str, Any]:
    row = station_by_code(conn, code.strip(), feed)
    if row is None or row.feed != feed:
        raise UsageError(
            _("unknown station {code}: add it first with 'station add' or 'station import'").format(
                code=code
            )
        )
    return {
        "code": row.code,
        "number": row.number,
        "name": row.name,
        "address": row.address,
        "region": row.region,
        "commission": row.commission,
        "tz": row.tz,
    }


def _mission_document(conn: Connection, feed: str) -> dict[str, Any] | None:
    mission = current_mission(conn, feed)
    if mission is None or mission.feed != feed:
        return None
    return {
        "name": mission.name,
        "date": mission.date,
        "candidates": [{"id": c.id, "name": c.name} for c in mission.candidates],
        "against_all": mission.against_all,
    }


def issue_package(
    session: HolderSession,
    request_path: Path,
    out_dir: Path,
    stations: Sequence[str] = (),
    expected_fingerprint: str | None = None,
    *,
    replace: bool = False,
) -> IssuedPackage:
    """Enroll the requester: issue their certificate, record it, write their setup package.

    An observer enrolled already (a new mission, other stations) is enrolled again only when
    `replace` is given or the person says yes (`session.confirm`): the new enrollment replaces
    the old assignment, which should not happen by a mistyped request file."""
    require_role(session, "coordinator")
    conn, identity = session.conn, session.identity
    ca = load_organisation_ca(conn)
    if ca is None:
        raise UserActionError(_("this vault holds no organisation certificate authority"))
    ca_key, ca_cert = ca
    request = read_request(request_path, identity.age_identity)
    if expected_fingerprint is not None and parse_fingerprint(expected_fingerprint) != request.feed:
        # The request's own fingerprint is not shown here: a tired user would paste it back.
        raise NotValidError(
            _(
                "the fingerprint given is not this request's: do not enroll it; compare again "
                "with the fingerprint the observer reads aloud"
            )
        )
    if request.feed == identity.feed:
        raise UsageError(_("a coordinator cannot enroll itself"))
    existing = enrolled_observer(conn, identity.feed, request.feed)
    if existing is not None and existing.revoked:
        raise UserActionError(
            _("this key was revoked ({reason}); the observer needs a new vault").format(
                reason=existing.revoked_reason
            )
        )
    if existing is not None and not replace:
        question = _(
            "{name} is enrolled already (stations: {stations}); the new enrollment replaces "
            "that one. Go on?"
        ).format(name=existing.name, stations=", ".join(existing.stations) or "-")
        if not session.confirm(question):
            raise UserActionError(
                _(
                    "{name} is enrolled already: nothing was changed (add --yes to replace the "
                    "enrollment)."
                ).format(name=existing.name)
            )
    station_documents = [_station_document(conn, identity.feed, code) for code in stations]
    codes = tuple(dict.fromkeys(d["code"] for d in station_documents))
    station_documents = list({d["code"]: d for d in station_documents}.values())
    mission = _mission_document(conn, identity.feed)
    certificate = issue_certificate(
        ca_key, ca_cert, request.public_key, request.name, request.accreditation
    )
    coordinator_name, _accreditation = holder_name(conn, identity.feed)
    package_id = new_id()
    certificate_pem = certificate_to_pem(certificate).decode("ascii")
    data = sign_document(
        identity.signing_key,
        PACKAGE_TYPE,
        {
            "package_id": package_id,
            "request_id": request.request_id,
            "created_utc": format_utc(utc_now()),
            "coordinator": {
                "feed": identity.feed,
                "name": coordinator_name,
                "public_key": encode_public_key(identity.public_key_der),
                "certificate": certificate_to_pem(identity.certificate).decode("ascii"),
                "age_recipient": recipient_of(identity.age_identity),
            },
            "organisation_ca": certificate_to_pem(ca_cert).decode("ascii"),
            "observer": {
                "feed": request.feed,
                "name": request.name,
                "accreditation": request.accreditation,
                "certificate": certificate_pem,
            },
            "mission": mission,
            "stations": station_documents,
        },
    )
    sealed = seal(data, request.age_recipient)
    with Transaction(conn):
        session.append_in_transaction(
            OBSERVER_ENROLLED,
            {
                "observer": request.feed,
                "name": request.name,
                "accreditation": request.accreditation,
                "public_key": encode_public_key(request.public_key_der),
                "age_recipient": request.age_recipient,
                "certificate": certificate_pem,
                "stations": list(codes),
                "mission": None if mission is None else mission["name"],
                "package_id": package_id,
                "request_id": request.request_id,
            },
        )
        # Inside the transaction: a package on the stick always has its enrollment recorded.
        path = write_document_file(out_dir, sealed, "age")
    return IssuedPackage(
        path=path,
        request=request,
        stations=codes,
        mission=None if mission is None else mission["name"],
        reenrolled=existing is not None,
    )
