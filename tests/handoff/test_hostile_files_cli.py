"""Hostile files on the stick refused through `observer-cli` as a user meets them: one line, exit 1
("not valid"), the vault unchanged, never "internal error" (exit 70).

The files are real: a pax archive encrypted with real pyrage to the coordinator, and an
enrollment request or setup package written by the real code, then changed the way a malicious
sender would (a public key or certificate on a curve OpenSSL does not support, which makes
`cryptography` raise UnsupportedAlgorithm, not a ValueError).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pyrage
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyrage import x25519

from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.canonical_json import canonicalize_signed
from observer_app.handoff.documents import seal, unseal
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook.session import LogbookSession
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import dump_path

P256_OID = bytes.fromhex("06082a8648ce3d030107")  # 1.2.840.10045.3.1.7
UNSUPPORTED_OID = bytes.fromhex("06082a8648ce3d030102")  # 1.2.840.10045.3.1.2, prime192v2


def on_unsupported_curve(der: bytes) -> bytes:
    """The same DER with the P-256 curve OID swapped for one of equal length OpenSSL lacks."""
    assert der.count(P256_OID) == 1
    return der.replace(P256_OID, UNSUPPORTED_OID)


def unsupported_curve_key() -> str:
    """A base64 SubjectPublicKeyInfo naming an unsupported curve, as documents carry keys."""
    der = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(on_unsupported_curve(der)).decode("ascii")


def cli_for(cli: Cli, session: LogbookSession) -> Cli:
    """The CLI fixture (its passphrase file) bound to a vault made by `make_session`."""
    return dataclasses.replace(cli, vault=session.vault.path)


def rewrite_document(data: bytes, change: Any, signer: keys.SignerKey) -> bytes:
    """The envelope with `change(document)` applied, signed again by `signer` (its author), so
    that only the change itself can make it invalid."""
    document = json.loads(data)["document"]
    change(document)
    signature = base64.b64encode(keys.sign(signer, canonicalize_signed(document))).decode()
    return canonicalize_signed({"document": document, "signature": signature})


def assert_refused(result: Any, message: str) -> None:
    assert result.code == 1, result.err
    assert result.err == f"error: {message}\n"


def test_a_pax_size_of_5000_digits_is_a_damaged_bundle(
    coordinator: LogbookSession, cli: Cli, stick: Path
) -> None:
    """int() refuses more than 4300 digits with a ValueError; that escaped as exit 70."""
    info = tarfile.TarInfo("manifest.json")
    info.size = 2
    info.pax_headers = {"size": "9" * 5000}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(b"{}"))
    recipient = x25519.Recipient.from_str(recipient_of(coordinator.identity.age_identity))
    bundle = stick / "olb-crafted.age"
    bundle.write_bytes(pyrage.encrypt(buffer.getvalue(), [recipient]))
    coord = cli_for(cli, coordinator)
    before = dump_path(coord.vault, PASSPHRASE)

    result = coord("handoff", "import", str(bundle))

    assert result.code == 1, result.err
    assert result.out == "olb-crafted.age: refused: bundle damaged: invalid header\n"
    assert result.err == ""
    assert dump_path(coord.vault, PASSPHRASE) == before


def test_a_request_with_a_key_on_an_unsupported_curve_is_not_valid(
    coordinator: LogbookSession, make_session: Any, cli: Cli, stick: Path
) -> None:
    observer = make_session(name="Observer", folder="observer")
    request = write_request(observer, stick).path
    request.write_bytes(
        rewrite_document(
            request.read_bytes(),
            lambda d: d.update(public_key=unsupported_curve_key()),
            observer.identity.signing_key,
        )
    )
    coord = cli_for(cli, coordinator)
    before = dump_path(coord.vault, PASSPHRASE)

    result = coord("enroll", "issue", str(request), "--out", str(stick))

    assert_refused(
        result,
        "the enrollment request is not valid: the document holds a public key that is not P-256",
    )
    assert dump_path(coord.vault, PASSPHRASE) == before


def _crafted_package(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path, change: Any
) -> Path:
    """A real setup package for `observer`, unsealed, changed by `change`, sealed again."""
    request = write_request(observer, stick).path
    package = issue_package(coordinator, request, stick).path
    age_identity = observer.identity.age_identity
    plain = unseal(package.read_bytes(), age_identity, "not for this observer")
    changed = rewrite_document(plain, change, coordinator.identity.signing_key)
    package.write_bytes(seal(changed, recipient_of(age_identity)))
    return package


def test_a_package_with_a_coordinator_key_on_an_unsupported_curve_is_not_valid(
    coordinator: LogbookSession, make_session: Any, cli: Cli, stick: Path
) -> None:
    observer = make_session(name="Observer", folder="observer")
    package = _crafted_package(
        coordinator,
        observer,
        stick,
        lambda d: d["coordinator"].update(public_key=unsupported_curve_key()),
    )
    obs = cli_for(cli, observer)
    before = dump_path(obs.vault, PASSPHRASE)

    result = obs("enroll", "accept", str(package), "--fingerprint", coordinator.identity.feed)

    assert_refused(
        result,
        "the setup package is not valid: the document holds a public key that is not P-256",
    )
    assert dump_path(obs.vault, PASSPHRASE) == before


def test_a_package_whose_organisation_certificate_is_on_an_unsupported_curve_is_not_valid(
    coordinator: LogbookSession, make_session: Any, cli: Cli, stick: Path
) -> None:
    """The certificate parses (cryptography reads the key lazily); checking its signature then
    raised UnsupportedAlgorithm, which escaped as exit 70."""
    observer = make_session(name="Observer", folder="observer")

    def bad_ca(document: dict[str, Any]) -> None:
        pem = document["organisation_ca"].encode("ascii")
        der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        crafted = x509.load_der_x509_certificate(on_unsupported_curve(der))
        document["organisation_ca"] = crafted.public_bytes(serialization.Encoding.PEM).decode()

    package = _crafted_package(coordinator, observer, stick, bad_ca)
    obs = cli_for(cli, observer)
    before = dump_path(obs.vault, PASSPHRASE)

    result = obs("enroll", "accept", str(package), "--fingerprint", coordinator.identity.feed)

    assert_refused(
        result,
        "the setup package is not valid: the organisation certificate is not a certificate "
        "authority",
    )
    assert dump_path(obs.vault, PASSPHRASE) == before
