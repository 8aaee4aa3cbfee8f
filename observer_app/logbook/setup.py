"""Making a new vault with its holder's identity (`init`)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from observer_app.core.roles import ROLES
from observer_app.core.timeutil import DEFAULT_ZONE
from observer_app.crypto import keys
from observer_app.crypto.age_keys import generate_age_identity, recipient_of
from observer_app.crypto.certificates import (
    certificate_to_pem,
    create_organisation_ca,
    issue_certificate,
    self_signed_certificate,
)
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.vault import journal
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.header import KdfParams
from observer_app.vault.identity_store import HolderIdentity, save_identity, save_organisation_ca
from observer_app.vault.projection.people import IDENTITY_DECLARED
from observer_app.vault.store import create_vault


class KdfProfile(StrEnum):
    """How costly the passphrase is to derive a key from: `test` is weak, for automated tests
    only (the shells offer these names; tests and benchmarks may pass exact `KdfParams`)."""

    DEFAULT = "default"
    TEST = "test"

    def params(self) -> KdfParams:
        return KdfParams.for_tests() if self is KdfProfile.TEST else KdfParams.strong()


@dataclass(frozen=True)
class CreatedVault:
    """A new vault: where it is and its holder's feed id (the fingerprint, machine form)."""

    path: Path
    feed: str

    @property
    def fingerprint(self) -> str:
        return keys.format_fingerprint(self.feed)


@dataclass(frozen=True)
class NewIdentity:
    name: str
    role: str = "observer"
    accreditation: str | None = None
    organisation: str | None = None
    default_tz: str = DEFAULT_ZONE


def init_vault(
    path: Path, passphrase: str, who: NewIdentity, kdf: KdfParams | KdfProfile
) -> CreatedVault:
    """Create the vault and its first event (the holder's identity)."""
    if who.role not in ROLES:
        raise UsageError(_("role must be observer or coordinator"))
    if not who.name.strip():
        raise UsageError(_("the name must not be empty"))
    signing_key = keys.generate_signing_key()
    feed = keys.fingerprint(signing_key.public_key())

    def populate(conn: Connection) -> None:
        write_identity(conn, who, signing_key)

    params = kdf.params() if isinstance(kdf, KdfProfile) else kdf
    create_vault(path, passphrase, params, populate)
    return CreatedVault(path=path, feed=feed)


def write_identity(conn: Connection, who: NewIdentity, signing_key: keys.SignerKey) -> None:
    if who.role == "coordinator":
        organisation = who.organisation or _("Observer organisation")
        ca_key, ca_cert = create_organisation_ca(organisation)
        certificate = issue_certificate(
            ca_key, ca_cert, signing_key.public_key(), who.name, who.accreditation
        )
    else:
        certificate = self_signed_certificate(signing_key, who.name, who.accreditation)
    age_identity = generate_age_identity()
    identity = HolderIdentity(
        feed=keys.fingerprint(signing_key.public_key()),
        role=who.role,
        signing_key=signing_key,
        certificate=certificate,
        age_identity=age_identity,
        default_tz=who.default_tz,
    )
    public_der = identity.public_key_der
    with Transaction(conn):
        save_identity(conn, identity)
        if who.role == "coordinator":
            save_organisation_ca(conn, ca_key, ca_cert)
        journal.append(
            conn,
            identity.author,
            IDENTITY_DECLARED,
            {
                "name": who.name.strip(),
                "role": who.role,
                "accreditation": who.accreditation,
                "public_key": base64.b64encode(public_der).decode("ascii"),
                "certificate": certificate_to_pem(certificate).decode("ascii"),
                "age_recipient": recipient_of(age_identity),
            },
            tz=who.default_tz,
            public_key_der=public_der,
        )
