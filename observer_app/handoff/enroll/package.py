"""The setup package as the observer receives it: decrypt, check every field, verify the chain.

The coordinator signs the package and seals it to the observer; it carries the mission, the
assigned stations, the coordinator's public keys and certificate, the organisation CA, and the
observer's certificate issued by that CA. Everything in it is checked here before anything is
recorded, so that `accept` only has to decide about pinning and never sees a half-valid
package. The type tag lives here too, because this module defines what a package contains;
`issue` writes one with it. docs/formats/enrollment.md is the byte-level description.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from observer_app.core.schema import Object, Text, UtcTime
from observer_app.crypto import keys
from observer_app.crypto.certificates import (
    certificate_from_pem,
    certificate_public_key,
    is_issued_by,
)
from observer_app.errors import NotValidError
from observer_app.handoff.documents import (
    DocumentError,
    check_document,
    decode_public_key,
    field,
    is_valid_recipient,
    open_document,
    read_document_file,
    unseal,
)
from observer_app.handoff.holder import HolderSession
from observer_app.i18n import _
from observer_app.vault.event_fields import (
    AGE_RECIPIENT,
    BASE64_KEY,
    FEED,
    ID,
    NAME,
    PEM,
    nullable,
    optional,
    required,
    stations_list,
)
from observer_app.vault.projection.enrollment import STATION_DOCUMENT
from observer_app.vault.projection.mission import MISSION

PACKAGE_TYPE = "setup-package"
PACKAGE_CONTENT = Object(
    {
        "package_id": required(ID),
        "request_id": required(ID),
        "created_utc": required(UtcTime()),
        "coordinator": required(
            Object(
                {
                    "feed": required(FEED),
                    "name": required(NAME),
                    "public_key": required(BASE64_KEY),
                    "certificate": required(PEM),
                    "age_recipient": required(AGE_RECIPIENT),
                }
            )
        ),
        "organisation_ca": required(PEM),
        "observer": required(
            Object(
                {
                    "feed": required(FEED),
                    "name": required(NAME),
                    "accreditation": optional(Text(200)),
                    "certificate": required(PEM),
                }
            )
        ),
        "mission": nullable(MISSION),
        "stations": required(stations_list(STATION_DOCUMENT)),
    }
)
"""The package's content: the mission and stations in the very form the events that record
them (`mission.set`, `station.added`, `coordinator.pinned`) must have."""


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


def _invalid(reason: str) -> NotValidError:
    return NotValidError(_("the setup package is not valid: {reason}").format(reason=reason))


def _mission(value: Any) -> dict[str, Any] | None:
    """The mission (already checked against PACKAGE_CONTENT) as `mission.set` records it."""
    if value is None:
        return None
    return {
        "name": value["name"],
        "date": value["date"],
        "candidates": [{"id": c["id"], "name": c["name"]} for c in value["candidates"]],
        "against_all": value["against_all"],
    }


def _station(value: Any) -> dict[str, Any]:
    """A station (already checked) with every field present, as `station.added` records it."""
    return {
        name: value.get(name)
        for name in ("code", "number", "name", "address", "region", "commission", "tz")
    }


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
        check_document(document, PACKAGE_CONTENT)
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
            mission=_mission(document.get("mission")),
            stations=tuple(_station(s) for s in field(document, "stations", list)),
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
    try:
        is_ca = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca or not is_issued_by(ca_cert, ca_cert):
        raise _invalid(_("the organisation certificate is not a certificate authority"))
    if not is_issued_by(coordinator_cert, ca_cert) or not _same_key(
        coordinator_cert, coordinator_key
    ):
        raise _invalid(_("the coordinator's certificate was not issued by the organisation"))
    if not is_issued_by(observer_cert, ca_cert) or not _same_key(
        observer_cert, session.identity.signing_key.public_key()
    ):
        raise _invalid(_("the issued certificate is not for this vault's key"))


def _same_key(cert: x509.Certificate, key: keys.VerifierKey) -> bool:
    try:
        public = certificate_public_key(cert)
    except keys.NotP256KeyError:
        return False
    return keys.public_key_der(public) == keys.public_key_der(key)
