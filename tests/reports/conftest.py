"""Keys, certificates and NSS databases for the PDF signing tests.

Certificates carry the extensions a real deployment needs for poppler/NSS to accept them
(key usage on the leaf, basic constraints and keyCertSign on the CA), so that a test passing here
means `pdfsig` would accept the organisation's real certificates built the same way.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Identity:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Observer Logbook tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _signing_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


SIGNING_KEY_USAGE = _signing_key_usage()


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def make_self_signed(common_name: str) -> Identity:
    """An unenrolled observer: a P-256 key with a self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name)
    cert = (
        _builder(subject, subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SIGNING_KEY_USAGE, critical=True)
        .sign(key, hashes.SHA256())
    )
    return Identity(key=key, cert=cert)


def make_ca(common_name: str) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name)
    cert = (
        _builder(subject, subject, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Identity(key=key, cert=cert)


def make_leaf(
    ca: Identity, common_name: str, key_usage: x509.KeyUsage | None = SIGNING_KEY_USAGE
) -> Identity:
    """An enrolled observer: a P-256 key whose certificate the organisation CA issued
    (with the given key usage extension, or none at all when `key_usage` is None)."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        _builder(_name(common_name), ca.cert.subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    cert = builder.sign(ca.key, hashes.SHA256())
    return Identity(key=key, cert=cert, chain=(ca.cert,))


class Pki:
    """Factory handed to tests that need extra identities (a stranger CA, an attacker)."""

    self_signed = staticmethod(make_self_signed)
    ca = staticmethod(make_ca)
    leaf = staticmethod(make_leaf)


@pytest.fixture(scope="session")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="session")
def self_signed() -> Identity:
    return make_self_signed("Айгерим Сәрсенова")


@pytest.fixture(scope="session")
def org_ca() -> Identity:
    return make_ca("Observer Org CA")


@pytest.fixture(scope="session")
def enrolled(org_ca: Identity) -> Identity:
    return make_leaf(org_ca, "Ерлан Қасымов")


def make_nss_db(directory: Path, trusted_ca: x509.Certificate | None = None) -> str:
    """A fresh NSS database for `pdfsig -nssdir` (never the user's ~/.pki), optionally trusting
    `trusted_ca` for signing ("CT,C,C")."""
    directory.mkdir(parents=True, exist_ok=True)
    nssdir = f"sql:{directory}"
    subprocess.run(
        ["certutil", "-N", "--empty-password", "-d", nssdir], check=True, capture_output=True
    )
    if trusted_ca is not None:
        ca_pem = directory / "org-ca.pem"
        ca_pem.write_bytes(trusted_ca.public_bytes(serialization.Encoding.PEM))
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                nssdir,
                "-n",
                "Observer Org CA",
                "-t",
                "CT,C,C",
                "-a",
                "-i",
                str(ca_pem),
            ],
            check=True,
            capture_output=True,
        )
    return nssdir


@pytest.fixture(scope="session")
def empty_nssdir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_nss_db(tmp_path_factory.mktemp("nss-empty"))


@pytest.fixture(scope="session")
def org_nssdir(tmp_path_factory: pytest.TempPathFactory, org_ca: Identity) -> str:
    return make_nss_db(tmp_path_factory.mktemp("nss-org"), org_ca.cert)
