"""The vault holder's own identity: keys live only inside the encrypted database."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from observer_app.crypto import keys
from observer_app.crypto.certificates import certificate_from_pem, certificate_to_pem
from observer_app.vault.connection import Connection
from observer_app.vault.journal import Author


@dataclass(frozen=True)
class HolderIdentity:
    feed: str
    role: str
    signing_key: keys.SignerKey
    certificate: x509.Certificate
    age_identity: str
    default_tz: str

    @property
    def author(self) -> Author:
        return Author(feed=self.feed, key=self.signing_key)

    @property
    def public_key_der(self) -> bytes:
        return keys.public_key_der(self.signing_key.public_key())


def save_identity(conn: Connection, identity: HolderIdentity) -> None:
    conn.execute(
        "INSERT INTO identity (id, feed, role, signing_key, certificate, age_identity, default_tz)"
        " VALUES (1, ?, ?, ?, ?, ?, ?)",
        (
            identity.feed,
            identity.role,
            keys.private_key_to_pem(identity.signing_key),
            certificate_to_pem(identity.certificate),
            identity.age_identity,
            identity.default_tz,
        ),
    )


def load_identity(conn: Connection) -> HolderIdentity:
    row = conn.execute(
        "SELECT feed, role, signing_key, certificate, age_identity, default_tz FROM identity"
    ).fetchone()
    if row is None:
        raise LookupError("the vault has no identity")
    return HolderIdentity(
        feed=str(row[0]),
        role=str(row[1]),
        signing_key=keys.private_key_from_pem(bytes(row[2])),
        certificate=certificate_from_pem(bytes(row[3])),
        age_identity=str(row[4]),
        default_tz=str(row[5]),
    )


def update_certificate(conn: Connection, certificate: x509.Certificate) -> None:
    conn.execute("UPDATE identity SET certificate = ?", (certificate_to_pem(certificate),))


def save_organisation_ca(
    conn: Connection, key: keys.SignerKey, certificate: x509.Certificate
) -> None:
    conn.execute(
        "INSERT INTO organisation_ca (id, signing_key, certificate) VALUES (1, ?, ?)",
        (keys.private_key_to_pem(key), certificate_to_pem(certificate)),
    )


def load_organisation_ca(conn: Connection) -> tuple[keys.SignerKey, x509.Certificate] | None:
    row = conn.execute("SELECT signing_key, certificate FROM organisation_ca").fetchone()
    if row is None:
        return None
    return keys.private_key_from_pem(bytes(row[0])), certificate_from_pem(bytes(row[1]))


@dataclass(frozen=True)
class Person:
    feed: str
    name: str
    role: str
    accreditation: str | None
    age_recipient: str
    certificate_pem: bytes


def get_person(conn: Connection, feed: str) -> Person | None:
    row = conn.execute(
        "SELECT feed, name, role, accreditation, age_recipient, certificate FROM people"
        " WHERE feed = ?",
        (feed,),
    ).fetchone()
    if row is None:
        return None
    return Person(str(row[0]), str(row[1]), str(row[2]), row[3], str(row[4]), bytes(row[5]))
