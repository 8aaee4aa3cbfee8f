"""Whole import pipelines on mutated real artifacts, against real vaults.

Artifacts are built once per module (enrolled observer, exported bundle, receipt, setup
package, enrollment request) and mutated two ways: the bytes on the stick (age ciphertext),
and the plaintext inside re-encrypted to the right recipient (which reaches the tar reader, the
manifest and event parsers, and the document readers behind age). Each case must end in
success or a documented refusal (a refused ImportOutcome; an ObserverError with a one-line
message), and a refusal must leave the vault exactly as it was (every row of every table and
the blob files, `handoff_support.dump`).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrage import x25519

from observer_app.crypto.age_keys import recipient_of
from observer_app.errors import ObserverError
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.handoff.bundle.receipts import accept_receipt, write_receipt
from observer_app.handoff.documents import sign_document
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.package import read_package
from observer_app.handoff.enroll.request import read_request, write_request
from observer_app.handoff.parts.names import part_name
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault
from tests.conftest import PASSPHRASE
from tests.fuzz.fuzz_support import examples, mutations
from tests.handoff.handoff_support import add_notes, dump, enroll


@dataclass(repr=False)
class World:
    coordinator: LogbookSession
    observer: LogbookSession
    stick: Path
    bundle: bytes  # the one part of a real bundle, as on the stick
    bundle_plain: bytes  # its decrypted tar stream
    receipt_plain: bytes  # a real receipt for that bundle, before sealing
    request: bytes  # a real (unsealed) enrollment request

    def __repr__(self) -> str:  # keeps a falsifying example's report readable
        return "World()"


def _session(root: Path, name: str, role: str) -> LogbookSession:
    init_vault(root / name, PASSPHRASE, NewIdentity(name=name, role=role), KdfParams.for_tests())
    return LogbookSession(open_vault(root / name, PASSPHRASE))


def _decrypt(data: bytes, session: LogbookSession) -> bytes:
    identity = x25519.Identity.from_str(session.identity.age_identity.strip())
    return pyrage.decrypt(data, [identity])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("pipeline")
    coordinator = _session(root, "coordinator", "coordinator")
    observer = _session(root, "observer", "observer")
    enroll(coordinator, observer, root / "enroll")
    add_notes(observer, 3)
    stick = root / "stick"
    stick.mkdir()
    [part] = export_bundle(observer, stick).paths
    bundle = part.read_bytes()
    part.unlink()
    outcome = import_bundle(coordinator, [_write(stick, bundle)])
    assert outcome.status == "accepted"
    receipt_path = write_receipt(
        coordinator,
        stick,
        author=outcome.author or "",
        bundle_id=outcome.bundle_id or "",
        up_to_seq=outcome.head_seq or 0,
        head_hash=outcome.head_hash or "",
        media=outcome.receipt_media,
        receipt_id=outcome.receipt_id or "",
    )
    receipt_plain = _decrypt(receipt_path.read_bytes(), observer)
    receipt_path.unlink()
    request_path = write_request(observer, stick).path
    request = request_path.read_bytes()
    request_path.unlink()
    add_notes(observer, 2, prefix="later")  # so that a bundle can also bring new events
    yield World(
        coordinator, observer, stick, bundle, _decrypt(bundle, coordinator), receipt_plain, request
    )
    coordinator.close()
    observer.close()


def _write(folder: Path, data: bytes) -> Path:
    path = folder / part_name(secrets.token_hex(8), 1, 1)
    path.write_bytes(data)
    return path


def _sealed(data: bytes, session: LogbookSession) -> bytes:
    return pyrage.encrypt(
        data, [x25519.Recipient.from_str(recipient_of(session.identity.age_identity))]
    )


def _imports_or_refuses(world: World, data: bytes) -> None:
    before = dump(world.coordinator)
    path = _write(world.stick, data)
    try:
        outcome = import_bundle(world.coordinator, [path])
    finally:
        path.unlink()
    if not outcome.ok:
        assert outcome.reason and "\n" not in outcome.reason and outcome.reason_code
        assert dump(world.coordinator) == before


@settings(max_examples=examples(60))
@given(st.data())
def test_mutated_bundle_parts_are_imported_or_refused(world: World, data: st.DataObject) -> None:
    _imports_or_refuses(world, data.draw(mutations(world.bundle)))


@settings(max_examples=examples(200))
@given(st.data())
def test_mutated_bundle_contents_are_imported_or_refused(world: World, data: st.DataObject) -> None:
    plain = data.draw(mutations(world.bundle_plain))
    _imports_or_refuses(world, _sealed(plain, world.coordinator))


def _refuses_cleanly(session: LogbookSession, action: Callable[[], object]) -> None:
    before = dump(session)
    try:
        action()
    except ObserverError as error:
        assert error.message and "\n" not in error.message
        assert dump(session) == before


@settings(max_examples=examples(120))
@given(st.data())
def test_mutated_receipts_are_accepted_or_refused(world: World, data: st.DataObject) -> None:
    sealed = data.draw(
        st.one_of(
            mutations(world.receipt_plain).map(lambda plain: _sealed(plain, world.observer)),
            mutations(_sealed(world.receipt_plain, world.observer)),
        )
    )
    path = world.stick / "receipt.age"
    path.write_bytes(sealed)
    _refuses_cleanly(world.observer, lambda: accept_receipt(world.observer, path))


@settings(max_examples=examples(100))
@given(st.data())
def test_mutated_enrollment_requests_are_read_or_refused(world: World, data: st.DataObject) -> None:
    request = data.draw(
        st.one_of(
            mutations(world.request),
            mutations(world.request).map(lambda plain: _sealed(plain, world.coordinator)),
        )
    )
    path = world.stick / "request.json"
    path.write_bytes(request)
    identity = world.coordinator.identity.age_identity
    _refuses_cleanly(world.coordinator, lambda: read_request(path, identity))


@settings(max_examples=examples(60))
@given(
    st.sampled_from(["stations", "mission"]),
    st.sampled_from([[1], ["x"], [None], [[]], 5, "x", {"name": "m", "candidates": [5]}]),
)
def test_setup_packages_with_hostile_fields_are_read_or_refused(
    world: World, name: str, value: object
) -> None:
    """Signed by the real coordinator key: only the data is hostile."""
    request = world.stick / "request.json"
    request.write_bytes(world.request)
    package = issue_package(world.coordinator, request, world.stick, ())
    envelope = json.loads(_decrypt(package.path.read_bytes(), world.observer))
    document = envelope["document"]
    if name == "mission" and isinstance(value, dict):
        value = {"date": "2024-03-17", "against_all": False, **value}
    document[name] = value
    content = {k: v for k, v in document.items() if k not in ("type", "v")}
    signed = sign_document(world.coordinator.identity.signing_key, document["type"], content)
    package.path.write_bytes(_sealed(signed, world.observer))
    _refuses_cleanly(world.observer, lambda: read_package(package.path, world.observer))
