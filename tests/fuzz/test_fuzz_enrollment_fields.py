"""Enrollment documents re-signed by their real signer with one field made hostile.

Byte mutations (test_fuzz_enrollment.py) almost never get past the signature, so the checks
behind it (the fields' types and sizes, keys, certificates, the certificate the coordinator
issues from the request) see little of them. Here the real signer signs the hostile document,
as a malicious observer (their own request) or a compromised or buggy coordinator program (its
package) could: each case is issued or accepted, or refused as not valid (exit 1) with one line,
and a refusal leaves the vault exactly as it was.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from observer_app.handoff.documents import sign_document
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.package import PACKAGE_TYPE
from observer_app.handoff.enroll.request import REQUEST_TYPE
from tests.fuzz.fuzz_support import examples, refuses_cleanly, sealed_to, unsealed
from tests.fuzz.test_fuzz_enrollment import NOT_VALID, World, build_world, on_stick
from tests.reports.conftest import make_self_signed


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("enrollment-fields"))
    yield built
    built.coordinator.close()
    built.observer.close()


# Values a hostile document puts where a reader expects something else: every JSON type, the
# edges of the signable integer range, empty, blank, control and oversized text, deep nesting.
HOSTILE_JSON: st.SearchStrategy[object] = st.one_of(
    st.sampled_from(
        [None, True, False, 0, -1, 2**53 - 1, -(2**53 - 1), "", " ", "\x00", "\u202e", [], {}]
    ),
    st.sampled_from(["A" * 65, "Ж" * 300, "x" * 100_000, "\n".join(["line"] * 3)]),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    st.text(max_size=40),
    st.integers(min_value=1, max_value=200).map(lambda depth: _nested(depth)),
    st.lists(st.text(max_size=8), max_size=4),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)


def _nested(depth: int) -> object:
    value: object = []
    for _level in range(depth):
        value = [value]
    return value


def _spki(curve_oid: str, point: bytes) -> bytes:
    def tlv(tag: int, body: bytes) -> bytes:
        return bytes([tag, len(body)]) + body

    ec_public_key = bytes.fromhex("2a8648ce3d0201")
    algorithm = tlv(0x30, tlv(0x06, ec_public_key) + tlv(0x06, bytes.fromhex(curve_oid)))
    return tlv(0x30, algorithm + tlv(0x03, b"\x00" + point))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _other_public_keys() -> list[str]:
    def der(key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
        return key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)

    return [
        _b64(_spki("2b81040001", b"\x04" + bytes(range(1, 43)))),  # sect163k1: not in OpenSSL
        _b64(der(ec.generate_private_key(ec.SECP384R1()))),
        _b64(der(ec.generate_private_key(ec.SECP256K1()))),
        _b64(der(ed25519.Ed25519PrivateKey.generate())),
        _b64(b"\x30\x03\x02\x01\x00"),
        "not base64!",
    ]


def _other_certificates() -> list[str]:
    stranger = make_self_signed("Stranger").cert
    body = base64.encodebytes(b"\x30\x82\x01\x00" + bytes(16)).decode("ascii")
    return [
        stranger.public_bytes(Encoding.PEM).decode("ascii"),
        f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    ]


REQUEST_FIELDS: list[tuple[str, ...]] = [
    (name,) for name in ("type", "v", "request_id", "created_utc", "feed", "name", "accreditation")
] + [("public_key",), ("age_recipient",), ("extra",)]
PACKAGE_FIELDS: list[tuple[str, ...]] = [
    ("v",),
    ("package_id",),
    ("request_id",),
    ("coordinator",),
    ("coordinator", "feed"),
    ("coordinator", "name"),
    ("coordinator", "public_key"),
    ("coordinator", "certificate"),
    ("coordinator", "age_recipient"),
    ("organisation_ca",),
    ("observer",),
    ("observer", "feed"),
    ("observer", "certificate"),
    ("mission",),
    ("mission", "name"),
    ("mission", "candidates"),
    ("stations",),
    ("stations", "0"),
    ("stations", "0", "code"),
]


def _with_field(document: Any, path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A deep copy of `document` whose field at `path` is `value` (made where missing)."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    parent: Any = copy
    for step in path[:-1]:
        if isinstance(parent, list):
            if not parent:
                parent.append({})
            parent = parent[int(step)]
            continue
        if not isinstance(parent.get(step), (dict, list)):
            parent[step] = [] if step == "stations" else {}
        parent = parent[step]
    if isinstance(parent, list):
        parent[:1] = [value]
    else:
        parent[path[-1]] = value
    return copy


def _values() -> st.SearchStrategy[object]:
    return st.one_of(
        HOSTILE_JSON,
        st.sampled_from(_other_public_keys()),
        st.sampled_from(_other_certificates()),
    )


def _resigned(key: Any, kind: str, document: dict[str, Any]) -> bytes:
    try:
        return sign_document(key, kind, document)
    except ValueError:  # not signable at all (e.g. nested deeper than canonical JSON allows)
        reject()


def _document(envelope: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(envelope)["document"]
    return document


@settings(max_examples=examples(150))
@given(st.sampled_from(REQUEST_FIELDS), _values())
def test_requests_with_hostile_fields_are_issued_or_refused(
    world: World, path: tuple[str, ...], value: object
) -> None:
    document = _with_field(_document(world.request), path, value)
    request = _resigned(world.observer.identity.signing_key, REQUEST_TYPE, document)
    file = on_stick(world, request, "hostile-request.json")
    out = world.stick / "issued"
    out.mkdir(exist_ok=True)
    issued: list[Path] = []
    refuses_cleanly(
        world.coordinator,
        lambda: issued.append(issue_package(world.coordinator, file, out, replace=True).path),
        NOT_VALID,
    )
    for package in issued:
        package.unlink()


@settings(max_examples=examples(150))
@given(st.sampled_from(PACKAGE_FIELDS), _values())
def test_packages_with_hostile_fields_are_accepted_or_refused(
    world: World, path: tuple[str, ...], value: object
) -> None:
    plain = unsealed(world.package, world.observer)
    document = _with_field(_document(plain), path, value)
    package = _resigned(world.coordinator.identity.signing_key, PACKAGE_TYPE, document)
    file = on_stick(world, sealed_to(package, world.observer), "hostile-setup.age")
    refuses_cleanly(world.observer, lambda: accept_package(world.observer, file), NOT_VALID)
