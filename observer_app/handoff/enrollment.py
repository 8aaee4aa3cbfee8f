"""Enrollment by USB: the observer's request, the coordinator's setup package, the pin.

request (observer -> coordinator): name, accreditation, public signing key, age recipient;
  signed with the key it carries (proof of possession, like a certificate request). Plain by
  default (the coordinator's recipient is not known yet), sealed to `--recipient` when it is.
setup package (coordinator -> observer): mission, assigned stations, the coordinator's public
  keys and certificate, the organisation CA, and the observer's certificate issued by that CA;
  signed by the coordinator, sealed to the observer.
accept (observer): verify, pin the coordinator (`coordinator.pinned`), record the issued
  certificate (`identity.certificate`, and the identity table that signs reports), declare the
  mission and the assigned stations in the observer's own feed. A package from another
  coordinator than the pinned one needs its fingerprint spelled out.

Fingerprints are shown in 16 groups of 4 so they can be compared aloud or on paper.
docs/formats/enrollment.md is the byte-level description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from observer_app.core.ids import new_id
from observer_app.core.timeutil import format_utc, is_valid_zone, utc_now
from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.certificates import (
    certificate_from_pem,
    certificate_to_pem,
    issue_certificate,
)
from observer_app.errors import NotValidError, UsageError, UserActionError
from observer_app.handoff.documents import (
    DocumentError,
    decode_public_key,
    encode_public_key,
    field,
    is_sealed,
    is_valid_recipient,
    open_document,
    optional_field,
    read_document_file,
    seal,
    sign_document,
    unseal,
    write_document_file,
)
from observer_app.handoff.holder import HolderSession, holder_name, parse_fingerprint, require_role
from observer_app.handoff.pins import current_pin, organisation_name, pin_history
from observer_app.handoff.roster import enrolled_observer
from observer_app.i18n import _
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.identity_store import (
    load_identity,
    load_organisation_ca,
    update_certificate,
)
from observer_app.vault.projection.enrollment import (
    COORDINATOR_PINNED,
    OBSERVER_ENROLLED,
)
from observer_app.vault.projection.mission import MISSION_SET
from observer_app.vault.projection.people import CERTIFICATE_CHANGED
from observer_app.vault.projection.stations import STATION_ADDED
from observer_app.vault.queries.mission import current_mission
from observer_app.vault.queries.stations import station_by_code

REQUEST_TYPE = "enrollment-request"
PACKAGE_TYPE = "setup-package"
_STATION_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# -- request ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentRequest:
    request_id: str
    created_utc: str
    feed: str
    name: str
    accreditation: str | None
    public_key_der: bytes
    age_recipient: str

    @property
    def public_key(self) -> keys.VerifierKey:
        return keys.load_public_key_der(self.public_key_der)


@dataclass(frozen=True)
class WrittenRequest:
    path: Path
    feed: str
    sealed: bool


def write_request(
    session: HolderSession, out_dir: Path, recipient: str | None = None
) -> WrittenRequest:
    """Write the holder's enrollment request into `out_dir` (sealed to `recipient` if given)."""
    identity = session.identity
    if recipient is not None and not is_valid_recipient(recipient):
        raise UsageError(_("not an age recipient: {value}").format(value=recipient))
    name, accreditation = holder_name(session.conn, identity.feed)
    data = sign_document(
        identity.signing_key,
        REQUEST_TYPE,
        {
            "request_id": new_id(),
            "created_utc": format_utc(utc_now()),
            "feed": identity.feed,
            "name": name,
            "accreditation": accreditation,
            "public_key": encode_public_key(identity.public_key_der),
            "age_recipient": recipient_of(identity.age_identity),
        },
    )
    if recipient is not None:
        data = seal(data, recipient)
    path = write_document_file(out_dir, data, "age" if recipient else "json")
    return WrittenRequest(path=path, feed=identity.feed, sealed=recipient is not None)


def read_request(path: Path, age_identity: str) -> EnrollmentRequest:
    """Read and verify a request: plain, or sealed to the holder of `age_identity`."""
    data = read_document_file(path)
    if is_sealed(data):
        data = unseal(
            data, age_identity, _("the request is encrypted to another coordinator's key")
        )
    try:
        opened = open_document(data, REQUEST_TYPE)
        document = opened.document
        der, public_key = decode_public_key(field(document, "public_key", str))
        feed = field(document, "feed", str)
        request = EnrollmentRequest(
            request_id=field(document, "request_id", str),
            created_utc=field(document, "created_utc", str),
            feed=feed,
            name=field(document, "name", str),
            accreditation=optional_field(document, "accreditation", str),
            public_key_der=der,
            age_recipient=field(document, "age_recipient", str),
        )
    except DocumentError as error:
        raise NotValidError(
            _("the enrollment request is not valid: {reason}").format(reason=error.message)
        ) from None
    if keys.fingerprint(public_key) != feed:
        raise NotValidError(_("the enrollment request is not valid: its feed is not its key"))
    if not opened.signed_by(public_key):
        raise NotValidError(_("the enrollment request is not valid: bad signature"))
    if not is_valid_recipient(request.age_recipient) or not request.name.strip():
        raise NotValidError(_("the enrollment request is not valid: bad name or age recipient"))
    return request


# -- setup package (coordinator) ----------------------------------------------------------------


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
) -> IssuedPackage:
    """Enroll the requester: issue their certificate, record it, write their setup package."""
    require_role(session, "coordinator")
    conn, identity = session.conn, session.identity
    ca = load_organisation_ca(conn)
    if ca is None:
        raise UserActionError(_("this vault holds no organisation certificate authority"))
    ca_key, ca_cert = ca
    request = read_request(request_path, identity.age_identity)
    if expected_fingerprint is not None and parse_fingerprint(expected_fingerprint) != request.feed:
        raise NotValidError(
            _("the request's fingerprint is not the one given: {fingerprint}").format(
                fingerprint=keys.format_fingerprint(request.feed)
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


# -- setup package (observer) -------------------------------------------------------------------


@dataclass(frozen=True)
class SetupPackage:
    package_id: str
    coordinator: str
    coordinator_name: str
    coordinator_public_key_der: bytes
    coordinator_certificate_pem: str
    coordinator_age_recipient: str
    organisation_ca_pem: str
    observer_certificate: x509.Certificate
    mission: dict[str, Any] | None
    stations: tuple[dict[str, Any], ...]


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


def _invalid(reason: str) -> NotValidError:
    return NotValidError(_("the setup package is not valid: {reason}").format(reason=reason))


def _check_mission(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        name = field(value, "name", str)
        date = field(value, "date", str)
        against_all = field(value, "against_all", bool)
        candidates = field(value, "candidates", list)
        clean = [{"id": field(c, "id", str), "name": field(c, "name", str)} for c in candidates]
    except (DocumentError, TypeError):
        raise _invalid(_("the mission is malformed")) from None
    if not _DATE.fullmatch(date):
        raise _invalid(_("the mission is malformed"))
    return {"name": name, "date": date, "candidates": clean, "against_all": against_all}


def _check_station(value: Any) -> dict[str, Any]:
    try:
        code = field(value, "code", str)
        station = {
            "code": code,
            "number": optional_field(value, "number", int),
            "name": field(value, "name", str),
            "address": optional_field(value, "address", str),
            "region": optional_field(value, "region", str),
            "commission": optional_field(value, "commission", str),
            "tz": field(value, "tz", str),
        }
    except (DocumentError, TypeError):
        raise _invalid(_("a station is malformed")) from None
    if not _STATION_CODE.fullmatch(code) or not is_valid_zone(station["tz"]):
        raise _invalid(_("a station is malformed"))
    return station


def _verify_issued(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def read_package(path: Path, session: HolderSession) -> SetupPackage:
    """Decrypt and verify a setup package addressed to the holder."""
    identity = session.identity
    data = unseal(
        read_document_file(path),
        identity.age_identity,
        _("the setup package is encrypted to someone else"),
    )
    try:
        opened = open_document(data, PACKAGE_TYPE)
        document = opened.document
        coordinator = field(document, "coordinator", dict)
        observer = field(document, "observer", dict)
        der, coordinator_key = decode_public_key(field(coordinator, "public_key", str))
        package = SetupPackage(
            package_id=field(document, "package_id", str),
            coordinator=field(coordinator, "feed", str),
            coordinator_name=field(coordinator, "name", str),
            coordinator_public_key_der=der,
            coordinator_certificate_pem=field(coordinator, "certificate", str),
            coordinator_age_recipient=field(coordinator, "age_recipient", str),
            organisation_ca_pem=field(document, "organisation_ca", str),
            observer_certificate=certificate_from_pem(
                field(observer, "certificate", str).encode("ascii")
            ),
            mission=_check_mission(document.get("mission")),
            stations=tuple(_check_station(s) for s in field(document, "stations", list)),
        )
        observer_feed = field(observer, "feed", str)
        coordinator_cert = certificate_from_pem(package.coordinator_certificate_pem.encode("ascii"))
        ca_cert = certificate_from_pem(package.organisation_ca_pem.encode("ascii"))
    except DocumentError as error:
        raise _invalid(error.message) from None
    except (ValueError, UnicodeError):
        raise _invalid(_("a certificate in it cannot be read")) from None
    if keys.fingerprint(coordinator_key) != package.coordinator:
        raise _invalid(_("the coordinator's feed is not its key"))
    if not opened.signed_by(coordinator_key):
        raise _invalid(_("bad signature"))
    if observer_feed != identity.feed:
        raise _invalid(_("it was issued for another observer"))
    if not is_valid_recipient(package.coordinator_age_recipient):
        raise _invalid(_("the coordinator's age recipient is malformed"))
    _check_chain(ca_cert, coordinator_cert, coordinator_key, package.observer_certificate, session)
    return package


def _check_chain(
    ca_cert: x509.Certificate,
    coordinator_cert: x509.Certificate,
    coordinator_key: keys.VerifierKey,
    observer_cert: x509.Certificate,
    session: HolderSession,
) -> None:
    constraints = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    if not constraints.ca or not _verify_issued(ca_cert, ca_cert):
        raise _invalid(_("the organisation certificate is not a certificate authority"))
    if not _verify_issued(coordinator_cert, ca_cert) or not _same_key(
        coordinator_cert, coordinator_key
    ):
        raise _invalid(_("the coordinator's certificate was not issued by the organisation"))
    if not _verify_issued(observer_cert, ca_cert) or not _same_key(
        observer_cert, session.identity.signing_key.public_key()
    ):
        raise _invalid(_("the issued certificate is not for this vault's key"))


def _same_key(cert: x509.Certificate, key: keys.VerifierKey) -> bool:
    public = cert.public_key()
    return isinstance(public, ec.EllipticCurvePublicKey) and keys.public_key_der(
        public
    ) == keys.public_key_der(key)


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
        raise NotValidError(
            _("the package comes from {fingerprint}, not from the fingerprint given").format(
                fingerprint=keys.format_fingerprint(package.coordinator)
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
    session.identity = load_identity(conn)
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
