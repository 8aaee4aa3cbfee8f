"""X.509 certificates for signing keys: self-signed at first, later issued by the organisation CA.

There is no trusted timestamp offline, so certificates get a long validity and a notBefore set a
day back (a laptop clock a few hours off must not make a fresh signature look premature).
"""

from __future__ import annotations

import datetime as dt
import warnings

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from observer_app.crypto.keys import NotP256KeyError, SignerKey, VerifierKey

PERSON_VALIDITY = dt.timedelta(days=10 * 365)
CA_VALIDITY = dt.timedelta(days=20 * 365)
BACKDATE = dt.timedelta(days=1)


# RFC 5280's upper bound for names is 64 *characters*; cryptography checks 64 UTF-8 bytes,
# which a Kazakh or Russian full name (two bytes a letter) passes at about 32 letters.
NAME_CHARACTERS = 64


def _bounded(value: str) -> str:
    """A name cut to RFC 5280's bound (the full name stays in the signed identity event)."""
    return value if len(value) <= NAME_CHARACTERS else value[: NAME_CHARACTERS - 1] + "…"


def _text_attribute(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute[str]:
    """UTF8String, checked against the character bound ourselves (see NAME_CHARACTERS); the
    library's byte-count warning is about a bound RFC 5280 does not set, so it is silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return x509.NameAttribute(oid, _bounded(value), _ASN1Type.UTF8String, _validate=False)


def _name(common_name: str, accreditation: str | None, organisation: str | None) -> x509.Name:
    """Cyrillic anywhere: a serial number is PrintableString by default, which cannot hold the
    accreditation numbers commissions issue ("АК-123"), so every attribute is UTF8String."""
    attributes = [_text_attribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(_text_attribute(NameOID.ORGANIZATION_NAME, organisation))
    if accreditation:
        attributes.append(_text_attribute(NameOID.SERIAL_NUMBER, accreditation))
    return x509.Name(attributes)


def _person_builder(
    subject: x509.Name, issuer: x509.Name, public_key: VerifierKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + PERSON_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def self_signed_certificate(
    key: SignerKey, name: str, accreditation: str | None = None, *, now: dt.datetime | None = None
) -> x509.Certificate:
    now = now or dt.datetime.now(dt.UTC)
    subject = _name(name, accreditation, None)
    builder = _person_builder(subject, subject, key.public_key(), now)
    return builder.sign(key, hashes.SHA256())


def create_organisation_ca(
    organisation: str, *, now: dt.datetime | None = None
) -> tuple[SignerKey, x509.Certificate]:
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(organisation, None, organisation)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_certificate(
    ca_key: SignerKey,
    ca_cert: x509.Certificate,
    subject_key: VerifierKey,
    name: str,
    accreditation: str | None,
    *,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    now = now or dt.datetime.now(dt.UTC)
    organisation = _organisation_of(ca_cert)
    builder = _person_builder(
        _name(name, accreditation, organisation), ca_cert.subject, subject_key, now
    ).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
    )
    return builder.sign(ca_key, hashes.SHA256())


def _organisation_of(cert: x509.Certificate) -> str | None:
    values = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else None


def organisation_name(cert: x509.Certificate) -> str:
    """The organisation an organisation CA certificate names (its O, else its CN)."""
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = cert.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return cert.subject.rfc4514_string()


def certificate_to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_from_pem(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def is_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer` names and signed `cert`; False for anything that cannot be checked.

    A certificate from a stick is hostile: its key may be on a curve OpenSSL does not support
    (UnsupportedAlgorithm, not a ValueError), which is "not issued", never a crash.
    """
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def certificate_public_key(cert: x509.Certificate) -> VerifierKey:
    """The certificate's P-256 key, or NotP256KeyError (another algorithm, an unknown curve)."""
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise NotP256KeyError("not a P-256 public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise NotP256KeyError("not a P-256 public key")
    return key
