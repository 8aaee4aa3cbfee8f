"""Signing keys and fingerprints: one P-256 key per person signs everything they author.

P-256 (not Ed25519) because poppler's `pdfsig` and NSS reject Ed25519 in PDF signatures, and the
same key signs journal events, manifests, receipts and PDFs.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

# Defined in core (the shells show fingerprints too); kept importable here for the layers below.
from observer_app.core.fingerprint import format_fingerprint as format_fingerprint

SignerKey = ec.EllipticCurvePrivateKey
VerifierKey = ec.EllipticCurvePublicKey


def generate_signing_key() -> SignerKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_key_der(public_key: VerifierKey) -> bytes:
    """DER SubjectPublicKeyInfo: the bytes a fingerprint is computed over."""
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class NotP256KeyError(ValueError):
    """The bytes are not a P-256 public key: malformed, another algorithm or another curve.

    A ValueError, so that every caller that refuses malformed keys refuses these too; it also
    stands for cryptography's UnsupportedAlgorithm (a curve OpenSSL does not know), which is not
    a ValueError and used to escape those callers as an internal error.
    """


def load_public_key_der(der: bytes) -> VerifierKey:
    """The P-256 key in DER SubjectPublicKeyInfo bytes, or NotP256KeyError."""
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        raise NotP256KeyError("not a P-256 public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise NotP256KeyError("not a P-256 public key")
    return key


def fingerprint(public_key: VerifierKey) -> str:
    """Machine form of a person's fingerprint (and feed id): 64 lowercase hex digits."""
    return hashlib.sha256(public_key_der(public_key)).hexdigest()


def normalize_fingerprint(text: str) -> str:
    """Accept a fingerprint typed in groups, any case; return the machine form."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch not in ":-").lower()
    if len(digits) != 64 or any(ch not in "0123456789abcdef" for ch in digits):
        raise ValueError("a fingerprint has 64 hex digits")
    return digits


def sign(key: SignerKey, data: bytes) -> bytes:
    """DER-encoded ECDSA P-256 / SHA-256 signature."""
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify(public_key: VerifierKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def private_key_to_pem(key: SignerKey) -> bytes:
    """PKCS#8 without a password: these bytes only ever live inside the encrypted database."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(pem: bytes) -> SignerKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("not an EC private key")
    return key
